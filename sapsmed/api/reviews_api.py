"""API over reviews (read by role holders) and their frozen snapshots (published ones public), with file links."""

from django.urls import reverse
from rest_framework import serializers, viewsets

from sapsmed.accounts.policy import Perm, can
from sapsmed.api.permissions import PublicRead, SignedInWithRole
from sapsmed.reviews.models import Review, Snapshot


def _file_url(request, name: str, obj, kind: str) -> str | None:
    if not getattr(obj, kind):
        return None
    url = reverse(name, args=[obj.pk, kind])
    return request.build_absolute_uri(url) if request is not None else url


class ReviewSerializer(serializers.ModelSerializer):
    plan_version = serializers.IntegerField(source="plan_version.number", read_only=True)
    first_round = serializers.SlugRelatedField(slug_field="name", read_only=True)
    last_round = serializers.SlugRelatedField(slug_field="name", read_only=True)
    snapshots = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "kind", "title", "cut_off", "plan_version", "kpi_year_from", "kpi_year_to",
                  "first_round", "last_round", "findings", "recommendations", "generated_at", "pdf_url", "xlsx_url",
                  "snapshots", "created_at"]

    def get_pdf_url(self, review) -> str | None:
        return _file_url(self.context.get("request"), "review_file", review, "pdf")

    def get_xlsx_url(self, review) -> str | None:
        return _file_url(self.context.get("request"), "review_file", review, "xlsx")


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Reviews of the plan (mid-term, final, ad hoc) with their generated PDF and workbook."""

    queryset = (Review.objects.select_related("plan_version", "first_round", "last_round")
                .prefetch_related("snapshots").order_by("-cut_off", "pk"))
    serializer_class = ReviewSerializer
    permission_classes = [SignedInWithRole]
    filterset_fields = ["kind"]


class SnapshotSerializer(serializers.ModelSerializer):
    review = serializers.PrimaryKeyRelatedField(read_only=True)
    review_title = serializers.CharField(source="review.title", read_only=True)
    checksum = serializers.CharField(read_only=True, help_text="SHA-256 of the frozen content")
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = Snapshot
        fields = ["id", "review", "review_title", "label", "tabled_on", "checksum", "published", "pdf_url",
                  "xlsx_url", "created_at"]

    def get_pdf_url(self, snap) -> str | None:
        return _file_url(self.context.get("request"), "snapshot_file", snap, "pdf")

    def get_xlsx_url(self, snap) -> str | None:
        return _file_url(self.context.get("request"), "snapshot_file", snap, "xlsx")


class SnapshotViewSet(viewsets.ReadOnlyModelViewSet):
    """Snapshots as tabled: published ones for everyone, all of them for role holders."""

    serializer_class = SnapshotSerializer
    permission_classes = [PublicRead]
    filterset_fields = ["review", "published"]
    queryset = Snapshot.objects.none()  # for the schema generator; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Snapshot.objects.none()
        snaps = Snapshot.objects.select_related("review").defer("content", "review__content").order_by("-tabled_on",
                                                                                                       "pk")
        return snaps if can(self.request.user, Perm.DASHBOARD_VIEW) else snaps.filter(published=True)

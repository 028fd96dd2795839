"""API over KPI values: observations (read by all; entered and validated by focal points and the Secretariat),
targets, and each KPI × state assessment exactly as the scorecard computes it."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from sapsmed.accounts.bounds import api_field
from sapsmed.accounts.policy import Perm, can
from sapsmed.api.errors import CodeField, field_errors
from sapsmed.api.permissions import PublicRead, PublicReadScopedWrite
from sapsmed.kpis import selectors, services
from sapsmed.kpis.models import OBSERVATION_BOUNDS as OBS
from sapsmed.kpis.models import REASON_BOUNDS, Kpi, Observation, ObservationStatus, Target
from sapsmed.plan.models import MemberState

API_REASON = "Entered through the API"


class ObservationSerializer(serializers.ModelSerializer):
    kpi = serializers.SlugRelatedField(read_only=True, slug_field="code")
    state = serializers.SlugRelatedField(read_only=True, slug_field="iso3")
    import_batch = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Observation
        fields = ["id", "kpi", "state", "year", "value", "se", "ci_low", "ci_high", "status", "source", "note",
                  "confidence", "source_file", "source_row", "import_batch", "estimate_ref", "provenance",
                  "created_at", "updated_at"]


class ObservationCorrectionSerializer(serializers.Serializer):
    """The facts of a value, as the entry form takes them; `reason` is required to correct a recorded value."""

    value = api_field(OBS["value"])
    source = api_field(OBS["source"], help_text="Required: the publication, table or URL.")
    note = api_field(OBS["note"], required=False, allow_blank=True, default="")
    se = api_field(OBS["se"], required=False, allow_null=True, default=None)
    ci_low = api_field(OBS["ci_low"], required=False, allow_null=True, default=None)
    ci_high = api_field(OBS["ci_high"], required=False, allow_null=True, default=None)
    reason = api_field(REASON_BOUNDS, required=False, allow_blank=True, default="",
                       help_text="Why the value is corrected; kept in its history.")


class ObservationEntrySerializer(ObservationCorrectionSerializer):
    kpi = CodeField(queryset=Kpi.objects.all(), slug_field="code")
    state = CodeField(queryset=MemberState.objects.all(), slug_field="iso3")
    year = serializers.IntegerField(min_value=0, max_value=32767)


def _field_of(message: str) -> str | None:
    """The input field an observation problem (sapsmed.kpis.rules / services) is about."""
    text = message.lower()
    for words, name in (("the value:", "value"), ("the note:", "note"), ("interval's high end", "ci_high"),
                        ("source", "source"), ("standard error", "se"), ("confidence interval", "ci_low"),
                        ("years accepted", "year"), ("correction needs a reason", "reason")):
        if words in text:
            return name
    return "value"


class ObservationFilter(filters.FilterSet):
    kpi = filters.CharFilter(field_name="kpi__code", help_text="KPI code, e.g. KPI-D1")
    state = filters.CharFilter(field_name="state__iso3", help_text="ISO 3166 alpha-3 code, e.g. MYS")
    year_from = filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = filters.NumberFilter(field_name="year", lookup_expr="lte")
    status = filters.ChoiceFilter(choices=ObservationStatus.choices)

    class Meta:
        model = Observation
        fields = ["kpi", "state", "year_from", "year_to", "status"]


class ObservationViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """KPI values with their provenance. A focal point enters and corrects its own state's values, the
    Secretariat any state's, through the same service and checks as the entry page."""

    queryset = (Observation.objects.select_related("kpi", "state")
                .defer("import_batch__content").order_by("kpi__order", "state__iso3", "year"))
    serializer_class = ObservationSerializer
    permission_classes = [PublicReadScopedWrite]
    write_perm = Perm.KPI_EDIT
    filterset_class = ObservationFilter

    def _record(self, *, kpi, state, year, data) -> Observation:
        if not can(self.request.user, Perm.KPI_EDIT, state=state.iso3):
            raise PermissionDenied(f"You may not enter KPI values for {state.name}.")
        try:
            return services.observation_record(
                kpi=kpi, state=state, year=year, value=data["value"], source=data["source"], user=self.request.user,
                reason=data["reason"].strip() or API_REASON, se=data["se"], ci_low=data["ci_low"],
                ci_high=data["ci_high"], provenance={"note": data["note"], "confidence": "confirmed", "via": "api"})
        except DjangoValidationError as error:
            raise field_errors(error.messages, _field_of) from None

    @extend_schema(request=ObservationEntrySerializer, responses={201: ObservationSerializer})
    def create(self, request, *args, **kwargs):
        entry = ObservationEntrySerializer(data=request.data)
        entry.is_valid(raise_exception=True)
        data = entry.validated_data
        existing = Observation.objects.filter(kpi=data["kpi"], state=data["state"], year=data["year"]).exists()
        if existing and not data["reason"].strip() and can(request.user, Perm.KPI_EDIT, state=data["state"].iso3):
            raise serializers.ValidationError(
                {"reason": [f"{data['year']} already has a value; say why it is corrected."]})
        obs = self._record(kpi=data["kpi"], state=data["state"], year=data["year"], data=data)
        code = status.HTTP_201_CREATED if obs.outcome == "created" else status.HTTP_200_OK
        return Response(ObservationSerializer(obs).data, status=code)

    @extend_schema(request=ObservationCorrectionSerializer, responses={200: ObservationSerializer})
    def update(self, request, *args, **kwargs):
        obs = self.get_object()
        current = {"value": obs.value, "source": obs.source, "note": obs.note, "se": obs.se, "ci_low": obs.ci_low,
                   "ci_high": obs.ci_high}
        body = request.data if isinstance(request.data, dict) else {}
        partial = kwargs.get("partial", False)
        correction = ObservationCorrectionSerializer(data={**current, **body} if partial else body)
        correction.is_valid(raise_exception=True)
        if not correction.validated_data["reason"].strip() and can(request.user, Perm.KPI_EDIT, state=obs.state.iso3):
            raise serializers.ValidationError({"reason": [f"{obs.year} already has a value; say why it is corrected."]})
        obs = self._record(kpi=obs.kpi, state=obs.state, year=obs.year, data=correction.validated_data)
        return Response(ObservationSerializer(obs).data)

    @extend_schema(request=None, responses={200: ObservationSerializer})
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Mark the value as validated (the state's focal point or the Secretariat)."""
        obs = self.get_object()
        if not can(request.user, Perm.KPI_EDIT, state=obs.state.iso3):
            raise PermissionDenied(f"You may not validate KPI values for {obs.state.name}.")
        try:
            obs = services.observation_validate(observation=obs, user=request.user)
        except DjangoValidationError as error:  # its scorecard cell could not be recomputed: nothing was saved
            raise serializers.ValidationError({"non_field_errors": error.messages}) from None
        return Response(ObservationSerializer(obs).data)


class TargetSerializer(serializers.ModelSerializer):
    kpi = serializers.SlugRelatedField(read_only=True, slug_field="code")
    state = serializers.SlugRelatedField(read_only=True, slug_field="iso3", allow_null=True,
                                         help_text="null for the regional (ASEAN) target")

    class Meta:
        model = Target
        fields = ["id", "kpi", "state", "value", "year", "set_by", "decided", "source", "note", "recorded_at"]


class TargetFilter(filters.FilterSet):
    kpi = filters.CharFilter(field_name="kpi__code")
    state = filters.CharFilter(field_name="state__iso3")
    regional = filters.BooleanFilter(field_name="state", lookup_expr="isnull")

    class Meta:
        model = Target
        fields = ["kpi", "state", "regional"]


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """KPI targets (regional, or for one state); set on the KPI pages."""

    queryset = Target.objects.select_related("kpi", "state").order_by("kpi__order", "state__iso3", "pk")
    serializer_class = TargetSerializer
    permission_classes = [PublicRead]
    filterset_class = TargetFilter


class AssessmentSerializer(serializers.Serializer):
    """One KPI in one state as the scorecard shows it (sapsmed.core.achievement via kpis.selectors)."""

    kpi = serializers.CharField(source="kpi.code")
    state = serializers.CharField(source="state.iso3")
    status = serializers.CharField(source="status.value")
    reason = serializers.CharField(source="assessment.reason")
    baseline_year = serializers.IntegerField(source="assessment.baseline.year", allow_null=True, default=None)
    baseline_value = serializers.FloatField(source="assessment.baseline.value", allow_null=True, default=None)
    latest_year = serializers.IntegerField(source="assessment.latest.year", allow_null=True, default=None)
    latest_value = serializers.FloatField(source="assessment.latest.value", allow_null=True, default=None)
    target_value = serializers.FloatField(source="assessment.target.value", allow_null=True, default=None)
    target_year = serializers.IntegerField(source="assessment.target.year", allow_null=True, default=None)
    absolute_change = serializers.FloatField(source="assessment.absolute_change", allow_null=True)
    relative_change = serializers.FloatField(source="assessment.relative_change", allow_null=True)
    in_good_direction = serializers.BooleanField(source="assessment.in_good_direction", allow_null=True)
    progress = serializers.FloatField(source="assessment.progress", allow_null=True)
    expected_progress = serializers.FloatField(source="assessment.expected_progress", allow_null=True)
    target_problem = serializers.CharField()


@extend_schema(parameters=[OpenApiParameter("kpi", str, description="KPI code, e.g. KPI-D1"),
                           OpenApiParameter("state", str, description="ISO alpha-3 code, e.g. MYS")])
class AssessmentViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Status of every KPI in every state (`?kpi=KPI-D1`, `?state=MYS`), computed once by the scorecard's selector."""

    serializer_class = AssessmentSerializer
    permission_classes = [PublicRead]
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        board = selectors.scorecard()
        kpi = self.request.query_params.get("kpi", "").upper()
        state = self.request.query_params.get("state", "").upper()
        return [cell for _, row in board["rows"] for cell in row
                if (not kpi or cell.kpi.code == kpi) and (not state or cell.state.iso3 == state)]

"""API over survey evidence: estimate runs and their design-based estimates (public once computed), and
survey designs (for those who manage them: the Secretariat, a focal point for its own state's surveys)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from sapsmed.api.permissions import PublicRead, SurveyManagers
from sapsmed.surveys.models import Estimate, EstimateRun, RunStatus, Survey
from sapsmed.surveys.views import may_manage


class EstimateSerializer(serializers.ModelSerializer):
    run = serializers.PrimaryKeyRelatedField(read_only=True)
    survey = serializers.CharField(source="run.survey.name", read_only=True)
    state = serializers.SlugRelatedField(read_only=True, slug_field="iso3", allow_null=True)
    domain = serializers.JSONField(help_text="[column, value] pairs of the domain")
    deff = serializers.FloatField(allow_null=True, help_text="design effect")
    n = serializers.IntegerField(help_text="unweighted number of records")

    class Meta:
        model = Estimate
        fields = ["id", "run", "survey", "position", "statistic", "variable", "domain", "state", "value", "se",
                  "ci_low", "ci_high", "deff", "n", "computed_at"]


class RunSerializer(serializers.ModelSerializer):
    survey = serializers.CharField(source="survey.name", read_only=True)
    survey_id = serializers.IntegerField(read_only=True)
    dataset = serializers.CharField(source="dataset.original_name", read_only=True)
    synthetic = serializers.BooleanField(source="dataset.is_synthetic", read_only=True)
    estimates = serializers.SerializerMethodField()

    class Meta:
        model = EstimateRun
        fields = ["id", "survey", "survey_id", "dataset", "synthetic", "by", "statistics", "design", "notes",
                  "status", "message", "created_at", "computed_at", "estimates"]

    @extend_schema_field(EstimateSerializer(many=True))
    def get_estimates(self, run):
        if run.status != RunStatus.DONE:
            return []
        return EstimateSerializer(run.estimates.all(), many=True).data


class EstimateRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Estimate runs of the surveys, each with its estimates once computed (public, as on the run pages)."""

    queryset = (EstimateRun.objects.select_related("survey", "dataset")
                .prefetch_related(Prefetch("estimates",
                                           queryset=Estimate.objects.select_related("state", "run__survey")))
                .order_by("-created_at", "-pk"))
    serializer_class = RunSerializer
    permission_classes = [PublicRead]
    filterset_fields = ["survey", "status"]


class EstimateViewSet(viewsets.ReadOnlyModelViewSet):
    """Computed estimates: value, standard error, 95% CI, design effect and n per domain."""

    queryset = (Estimate.objects.filter(run__status=RunStatus.DONE).select_related("state", "run__survey")
                .order_by("run_id", "position"))
    serializer_class = EstimateSerializer
    permission_classes = [PublicRead]
    filterset_fields = {"run": ["exact"], "statistic": ["exact"], "variable": ["exact"], "state__iso3": ["exact"]}


class SurveySerializer(serializers.ModelSerializer):
    states = serializers.SlugRelatedField(many=True, read_only=True, slug_field="iso3")

    class Meta:
        model = Survey
        fields = ["id", "name", "description", "states", "reference_year", "size_date", "weight_column",
                  "strata_column", "psu_column", "fpc_column", "lonely_psu", "state_column", "sector_column",
                  "owner_sex_column", "employees_column", "revenue_column", "assets_column", "capital_column",
                  "money_currency", "money_unit", "sector_map", "created_at"]


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey designs you manage (the Secretariat: all; a focal point: its own state's surveys)."""

    serializer_class = SurveySerializer
    permission_classes = [SurveyManagers]
    queryset = Survey.objects.none()  # for the schema generator; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Survey.objects.none()
        surveys = Survey.objects.prefetch_related("states").order_by("-reference_year", "name")
        managed = [s.pk for s in surveys if may_manage(self.request.user, s)]
        return surveys.filter(pk__in=managed)

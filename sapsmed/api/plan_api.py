"""API over the Action Plan: member states, goals, outcomes, actions, versions, action lines, KPIs."""

from django.db.models import Prefetch
from rest_framework import serializers, viewsets

from sapsmed.api.permissions import PublicReadSecretariatWrite
from sapsmed.api.plain_rows import PlainRowsList, line_page
from sapsmed.kpis.models import Kpi
from sapsmed.plan.models import Action, ActionLineVersion, DesiredOutcome, MemberState, PlanVersion, StrategicGoal
from sapsmed.plan.selectors import current_version


class MemberStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberState
        fields = ["iso3", "name", "currency"]


class GoalSerializer(serializers.ModelSerializer):
    champions = serializers.SlugRelatedField(many=True, read_only=True, slug_field="iso3")
    outcomes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = StrategicGoal
        fields = ["code", "title", "summary", "champions", "outcomes"]


class OutcomeSerializer(serializers.ModelSerializer):
    goal = serializers.SlugRelatedField(read_only=True, slug_field="code")
    actions = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = DesiredOutcome
        fields = ["code", "title", "goal", "actions"]


class ActionSerializer(serializers.ModelSerializer):
    outcome = serializers.SlugRelatedField(read_only=True, slug_field="code")

    class Meta:
        model = Action
        fields = ["code", "title", "outcome"]


class PlanVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = ["number", "label", "decision_reference", "created_at"]


class ActionLineSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="action_line.code", read_only=True)
    action = serializers.CharField(source="action_line.action.code", read_only=True)
    goal = serializers.CharField(source="action_line.action.outcome.goal.code", read_only=True)
    plan_version = serializers.IntegerField(source="plan_version.number", read_only=True)
    lead_states = serializers.SlugRelatedField(many=True, read_only=True, slug_field="iso3")
    types_of_measure = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    pathway = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)

    class Meta:
        model = ActionLineVersion
        fields = ["code", "action", "goal", "plan_version", "title", "time_frame", "target_year", "required_time",
                  "implementation_level", "lead_states", "lead_note", "pathway", "types_of_measure",
                  "cross_cutting_theme", "notes", "seed_erratum", "source", "confidence", "retired"]


class KpiSerializer(serializers.ModelSerializer):
    goal = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)
    availability_states = serializers.SlugRelatedField(many=True, read_only=True, slug_field="iso3")

    class Meta:
        model = Kpi
        fields = ["code", "name", "goal", "unit", "direction", "source_family", "wdi_code", "frequency",
                  "responsible_body", "availability_states", "availability_note", "known_issues",
                  "added_after_endorsement", "source", "confidence"]


class MemberStateViewSet(viewsets.ReadOnlyModelViewSet):
    """The 10 ASEAN Member States."""

    queryset = MemberState.objects.all()
    serializer_class = MemberStateSerializer
    permission_classes = [PublicReadSecretariatWrite]
    lookup_field = "iso3"


class GoalViewSet(viewsets.ReadOnlyModelViewSet):
    """The five strategic goals with their Country Champions and desired outcomes."""

    queryset = StrategicGoal.objects.prefetch_related("champions", "outcomes")
    serializer_class = GoalSerializer
    permission_classes = [PublicReadSecretariatWrite]
    lookup_field = "code"


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = DesiredOutcome.objects.select_related("goal").prefetch_related("actions")
    serializer_class = OutcomeSerializer
    permission_classes = [PublicReadSecretariatWrite]
    lookup_field = "code"
    filterset_fields = ["goal__code"]


class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Action.objects.select_related("outcome")
    serializer_class = ActionSerializer
    permission_classes = [PublicReadSecretariatWrite]
    lookup_field = "code"
    filterset_fields = ["outcome__code", "outcome__goal__code"]


class PlanVersionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = PlanVersion.objects.all()
    serializer_class = PlanVersionSerializer
    permission_classes = [PublicReadSecretariatWrite]
    lookup_field = "number"


class ActionLineViewSet(PlainRowsList, viewsets.ReadOnlyModelViewSet):
    """Action lines as they stand in a plan version (`?version=N`; default: the version in force)."""

    serializer_class = ActionLineSerializer
    plain_page = staticmethod(line_page)
    permission_classes = [PublicReadSecretariatWrite]
    lookup_field = "action_line__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = "[^/]+"  # action-line codes hold dots (B-2-1.3)
    filterset_fields = {"action_line__action__outcome__goal__code": ["exact"], "lead_states__iso3": ["exact"],
                        "target_year": ["exact", "lte", "gte"], "cross_cutting_theme": ["exact"]}

    queryset = ActionLineVersion.objects.none()  # for the schema generator; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ActionLineVersion.objects.none()
        raw = self.request.query_params.get("version", "")
        version = (PlanVersion.objects.filter(number=int(raw)).first() if raw.isdigit() else current_version())
        return (
            ActionLineVersion.objects.filter(plan_version=version)
            .select_related("action_line__action__outcome__goal", "plan_version", "pathway")
            .prefetch_related("lead_states", "types_of_measure")
            .order_by("action_line__code")
        )


class KpiViewSet(viewsets.ReadOnlyModelViewSet):
    """KPI reference sheets."""

    queryset = Kpi.objects.select_related("goal").prefetch_related(
        Prefetch("availability_states", queryset=MemberState.objects.order_by("iso3"))
    )
    serializer_class = KpiSerializer
    permission_classes = [PublicReadSecretariatWrite]
    lookup_field = "code"

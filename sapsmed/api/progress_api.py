"""API over progress monitoring: reporting rounds, and progress reports with their workflow actions.

Reports are read within the policy's scope (REPORT_VIEW with goal, line and lead states, as on the pages);
a report outside it answers 404. Drafts are written through progress.services.report_save (round locks,
exceptions, optimistic concurrency) after the report form's own checks, and moved through the workflow
with report_transition.
"""

from functools import cache

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from sapsmed.accounts.policy import Perm
from sapsmed.api.errors import CodeField, Conflict
from sapsmed.api.permissions import RoleHolderReadScopedWrite, SignedInWithRole
from sapsmed.api.plain_rows import PlainRowsList, report_page
from sapsmed.core.workflow import TRANSITIONS, Action, TransitionRefused
from sapsmed.plan.models import ActionLine, MemberState
from sapsmed.progress import rules, selectors, services
from sapsmed.progress.access import may_edit, workflow_roles
from sapsmed.progress.forms import MilestoneForm, ReportForm
from sapsmed.progress.models import Milestone, ProgressReport, ReportingRound, ReportTransition


class RoundSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField(help_text="upcoming, open, overdue or locked, today")
    phase_label = serializers.SerializerMethodField()

    class Meta:
        model = ReportingRound
        fields = ["name", "description", "opens_on", "due_on", "locks_on", "locked_at", "locked_reason",
                  "phase", "phase_label", "is_demo"]

    def get_phase(self, rnd) -> str:
        return getattr(rnd, "phase", None) or selectors.round_phase(rnd)

    def get_phase_label(self, rnd) -> str:
        return rules.PHASE_LABELS[self.get_phase(rnd)]


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting rounds with their phase and lock (for signed-in users holding a role)."""

    queryset = ReportingRound.objects.all()
    serializer_class = RoundSerializer
    permission_classes = [SignedInWithRole]
    lookup_field = "name"
    lookup_value_regex = "[^/]+"

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(selectors.round_list())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["name", "planned_on", "reached_on"]


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(read_only=True, slug_field="username", allow_null=True)

    class Meta:
        model = ReportTransition
        fields = ["action", "from_status", "to_status", "note", "by", "at"]


class ReportSerializer(serializers.ModelSerializer):
    round = serializers.SlugRelatedField(read_only=True, slug_field="name")
    action_line = serializers.SlugRelatedField(read_only=True, slug_field="code")
    member_state = serializers.SlugRelatedField(read_only=True, slug_field="iso3")
    goal = serializers.CharField(source="action_line.action.outcome.goal.code", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "round", "action_line", "goal", "member_state", "workflow_status",
                  *services.REPORT_FIELDS, "revision", "milestones", "transitions", "first_submitted_at",
                  "submitted_at", "updated_at", "is_demo"]


class ReportValuesSerializer(serializers.ModelSerializer):
    """The report's content as the form takes it; `revision` is the one you read (0 for a new report).

    Documents the body; the content fields are checked by the report form itself (as on the page), so
    only `revision` and `milestones` are parsed here.
    """

    revision = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    milestones = MilestoneSerializer(many=True, required=False)

    class Meta:
        model = ProgressReport
        fields = [*services.REPORT_FIELDS, "revision", "milestones"]
        extra_kwargs = {name: {"required": False} for name in services.REPORT_FIELDS}


class ReportCreateSerializer(ReportValuesSerializer):
    round = CodeField(queryset=ReportingRound.objects.all(), slug_field="name")
    action_line = CodeField(queryset=ActionLine.objects.all(), slug_field="code")
    member_state = CodeField(queryset=MemberState.objects.all(), slug_field="iso3")

    class Meta(ReportValuesSerializer.Meta):
        fields = ["round", "action_line", "member_state", *ReportValuesSerializer.Meta.fields]


class _RevisionPart(serializers.Serializer):
    revision = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    milestones = MilestoneSerializer(many=True, required=False)


class _KeysPart(_RevisionPart):
    round = CodeField(queryset=ReportingRound.objects.all(), slug_field="name")
    action_line = CodeField(queryset=ActionLine.objects.all(), slug_field="code")
    member_state = CodeField(queryset=MemberState.objects.all(), slug_field="iso3")


class TransitionRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000,
                                 help_text="Required to return a report: what to correct.")
    revision = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                        max_value=2**31 - 1, help_text="The revision you read; refused (409) if stale.")


def _form_checked(values: dict, milestones: list[dict] | None) -> tuple[dict, list[dict] | None]:
    """The report form's and milestone form's checks, the same as on the page; 400 naming the fields.
    Milestones None (none given) stay None: the service leaves the stored ones as they are."""
    form = ReportForm(data={k: ("" if v is None else v) for k, v in values.items()})
    errors = {} if form.is_valid() else {k: list(v) for k, v in form.errors.items()}
    cleaned = None if milestones is None else []
    for i, milestone in enumerate(milestones or []):
        mform = MilestoneForm(data={k: ("" if v is None else v) for k, v in milestone.items()})
        if not mform.is_valid():
            errors[f"milestones[{i}]"] = [f"{k}: {' '.join(v)}" for k, v in mform.errors.items()]
        elif (mform.cleaned_data.get("name") or "").strip():
            cleaned.append(mform.cleaned_data)
    if errors:
        raise serializers.ValidationError(errors)
    return {k: form.cleaned_data.get(k) for k in services.REPORT_FIELDS}, cleaned


def _body(request) -> dict:
    """The request body as one value per field (a form-encoded body's lists flattened, as a form reads it)."""
    return request.data.dict() if hasattr(request.data, "dict") else dict(request.data)


def _refusal(exc: Exception):
    """A service's refusal as the API's answer."""
    if isinstance(exc, services.NotSubmittable):
        errors: dict[str, list[str]] = {}
        for name, text in exc.problems:
            errors.setdefault(name, []).append(text)
        return serializers.ValidationError(errors)
    if isinstance(exc, services.StaleReport | services.RoundLocked):
        return Conflict(str(exc))
    return serializers.ValidationError({"non_field_errors": [str(exc)]})


@cache
def _report_fields():
    """ReportSerializer's fields, built once: a definition read off the model, the same for every answer."""
    return ReportSerializer().fields


def _answer(pk: int) -> dict:
    """A report as the API answers it (a read, a save or an action), as a plain row: exactly what
    ReportSerializer gives (api/plain_rows.py, tested), without building the report, its milestones and its
    history as model instances. The scope was checked on the way in (get_object, or the service's own check)."""
    return report_page([pk], _report_fields())[0]


class ProgressReportViewSet(PlainRowsList, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                            viewsets.ReadOnlyModelViewSet):
    """Progress reports within your scope. Proponents write drafts (POST, PUT/PATCH with the revision read);
    workflow actions are POST …/{id}/submit|withdraw|validate|return|accept/ and answer the moved report."""

    serializer_class = ReportSerializer
    plain_page = staticmethod(report_page)
    permission_classes = [RoleHolderReadScopedWrite]
    filterset_fields = {"round__name": ["exact"], "action_line__code": ["exact"], "member_state__iso3": ["exact"],
                        "workflow_status": ["exact"], "action_line__action__outcome__goal__code": ["exact"],
                        "is_demo": ["exact"]}
    queryset = ProgressReport.objects.none()  # for the schema generator; requests use get_queryset

    @property
    def write_perm(self) -> Perm:
        # Drafts are the proponent's; any role holder reaches a workflow action, which then asks its own role.
        return Perm.REPORT_EDIT if self.action in ("create", "update", "partial_update") else Perm.DASHBOARD_VIEW

    def get_queryset(self):
        """The reports in the reader's scope, with what a check or a write reads of them; what an answer prints
        (milestones, history) is read by _answer and the plain-rows list."""
        if getattr(self, "swagger_fake_view", False):
            return ProgressReport.objects.none()
        reports = ProgressReport.objects.select_related(*selectors.REPORT_RELATED).order_by("round_opens_on", "pk")
        return selectors.visible_reports(self.request.user, reports)

    def filter_queryset(self, queryset):
        # The list's filters narrow a list; a report read, written or moved is found by its key in the scope.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def retrieve(self, request, *args, **kwargs):
        return Response(_answer(self.get_object().pk))  # 404 outside the reader's scope

    def _save(self, *, rnd, line, state, data, revision, reason) -> dict:
        milestones = data.pop("milestones")
        values, milestones = _form_checked(data, milestones)
        try:
            report = services.report_save(by=self.request.user, round=rnd, line=line, state=state, values=values,
                                          milestones=milestones, revision=revision, reason=reason)
        except services.ProgressError as exc:
            raise _refusal(exc) from None
        return _answer(report.pk)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def create(self, request, *args, **kwargs):
        entry = _KeysPart(data=request.data)
        entry.is_valid(raise_exception=True)
        data, given = _body(request), entry.validated_data
        line, state = given["action_line"], given["member_state"]
        if state.iso3 not in selectors.lead_states_of(line.code):
            raise serializers.ValidationError(
                {"member_state": [f"{state.name} does not lead action line {line.code}, so it files no report on it."]})
        values = {k: data.get(k) for k in services.REPORT_FIELDS}
        values["milestones"] = [dict(m) for m in given.get("milestones", [])]
        answer = self._save(rnd=given["round"], line=line, state=state, data=values, revision=given["revision"],
                            reason="Draft saved through the API")
        return Response(answer, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportValuesSerializer, responses={200: ReportSerializer})
    def update(self, request, *args, **kwargs):
        report = self.get_object()
        if not may_edit(request.user, line=report.action_line.code, state=report.member_state.iso3):
            raise PermissionDenied(f"Only the proponent of {report.member_state.name}'s report on "
                                   f"{report.action_line.code} edits it.")
        body = _RevisionPart(data=request.data)  # the revision is required even in a PATCH: no change is lost
        body.is_valid(raise_exception=True)
        raw = _body(request)
        values = services.report_values(report)
        values.update({k: raw[k] for k in services.REPORT_FIELDS if k in raw})
        if not kwargs.get("partial", False):
            values = {k: raw.get(k) for k in services.REPORT_FIELDS}
        given = body.validated_data.get("milestones")  # none given: the milestones stay as they are
        values["milestones"] = [dict(m) for m in given] if given is not None else None
        answer = self._save(rnd=report.round, line=report.action_line, state=report.member_state, data=values,
                            revision=body.validated_data["revision"], reason="Draft saved through the API")
        return Response(answer)

    def _transition(self, request, act: Action):
        report = self.get_object()  # 404 outside the reader's scope
        goal = report.action_line.action.outcome.goal.code
        roles = workflow_roles(request.user, line=report.action_line.code, goal=goal, state=report.member_state.iso3)
        if not any(t.action is act and t.role.value in roles for t in TRANSITIONS):
            raise PermissionDenied(f"Your role does not allow you to {act.value} this report.")
        body = TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.report_transition(by=request.user, report_id=report.pk, action=act.value,
                                       note=body.validated_data["note"], revision=body.validated_data["revision"])
        except TransitionRefused as exc:
            if "note is required" in str(exc):
                raise serializers.ValidationError({"note": [str(exc)]}) from None
            raise Conflict(str(exc)) from None
        except services.ProgressError as exc:
            raise _refusal(exc) from None
        return Response(_answer(report.pk))

    @extend_schema(request=TransitionRequestSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The proponent submits a draft or returned report (400 names what is missing)."""
        return self._transition(request, Action.SUBMIT)

    @extend_schema(request=TransitionRequestSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The proponent takes back a submitted report nobody has validated yet."""
        return self._transition(request, Action.WITHDRAW)

    @extend_schema(request=TransitionRequestSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """The Country Champion of the line's goal validates a submitted report."""
        return self._transition(request, Action.VALIDATE)

    @extend_schema(request=TransitionRequestSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """The champion (submitted) or the Secretariat (validated) returns a report with a note."""
        return self._transition(request, Action.RETURN)

    @extend_schema(request=TransitionRequestSerializer, responses={200: ReportSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The ASEAN Secretariat accepts a validated report."""
        return self._transition(request, Action.ACCEPT)

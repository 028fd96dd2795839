"""Progress monitoring as stored facts: rounds, exceptions, reports with milestones and evidence, transitions.

A report belongs to one action line, one reporting round and one member state (the lead state whose
proponent files it). Its workflow status moves only through the services (see core.workflow); its
early-warning status and the rounds' completeness are derived from these facts by sapsmed.progress.warning and
stored with them (derived_models.py, written by sapsmed.progress.derived in the services' transactions).
Every row carries is_demo, so synthetic demonstration data can be shown as such and removed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sapsmed.core.bounds import model_bounds
from sapsmed.core.early_warning import ProgressStatus
from sapsmed.core.workflow import Action, ReportStatus
from sapsmed.plan.models import ActionLine, MemberState

USER = settings.AUTH_USER_MODEL


class WorkflowStatus(models.TextChoices):
    DRAFT = ReportStatus.DRAFT.value, "Draft"
    SUBMITTED = ReportStatus.SUBMITTED.value, "Submitted"
    VALIDATED = ReportStatus.VALIDATED.value, "Validated"
    RETURNED = ReportStatus.RETURNED.value, "Returned"
    ACCEPTED = ReportStatus.ACCEPTED.value, "Accepted"


class LineStatus(models.TextChoices):
    NOT_STARTED = ProgressStatus.NOT_STARTED.value, "Not started"
    ON_TRACK = ProgressStatus.ON_TRACK.value, "On track"
    DELAYED = ProgressStatus.DELAYED.value, "Delayed"
    COMPLETED = ProgressStatus.COMPLETED.value, "Completed"
    DROPPED = ProgressStatus.DROPPED.value, "Dropped"


class TransitionAction(models.TextChoices):
    SUBMIT = Action.SUBMIT.value, "Submitted"
    WITHDRAW = Action.WITHDRAW.value, "Withdrawn"
    VALIDATE = Action.VALIDATE.value, "Validated"
    RETURN = Action.RETURN.value, "Returned"
    ACCEPT = Action.ACCEPT.value, "Accepted"


class ReportingRound(models.Model):
    """A reporting period such as "2024-H1": opens, is due, then locks (by date or by the Secretariat)."""

    name = models.CharField(max_length=20, unique=True)
    description = models.CharField(max_length=200, blank=True)
    opens_on = models.DateField()
    due_on = models.DateField()
    locks_on = models.DateField()
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    locked_reason = models.TextField(blank=True)
    opened_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_on", "-name"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("opens_on")), name="round_due_after_opening"),
            models.CheckConstraint(condition=Q(locks_on__gte=models.F("due_on")), name="round_lock_after_due"),
            models.CheckConstraint(condition=Q(locked_at__isnull=True) | ~Q(locked_reason=""),
                                   name="round_lock_needs_reason"),
        ]

    def __str__(self) -> str:
        return self.name


class RoundException(models.Model):
    """The Secretariat lets one report (line × state) be changed in a locked round, for a stated reason."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="exceptions")
    action_line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="+")
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "action_line", "member_state"], name="one_exception_per_report"),
            models.CheckConstraint(condition=~Q(reason=""), name="exception_needs_reason"),
        ]

    def __str__(self) -> str:
        return f"Exception in {self.round}: {self.action_line} ({self.member_state.iso3})"


def _non_negative(*names: str) -> list[models.CheckConstraint]:
    return [models.CheckConstraint(condition=Q(**{f"{n}__isnull": True}) | Q(**{f"{n}__gte": 0}),
                                   name=f"report_{n}_not_negative") for n in names]


class ProgressReport(models.Model):
    """One proponent state's report on one action line for one round."""

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="reports")
    # The round's opening date, copied when the report is made (save() below; bulk writers set it), so that
    # lists of reports in round order read an index instead of sorting every report joined to its round.
    # A round's dates never change once it is opened (progress.services.round_open; read-only admin).
    round_opens_on = models.DateField(editable=False)
    action_line = models.ForeignKey(ActionLine, on_delete=models.PROTECT, related_name="progress_reports")
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="progress_reports")
    workflow_status = models.CharField(max_length=10, choices=WorkflowStatus.choices, default=WorkflowStatus.DRAFT)
    status = models.CharField("status of the line", max_length=12, choices=LineStatus.choices, blank=True)
    percent_complete = models.DecimalField("% complete", max_digits=4, decimal_places=1, null=True, blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    budget_planned = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    budget_committed = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    budget_spent = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    personnel_planned = models.DecimalField("personnel planned (persons)", max_digits=7, decimal_places=1,
                                            null=True, blank=True)
    personnel_actual = models.DecimalField("personnel in place (persons)", max_digits=7, decimal_places=1,
                                           null=True, blank=True)
    quality_rating = models.PositiveSmallIntegerField("output quality (1 poor to 5 excellent)", null=True, blank=True)
    quality_evidence = models.TextField("evidence behind the quality rating", blank=True)
    risks = models.TextField("risks and issues", blank=True, help_text="One per line.")
    next_steps = models.TextField(blank=True)
    narrative = models.TextField(blank=True)
    # Optimistic concurrency: every change increments it; a save based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "action_line__code", "member_state__iso3"]
        indexes = [models.Index(fields=["round_opens_on", "id"], name="report_in_round_order")]
        constraints = [
            models.UniqueConstraint(fields=["round", "action_line", "member_state"], name="one_report_per_round"),
            models.CheckConstraint(condition=Q(percent_complete__isnull=True)
                                   | Q(percent_complete__gte=0, percent_complete__lte=100),
                                   name="report_percent_0_100"),
            models.CheckConstraint(condition=Q(quality_rating__isnull=True)
                                   | Q(quality_rating__gte=1, quality_rating__lte=5),
                                   name="report_quality_1_5"),
            *_non_negative("budget_planned", "budget_committed", "budget_spent", "personnel_planned",
                           "personnel_actual"),
        ]

    def __str__(self) -> str:
        return f"{self.action_line.code} · {self.member_state.iso3} · {self.round.name}"

    def save(self, *args, **kwargs):
        if self.round_opens_on is None:
            self.round_opens_on = self.round.opens_on
        super().save(*args, **kwargs)

    @property
    def risk_list(self) -> list[str]:
        return [line.strip() for line in self.risks.splitlines() if line.strip()]


class Milestone(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    planned_on = models.DateField(null=True, blank=True)
    reached_on = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        # report_id, not report: ordering by the relation would pull in the report's own ordering (a join
        # over rounds, lines and states in every prefetch of a page of reports' milestones).
        ordering = ["report_id", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    """An evidence file; its type was decided from its content when it was uploaded (see attachments.py)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="progress/evidence/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    kind = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ReportTransition(models.Model):
    """One step of the workflow: who moved the report, when, from which status to which, and the note."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=10, choices=TransitionAction.choices)
    from_status = models.CharField(max_length=10, choices=WorkflowStatus.choices)
    to_status = models.CharField(max_length=10, choices=WorkflowStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["report_id", "at", "pk"]  # report_id: no join to the report's ordering (see Milestone)

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class ReportConflict(models.Model):
    """A save refused because someone else changed the report first: the refused version, kept as typed."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="conflicts")
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    based_on_revision = models.PositiveIntegerField()
    current_revision = models.PositiveIntegerField()
    data = models.JSONField()
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Refused edit of {self.report} (revision {self.based_on_revision})"


class ReminderSent(models.Model):
    """A reminder e-mailed to a proponent before a round's due date, so each is sent once."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user", "days_before"], name="one_reminder_each")]

    def __str__(self) -> str:
        return f"Reminder {self.days_before} days before {self.round} to {self.user}"


class WorkbookUpload(models.Model):
    """An uploaded report workbook between its preview and its confirmation (kept for the marked copy)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.filename


# What each field of a report and of a milestone can hold, said once for the report form (and so the API,
# which checks with it), the report workbook and the services (sapsmed.core.bounds): digits and decimals
# from the field, dates from 2000 to 2050, no control characters in text.
REPORT_BOUNDS = model_bounds(
    ProgressReport, status={}, percent_complete={"min": 0, "max": 100}, planned_start={}, planned_end={},
    actual_start={}, actual_end={}, currency={}, budget_planned={"min": 0}, budget_committed={"min": 0},
    budget_spent={"min": 0}, personnel_planned={"min": 0}, personnel_actual={"min": 0},
    quality_rating={"min": 1, "max": 5}, quality_evidence={}, risks={}, next_steps={}, narrative={},
)
MILESTONE_BOUNDS = model_bounds(Milestone, name={}, planned_on={}, reached_on={})


from sapsmed.progress.derived_models import Basis, RoundExpectation, StreamAssessment  # noqa: E402,F401 - derived rows

"""Derived rows of progress monitoring, stored for speed and written with the facts they come from.

Rules, in words:
- Each (action line in force, lead state) stream has two stored early-warning assessments: one from the
  reports submitted, validated or accepted (what role holders see on the early-warning page, where an early
  signal matters) and one from accepted reports only (what the public roadmap and the reviews show: only
  what the Secretariat accepted is a fact of the plan's record).
- A row is written by the service that changed one of its inputs, in the same transaction
  (sapsmed.progress.derived), and by `manage.py refresh_assessments` for what changes with the date alone.
  It says as of which date it was assessed. Nobody edits these rows; `manage.py check_derived` recomputes
  them all from the facts and names any that differ.
"""

from django.db import models

from sapsmed.core.early_warning import Rag
from sapsmed.plan.models import ActionLine, ActionLineVersion, MemberState


class Basis(models.TextChoices):
    SUBMITTED = "submitted", "Submitted, validated and accepted reports"
    ACCEPTED = "accepted", "Accepted reports only"


class RagChoice(models.TextChoices):
    RED = Rag.RED.value, "Red: serious problem"
    AMBER = Rag.AMBER.value, "Amber: needs attention"
    GREY = Rag.GREY.value, "Grey: no submitted report yet"
    GREEN = Rag.GREEN.value, "Green: on track"
    DONE = Rag.DONE.value, "Done: completed"
    DROPPED = Rag.DROPPED.value, "Dropped"


RAG_RANK = {rag.value: i for i, rag in enumerate(Rag)}  # worst first, as the core lists them


class StreamAssessment(models.Model):
    """The early-warning status of one lead state's reporting on one action line, on one basis."""

    action_line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="+")
    member_state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=10, choices=Basis.choices)
    terms = models.ForeignKey(ActionLineVersion, on_delete=models.CASCADE, related_name="+",
                              help_text="The line's terms in the plan version in force when assessed.")
    goal_code = models.CharField(max_length=10)
    code_key = models.CharField(max_length=60, help_text="The line's code, padded so text order is code order.")
    rag = models.CharField(max_length=8, choices=RagChoice.choices)
    rag_rank = models.PositiveSmallIntegerField(help_text="0 for red: worst first.")
    red_count = models.PositiveSmallIntegerField(default=0)
    flag_count = models.PositiveSmallIntegerField(default=0)
    worst_first = models.CharField(max_length=90, help_text="Sorts as the core lists streams: status (worst first), "
                                   "more red flags, more flags, then code and state.")
    flags = models.JSONField(default=list, help_text="[{kind, severity, reason}], worst first.")
    notes = models.JSONField(default=list)
    report = models.ForeignKey("progress.ProgressReport", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", help_text="The latest counted report, which the status reads.")
    report_round = models.CharField(max_length=20, blank=True)
    report_workflow_status = models.CharField(max_length=10, blank=True)
    counted_reports = models.JSONField(default=list, help_text="Ids of the reports counted.")
    is_demo = models.BooleanField(default=False, help_text="A counted report is synthetic demonstration data.")
    as_of = models.DateField()
    current_round = models.CharField(max_length=20, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action_line", "member_state", "basis"],
                                               name="one_assessment_per_stream_and_basis")]
        indexes = [models.Index(fields=["basis", "worst_first"], name="stream_worst_first")]

    def __str__(self) -> str:
        return f"{self.stream} ({self.basis}): {self.rag}"

    @property
    def stream(self) -> str:
        return f"{self.action_line.code} ({self.member_state.iso3})"

    @property
    def rag_label(self) -> str:
        return self.get_rag_display()

    @property
    def flagged(self) -> bool:
        return self.flag_count > 0


class RoundExpectation(models.Model):
    """One report a round expects (an action line in force × a lead state that owes it) and where it stands.

    The round dashboards count these rows (completeness and timeliness); written by the services that open a
    round, save a report for the first time or move it through the workflow, or change the plan in force.
    """

    round = models.ForeignKey("progress.ReportingRound", on_delete=models.CASCADE, related_name="expectations")
    action_line = models.ForeignKey(ActionLine, on_delete=models.CASCADE, related_name="+")
    member_state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="+")
    goal_code = models.CharField(max_length=10)
    code_key = models.CharField(max_length=60)
    report = models.ForeignKey("progress.ProgressReport", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    workflow_status = models.CharField(max_length=10, blank=True, help_text="Empty: nothing written yet.")
    submitted_on = models.DateField(null=True, blank=True, help_text="First submitted on (local date).")
    accepted_on_time = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "action_line", "member_state"],
                                               name="one_expectation_per_round_line_state")]
        indexes = [models.Index(fields=["round", "code_key"], name="expectation_in_code_order")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.action_line_id} × {self.member_state_id} ({self.workflow_status or 'none'})"

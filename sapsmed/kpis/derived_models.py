"""Scorecard cells: the core's assessment of each KPI in each member state, stored and written with its facts.

Rules, in words:
- There is one cell per KPI and member state. It holds what sapsmed.core.achievement concluded from the
  stored observations, the baseline year (the state's profile's, else the KPI's), the state's target and
  the KPI's direction: baseline, latest value, change, progress, status and the reason in words, the target
  it used or the reason it set the target aside, and how many values cover which years.
- A cell is written by the service that changed one of its facts, in the same transaction
  (sapsmed.kpis.derived), never by hand. `manage.py check_derived` recomputes every cell from the facts
  and names any that differ; `manage.py refresh_assessments` mends them.
- The KPI rules do not read today's date (expected progress is measured at the year of the latest value),
  so a cell stays true until its facts change; `as_of` says for which date it was computed.
"""

from functools import cached_property

from django.db import models

from sapsmed.core import achievement
from sapsmed.core.achievement import Status
from sapsmed.kpis.models import VALUE_DECIMALS, VALUE_DIGITS, Kpi, Observation
from sapsmed.plan.models import MemberState


class StatusField(models.CharField):
    """The core's Status, stored as its value and read back as the Status itself (with its label)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("choices", [(s.value, s.label) for s in Status])
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return None if value is None else Status(value)

    def to_python(self, value):
        if value is None or isinstance(value, Status):
            return value
        return Status(value)


def _value_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, null=True, blank=True,
                               **kwargs)


class ScorecardCell(models.Model):
    """One KPI in one member state, as the scorecard, the KPI and state pages, the API and editions show it."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="+")
    state = models.ForeignKey(MemberState, on_delete=models.CASCADE, related_name="+")
    status = StatusField()
    reason = models.TextField(help_text="The core's reason for the status, in words.")
    target_problem = models.TextField(blank=True, help_text="Why the state's target was set aside, if it was.")
    preferred_baseline_year = models.PositiveSmallIntegerField(help_text="The state's profile's, else the KPI's.")
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_value = _value_field()
    baseline_observation = models.ForeignKey(Observation, on_delete=models.SET_NULL, null=True, blank=True,
                                             related_name="+")
    latest_year = models.PositiveSmallIntegerField(null=True, blank=True)
    latest_value = _value_field()
    latest_observation = models.ForeignKey(Observation, on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="+")
    latest_validated = models.BooleanField(null=True, help_text="Whether the latest value is validated.")
    absolute_change = models.FloatField(null=True, blank=True)
    relative_change = models.FloatField(null=True, blank=True, help_text="Empty when the baseline is 0.")
    in_good_direction = models.BooleanField(null=True)
    target_value = _value_field(help_text="The target the status is measured against (empty: none used).")
    target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    progress = models.FloatField(null=True, blank=True)
    expected_progress = models.FloatField(null=True, blank=True)
    value_count = models.PositiveSmallIntegerField(default=0)
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    as_of = models.DateField(help_text="The date the cell was computed for.")
    computed_at = models.DateTimeField(help_text="When the cell was last written.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kpi", "state"], name="scorecard_cell_one_per_kpi_state")]

    def __str__(self) -> str:
        return f"{self.kpi.code} × {self.state.iso3}: {self.status.label}"

    @property
    def assessed(self) -> bool:
        return self.status is not Status.NO_DATA

    @property
    def years(self) -> str:
        if self.first_year is None:
            return ""
        return str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"

    @cached_property
    def assessment(self) -> achievement.Assessment:
        """The stored conclusion in the core's own shape, so every page reads it as the core gave it."""
        baseline = latest = target = None
        if self.baseline_year is not None:
            baseline = achievement.Baseline(self.baseline_year, float(self.baseline_value),
                                            self.preferred_baseline_year)
        if self.latest_year is not None:
            latest = achievement.Observation(self.latest_year, float(self.latest_value))
        if self.target_year is not None:
            target = achievement.Target(float(self.target_value), self.target_year)
        return achievement.Assessment(
            self.status, self.reason, achievement.Direction(self.kpi.direction), baseline=baseline, latest=latest,
            target=target, absolute_change=self.absolute_change, relative_change=self.relative_change,
            in_good_direction=self.in_good_direction, progress=self.progress,
            expected_progress=self.expected_progress,
        )

"""Read path of locking: what a round still lacks before it locks, and which rounds lock soon, from the stored
expectations (derived_models.RoundExpectation), in a fixed number of queries however many reports a round expects.

Rules, in words:
- A report is missing while nothing is written, or only a draft; a returned report waits for its proponent's
  correction; a submitted or validated report is in review, and can still be validated and accepted after the
  lock (only proponents are stopped by it).
- A round locks soon when it is open or past due, the Secretariat has not locked it, and its lock date comes
  within LOCKS_SOON_DAYS days.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from sapsmed.progress.derived_models import RoundExpectation
from sapsmed.progress.models import ReportingRound, WorkflowStatus

LOCKS_SOON_DAYS = 14
MISSING = ("", WorkflowStatus.DRAFT)  # "": nothing written yet
RETURNED = (WorkflowStatus.RETURNED,)
IN_REVIEW = (WorkflowStatus.SUBMITTED, WorkflowStatus.VALIDATED)


def _counts(prefix: str = "") -> dict:
    """Aggregates of expectations, counted by where each report stands (prefix: the path from a round)."""
    field = f"{prefix}pk"
    status = f"{prefix}workflow_status__in"
    return {
        "n_expected": Count(field),
        "n_accepted": Count(field, filter=Q(**{status: [WorkflowStatus.ACCEPTED]})),
        "n_in_review": Count(field, filter=Q(**{status: list(IN_REVIEW)})),
        "n_returned": Count(field, filter=Q(**{status: list(RETURNED)})),
        "n_missing": Count(field, filter=Q(**{status: list(MISSING)})),
    }


@dataclass
class LockCheck:
    """A round's expected reports, counted by where they stand, and those not submitted (missing or returned)."""

    n_expected: int
    n_accepted: int
    n_in_review: int
    n_returned: int
    n_missing: int
    outstanding: list[RoundExpectation]

    @property
    def complete(self) -> bool:
        return not (self.n_missing or self.n_returned)


def lock_check(rnd: ReportingRound) -> LockCheck:
    """What locking this round would leave behind: two queries."""
    counts = RoundExpectation.objects.filter(round=rnd).aggregate(**_counts())
    outstanding = list(RoundExpectation.objects
                       .filter(round=rnd, workflow_status__in=[*MISSING, *RETURNED])
                       .select_related("action_line", "member_state")
                       .order_by("code_key", "member_state__iso3"))
    return LockCheck(**counts, outstanding=outstanding)


def rounds_locking_soon(today: date, within: int = LOCKS_SOON_DAYS) -> list[ReportingRound]:
    """Rounds the Secretariat has not locked whose lock date comes within `within` days, soonest first, each with
    its counts (n_expected, n_missing, n_returned, n_in_review, n_accepted) and days_left: one query."""
    rounds = list(ReportingRound.objects
                  .filter(locked_at__isnull=True, opens_on__lte=today, locks_on__gte=today,
                          locks_on__lte=today + timedelta(days=within))
                  .annotate(**_counts("expectations__"))
                  .order_by("locks_on", "name"))
    for rnd in rounds:
        rnd.days_left = (rnd.locks_on - today).days
    return rounds

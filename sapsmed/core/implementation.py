"""Where each action line ended, as a review tells it: end status per lead state, counts, the carry-over list.

Rules, in words:
- A (line, lead state) stream's end status comes from its last report counted by the review (the latest
  round's accepted report): "completed" and "dropped" as reported; "not started" as reported; "on track"
  and "delayed" are "ongoing"; with no counted report, "no report".
- A line carries over to the next plan, for a lead state, unless it was completed or dropped: ongoing,
  not started and unreported streams carry over, each with its last report.
- A line belongs to the period it was planned to finish in (its target year); a line without a target
  year, or whose target year falls in no period, is counted under "No target year" or "Outside the periods".
- Counts are given for every end status, zero included, so that rows add up to the streams.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sapsmed.core.early_warning import ProgressStatus


class EndStatus(StrEnum):
    COMPLETED = "completed"
    ONGOING = "ongoing"
    NOT_STARTED = "not_started"
    DROPPED = "dropped"
    NO_REPORT = "no_report"

    @property
    def label(self) -> str:
        return {"completed": "Completed", "ongoing": "Ongoing", "not_started": "Not started", "dropped": "Dropped",
                "no_report": "No report"}[self.value]


FINISHED = frozenset({EndStatus.COMPLETED, EndStatus.DROPPED})


def end_status(last_status: str | None) -> EndStatus:
    """The end status of a stream whose last counted report says `last_status` (None: no report)."""
    if last_status is None:
        return EndStatus.NO_REPORT
    status = ProgressStatus(last_status)
    return {ProgressStatus.COMPLETED: EndStatus.COMPLETED, ProgressStatus.DROPPED: EndStatus.DROPPED,
            ProgressStatus.NOT_STARTED: EndStatus.NOT_STARTED}.get(status, EndStatus.ONGOING)


def carries_over(status: EndStatus) -> bool:
    return status not in FINISHED


@dataclass(frozen=True)
class PeriodSpan:
    name: str
    start_year: int
    end_year: int


NO_TARGET = "No target year"
OUTSIDE = "Outside the periods"


def period_of(target_year: int | None, periods: Iterable[PeriodSpan]) -> str:
    """The name of the period the target year falls in."""
    if target_year is None:
        return NO_TARGET
    return next((p.name for p in periods if p.start_year <= target_year <= p.end_year), OUTSIDE)


def tally(keys_and_statuses: Iterable[tuple[str, EndStatus]], order: Iterable[str] = ()) -> list[list]:
    """Rows [key, count of each end status (in EndStatus order), total], keys in `order` first, then the rest
    sorted; every status counted, zero included."""
    counts: dict[str, dict[EndStatus, int]] = {}
    for key, status in keys_and_statuses:
        counts.setdefault(key, dict.fromkeys(EndStatus, 0))[status] += 1
    ordered = [k for k in order if k in counts] + sorted(k for k in counts if k not in set(order))
    return [[k, *[counts[k][s] for s in EndStatus], sum(counts[k].values())] for k in ordered]


def summary_sentence(statuses: list[EndStatus], version: int) -> str:
    """One sentence counting every stream by end status."""
    if not statuses:
        return f"Plan version {version} has no action line with a lead state: nothing was reported on."
    counts = {s: statuses.count(s) for s in EndStatus}
    parts = [f"{counts[s]} {s.label.lower()}" for s in EndStatus if s is not EndStatus.NO_REPORT]
    unreported = counts[EndStatus.NO_REPORT]
    tail = f", and {unreported} had no accepted report" if unreported else ""
    total = len(statuses)
    noun = "stream" if total == 1 else "streams"
    return (f"Of the {total} action-line × lead-state {noun} of plan version {version}: {', '.join(parts)}{tail}; "
            f"{sum(carries_over(s) for s in statuses)} carry over to the next plan.")

"""Pure rules of progress reporting (no Django): round phases and locks, submission checks, completeness.

Rules, in words:
- A round is upcoming before its opening date, open from then to its due date, overdue after its due
  date, and locked after its lock date or from the moment the ASEAN Secretariat locks it (with a reason).
- In a locked round a proponent changes nothing (draft, submission, evidence) unless the Secretariat has
  granted an exception for that one report. Champions and the Secretariat may still validate, return and
  accept, so that a round can be finished after it closes.
- A proponent edits a report while it is a draft or returned; a submitted report is withdrawn first, and
  validated and accepted reports are no longer the proponent's to change.
- To be submitted a report needs: the status of the line; the % complete, unless the line has not
  started or is dropped; a narrative; the evidence behind a quality rating; an end after its start.
- A report is on time when it was first submitted on or before the round's due date.
- Completeness of a round is the share of expected reports that are accepted; timeliness is the share of
  expected reports that are accepted and were on time. Reports still in review do not count.
- A line whose latest accepted report says completed or dropped is no longer expected in later rounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

UPCOMING, OPEN, OVERDUE, LOCKED = "upcoming", "open", "overdue", "locked"
PHASE_LABELS = {UPCOMING: "Not open yet", OPEN: "Open", OVERDUE: "Past due, not locked", LOCKED: "Locked"}
EDITABLE_STATUSES = ("draft", "returned")
IN_REVIEW_STATUSES = ("submitted", "validated")  # submitted, not yet accepted: shown, not counted
NOT_REPORTED_STATUSES = ("", *EDITABLE_STATUSES)  # "": nothing written yet
FINISHED_LINE_STATUSES = ("completed", "dropped")


def long_date(day: date) -> str:
    """15 May 2024: the way the plan's readers write dates, unambiguous in every member state."""
    return f"{day.day} {day:%B %Y}"


def round_phase(*, opens_on: date, due_on: date, locks_on: date, locked_on: date | None, today: date) -> str:
    if locked_on is not None or today > locks_on:
        return LOCKED
    if today < opens_on:
        return UPCOMING
    return OVERDUE if today > due_on else OPEN


def lock_message(*, name: str, locks_on: date, locked_on: date | None, locked_reason: str,
                 today: date) -> str | None:
    """Why a proponent may not change reports in this round, or None while it is not locked."""
    if locked_on is not None:
        return (f"Round {name} was locked by the ASEAN Secretariat on {long_date(locked_on)}: {locked_reason.strip()} "
                f"Ask the Secretariat for an exception.")
    if today > locks_on:
        return f"Round {name} closed on {long_date(locks_on)}; ask the ASEAN Secretariat for an exception."
    return None


def not_open_message(*, name: str, opens_on: date) -> str:
    return f"Round {name} opens on {long_date(opens_on)}; reports can be written from then."


def submission_problems(values: Mapping[str, object]) -> list[tuple[str, str]]:
    """(field, sentence) for each thing missing or inconsistent before the report can be submitted."""
    problems: list[tuple[str, str]] = []
    status = values.get("status") or ""
    if not status:
        problems.append(("status", "Choose the status of the line (not started, on track, delayed, completed, "
                                   "dropped)."))
    if values.get("percent_complete") is None and status not in ("not_started", "dropped"):
        problems.append(("percent_complete", "Give the % complete (0 to 100)."))
    if not str(values.get("narrative") or "").strip():
        problems.append(("narrative", "Write a short narrative of what was done in this period."))
    if values.get("quality_rating") is not None and not str(values.get("quality_evidence") or "").strip():
        problems.append(("quality_evidence", "Say what evidence the output quality rating rests on."))
    problems += date_order_problems(values)
    return problems


def date_order_problems(values: Mapping[str, object]) -> list[tuple[str, str]]:
    problems = []
    for start, end, what in (("planned_start", "planned_end", "planned"), ("actual_start", "actual_end", "actual")):
        first, last = values.get(start), values.get(end)
        if isinstance(first, date) and isinstance(last, date) and last < first:
            problems.append((end, f"The {what} end ({last.isoformat()}) is before the {what} start "
                                  f"({first.isoformat()})."))
    return problems


def on_time(first_submitted: date | None, due_on: date) -> bool:
    return first_submitted is not None and first_submitted <= due_on


def share(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or None when nothing was expected (shown as "no report expected")."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class Expected:
    """One report a round expects: a line, the lead state that owes it, and where the report stands."""

    code: str
    goal: str
    state: str
    champions: tuple[str, ...]
    proponents: tuple[str, ...]
    workflow_status: str | None  # None: nothing written yet
    submitted_on: date | None = None
    due_on: date | None = None
    report_id: int | None = None


@dataclass
class Tally:
    """A group's counts of expected reports (counted in the database from the stored expectations)."""

    key: str
    expected: int = 0
    accepted: int = 0
    on_time: int = 0
    in_review: int = 0
    not_reported: int = 0

    @property
    def completeness(self) -> Decimal | None:
        return share(self.accepted, self.expected)

    @property
    def timeliness(self) -> Decimal | None:
        return share(self.on_time, self.expected)

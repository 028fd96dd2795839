"""Early warning: a red/amber/green status and plain-language flags for each action line, from its reports.

Rules, in words:
- Only reports that have been submitted (submitted, validated or accepted) count; drafts and returned
  reports do not. Reports dated after the assessment date are ignored. The most recent one is used.
- Status: grey when the line has no counted report; "done" (shown blue) when the latest report says
  completed; "dropped" when it says dropped; otherwise red if any flag is red, amber if any flag is
  amber, green if there is no flag.
- A dropped line gets no flags: its status says it all.
- A completed line is never flagged as behind schedule, short of staff, missing milestones, overdue or
  waiting for a predecessor; it can still be flagged for cost overrun and low output quality.
- Behind schedule: the share of planned time elapsed (from planned start to planned end) exceeds the %
  complete by more than the amber threshold (15 points by default; red beyond 30 points). A line past
  its planned end and not completed is red. A line the proponent reports as delayed is at least amber.
  A line that has not started counts as 0% complete.
- Milestone missed (amber): a milestone's planned date has passed and it is not reported as reached.
- Cost overrun: the share of the planned budget spent is more than the % complete plus the tolerance
  (10% of it by default). It is red when spending exceeds the whole planned budget plus the tolerance,
  or when money is spent with no budget planned. A completed line counts as 100% complete.
- Staffing gap: actual personnel is below planned by more than 20% (amber) or 50% (red) by default.
- Low output quality: a rating below 3 is amber, below 2 is red, by default.
- Report overdue: no counted report for the current round after its due date; red when more than
  30 days late by default.
- Predecessor late (amber): a predecessor line is dropped or behind schedule, or this line's planned
  start has come and the predecessor is not reported as completed.
- When a check cannot be made (dates, figures or % complete missing, or no budget planned), a note
  says so instead of a flag.
- A report must give % complete between 0 and 100, and no negative amounts or personnel.
- Lines are listed worst first: red, amber, grey, green, done, dropped; then by number of flags; then
  by code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sapsmed.core.sequencing import code_sort_key
from sapsmed.core.workflow import ReportStatus

Number = int | float | Decimal


class ProgressStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    COMPLETED = "completed"
    DROPPED = "dropped"


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREY = "grey"
    GREEN = "green"
    DONE = "done"
    DROPPED = "dropped"


class Severity(StrEnum):
    RED = "red"
    AMBER = "amber"


class FlagKind(StrEnum):
    BEHIND_SCHEDULE = "behind_schedule"
    MILESTONE_MISSED = "milestone_missed"
    COST_OVERRUN = "cost_overrun"
    STAFFING_GAP = "staffing_gap"
    LOW_QUALITY = "low_output_quality"
    REPORT_OVERDUE = "report_overdue"
    PREDECESSOR_LATE = "predecessor_late"


COUNTED = (ReportStatus.SUBMITTED, ReportStatus.VALIDATED, ReportStatus.ACCEPTED)
_RAG_ORDER = list(Rag)
_KIND_ORDER = list(FlagKind)


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    severity: Severity
    reason: str


@dataclass(frozen=True)
class Milestone:
    name: str
    planned: date | None
    actual: date | None = None


@dataclass(frozen=True)
class ProgressReport:
    code: str
    round: str
    reported_on: date
    workflow_status: ReportStatus
    status: ProgressStatus
    percent_complete: float | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    milestones: tuple[Milestone, ...] = ()
    currency: str | None = None
    budget_planned: Number | None = None
    budget_committed: Number | None = None
    budget_spent: Number | None = None
    personnel_planned: Number | None = None
    personnel_actual: Number | None = None
    quality_rating: Number | None = None
    quality_evidence: str = ""
    risks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "workflow_status", ReportStatus(self.workflow_status))
        object.__setattr__(self, "status", ProgressStatus(self.status))
        pct = self.percent_complete
        if pct is not None and not 0 <= pct <= 100:
            raise ValueError(f"{self.code}: % complete must be between 0 and 100; the report gives {pct}.")
        for name in ("budget_planned", "budget_committed", "budget_spent", "personnel_planned",
                     "personnel_actual"):
            value = getattr(self, name)
            if value is not None and value < 0:
                label = name.replace("_", " ")
                raise ValueError(f"{self.code}: {label} cannot be negative; the report gives {value}.")


@dataclass(frozen=True)
class ReportingRound:
    name: str
    due: date


@dataclass(frozen=True)
class LineInput:
    code: str
    reports: tuple[ProgressReport, ...] = ()
    predecessors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for report in self.reports:
            if report.code != self.code:
                raise ValueError(f"A report for {report.code} was given with the reports of {self.code}.")


@dataclass(frozen=True)
class Thresholds:
    schedule_amber_points: float = 15.0
    schedule_red_points: float = 30.0
    cost_tolerance: float = 0.10
    staffing_amber_gap: float = 0.20
    staffing_red_gap: float = 0.50
    quality_amber_below: float = 3.0
    quality_red_below: float = 2.0
    overdue_red_days: int = 30

    def __post_init__(self) -> None:
        if self.schedule_red_points < self.schedule_amber_points:
            raise ValueError("The red schedule threshold must not be below the amber one.")
        if self.staffing_red_gap < self.staffing_amber_gap:
            raise ValueError("The red staffing threshold must not be below the amber one.")
        if self.quality_red_below > self.quality_amber_below:
            raise ValueError("The red quality threshold must not be above the amber one.")
        if self.cost_tolerance < 0:
            raise ValueError("The cost tolerance cannot be negative.")


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class LineWarning:
    code: str
    rag: Rag
    flags: tuple[Flag, ...] = ()
    notes: tuple[str, ...] = ()
    report: ProgressReport | None = field(default=None, compare=False)

    @property
    def status(self) -> ProgressStatus | None:
        return self.report.status if self.report else None

    def has(self, kind: FlagKind) -> bool:
        return any(f.kind is kind for f in self.flags)


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


def _num(value: Number) -> str:
    as_float = float(value)
    return f"{as_float:,.0f}" if as_float == int(as_float) else f"{as_float:,.2f}"


def _money(amount: Number, currency: str | None) -> str:
    return f"{currency} {_num(amount)}" if currency else _num(amount)


def _counted(reports: Iterable[ProgressReport], as_of: date) -> list[ProgressReport]:
    return [r for r in reports if r.workflow_status in COUNTED and r.reported_on <= as_of]


def latest_report(reports: Iterable[ProgressReport], as_of: date) -> ProgressReport | None:
    """The most recent counted report; on the same date, the one furthest along the workflow."""
    counted = _counted(reports, as_of)
    if not counted:
        return None
    return max(counted, key=lambda r: (r.reported_on, COUNTED.index(r.workflow_status)))


def _schedule(r: ProgressReport, as_of: date, th: Thresholds) -> tuple[list[Flag], list[str]]:
    delayed = Flag(FlagKind.BEHIND_SCHEDULE, Severity.AMBER,
                   "Behind schedule: the proponent reports the line as delayed.")
    self_reported = [delayed] if r.status is ProgressStatus.DELAYED else []
    start, end = r.planned_start, r.planned_end
    if start is None or end is None:
        return self_reported, ["Schedule not assessed: planned start and end dates not reported."]
    if end < start:
        return self_reported, [f"Schedule not assessed: the planned end ({end}) is before the planned "
                               f"start ({start})."]
    pct = None if r.percent_complete is None else float(r.percent_complete)
    if pct is None and r.status is ProgressStatus.NOT_STARTED:
        pct = 0.0
    if as_of > end:
        done = f" ({pct:.0f}% complete)" if pct is not None else ""
        reason = f"Behind schedule: planned to end on {end} but not completed as of {as_of}{done}."
        return [Flag(FlagKind.BEHIND_SCHEDULE, Severity.RED, reason)], []
    if as_of <= start:
        return self_reported, []
    if pct is None:
        return self_reported, ["Schedule not assessed: % complete not reported."]
    elapsed = (as_of - start).days / (end - start).days
    gap = elapsed * 100 - pct
    if gap <= th.schedule_amber_points:
        return self_reported, []
    severity = Severity.RED if gap > th.schedule_red_points else Severity.AMBER
    reason = (f"Behind schedule: {pct:.0f}% complete with {_pct(elapsed)} of the planned time "
              f"({start} to {end}) elapsed as of {as_of}.")
    return [Flag(FlagKind.BEHIND_SCHEDULE, severity, reason)], []


def _milestones(r: ProgressReport, as_of: date) -> list[Flag]:
    missed = [m for m in r.milestones if m.planned is not None and m.actual is None and m.planned < as_of]
    if not missed:
        return []
    listed = ", ".join(f'"{m.name}" (planned {m.planned})' for m in missed)
    noun = "Milestone missed" if len(missed) == 1 else "Milestones missed"
    reason = f"{noun}: {listed}, not reported as reached as of {as_of}."
    return [Flag(FlagKind.MILESTONE_MISSED, Severity.AMBER, reason)]


def _cost(r: ProgressReport, th: Thresholds) -> tuple[list[Flag], list[str]]:
    planned, spent, cur = r.budget_planned, r.budget_spent, r.currency
    no_currency = "" if cur else " Currency not stated."
    if planned is None:
        return [], ["Cost not assessed: planned budget not reported."]
    if planned == 0:
        if spent:
            reason = f"Cost overrun: {_money(spent, cur)} spent with no budget planned.{no_currency}"
            return [Flag(FlagKind.COST_OVERRUN, Severity.RED, reason)], []
        return [], ["Cost not assessed: no budget planned."]
    if spent is None:
        return [], ["Cost not assessed: amount spent not reported."]
    used = float(spent) / float(planned)
    figures = f"{_money(spent, cur)} of {_money(planned, cur)}"
    if used > 1 + th.cost_tolerance:
        reason = (f"Cost overrun: {_pct(used)} of the planned budget spent ({figures}), more than the whole "
                  f"budget.{no_currency}")
        return [Flag(FlagKind.COST_OVERRUN, Severity.RED, reason)], []
    pct = 100.0 if r.status is ProgressStatus.COMPLETED else r.percent_complete
    if pct is None:
        return [], ["Cost not assessed against progress: % complete not reported."]
    if used > float(pct) / 100 * (1 + th.cost_tolerance):
        reason = (f"Cost overrun: {_pct(used)} of the planned budget spent ({figures}) for "
                  f"{pct:.0f}% progress.{no_currency}")
        return [Flag(FlagKind.COST_OVERRUN, Severity.AMBER, reason)], []
    return [], []


def _staffing(r: ProgressReport, th: Thresholds) -> tuple[list[Flag], list[str]]:
    planned, actual = r.personnel_planned, r.personnel_actual
    if not planned:
        return [], ["Staffing not assessed: no planned personnel reported."]
    if actual is None:
        return [], ["Staffing not assessed: actual personnel not reported."]
    gap = (float(planned) - float(actual)) / float(planned)
    if gap <= th.staffing_amber_gap:
        return [], []
    severity = Severity.RED if gap > th.staffing_red_gap else Severity.AMBER
    reason = f"Staffing gap: {_num(actual)} of {_num(planned)} planned staff in place ({_pct(gap)} short)."
    return [Flag(FlagKind.STAFFING_GAP, severity, reason)], []


def _quality(r: ProgressReport, th: Thresholds) -> list[Flag]:
    rating = r.quality_rating
    if rating is None or rating >= th.quality_amber_below:
        return []
    severity = Severity.RED if rating < th.quality_red_below else Severity.AMBER
    evidence = r.quality_evidence.strip()
    said = f'Evidence given: "{evidence}".' if evidence else "No evidence was given for the rating."
    reason = (f"Low output quality: rated {_num(rating)}, below the acceptable rating of "
              f"{_num(th.quality_amber_below)}. {said}")
    return [Flag(FlagKind.LOW_QUALITY, severity, reason)]


def _overdue(line: LineInput, rnd: ReportingRound, as_of: date, th: Thresholds) -> list[Flag]:
    if as_of <= rnd.due or any(r.round == rnd.name for r in _counted(line.reports, as_of)):
        return []
    days = (as_of - rnd.due).days
    severity = Severity.RED if days > th.overdue_red_days else Severity.AMBER
    plural = "day" if days == 1 else "days"
    reason = (f"Report overdue: no report submitted for round {rnd.name}, which was due on {rnd.due} "
              f"({days} {plural} late as of {as_of}).")
    return [Flag(FlagKind.REPORT_OVERDUE, severity, reason)]


def _rag(report: ProgressReport | None, flags: Iterable[Flag]) -> Rag:
    if report is None:
        return Rag.GREY
    if report.status is ProgressStatus.DROPPED:
        return Rag.DROPPED
    if report.status is ProgressStatus.COMPLETED:
        return Rag.DONE
    severities = {f.severity for f in flags}
    if Severity.RED in severities:
        return Rag.RED
    return Rag.AMBER if Severity.AMBER in severities else Rag.GREEN


def _sorted_flags(flags: Iterable[Flag]) -> tuple[Flag, ...]:
    return tuple(sorted(flags, key=lambda f: (f.severity is not Severity.RED, _KIND_ORDER.index(f.kind))))


def assess_line(
    line: LineInput,
    *,
    as_of: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    current_round: ReportingRound | None = None,
) -> LineWarning:
    """The status, flags and notes of one line on its own; predecessor flags need `assess_all`."""
    report = latest_report(line.reports, as_of)
    flags: list[Flag] = []
    notes: list[str] = []
    if report is None:
        notes.append("No submitted report yet.")
    elif report.status is ProgressStatus.DROPPED:
        return LineWarning(line.code, Rag.DROPPED, report=report)
    else:
        finished = report.status is ProgressStatus.COMPLETED
        checks = [_cost(report, thresholds)]
        if not finished:
            checks += [_schedule(report, as_of, thresholds), _staffing(report, thresholds)]
            flags += _milestones(report, as_of)
        for found, said in checks:
            flags += found
            notes += said
        flags += _quality(report, thresholds)
    if current_round is not None and (report is None or report.status is not ProgressStatus.COMPLETED):
        flags += _overdue(line, current_round, as_of, thresholds)
    ordered = _sorted_flags(flags)
    return LineWarning(line.code, _rag(report, ordered), ordered, tuple(notes), report)


def _predecessor_flags(line: LineInput, own: LineWarning, others: dict[str, LineWarning],
                       as_of: date) -> list[Flag]:
    start = own.report.planned_start if own.report else None
    flags = []
    for code in sorted(set(line.predecessors), key=code_sort_key):
        pred = others.get(code)
        if pred is None or code == line.code:
            continue  # unknown codes and self-references are sequencing errors, reported there
        if pred.rag is Rag.DROPPED:
            reason = f"Predecessor dropped: {code}, which this line waits for, has been dropped."
        elif pred.has(FlagKind.BEHIND_SCHEDULE):
            reason = f"Predecessor late: {code}, which this line waits for, is behind schedule."
        elif start is not None and as_of >= start and pred.rag is not Rag.DONE:
            reason = (f"Predecessor late: {code} is not reported as completed, and this line was "
                      f"planned to start on {start}.")
        else:
            continue
        flags.append(Flag(FlagKind.PREDECESSOR_LATE, Severity.AMBER, reason))
    return flags


def _worst_first(w: LineWarning) -> tuple:
    reds = sum(1 for f in w.flags if f.severity is Severity.RED)
    return (_RAG_ORDER.index(w.rag), -reds, -len(w.flags), code_sort_key(w.code))


def assess_all(
    lines: Iterable[LineInput],
    *,
    as_of: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    current_round: ReportingRound | None = None,
) -> list[LineWarning]:
    """Every line's warning, with predecessor flags resolved across lines, worst first."""
    inputs = list(lines)
    codes = [line.code for line in inputs]
    repeated = sorted({c for c in codes if codes.count(c) > 1}, key=code_sort_key)
    if repeated:
        raise ValueError(f"Each line may be given only once; repeated: {', '.join(repeated)}.")
    alone = {
        line.code: assess_line(line, as_of=as_of, thresholds=thresholds, current_round=current_round)
        for line in inputs
    }
    results = []
    for line in inputs:
        own = alone[line.code]
        if own.rag not in (Rag.DROPPED, Rag.DONE):
            extra = _predecessor_flags(line, own, alone, as_of)
            if extra:
                flags = _sorted_flags([*own.flags, *extra])
                own = replace(own, flags=flags, rag=_rag(own.report, flags))
        results.append(own)
    return sorted(results, key=_worst_first)

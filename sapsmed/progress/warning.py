"""Early warning over the stored reports: one core assessment per (action line, lead state), worst first.

Each lead state files its own report on a line, so each (line, state) is assessed as its own stream,
named like "B-2-1.3 (MYS)" so that the core's reasons read naturally ("Predecessor late: B-2-1.2
(LAO) ..."). A line's status is the worst of its streams'. The rules are sapsmed.core.early_warning's;
thresholds come from settings.SAPSMED_EARLY_WARNING (keys are the fields of core Thresholds).
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sapsmed.core import early_warning as ew
from sapsmed.plan.models import ActionLineVersion, PlanVersion
from sapsmed.plan.selectors import current_version
from sapsmed.progress.derived_models import RagChoice
from sapsmed.progress.models import Milestone, ProgressReport, ReportingRound, ReportTransition
from sapsmed.progress.selectors import champions_by_goal, goal_of, lines_in_force

RAG_LABELS = {ew.Rag(value): label for value, label in RagChoice.choices}  # the stored rows' words
RAG_ORDER = list(ew.Rag)  # worst first, as the core lists them
_COUNTED = [s.value for s in ew.COUNTED]


def thresholds() -> ew.Thresholds:
    """The thresholds in settings, over the core's defaults; a misspelt key stops the page with a message."""
    configured = dict(getattr(settings, "SAPSMED_EARLY_WARNING", {}) or {})
    known = {f.name for f in fields(ew.Thresholds)}
    unknown = sorted(set(configured) - known)
    if unknown:
        raise ImproperlyConfigured(f"SAPSMED_EARLY_WARNING has unknown keys {unknown}; known: {sorted(known)}.")
    try:
        return ew.Thresholds(**configured)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SAPSMED_EARLY_WARNING: {exc}") from exc


def stream_key(code: str, iso3: str) -> str:
    return f"{code} ({iso3})"


@dataclass
class Stream:
    """One lead state's reporting on one line, and what early warning says of it."""

    line: object  # ActionLineVersion
    state: object  # MemberState
    goal: str
    champions: tuple[str, ...]
    warning: ew.LineWarning
    report_id: int | None
    counted: tuple[int, ...] = ()
    is_demo: bool = False

    @property
    def rag(self) -> str:
        return self.warning.rag.value

    @property
    def rag_label(self) -> str:
        return RAG_LABELS[self.warning.rag]

    @property
    def flagged(self) -> bool:
        return bool(self.warning.flags)


@dataclass
class Assessment:
    as_of: date
    current_round: ReportingRound | None
    thresholds: ew.Thresholds
    streams: list[Stream]
    line_status: dict[str, str]
    has_demo: bool
    unreported_lines: list[str]  # lines in force with no lead state: nobody is asked to report


def current_round(as_of: date, rounds: list[ReportingRound] | None = None) -> ReportingRound | None:
    """The latest round already open on that date: missing reports for it are flagged once it is due.
    From `rounds` (every round, already read) when given, else from the database: the same order."""
    if rounds is None:
        return ReportingRound.objects.filter(opens_on__lte=as_of).order_by("-opens_on", "-name").first()
    return max((r for r in rounds if r.opens_on <= as_of), key=lambda r: (r.opens_on, r.name), default=None)


def _core_report(row: dict, key: str, round_names: dict[int, str], due: dict[int, date], tz) -> ew.ProgressReport:
    submitted = row["submitted_at"]
    reported_on = submitted.astimezone(tz).date() if submitted else due[row["round_id"]]  # timezone.localdate

    def num(name):
        value = row[name]
        return None if value is None else float(value)

    return ew.ProgressReport(
        code=key, round=round_names[row["round_id"]], reported_on=reported_on,
        workflow_status=row["workflow_status"], status=row["status"], percent_complete=num("percent_complete"),
        planned_start=row["planned_start"], planned_end=row["planned_end"], actual_start=row["actual_start"],
        actual_end=row["actual_end"], currency=row["currency"] or None, budget_planned=num("budget_planned"),
        budget_committed=num("budget_committed"), budget_spent=num("budget_spent"),
        personnel_planned=num("personnel_planned"), personnel_actual=num("personnel_actual"),
        quality_rating=row["quality_rating"], quality_evidence=row["quality_evidence"],
        risks=tuple(line.strip() for line in row["risks"].splitlines() if line.strip()),
    )


_FIELDS = ("id", "round_id", "action_line_id", "member_state_id", "workflow_status", "status", "percent_complete",
           "planned_start", "planned_end", "actual_start", "actual_end", "currency", "budget_planned",
           "budget_committed", "budget_spent", "personnel_planned", "personnel_actual", "quality_rating",
           "quality_evidence", "risks", "submitted_at", "is_demo")


@dataclass
class Computed:
    """What one computation gives: the streams asked for, the round checked for missing reports, and the
    lines in force that nobody is asked to report on (no lead state)."""

    streams: list[Stream]
    current_round: ReportingRound | None
    unreported_lines: list[str]
    rows: list[dict]


def assess(as_of: date | None = None, *, accepted_only: bool = False, version: PlanVersion | None = None,
           round_ids: set[int] | None = None, accepted_by: datetime | None = None) -> Assessment:
    """Every (line, lead state) of the plan in force, assessed from submitted, validated and accepted reports.

    Reviews pass accepted_only with their cut-off date, their plan version, the rounds they cover
    (`round_ids`) and the end of their cut-off day (`accepted_by`): only reports of those rounds that the
    Secretariat had accepted by then count in what a review tables. Pages read the stored assessments
    (sapsmed.progress.derived) instead of this.
    """
    as_of = as_of or timezone.localdate()
    th = thresholds()
    version = version or current_version()
    found = compute(as_of, th, accepted_only=accepted_only, version=version, round_ids=round_ids,
                    accepted_by=accepted_by)
    line_status = _worst_by_line(lines_in_force(version=version), found.streams)
    has_demo = any(r["is_demo"] for r in found.rows) or bool(found.current_round and found.current_round.is_demo)
    return Assessment(as_of, found.current_round, th, found.streams, line_status, has_demo, found.unreported_lines)


def counted_statuses(accepted_only: bool) -> list[str]:
    """The workflow statuses of the reports early warning counts: accepted only (the public's basis), or
    submitted, validated and accepted (role holders')."""
    return ["accepted"] if accepted_only else _COUNTED


def compute(as_of: date, th: ew.Thresholds, *, accepted_only: bool, line_ids: set[int] | None = None,
            version: PlanVersion | None = None, read_lines: set[int] | None = None,
            round_ids: set[int] | None = None, accepted_by: datetime | None = None,
            lines: list[ActionLineVersion] | None = None, rounds: list[ReportingRound] | None = None,
            with_champions: bool = True) -> Computed:
    """The streams of the lines in force (of `line_ids` only, when given), through the core's rules.

    A stream's predecessor flags read its predecessors' own assessment, so their reports are read too;
    only the streams asked for are returned. A caller that has read the version in force, the lines to
    read (`line_ids` with their predecessors: `read_lines`, and their terms: `lines`) and every round passes
    them, so that a write reads each once; one that stores the streams asks for no champions. `round_ids` and
    `accepted_by` narrow the reports to those rounds and to those accepted by then (a review's scope); the
    round checked for missing reports is then the latest of those rounds open on `as_of`.
    """
    version = version or current_version()
    if line_ids is not None and read_lines is None:
        read_lines = with_predecessors(line_ids, version=version)
    if lines is None:
        lines = lines_in_force(read_lines if line_ids is not None else None, version=version)
    if rounds is None:
        rounds = list(ReportingRound.objects.only("id", "name", "opens_on", "due_on", "is_demo"))
    round_names = {r.pk: r.name for r in rounds}
    due = {r.pk: r.due_on for r in rounds}
    reports = ProgressReport.objects.filter(workflow_status__in=counted_statuses(accepted_only)).exclude(status="")
    if line_ids is not None:
        reports = reports.filter(action_line_id__in=[lv.action_line_id for lv in lines])
    if round_ids is not None:
        reports = reports.filter(round_id__in=round_ids)
    if accepted_by is not None:
        reports = reports.filter(Exists(ReportTransition.objects.filter(
            report_id=OuterRef("pk"), to_status="accepted", at__lte=accepted_by)))
    rows = list(reports.values(*_FIELDS))
    by_pair: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        by_pair.setdefault((row["action_line_id"], row["member_state_id"]), []).append(row)

    inputs, meta, tz = [], {}, timezone.get_current_timezone()
    leads = {lv.action_line.code: [s.iso3 for s in lv.lead_states.all()] for lv in lines}
    for lv in lines:
        code = lv.action_line.code
        predecessors = tuple(stream_key(p.code, s) for p in lv.predecessors.all() for s in leads.get(p.code, []))
        for state in lv.lead_states.all():
            key = stream_key(code, state.iso3)
            stored = by_pair.get((lv.action_line_id, state.pk), [])
            inputs.append(ew.LineInput(key, tuple(_core_report(r, key, round_names, due, tz) for r in stored),
                                       predecessors))
            meta[key] = (lv, state, stored)
    inputs = _with_latest_milestones(inputs, meta, as_of)
    rnd = current_round(as_of, rounds if round_ids is None else [r for r in rounds if r.pk in round_ids])
    core_round = ew.ReportingRound(rnd.name, rnd.due_on) if rnd else None
    warnings = ew.assess_all(inputs, as_of=as_of, thresholds=th, current_round=core_round)

    champions = champions_by_goal() if with_champions else {}
    streams = []
    for w in warnings:
        lv, state, stored = meta[w.code]
        if line_ids is not None and lv.action_line_id not in line_ids:
            continue
        report_id = None
        if w.report is not None:
            report_id = next((r["id"] for r in stored if round_names[r["round_id"]] == w.report.round), None)
        streams.append(Stream(lv, state, goal_of(lv), champions.get(goal_of(lv), ()), w, report_id,
                              tuple(r["id"] for r in stored), any(r["is_demo"] for r in stored)))
    unreported = [lv.action_line.code for lv in lines if not leads[lv.action_line.code]
                  and (line_ids is None or lv.action_line_id in line_ids)]
    return Computed(streams, rnd, unreported, rows)


def with_predecessors(line_ids: set[int], *, version: PlanVersion | None = None) -> set[int]:
    """The lines asked for and the lines they wait for, in the plan version in force (`version`, if read)."""
    version = version or current_version()
    if version is None:
        return set()
    preds = ActionLineVersion.predecessors.through.objects.filter(
        actionlineversion__plan_version=version, actionlineversion__action_line_id__in=line_ids,
    ).values_list("actionline_id", flat=True)
    return set(line_ids) | set(preds)


def _with_latest_milestones(inputs: list[ew.LineInput], meta: dict, as_of: date) -> list[ew.LineInput]:
    """Milestones matter only on each stream's latest report: fetch those in one query and attach them."""
    latest_ids, picked = [], {}
    for line in inputs:
        chosen = ew.latest_report(line.reports, as_of)
        if chosen is None:
            continue
        index = line.reports.index(chosen)
        row_id = meta[line.code][2][index]["id"]
        latest_ids.append(row_id)
        picked[line.code] = (index, row_id)
    found: dict[int, list[ew.Milestone]] = {}
    for m in Milestone.objects.filter(report_id__in=latest_ids).order_by("report_id", "position", "pk"):
        found.setdefault(m.report_id, []).append(ew.Milestone(m.name, m.planned_on, m.reached_on))
    result = []
    for line in inputs:
        if line.code in picked:
            index, row_id = picked[line.code]
            reports = list(line.reports)
            reports[index] = replace(reports[index], milestones=tuple(found.get(row_id, ())))
            line = replace(line, reports=tuple(reports))
        result.append(line)
    return result


def _worst_by_line(lines, streams: Iterable[Stream]) -> dict[str, str]:
    worst: dict[str, ew.Rag] = {lv.action_line.code: ew.Rag.GREY for lv in lines}
    seen: set[str] = set()
    for s in streams:
        code = s.line.action_line.code
        rag = s.warning.rag
        if code not in seen or RAG_ORDER.index(rag) < RAG_ORDER.index(worst[code]):
            worst[code] = rag
        seen.add(code)
    return {code: rag.value for code, rag in worst.items()}

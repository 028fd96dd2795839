"""Read path of the dashboards: round completeness and timeliness, early warning, an action line's history.

Only accepted reports count on the round dashboard and in the line's chart; reports still in review are
shown as such and not counted. Early warning also reads submitted and validated reports, as the core's
rules say. Pages, exports and tests read these functions, so they cannot disagree.
"""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sapsmed.core import early_warning as ew
from sapsmed.core.sequencing import code_sort_key
from sapsmed.plan.models import (
    ActionLine,
    ActionLineVersion,
    ChampionAssignment,
    MemberState,
    PlanVersion,
    StrategicGoal,
)
from sapsmed.plan.selectors import current_version
from sapsmed.progress import charts, rules
from sapsmed.progress.derived_models import Basis, RoundExpectation, StreamAssessment
from sapsmed.progress.models import ProgressReport, ReportingRound, WorkflowStatus
from sapsmed.progress.selectors import champions_by_goal, proponents
from sapsmed.progress.warning import RAG_LABELS, RAG_ORDER, thresholds


def _person(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


_NOT_REPORTED = Q(workflow_status__in=rules.NOT_REPORTED_STATUSES)
_COUNTS = {  # the completeness rules of sapsmed.progress.rules, counted by the database
    "expected": Count("pk"),
    "accepted": Count("pk", filter=Q(workflow_status="accepted")),
    "on_time": Count("pk", filter=Q(accepted_on_time=True)),
    "in_review": Count("pk", filter=Q(workflow_status__in=rules.IN_REVIEW_STATUSES)),
    "not_reported": Count("pk", filter=_NOT_REPORTED),
}
MISSING_PAGE_SIZE = 100


def _tally(key: str, counts: dict) -> rules.Tally:
    return rules.Tally(key, **{name: counts.get(name) or 0 for name in _COUNTS})


def _sum(key: str, tallies) -> rules.Tally:
    return rules.Tally(key, **{name: sum(getattr(t, name) for t in tallies) for name in _COUNTS})


def _grouped(rows, field: str) -> dict[str, rules.Tally]:
    return {group[field]: _tally(group[field], group) for group in rows.values(field).order_by(field)
            .annotate(**_COUNTS)}


def _by_proponent(rows, by_state: dict[str, rules.Tally], total: rules.Tally) -> list[rules.Tally]:
    """Per proponent account: its states' reports, plus those of the lines granted to it by code."""
    people = proponents()
    line_codes = set(people.by_line)
    by_pair = {}
    if line_codes:
        for pair in rows.filter(action_line__code__in=line_codes).values(
                "action_line__code", "member_state__iso3").order_by().annotate(**_COUNTS):
            by_pair[(pair["action_line__code"], pair["member_state__iso3"])] = _tally("", pair)
    accounts: dict[str, list[rules.Tally]] = {}
    for iso3, users in people.by_state.items():
        for user in users:
            accounts.setdefault(_person(user), []).append(by_state.get(iso3, rules.Tally(iso3)))
    for code, users in people.by_line.items():
        for (line, iso3), counts in by_pair.items():
            for user in users:
                if line == code and user not in people.by_state.get(iso3, []):
                    accounts.setdefault(_person(user), []).append(counts)
    covered = [by_state[s] for s in people.by_state if s in by_state]
    covered += [t for (line, iso3), t in by_pair.items() if iso3 not in people.by_state]
    found = [_sum(name, parts) for name, parts in accounts.items()]
    rest = rules.Tally("(no proponent account)", **{
        name: getattr(total, name) - sum(getattr(t, name) for t in covered) for name in _COUNTS})
    if rest.expected:
        found.append(rest)
    return sorted(found, key=lambda t: t.key)


def _missing_items(rnd: ReportingRound, rows) -> list[rules.Expected]:
    """The stored expectations not reported (nothing written, a draft or a returned report), with who files them."""
    people = proponents()
    champions = champions_by_goal()
    return [rules.Expected(
        code=r.action_line.code, goal=r.goal_code, state=r.member_state.iso3, champions=champions.get(r.goal_code, ()),
        proponents=tuple(_person(u) for u in people.of(r.action_line.code, r.member_state.iso3)),
        workflow_status=r.workflow_status or None, submitted_on=r.submitted_on, due_on=rnd.due_on,
        report_id=r.report_id) for r in rows]


def round_dashboard(rnd: ReportingRound, page: int | str = 1, *, everything: bool = False) -> dict:
    """Completeness and timeliness of one round, counted from its stored expectations (derived_rounds)."""
    rows = RoundExpectation.objects.filter(round=rnd)
    total = _tally("All", rows.aggregate(**_COUNTS))
    by_goal = _grouped(rows, "goal_code")
    by_state = _grouped(rows, "member_state__iso3")
    champions = champions_by_goal()
    by_champion: dict[str, list[rules.Tally]] = {}
    for goal, counts in by_goal.items():
        for champion in champions.get(goal) or ("(no champion)",):
            by_champion.setdefault(champion, []).append(counts)
    missing = rows.filter(_NOT_REPORTED).select_related("action_line", "member_state").order_by(
        "code_key", "member_state__iso3")
    paged = Paginator(missing, MISSING_PAGE_SIZE).get_page(1 if everything else page)
    return {
        "round": rnd, "total": total, "page": paged,
        "states": dict(MemberState.objects.values_list("iso3", "name")),
        "goals": dict(StrategicGoal.objects.values_list("code", "title")),
        "by_goal": [by_goal[k] for k in sorted(by_goal)],
        "by_champion": [_sum(k, by_champion[k]) for k in sorted(by_champion)],
        "by_state": [by_state[k] for k in sorted(by_state)],
        "by_proponent": _by_proponent(rows, by_state, total),
        "missing": _missing_items(rnd, missing if everything else paged.object_list),
        "today": timezone.localdate(), "has_demo": rows.filter(is_demo=True).exists() or rnd.is_demo,
    }


@dataclass(frozen=True)
class WarningFilters:
    goal: str = ""
    champion: str = ""
    state: str = ""
    show_all: bool = False


@dataclass(frozen=True)
class StoredAssessment:
    """What the early-warning page says above its table, read from the stored rows and the settings."""

    as_of: date | None
    oldest: date | None
    current_round: ReportingRound | None
    thresholds: object
    unreported_lines: list[str]


WARNING_PAGE_SIZE = 100


def _as_stream(row: StreamAssessment, champions: dict[str, tuple[str, ...]]) -> StreamAssessment:
    """The stored row with the names the table, the export and the reviews' streams share."""
    flags = tuple(ew.Flag(ew.FlagKind(f["kind"]), ew.Severity(f["severity"]), f["reason"]) for f in row.flags)
    report = (SimpleNamespace(round=row.report_round, workflow_status=row.report_workflow_status)
              if row.report_round else None)
    row.line, row.state, row.goal = row.terms, row.member_state, row.goal_code
    row.champions = champions.get(row.goal_code, ())
    row.warning = ew.LineWarning(row.stream, ew.Rag(row.rag), flags, tuple(row.notes), report)
    return row


def _chosen(filters: WarningFilters) -> Q:
    """The filters as one condition on the stored rows."""
    chosen = Q()
    if filters.goal:
        chosen &= Q(goal_code=filters.goal)
    if filters.champion:
        chosen &= Q(goal_code__in=ChampionAssignment.objects.filter(
            member_state__iso3=filters.champion).values("goal__code"))
    if filters.state:
        chosen &= Q(member_state__iso3=filters.state)
    return chosen


class _Counted(Paginator):
    """A paginator told its count, which the page's one summary query has already read."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.known = count

    @property
    def count(self) -> int:
        return self.known


def early_warning_page(filters: WarningFilters, page: int | str = 1, *, everything: bool = False) -> dict:
    """The stored early-warning assessments (from submitted, validated and accepted reports), worst first.

    A page of the table (`everything` for the workbook), the counts by status and the filters' choices, in a
    fixed number of queries however many lines and reports there are: one summary query reads the counts by
    status, the rows the table lists and the dates assessed, for every row at once.
    """
    chosen = _chosen(filters)
    rows = StreamAssessment.objects.filter(basis=Basis.SUBMITTED)
    listed = chosen if filters.show_all else chosen & Q(flag_count__gt=0)
    shown = rows.filter(listed).select_related("action_line", "terms__action_line", "member_state") \
        .order_by("worst_first")
    tallied: dict[str, int] = {}
    has_demo, total, dates, currents = False, 0, [], []
    for rag, demo, n, n_listed, newest, oldest, current in rows.order_by().values_list("rag", "is_demo").annotate(
            n=Count("pk", filter=chosen), n_listed=Count("pk", filter=listed), newest=Max("as_of"),
            oldest=Min("as_of"), current=Max("current_round")):
        tallied[rag] = tallied.get(rag, 0) + n
        has_demo, total = has_demo or (demo and n > 0), total + n_listed
        dates += [newest, oldest]
        currents.append(current)
    champions = champions_by_goal()
    paged = _Counted(shown, WARNING_PAGE_SIZE, total).get_page(1 if everything else page)
    states = dict(MemberState.objects.values_list("iso3", "name"))
    streams = [_as_stream(row, champions) for row in (shown if everything else paged.object_list)]
    current_name = max(currents, default=None)
    current = ReportingRound.objects.filter(name=current_name).first() if current_name else None
    assessment = StoredAssessment(max(dates, default=None), min(dates, default=None), current, thresholds(),
                                  unassessed_lines())
    return {
        "assessment": assessment, "streams": streams, "page": paged, "filters": filters,
        "counts": [(rag.value, RAG_LABELS[rag], tallied.get(rag.value, 0)) for rag in RAG_ORDER],
        "goals": list(StrategicGoal.objects.order_by("code").values_list("code", "title")),
        "champion_states": sorted({c for states in champions.values() for c in states}),
        "states": states,
        "lead_states": sorted(states),
        "has_demo": has_demo,
    }


def unassessed_lines() -> list[str]:
    """Lines in force with no lead state: nobody is asked to report, so early warning has nothing to assess."""
    in_force = PlanVersion.objects.order_by("-number").values("pk")[:1]
    codes = ActionLineVersion.objects.filter(plan_version=Subquery(in_force), retired=False,
                                             lead_states__isnull=True).values_list("action_line__code", flat=True)
    return sorted(codes, key=code_sort_key)


def line_history(code: str) -> dict:
    """Every report on one line across rounds and states, the chart of accepted ones, its early warning."""
    line = get_object_or_404(ActionLine.objects.select_related("action__outcome__goal"), code=code)
    version = current_version()
    terms = (ActionLineVersion.objects.filter(action_line=line, plan_version=version)
             .prefetch_related("lead_states").first() if version else None)
    reports = list(ProgressReport.objects.filter(action_line=line).select_related("round", "member_state")
                   .order_by("round__opens_on", "member_state__iso3"))
    accepted = [r for r in reports if r.workflow_status == WorkflowStatus.ACCEPTED]
    champions = champions_by_goal()
    streams = [_as_stream(row, champions) for row in StreamAssessment.objects.filter(
        basis=Basis.SUBMITTED, action_line=line).select_related("action_line", "terms__action_line", "member_state")
        .order_by("member_state__iso3")]
    return {
        "line": line, "terms": terms, "goal": line.action.outcome.goal, "reports": reports,
        "chart": charts.progress_chart(accepted, title=f"Action line {code}: accepted reports"),
        "streams": streams, "has_demo": any(r.is_demo for r in reports),
        "lead_states": [s.iso3 for s in terms.lead_states.all()] if terms else [],
    }


def sorted_codes(codes) -> list[str]:
    return sorted(codes, key=code_sort_key)

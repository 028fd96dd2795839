"""Read path of the dashboards: round completeness and timeliness, early warning, an action line's history.

Only accepted reports count on the round dashboard and in the line's chart; reports still in review are
shown as such and not counted. Early warning also reads submitted and validated reports, as the core's
rules say. Pages, exports and tests read these functions, so they cannot disagree.
"""

from dataclasses import dataclass, replace

from django.shortcuts import get_object_or_404
from django.utils import timezone

from sapsmed.core.sequencing import code_sort_key
from sapsmed.memo import memoised
from sapsmed.plan.models import ActionLine, ActionLineVersion, MemberState, StrategicGoal
from sapsmed.plan.roadmap_selectors import plan_tables
from sapsmed.plan.selectors import current_version
from sapsmed.progress import charts, rules
from sapsmed.progress.models import ProgressReport, ReportingRound, WorkflowStatus
from sapsmed.progress.selectors import champions_by_goal, expected_pairs, goal_of, lines_in_force, proponents
from sapsmed.progress.warning import RAG_LABELS, RAG_ORDER, assess


def _person(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def round_items(rnd: ReportingRound) -> list[rules.Expected]:
    """Every report the round expects, with where it stands and who files it.

    What the plan and the reports say is reused until a plan table, a round or a report changes (the
    lines in force are most of the cost); who files each report is read fresh, as accounts have no stamp.
    """
    people = proponents()
    expected = memoised("round-items", [*plan_tables(), ReportingRound, ProgressReport],
                        (rnd.pk, rnd.opens_on, rnd.due_on), lambda: _round_items(rnd))
    return [replace(item, proponents=tuple(_person(u) for u in people.of(item.code, item.state)))
            for item in expected]


def _round_items(rnd: ReportingRound) -> tuple[rules.Expected, ...]:
    lines = lines_in_force()
    champions = champions_by_goal()
    reports = {(r["action_line_id"], r["member_state_id"]): r for r in rnd.reports.values(
        "id", "action_line_id", "member_state_id", "workflow_status", "first_submitted_at")}
    items = []
    for lv, state in expected_pairs(rnd, lines):
        code, goal = lv.action_line.code, goal_of(lv)
        found = reports.get((lv.action_line_id, state.pk))
        submitted = found and found["first_submitted_at"]
        items.append(rules.Expected(
            code=code, goal=goal, state=state.iso3, champions=champions.get(goal, ()), proponents=(),
            workflow_status=found["workflow_status"] if found else None,
            submitted_on=timezone.localdate(submitted) if submitted else None,
            due_on=rnd.due_on, report_id=found["id"] if found else None))
    return tuple(items)


def round_dashboard(rnd: ReportingRound) -> dict:
    items = round_items(rnd)
    states = dict(MemberState.objects.values_list("iso3", "name"))
    goals = dict(StrategicGoal.objects.values_list("code", "title"))
    has_demo = rnd.is_demo or rnd.reports.filter(is_demo=True).exists()
    return {
        "round": rnd, "items": items, "total": rules.total(items), "states": states, "goals": goals,
        "by_goal": rules.tally(items, lambda i: [i.goal]),
        "by_champion": rules.tally(items, lambda i: i.champions or ["(no champion)"]),
        "by_state": rules.tally(items, lambda i: [i.state]),
        "by_proponent": rules.tally(items, lambda i: i.proponents or ["(no proponent account)"]),
        "missing": [i for i in items if i.not_reported],
        "today": timezone.localdate(), "has_demo": has_demo,
    }


@dataclass(frozen=True)
class WarningFilters:
    goal: str = ""
    champion: str = ""
    state: str = ""
    show_all: bool = False

    def keep(self, stream) -> bool:
        return ((not self.goal or stream.goal == self.goal)
                and (not self.champion or self.champion in stream.champions)
                and (not self.state or stream.state.iso3 == self.state))


def early_warning_page(filters: WarningFilters) -> dict:
    assessment = assess()
    chosen = [s for s in assessment.streams if filters.keep(s)]
    shown = chosen if filters.show_all else [s for s in chosen if s.flagged]
    counts = {rag: 0 for rag in RAG_ORDER}
    for s in chosen:
        counts[s.warning.rag] += 1
    champion_states = sorted({c for s in assessment.streams for c in s.champions})
    lead_states = sorted({s.state.iso3 for s in assessment.streams})
    return {
        "assessment": assessment, "streams": shown, "filters": filters,
        "counts": [(rag.value, RAG_LABELS[rag], n) for rag, n in counts.items()],
        "goals": list(StrategicGoal.objects.order_by("code").values_list("code", "title")),
        "champion_states": champion_states, "lead_states": lead_states,
        "states": dict(MemberState.objects.values_list("iso3", "name")),
        "has_demo": assessment.has_demo,
    }


def line_history(code: str) -> dict:
    """Every report on one line across rounds and states, the chart of accepted ones, its early warning."""
    line = get_object_or_404(ActionLine.objects.select_related("action__outcome__goal"), code=code)
    version = current_version()
    terms = (ActionLineVersion.objects.filter(action_line=line, plan_version=version)
             .prefetch_related("lead_states").first() if version else None)
    reports = list(ProgressReport.objects.filter(action_line=line).select_related("round", "member_state")
                   .order_by("round__opens_on", "member_state__iso3"))
    accepted = [r for r in reports if r.workflow_status == WorkflowStatus.ACCEPTED]
    streams = [s for s in assess().streams if s.line.action_line_id == line.pk]
    return {
        "line": line, "terms": terms, "goal": line.action.outcome.goal, "reports": reports,
        "chart": charts.progress_chart(accepted, title=f"Action line {code}: accepted reports"),
        "streams": streams, "has_demo": any(r.is_demo for r in reports),
        "lead_states": [s.iso3 for s in terms.lead_states.all()] if terms else [],
    }


def sorted_codes(codes) -> list[str]:
    return sorted(codes, key=code_sort_key)

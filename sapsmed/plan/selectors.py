"""Read path of the plan: every page, export and API reads the plan through these functions.

Each selector plans its queries (select_related / prefetch_related) so that a page's query
count does not grow with the number of goals, actions or action lines.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from sapsmed.plan.models import (
    Action,
    ActionLine,
    ActionLineVersion,
    DesiredOutcome,
    MemberState,
    Plan,
    PlanVersion,
    StrategicGoal,
)


def current_version() -> PlanVersion | None:
    """The plan version in force: the highest-numbered one."""
    return PlanVersion.objects.select_related("plan").order_by("-number").first()


def line_versions(version: PlanVersion):
    """The action lines' terms in one version, with everything a list shows."""
    return (
        ActionLineVersion.objects.filter(plan_version=version)
        .select_related("action_line", "pathway")
        .prefetch_related("lead_states", "types_of_measure")
        .order_by("action_line__code")
    )


def _attach_lines(actions, version: PlanVersion | None, **filters) -> None:
    """Give each action `.lines`: its action lines in the version, fetched in one query for all."""
    by_action: dict[int, list] = {}
    if version is not None:
        for lv in line_versions(version).filter(**filters):
            by_action.setdefault(lv.action_line.action_id, []).append(lv)
    for action in actions:
        action.lines = by_action.get(action.pk, [])


def plan_overview() -> dict:
    plan = Plan.objects.prefetch_related("periods").first()
    version = current_version()
    goals = list(
        StrategicGoal.objects.prefetch_related(
            "champions", Prefetch("outcomes", queryset=DesiredOutcome.objects.prefetch_related("actions"))
        )
    )
    line_count = ActionLineVersion.objects.filter(plan_version=version).count() if version else 0
    return {"plan": plan, "version": version, "goals": goals, "line_count": line_count}


def goal_page(code: str) -> dict:
    """A goal with its outcomes, actions and lines; the goal page (sapsmed/pages) adds its KPIs."""
    goal = get_object_or_404(StrategicGoal.objects.select_related("plan").prefetch_related("champions"), code=code)
    version = current_version()
    outcomes = list(goal.outcomes.prefetch_related("actions"))
    actions = [a for o in outcomes for a in o.actions.all()]
    _attach_lines(actions, version, action_line__action__outcome__goal=goal)
    return {"goal": goal, "outcomes": outcomes, "version": version}


def action_page(code: str) -> dict:
    action = get_object_or_404(Action.objects.select_related("outcome__goal"), code=code)
    version = current_version()
    _attach_lines([action], version, action_line__action=action)
    champions = list(action.outcome.goal.champions.all())
    return {"action": action, "version": version, "champions": champions}


def action_line_page(code: str, version_number: str | None = None) -> dict:
    """An action line's terms in one version (default: the one in force), with who/when/how and its order.

    All the line's versions are read at once (a line has a handful), so choosing one costs no query.
    """
    line = get_object_or_404(ActionLine.objects.select_related("action__outcome__goal"), code=code)
    latest = current_version()
    in_versions = list(
        line.versions.select_related("pathway", "plan_version")
        .prefetch_related("lead_states", "types_of_measure", "proponent_states", "proponent_organisations",
                          Prefetch("predecessors", queryset=ActionLine.objects.order_by("code")))
        .order_by("plan_version__number")
    )
    version = latest
    if version_number:
        number = int(version_number) if version_number.isdigit() else -1
        version = next((lv.plan_version for lv in in_versions if lv.plan_version.number == number), None)
        if version is None:
            version = get_object_or_404(PlanVersion.objects.select_related("plan"), number=number)
    terms = next((lv for lv in in_versions if version and lv.plan_version_id == version.pk), None)
    successors = list(
        ActionLine.objects.filter(versions__plan_version=version, versions__predecessors=line).order_by("code")
    ) if version else []
    champions = list(line.action.outcome.goal.champions.all())
    return {"line": line, "terms": terms, "version": version, "champions": champions, "successors": successors,
            "in_versions": in_versions, "latest": latest}


def state_list() -> list[MemberState]:
    return list(MemberState.objects.prefetch_related("championed_goals"))


def state_page(iso3: str) -> dict:
    state = get_object_or_404(MemberState, iso3=iso3.upper())
    version = current_version()
    goals = list(state.championed_goals.all())
    led = list(line_versions(version).filter(lead_states=state)) if version else []
    return {"state": state, "goals": goals, "led": led, "version": version}

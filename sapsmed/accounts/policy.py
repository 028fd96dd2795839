"""The one place that decides who may see and do what.

Rules, in words:
- Everyone, including anonymous visitors, reads the plan: goals, outcomes, actions, action lines,
  member states and KPI definitions are public facts of an endorsed ASEAN document.
- The change history of plan content (who changed what) is for signed-in users holding a role;
  a signed-in user without any role grant sees only what the public sees.
- Only the ASEAN Secretariat (or a superuser) edits the plan and uses the admin site.
- The roadmap (timeline, who/when/how, versions and their differences) is public like the plan;
  only the Secretariat edits action lines, imports the roadmap workbook and records amendments.
- KPI definitions, observations, scorecards and the regional view are public (they come from
  published statistics). A national focal point enters, corrects and imports values for its own
  state only; the Secretariat for every state. Targets: the Secretariat (regional or any state) and
  a focal point (its own state).
- Progress reports are not public. A proponent drafts, submits and edits reports on the action
  lines it is proponent of: lines whose lead states include the proponent's state, or lines granted
  to it by code. The Country Champion of an action line's goal validates or returns the report.
  The Secretariat opens and locks rounds, grants exceptions, accepts validated reports and returns
  them. Reports are read by the Secretariat, by champions (their goals), by proponents (their
  lines), by focal points (lines their state leads) and by viewers (their goals, or all).
- Progress dashboards and early warning are for signed-in users holding a role.
- MSME definitions and survey estimates are public once computed; survey designs and microdata
  are managed by the Secretariat and by a focal point for its own state's surveys.
- Reviews are prepared, generated, frozen and published by the Secretariat and read by users
  holding a role; a snapshot the Secretariat published is public.
- Anything with a scope is asked with that scope: `can(user, Perm.KPI_EDIT, state="MYS")`,
  `can(user, Perm.REPORT_VALIDATE, goal="B")`, `can(user, Perm.REPORT_EDIT, line="B-2-1.3",
  lead_states={"MYS", "LAO"})`. A scope-free question about a scoped permission means "anywhere".
"""

from dataclasses import dataclass
from enum import StrEnum

from sapsmed.accounts.models import Role, RoleGrant


class Perm(StrEnum):
    VIEW_PLAN = "plan.view"
    VIEW_HISTORY = "plan.view_history"
    EDIT_PLAN = "plan.edit"
    USE_ADMIN = "admin.use"
    AMEND_PLAN = "plan.amend"
    KPI_EDIT = "kpi.edit"  # scope: state
    KPI_TARGET_SET = "kpi.target_set"  # scope: state (None for a regional target)
    ROUND_MANAGE = "progress.round_manage"
    REPORT_VIEW = "progress.report_view"  # scope: goal, line, lead_states
    REPORT_EDIT = "progress.report_edit"  # scope: line, lead_states
    REPORT_VALIDATE = "progress.report_validate"  # scope: goal
    REPORT_ACCEPT = "progress.report_accept"
    DASHBOARD_VIEW = "progress.dashboard_view"
    SURVEY_MANAGE = "survey.manage"  # scope: state
    REVIEW_MANAGE = "review.manage"


@dataclass(frozen=True)
class Grants:
    """What a user's role grants add up to, read once per request."""

    superuser: bool
    roles: frozenset[str]
    champion_goals: frozenset[str]
    champion_states: frozenset[str]
    proponent_states: frozenset[str]
    proponent_lines: frozenset[str]
    focal_point_states: frozenset[str]
    viewer_goals: frozenset[str] | None  # None: a viewer of all goals

    @property
    def is_secretariat(self) -> bool:
        return self.superuser or Role.SECRETARIAT in self.roles


NO_GRANTS = Grants(False, frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def grants_of(user) -> Grants:
    """The user's grants, cached on the user object so a page asks the database once."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_GRANTS
    cached = getattr(user, "_sapsmed_grants", None)
    if cached is not None:
        return cached
    rows = list(
        RoleGrant.objects.filter(user=user).select_related("goal", "member_state", "action_line")
    )

    def pick(role: str, attr: str) -> frozenset[str]:
        values = set()
        for g in rows:
            if g.role == role and getattr(g, attr) is not None:
                obj = getattr(g, attr)
                values.add(getattr(obj, "iso3", None) or obj.code)
        return frozenset(values)

    viewer_rows = [g for g in rows if g.role == Role.VIEWER]
    viewer_goals = None if any(g.goal_id is None for g in viewer_rows) else frozenset(g.goal.code for g in viewer_rows)
    grants = Grants(
        superuser=user.is_superuser,
        roles=frozenset(g.role for g in rows),
        champion_goals=pick(Role.CHAMPION, "goal"),
        champion_states=pick(Role.CHAMPION, "member_state"),
        proponent_states=pick(Role.PROPONENT, "member_state"),
        proponent_lines=pick(Role.PROPONENT, "action_line"),
        focal_point_states=pick(Role.FOCAL_POINT, "member_state"),
        viewer_goals=viewer_goals if viewer_rows else frozenset(),
    )
    user._sapsmed_grants = grants
    return grants


def is_proponent_of(grants: Grants, *, line: str | None, lead_states=()) -> bool:
    if line is None:
        return bool(grants.proponent_states or grants.proponent_lines)
    return line in grants.proponent_lines or bool(grants.proponent_states & set(lead_states))


@dataclass(frozen=True)
class ReportScope:
    """Which progress reports a person reads, as sets of codes: the one rule behind REPORT_VIEW, asked of one
    report (`allows`) or turned into a queryset filter by the progress app (selectors.visible_reports)."""

    everything: bool
    goals: frozenset[str] = frozenset()  # reports on the action lines of these goals
    lines: frozenset[str] = frozenset()  # reports on these action lines
    states: frozenset[str] = frozenset()  # reports filed for these states or on lines they lead

    def allows(self, *, goal: str | None, line: str | None, lead_states=()) -> bool:
        if self.everything:
            return True
        if line is None:  # a scope-free question: "may they read any report (of this goal)?"
            return (goal in self.goals if goal else bool(self.goals)) or bool(self.lines or self.states)
        return goal in self.goals or line in self.lines or bool(self.states & set(lead_states))


def report_scope(user) -> ReportScope:
    """The Secretariat and viewers of all goals read every report; champions and viewers their goals' reports;
    proponents their lines' and their states' reports; focal points the reports on lines their state leads."""
    grants = grants_of(user)
    if grants.is_secretariat or grants.viewer_goals is None:
        return ReportScope(everything=True)
    return ReportScope(False, grants.viewer_goals | grants.champion_goals, grants.proponent_lines,
                       grants.proponent_states | grants.focal_point_states)


def can(user, perm: Perm, *, state: str | None = None, goal: str | None = None, line: str | None = None,
        lead_states=()) -> bool:
    grants = grants_of(user)
    sec = grants.is_secretariat
    match perm:
        case Perm.VIEW_PLAN:
            return True
        case Perm.VIEW_HISTORY | Perm.DASHBOARD_VIEW:
            return grants.superuser or bool(grants.roles)
        case (Perm.EDIT_PLAN | Perm.USE_ADMIN | Perm.AMEND_PLAN | Perm.ROUND_MANAGE | Perm.REPORT_ACCEPT
              | Perm.REVIEW_MANAGE):
            return sec
        case Perm.KPI_EDIT | Perm.SURVEY_MANAGE:
            return sec or (state in grants.focal_point_states if state else bool(grants.focal_point_states))
        case Perm.KPI_TARGET_SET:
            return sec or (state is not None and state in grants.focal_point_states)
        case Perm.REPORT_EDIT:
            return is_proponent_of(grants, line=line, lead_states=lead_states)
        case Perm.REPORT_VALIDATE:
            return goal in grants.champion_goals if goal else bool(grants.champion_goals)
        case Perm.REPORT_VIEW:
            return report_scope(user).allows(goal=goal, line=line, lead_states=lead_states)
    raise ValueError(f"unknown permission {perm!r}")


def forget_grants(user) -> None:
    """Drop the cached grants after they change (used by the grant service)."""
    if hasattr(user, "_sapsmed_grants"):
        del user._sapsmed_grants


def has_report_work(user) -> bool:
    """Whether this person has reports to write, validate or accept: a "my work" page, and its menu link."""
    return can(user, Perm.REPORT_EDIT) or can(user, Perm.REPORT_VALIDATE) or can(user, Perm.REPORT_ACCEPT)

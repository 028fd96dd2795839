"""The one place that decides who may see and do what.

Rules, in words:
- Everyone, including anonymous visitors, reads the plan: goals, outcomes, actions, action lines,
  member states and KPI definitions are public facts of an endorsed ASEAN document.
- The change history of plan content (who changed what) is for signed-in users holding a role;
  a signed-in user without any role grant sees only what the public sees.
- Only the ASEAN Secretariat (or a superuser) edits the plan and uses the admin site.
- Scoped roles (champion of a goal, proponent of action lines, focal point of a state, viewer of
  some goals) are read from the user's role grants; later parts of the platform ask the helpers
  below (`champion_goal_codes`, `focal_point_states`, ...) rather than reading grants themselves.
"""

from dataclasses import dataclass
from enum import StrEnum

from sapsmed.accounts.models import Role, RoleGrant


class Perm(StrEnum):
    VIEW_PLAN = "plan.view"
    VIEW_HISTORY = "plan.view_history"
    EDIT_PLAN = "plan.edit"
    USE_ADMIN = "admin.use"


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


def can(user, perm: Perm, obj=None) -> bool:
    grants = grants_of(user)
    match perm:
        case Perm.VIEW_PLAN:
            return True
        case Perm.VIEW_HISTORY:
            return grants.superuser or bool(grants.roles)
        case Perm.EDIT_PLAN | Perm.USE_ADMIN:
            return grants.is_secretariat
    raise ValueError(f"unknown permission {perm!r}")


def forget_grants(user) -> None:
    """Drop the cached grants after they change (used by the grant service)."""
    if hasattr(user, "_sapsmed_grants"):
        del user._sapsmed_grants

"""Asks the policy module the progress questions with the right scope: who may edit, validate, read a report."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from sapsmed.accounts.policy import Perm, can, grants_of, has_report_work
from sapsmed.core.workflow import Role


def may_edit(user, *, line: str, state: str) -> bool:
    """The proponent of this state's report on this line (its state leads the line, or a line grant)."""
    return can(user, Perm.REPORT_EDIT, line=line, lead_states={state})


def may_view(user, *, line: str, goal: str, lead_states) -> bool:
    return can(user, Perm.REPORT_VIEW, line=line, goal=goal, lead_states=set(lead_states))


def workflow_roles(user, *, line: str, goal: str, state: str) -> set[str]:
    """The core.workflow role names this person holds on one report; several may apply."""
    roles = set()
    if may_edit(user, line=line, state=state):
        roles.add(Role.PROPONENT.value)
    if can(user, Perm.REPORT_VALIDATE, goal=goal):
        roles.add(Role.CHAMPION.value)
    if can(user, Perm.REPORT_ACCEPT):
        roles.add(Role.SECRETARIAT.value)
    return roles


def has_work(user) -> bool:
    """Whether a "my work" page has anything for this person: proponents, champions, the Secretariat."""
    return has_report_work(user)


def pairs_filter(user):
    """(states, lines) of the proponent's grants: it reports for these states, and on these lines for any state."""
    grants = grants_of(user)
    return grants.proponent_states, grants.proponent_lines


def deny(request, message: str = "Your role does not allow this."):
    """Anonymous visitors are sent to log in; signed-in users without the permission get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(message)

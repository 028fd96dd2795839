"""Expose the policy's answers to templates, so menus show only what a user may use."""

from sapsmed.accounts.policy import Perm, can, grants_of


def permissions(request):
    user = getattr(request, "user", None)
    return {
        "may": {
            "edit_plan": can(user, Perm.EDIT_PLAN),
            "view_history": can(user, Perm.VIEW_HISTORY),
            "use_admin": can(user, Perm.USE_ADMIN),
        },
        "grants": grants_of(user),
    }

"""Expose the policy's answers to templates, so menus show only what a user may use."""

from sapsmed.accounts.policy import Perm, can, grants_of, has_report_work


def permissions(request):
    user = getattr(request, "user", None)
    return {
        "may": {
            "edit_plan": can(user, Perm.EDIT_PLAN),
            "view_history": can(user, Perm.VIEW_HISTORY),
            "report_work": has_report_work(user),
            "use_admin": can(user, Perm.USE_ADMIN),
        },
        "grants": grants_of(user),
    }

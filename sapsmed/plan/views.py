"""Pages of the Action Plan: home, actions, action lines, member states (goal and search pages: sapsmed/pages)."""

from django.shortcuts import render

from sapsmed.accounts.policy import Perm, can
from sapsmed.plan import selectors
from sapsmed.plan.history import change_history


def home(request):
    return render(request, "plan/home.html", selectors.plan_overview())


def action_detail(request, code: str):
    ctx = selectors.action_page(code.upper())
    if can(request.user, Perm.VIEW_HISTORY):
        ctx["history"] = change_history(ctx["action"])
    return render(request, "plan/action_detail.html", ctx)


def action_line_detail(request, code: str):
    ctx = selectors.action_line_page(code.upper(), request.GET.get("version"))
    ctx["may_edit"] = can(request.user, Perm.EDIT_PLAN) and ctx["version"] == ctx["latest"]
    if ctx["terms"] is not None and can(request.user, Perm.VIEW_HISTORY):
        ctx["history"] = change_history(ctx["terms"])
    return render(request, "plan/action_line_detail.html", ctx)


def state_list(request):
    return render(request, "plan/state_list.html", {"states": selectors.state_list()})


def state_detail(request, iso3: str):
    return render(request, "plan/state_detail.html", selectors.state_page(iso3))

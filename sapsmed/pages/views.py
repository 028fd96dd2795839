"""Composed pages: the goal page (plan and its KPIs) and the search (plan, member states, KPIs, reviews)."""

from django.shortcuts import render

from sapsmed.accounts.policy import Perm, can
from sapsmed.pages import selectors
from sapsmed.plan.history import change_history


def goal_detail(request, code: str):
    ctx = selectors.goal_page(code.upper())
    if can(request.user, Perm.VIEW_HISTORY):
        ctx["history"] = change_history(ctx["goal"])
    return render(request, "pages/goal_detail.html", ctx)


def search(request):
    return render(request, "pages/search.html", selectors.search(request.GET.get("q", "")))

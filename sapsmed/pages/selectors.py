"""Read path of the composed pages: a plan page together with the KPIs that belong to it.

The plan's selectors answer for the plan alone (plan sits below kpis); the KPIs are added here.
"""

from django.db.models import Q

from sapsmed.kpis.models import Kpi
from sapsmed.plan import selectors as plan_selectors


def goal_page(code: str) -> dict:
    """A goal's outcomes, actions and lines (plan), with the KPIs linked to the goal."""
    ctx = plan_selectors.goal_page(code)
    ctx["kpis"] = list(Kpi.objects.filter(goal=ctx["goal"]).prefetch_related("availability_states"))
    return ctx


def search(query: str, *, limit: int = 50) -> dict:
    """The plan's search results, with the KPIs whose code or name match."""
    results = plan_selectors.search(query, limit=limit)
    q = results["query"]
    kpis = list(
        Kpi.objects.select_related("goal").filter(Q(code__iexact=q) | Q(name__icontains=q))[:limit]
    ) if len(q) >= 2 else []
    return {**results, "kpis": kpis, "total": results["total"] + len(kpis)}

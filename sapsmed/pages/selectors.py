"""Read path of the composed pages: a plan page together with the KPIs that belong to it.

The plan's selectors answer for the plan alone (plan sits below kpis); the KPIs are added here.
"""

from sapsmed.kpis import selectors as kpi_selectors
from sapsmed.plan import selectors as plan_selectors


def goal_page(code: str) -> dict:
    """A goal's outcomes, actions and lines (plan), with the KPIs linked to the goal."""
    ctx = plan_selectors.goal_page(code)
    ctx["kpis"] = kpi_selectors.goal_kpis(ctx["goal"])
    return ctx


def search(query: str, *, limit: int = 50) -> dict:
    """The plan's search results, with the KPIs whose code or name match."""
    results = plan_selectors.search(query, limit=limit)
    kpis = kpi_selectors.kpi_search(results["query"], limit=limit)
    return {**results, "kpis": kpis, "total": results["total"] + len(kpis)}

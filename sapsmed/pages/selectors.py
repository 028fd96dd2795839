"""Read path of the composed pages: a plan page together with the KPIs that belong to it, and the search.

The plan's selectors answer for the plan alone (plan sits below kpis); the KPIs are added here. The search
(sapsmed.search) indexes the plan, KPIs and published reviews itself.
"""

from sapsmed.kpis import selectors as kpi_selectors
from sapsmed.plan import selectors as plan_selectors
from sapsmed.search import selectors as search_selectors


def goal_page(code: str) -> dict:
    """A goal's outcomes, actions and lines (plan), with the KPIs linked to the goal."""
    ctx = plan_selectors.goal_page(code)
    ctx["kpis"] = kpi_selectors.goal_kpis(ctx["goal"])
    return ctx


def search(query: str) -> dict:
    """The search page: the plan, member states, KPIs and published reviews matching the query, by kind."""
    return search_selectors.search(query)

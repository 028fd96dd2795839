"""The KPI scorecard at /kpis/: the stored cells (kpis) with a link to the latest published edition (reviews)."""

from django.shortcuts import render

from sapsmed.kpis import selectors as kpi_selectors
from sapsmed.reviews import selectors as review_selectors


def kpi_scorecard(request):
    ctx = kpi_selectors.scorecard()
    ctx["edition"] = review_selectors.latest_scorecard_edition()
    return render(request, "pages/kpi_scorecard.html", ctx)

"""A visitor opens the KPI scorecard, then female labour force participation, and sees the real values drawn."""

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_scorecard_then_female_labour_force_chart_draws_real_values_without_csp_errors(live_server, page, screenshot):
    from sapsmed.kpis.models import Observation
    from sapsmed.kpis.shipped import shipped_load
    from sapsmed.ops.loading import plan_load

    plan_load()  # transactional tests start from an empty database
    shipped_load()
    malaysia_2016 = Observation.objects.get(kpi__code="KPI-E2", state__iso3="MYS", year=2016).value
    problems, failed = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)

    page.goto(live_server.url + "/kpis/")
    assert "KPI scorecard" in page.inner_text("h1")
    assert page.locator("#scorecard tbody tr").count() == 10
    screenshot("kpi-scorecard")

    page.click("#scorecard thead a[href='/kpis/KPI-E2/']")
    page.wait_for_url("**/kpis/KPI-E2/")
    assert "Labor force participation rate, female" in page.inner_text("h1")
    page.wait_for_selector("#kpi-chart[data-vega-drawn='true'] svg", state="attached")
    points = page.locator("#kpi-chart svg .mark-symbol path")
    assert points.count() >= 150  # 10 states x 16 years of World Bank values, plus the baselines
    labels = page.eval_on_selector_all("#kpi-chart svg .mark-symbol path",
                                       "els => els.map(e => e.getAttribute('aria-label') || '')")
    shown = f"{float(malaysia_2016):.2f}".rstrip("0")
    assert any("Malaysia" in label and "2016" in label and shown[:4] in label for label in labels), labels[:5]
    assert page.locator("#kpi-chart svg .mark-line path").count() >= 10
    page.locator("#kpi-chart").scroll_into_view_if_needed()
    screenshot("kpi-female-labour-force-chart")

    csp = [p for p in problems if re.search(r"Content.Security.Policy|unsafe-eval|unsafe-inline|Refused", p, re.I)]
    assert csp == [], csp
    assert failed == [], failed
    # The browser asks for /favicon.ico, which the platform does not serve; any other problem fails the test.
    assert [p for p in problems if not p.startswith("Failed to load resource")] == [], problems

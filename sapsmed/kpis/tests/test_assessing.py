"""Stored facts reach the core rules unchanged: baseline year, target, comparability, and the chart draws them."""

from decimal import Decimal

import pytest

from sapsmed.core.achievement import Status
from sapsmed.kpis import charts, selectors
from sapsmed.kpis.derived import scorecard_cells_recompute
from sapsmed.kpis.models import KpiStateProfile
from sapsmed.kpis.services import target_set

pytestmark = pytest.mark.django_db


def data_of(spec) -> list[list[dict]]:
    """Each layer's inline rows (and any top-level datasets), wherever the spec keeps them."""
    found = [layer["data"]["values"] for layer in spec["layer"] if "values" in layer.get("data", {})]
    return found + list(spec.get("datasets", {}).values())


def cell_of(page, iso3):
    return next(c for c in page["cells"] if c.state.iso3 == iso3)


def test_the_baseline_is_2016_or_the_nearest_year_shown_as_such(kpi_data):
    page = selectors.kpi_page("KPI-X1")
    malaysia = cell_of(page, "MYS").assessment
    assert (malaysia.baseline.year, malaysia.baseline.note) == (2014, "2016 not available; 2014 used")
    brunei = cell_of(selectors.kpi_page("KPI-E2"), "BRN").assessment
    assert brunei.baseline.year == 2016 and brunei.baseline.note is None


def test_a_states_own_baseline_year_is_used_when_its_profile_sets_one(kpi_data, kpi, state):
    KpiStateProfile.objects.filter(kpi__code="KPI-E2", state__iso3="MYS").update(baseline_year=2017)
    scorecard_cells_recompute(pairs=[(kpi("KPI-E2").pk, state("MYS").pk)])  # as a profile's change does
    assert cell_of(selectors.kpi_page("KPI-E2"), "MYS").assessment.baseline.year == 2017


def test_malaysias_national_gdp_target_gives_a_target_status_with_its_reason(kpi_data):
    malaysia = cell_of(selectors.kpi_page("KPI-X1"), "MYS")
    assert malaysia.status is Status.AT_RISK
    assert "of the way from the 2014 baseline to the 2020 target" in malaysia.assessment.reason


def test_a_target_on_the_wrong_side_of_the_baseline_is_set_aside_with_the_reason(kpi_data, kpi, state):
    target_set(kpi=kpi("KPI-D1"), state=state("THA"), value=Decimal("40"), year=2020, set_by="t", decided="t",
               source="t", user=None, reason="test")
    thailand = cell_of(selectors.kpi_page("KPI-D1"), "THA")
    assert thailand.target_problem.startswith("Target not used:") and "lower is better" in thailand.target_problem
    assert thailand.status is Status.IMPROVED  # assessed against the baseline instead


def test_days_to_start_a_business_improve_when_they_fall(kpi_data):
    thailand = cell_of(selectors.kpi_page("KPI-D1"), "THA").assessment
    assert thailand.latest.value < thailand.baseline.value and thailand.in_good_direction


def test_without_a_later_value_there_is_no_status(kpi_data):
    malaysia = cell_of(selectors.kpi_page("KPI-C1"), "MYS")
    assert malaysia.status is Status.NO_DATA and "no value after the 2014 baseline" in malaysia.assessment.reason


def test_the_regional_figure_leaves_out_states_not_comparable(kpi_data):
    KpiStateProfile.objects.filter(kpi__code="KPI-E2", state__iso3="SGP").update(
        comparable=False, comparability_note="national LFS replaces the ILO estimate")
    baseline_year = selectors.kpi_page("KPI-E2")["regional"][0]
    assert baseline_year.year == 2016 and "SGP" not in baseline_year.figure.included
    assert "SGP (not comparable: national LFS replaces the ILO estimate)" in baseline_year.figure.summary


def test_the_chart_marks_baselines_target_paths_gaps_and_projections(kpi_data):
    kpi, cells, regional_target = selectors.kpi_series("KPI-X1")
    spec = charts.chart_spec(kpi, cells, regional_target)
    datasets = data_of(spec)
    assert any(row.get("note") == "2016 not available; 2014 used" for rows in datasets for row in rows)
    target_rows = [row for rows in datasets for row in rows if "target 2020" in str(row.get("label", ""))]
    assert {(r["year"], r["value"]) for r in target_rows} == {(2014, 36.0), (2020, 41.0)}
    # Malaysia has values for 2011, 2014 and 2018: the years between are gaps (null), never interpolated.
    gaps = [row for rows in datasets for row in rows if row.get("state") == "Malaysia" and row.get("value") is None]
    assert sorted(r["year"] for r in gaps) == [2012, 2013, 2015, 2016, 2017]
    kpi, cells, regional_target = selectors.kpi_series("KPI-E2")
    points = next(rows for rows in data_of(charts.chart_spec(kpi, cells)) if rows and "projection" in rows[0])
    assert {r["year"] for r in points if r["projection"]} == {2023, 2024, 2025}


def test_a_confidence_interval_is_drawn_as_an_error_bar(kpi_data, kpi, state):
    from sapsmed.kpis.services import observation_record

    observation_record(kpi=kpi("KPI-C2"), state=state("MYS"), year=2020, value=Decimal("4.2"), ci_low=Decimal("3"),
                       ci_high=Decimal("5.4"), source="MSME survey", user=None, reason="survey estimate")
    spec = charts.chart_spec(*selectors.kpi_series("KPI-C2"))
    bars = [layer for layer in spec["layer"] if layer.get("encoding", {}).get("y2")]
    assert bars and bars[0]["encoding"]["y2"]["field"] == "ci_high"


@pytest.mark.parametrize("code", ["KPI-A1", "KPI-A2", "KPI-B1", "KPI-C1", "KPI-C2", "KPI-D1", "KPI-D2", "KPI-E1",
                                  "KPI-E2", "KPI-E3", "KPI-X1"])
def test_every_kpis_chart_is_a_valid_vega_lite_spec(kpi_data, code):
    spec = charts.chart_spec(*selectors.kpi_series(code), validate=True)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_a_long_unit_gives_its_short_form_on_the_axis_and_a_short_unit_stays_whole(kpi_data):
    def axis_title(code):
        spec = charts.chart_spec(*selectors.kpi_series(code))
        return next(layer["encoding"]["y"]["title"] for layer in spec["layer"]
                    if layer.get("encoding", {}).get("y", {}).get("title"))

    assert axis_title("KPI-A1") == "PPP $"  # its unit is a sentence about the price basis
    assert axis_title("KPI-A2") == "% of GDP"

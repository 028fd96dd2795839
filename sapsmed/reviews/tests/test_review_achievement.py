"""A review's KPI achievement: typed cells equal to the KPI pages', regional figures, data gaps with reasons."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from sapsmed.kpis import selectors
from sapsmed.plan.models import PlanVersion
from sapsmed.reviews.models import Review
from sapsmed.reviews.section_kpis import kpi_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_kpis(db):
    call_command("load_observations", stdout=StringIO())


def _review(personas, *, year_to=2025, year_from=2016):
    return Review.objects.create(kind="final", title="Final review", cut_off=date(year_to, 12, 31),
                                 plan_version=PlanVersion.objects.get(number=1), kpi_year_from=year_from,
                                 kpi_year_to=year_to, created_by=personas["secretariat"])


def _tables(section) -> dict:
    return {t["key"]: t for t in section["tables"]}


def _row(table, first, second=None):
    return next(r for r in table["rows"] if r[0] == first and (second is None or r[1] == second))


def test_each_kpi_and_state_from_baseline_to_latest_in_typed_cells(personas, real_kpis):
    tables = _tables(kpi_section(_review(personas)))
    e2 = tables["KPI-E2"]
    assert e2["title"] == "KPI-E2 (Goal E): Labor force participation rate, female (% of female population ages 15+)"
    assert e2["columns"] == ["State", "Baseline", "Baseline year", "Latest", "Latest year", "Change", "Status", "Why"]
    assert e2["formats"] == ["text", "number", "year", "number", "year", "number", "text", "text"]
    assert _row(e2, "Malaysia") == ["Malaysia", 50.986, 2016, 51.643, 2025, 0.657, "Improved",
                                    "Improved: 50.99 → 51.64% from 2016 to 2025 (+1.3%); higher is better."]
    assert len(e2["rows"]) == 10 and not e2["annex"] and not e2["demo"] and not e2["synthetic"]


def test_the_last_kpi_year_of_the_review_bounds_the_latest_value(personas, real_kpis):
    tables = _tables(kpi_section(_review(personas, year_to=2020)))
    my = _row(tables["KPI-E2"], "Malaysia")
    assert my[:5] == ["Malaysia", 50.986, 2016, my[3], 2020] and isinstance(my[3], float)
    lao = _row(tables["KPI-A2"], "Lao PDR")
    assert lao == ["Lao PDR", None, None, None, None, None, "No data",
                   "No data: no value within 3 years of 2016 to serve as baseline."]


def test_the_reports_statuses_equal_the_scorecards_cell_by_cell(personas, real_kpis):
    tables = _tables(kpi_section(_review(personas, year_to=2030)))
    card = selectors.scorecard()
    for state, cells in card["rows"]:
        for cell in cells:
            row = _row(tables[cell.kpi.code], state.name)
            assert (row[6], row[2], row[4]) == (cell.status.label, cell.baseline_year, cell.latest_year)


def test_the_regional_figure_over_comparable_states_names_those_left_out(personas, real_kpis):
    regional = _tables(kpi_section(_review(personas)))["regional"]
    assert regional["title"] == "Regional figures over comparable states"
    assert regional["columns"] == ["KPI", "Year", "Which year", "Regional figure", "States included", "Covers"]
    assert _row(regional, "KPI-E2", 2016) == ["KPI-E2", 2016, "baseline year", 58.2802, 10,
                                              "Mean of 10 of 10 member states."]
    assert _row(regional, "KPI-A2", 2016) == [
        "KPI-A2", 2016, "baseline year", 1.1269325, 4,
        "Mean of 4 of 10 member states; left out: BRN, KHM, LAO, MMR, PHL, VNM (no value for 2016)."]
    b1 = _row(regional, "KPI-B1")
    assert b1 == ["KPI-B1", 2016, "baseline year", None, 0,
                  "No regional figure: none of the 10 member states qualifies; left out: BRN, IDN, KHM, LAO, MMR, "
                  "MYS, PHL, SGP, THA, VNM (not comparable: national SME definitions differ and the plan does not "
                  "define the denominator (total business loans))."]


def test_the_regional_figures_equal_the_regional_page(personas, real_kpis):
    regional = _tables(kpi_section(_review(personas, year_to=2030)))["regional"]
    page = [[row["kpi"].code, r.year, r.figure.value] for row in selectors.regional_view() for r in row["years"]]
    assert [[r[0], r[1], r[3]] for r in regional["rows"]] == [
        [code, year, None if value is None else round(value, 9)] for code, year, value in page]


def test_each_data_gap_says_why_in_words(personas, real_kpis):
    section = kpi_section(_review(personas))
    gaps = _tables(section)["kpi-gaps"]
    assert gaps["title"] == "KPI data gaps" and gaps["columns"] == ["KPI", "States", "Gap", "Why"]
    assert _row(gaps, "KPI-A2", "Lao PDR") == [
        "KPI-A2", "Lao PDR", "Not available",
        "No value up to 2025. Availability: Available (plan). Series: No R&D value at all in WDI for Lao PDR."]
    assert _row(gaps, "KPI-A2", "Brunei Darussalam") == [
        "KPI-A2", "Brunei Darussalam", "Not available",
        "No data: no value after the 2018 baseline (2016 not available; 2018 used). "
        "Series: Only one year in WDI (2018)."]
    assert _row(gaps, "KPI-E1", "Indonesia")[2:] == [  # assessed, but not comparable with the others
        "Definition differs",
        "Left out of regional figures, not comparable: national SME definitions differ. Series: Shares of employment "
        "in business units; the 2014 figure is dated 'c. 2014' in its source. New MSME criteria from 2021 "
        "(Government Regulation 7/2021)."]
    # The states with the same gap for the same reasons share a row.
    assert _row(gaps, "KPI-C2") == ["KPI-C2", "All 10 member states", "Not available; Definition differs",
                                    "No value up to 2025. Availability: To be confirmed by survey (plan). Left out "
                                    "of regional figures, not comparable: no common survey yet."]
    assert [r[1] for r in gaps["rows"] if r[0] == "KPI-B1"] == [
        "Brunei Darussalam, Cambodia, Lao PDR, Thailand",
        "Indonesia, Malaysia, Myanmar, Philippines, Singapore, Viet Nam"]
    assert not [r for r in gaps["rows"] if r[0] in ("KPI-E2", "KPI-A1")]  # every value assessed and comparable
    assert "53 KPI × state series have no value to assess or none that compares with the other states'" in (
        section["paragraphs"][1])


def test_the_annex_lists_every_value_with_its_sources(personas, real_kpis):
    section = kpi_section(_review(personas))
    annex = _tables(section)["kpi-values"]
    assert annex["annex"] and annex["sheet"] == "Annex - KPI values" and len(annex["rows"]) == 11 * 10
    found = next(r for r in annex["rows"] if r[0] == "KPI-E2" and r[5] == "MYS")
    row = dict(zip(annex["columns"], found, strict=True))
    source = "World Bank, World Development Indicators (SL.TLF.CACT.FE.ZS), CC BY 4.0"
    assert {k: row[k] for k in ("State", "Status", "Baseline", "Baseline year", "Latest", "Latest year",
                                "Baseline source", "Latest source", "Comparable", "Availability")} == {
        "State": "Malaysia", "Status": "Improved", "Baseline": 50.986, "Baseline year": 2016, "Latest": 51.643,
        "Latest year": 2025, "Baseline source": source, "Latest source": source, "Comparable": "yes",
        "Availability": "Available (plan)"}
    assert round(row["Change (%)"], 2) == 1.29 and row["Values"] >= 10
    assert annex["formats"][annex["columns"].index("Change (%)")] == "percent"
    assert not any(t.get("demo") for t in section["tables"]) and not section["demo"]

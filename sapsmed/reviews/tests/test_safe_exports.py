"""Review, snapshot, scorecard edition and SDMX downloads write formula-like text so that it cannot run."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from sapsmed.jobs.models import Job
from sapsmed.kpis.models import Kpi
from sapsmed.kpis.services import observation_record
from sapsmed.plan.models import MemberState, PlanVersion, StrategicGoal
from sapsmed.reviews.models import Review, ScorecardEdition, Snapshot

pytestmark = pytest.mark.django_db
SOURCES = {("MYS", 2016): "=1+2", ("MYS", 2022): "+x", ("THA", 2016): "-x", ("THA", 2022): "@x"}
FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sources(personas):
    """KPI-E2 values for Malaysia and Thailand whose sources a spreadsheet would run as formulas."""
    kpi = Kpi.objects.get(code="KPI-E2")
    for (iso3, year), source in SOURCES.items():
        observation_record(kpi=kpi, state=MemberState.objects.get(iso3=iso3), year=year, value=Decimal("55"),
                           source=source, user=personas["secretariat"], reason="")


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _formula_like_cells(content: bytes) -> set[tuple[str, str]]:
    """Every cell of every sheet whose text a spreadsheet could run, with its type."""
    book = load_workbook(io.BytesIO(content))
    return {(cell.value, cell.data_type) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)}


def test_the_sdmx_csv_quotes_formula_like_sources(client_for, sources):
    rows = _csv(client_for("anonymous").get("/reviews/sdmx/kpi-observations.csv"))
    found = {(r["REF_AREA"], int(r["TIME_PERIOD"])): r for r in rows if r["INDICATOR"] == "KPI-E2"}
    assert {key: found[key]["SOURCE"] for key in SOURCES} == {
        ("MYS", 2016): "'=1+2", ("MYS", 2022): "'+x", ("THA", 2016): "'-x", ("THA", 2022): "'@x"}
    assert found[("MYS", 2016)]["OBS_VALUE"] == "55"


def _publish(client) -> ScorecardEdition:
    client.post("/reviews/scorecards/publish/", {"label": "-edition", "as_of": "2026-11-20"})
    return ScorecardEdition.objects.latest("created_at")


def test_the_scorecard_edition_csv_quotes_formula_like_text(client_for, sources):
    edition = _publish(client_for("secretariat"))
    rows = _csv(client_for("anonymous").get(f"/reviews/scorecards/{edition.pk}/scorecard.csv"))
    e2 = {r["state"]: r for r in rows if r["kpi"] == "KPI-E2"}
    assert (e2["MYS"]["baseline_source"], e2["MYS"]["latest_source"]) == ("'=1+2", "'+x")
    assert (e2["THA"]["baseline_source"], e2["THA"]["latest_source"]) == ("'-x", "'@x")
    assert {r["edition"] for r in rows} == {"'-edition"}
    assert (e2["MYS"]["baseline_value"], e2["MYS"]["latest_value"]) == ("55", "55")


def test_the_scorecard_edition_workbook_writes_formula_like_text_as_string_cells(client_for, sources):
    edition = _publish(client_for("secretariat"))
    response = client_for("anonymous").get(f"/reviews/scorecards/{edition.pk}/scorecard.xlsx")
    assert response.status_code == 200
    assert _formula_like_cells(response.content) == {("=1+2", "s"), ("+x", "s"), ("-x", "s"), ("@x", "s"),
                                                     ("-edition", "s")}


@pytest.fixture
def review(personas):
    goal = StrategicGoal.objects.get(code="B")
    goal.title = "@Access to finance"
    goal.save()
    return Review.objects.create(kind="mid_term", title="=1+2 review\x07", cut_off=date(2020, 12, 31),
                                 plan_version=PlanVersion.objects.get(number=1), kpi_year_from=2016,
                                 kpi_year_to=2020, findings="", recommendations="",
                                 created_by=personas["secretariat"])


def test_the_review_and_snapshot_workbooks_write_formula_like_text_as_string_cells(client_for, review):
    client = client_for("secretariat")
    client.post(f"/reviews/{review.pk}/generate/")
    job = Job.objects.filter(params__review=review.pk).latest("created_at")
    assert job.status == "succeeded", job.message
    workbook = client.get(f"/reviews/{review.pk}/xlsx/")
    assert workbook.status_code == 200
    content = b"".join(workbook.streaming_content)
    cells = _formula_like_cells(content)
    assert {("=1+2 review", "s"), ("@Access to finance", "s")} <= cells
    assert {kind for _, kind in cells} == {"s"}
    client.post(f"/reviews/{review.pk}/freeze/", {"label": "Tabled", "tabled_on": "2021-05-05"})
    snapshot = client.get(f"/reviews/snapshots/{Snapshot.objects.get().pk}/xlsx/")
    assert snapshot.status_code == 200
    assert _formula_like_cells(b"".join(snapshot.streaming_content)) == cells

"""Published KPI scorecard editions: the live scorecard's cells, frozen, public, withdrawable, downloadable."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from sapsmed.kpis import selectors as kpi_selectors
from sapsmed.kpis.models import Kpi
from sapsmed.kpis.services import observation_record
from sapsmed.plan.models import MemberState
from sapsmed.reviews.edition import COL, kpi_tables
from sapsmed.reviews.models import ScorecardEdition

pytestmark = pytest.mark.django_db

LABEL = "KPI scorecard, as endorsed at the 20th ACCMSME, 20 November 2026"


@pytest.fixture
def values(personas):
    """A few values, as a focal point or the Secretariat enters them: Malaysia and Thailand, two KPIs."""
    sec, wdi = personas["secretariat"], {"url": "https://data.worldbank.org/", "vintage": "2026-07"}
    e2, a1 = Kpi.objects.get(code="KPI-E2"), Kpi.objects.order_by("order").first()
    mys, tha = MemberState.objects.get(iso3="MYS"), MemberState.objects.get(iso3="THA")
    for kpi, state, series in [(e2, mys, {2016: "54.1", 2019: "55.6", 2022: "56.2"}),
                               (e2, tha, {2016: "60.2", 2022: "59.1"}), (a1, mys, {2016: "10", 2021: "12.5"})]:
        for year, value in series.items():
            observation_record(kpi=kpi, state=state, year=year, value=Decimal(value), user=sec, reason="",
                               source="World Bank WDI", provenance=wdi)
    return {"e2": e2, "a1": a1, "mys": mys}


def publish(client, label=LABEL, as_of="2026-11-20"):
    response = client.post("/reviews/scorecards/publish/", {"label": label, "as_of": as_of})
    edition = ScorecardEdition.objects.latest("created_at")
    assert response["Location"] == f"/reviews/scorecards/{edition.pk}/"
    return edition


def test_the_editions_numbers_equal_the_live_scorecards_for_the_same_data(client_for, values):
    edition = publish(client_for("secretariat"))
    tables = kpi_tables(edition.content)
    card = kpi_selectors.scorecard()
    for state, cells in card["rows"]:
        for cell in cells:
            row = next(r for r in tables[cell.kpi.code]["rows"] if r[COL["State"]] == state.name)
            a = cell.assessment
            assert row[COL["Status"]] == cell.status.label, (cell.kpi.code, state.name)
            assert row[COL["Values"]] == cell.value_count
            if a and a.latest:
                assert Decimal(row[COL["Latest"]]) == Decimal(str(a.latest.value))
                assert row[COL["Latest year"]] == a.latest.year
    malaysia = next(r for r in tables["KPI-E2"]["rows"] if r[COL["State"]] == "Malaysia")
    assert malaysia[COL["Baseline"]] == "54.1" and malaysia[COL["Latest"]] == "56.2"
    assert malaysia[COL["Latest source URL"]] == "https://data.worldbank.org/"
    live = client_for("anonymous").get("/kpis/").content.decode()
    page = client_for("anonymous").get(f"/reviews/scorecards/{edition.pk}/").content.decode()
    assert malaysia[COL["Status"]] in live and malaysia[COL["Status"]] in page
    assert "54.1" in page and "56.2" in page


def test_a_correction_after_publishing_leaves_the_edition_unchanged_and_shows_in_changed_since(client_for, values):
    client = client_for("secretariat")
    edition = publish(client)
    frozen = (edition.checksum, edition.content)
    assert "Nothing: today's data give the same scorecard." in client.get(
        f"/reviews/scorecards/{edition.pk}/").content.decode()
    observation_record(kpi=values["e2"], state=values["mys"], year=2022, value=Decimal("57.9"),
                       user=None, reason="WDI revision of July 2027", source="World Bank WDI")
    edition.refresh_from_db()
    assert (edition.checksum, edition.content) == frozen
    page = client_for("anonymous").get(f"/reviews/scorecards/{edition.pk}/").content.decode()
    assert "verified: unchanged since it was published" in page
    changes = page.split('id="changes"')[1]
    assert "KPI-E2" in changes and "Malaysia" in changes and "56.2" in changes and "57.9" in changes


def test_anonymous_reads_a_published_edition_but_not_a_withdrawn_one(client_for, values):
    client, anonymous = client_for("secretariat"), client_for("anonymous")
    edition = publish(client)
    url = f"/reviews/scorecards/{edition.pk}/"
    assert anonymous.get(url).status_code == 200
    assert LABEL in anonymous.get("/reviews/published/").content.decode()
    assert LABEL in anonymous.get("/kpis/").content.decode()  # "Latest official edition: …"
    client.post(f"{url}withdraw/", {"published": "0"})
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(f"{url}scorecard.csv").status_code == 404
    assert LABEL not in anonymous.get("/reviews/published/").content.decode()
    assert LABEL not in anonymous.get("/kpis/").content.decode()
    assert "Withdrawn from the public" in client.get(url).content.decode()  # the Secretariat still reads it
    assert anonymous.get("/reviews/scorecards/999999/").status_code == 404


def test_the_live_scorecard_links_to_the_latest_edition(client_for, values):
    client = client_for("secretariat")
    publish(client, label="KPI scorecard, 19th ACCMSME", as_of="2025-11-20")
    latest = publish(client, label=LABEL, as_of="2026-11-20")
    page = client_for("anonymous").get("/kpis/").content.decode()
    assert f'Latest official edition: <a href="/reviews/scorecards/{latest.pk}/">{LABEL}</a>' in page


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "champion_b", "focal_mys"])
def test_only_the_secretariat_publishes_and_withdraws(client_for, values, persona):
    edition = publish(client_for("secretariat"))
    client = client_for(persona)
    expected = 302 if persona == "anonymous" else 403  # the public is asked to log in
    assert client.post("/reviews/scorecards/publish/", {"label": "x", "as_of": "2026-01-01"}).status_code == expected
    assert client.post(f"/reviews/scorecards/{edition.pk}/withdraw/", {"published": "0"}).status_code == expected
    edition.refresh_from_db()
    assert edition.published and ScorecardEdition.objects.count() == 1


def test_the_exports_carry_the_editions_label_and_checksum(client_for, values):
    from openpyxl import load_workbook

    edition = publish(client_for("secretariat"))
    anonymous = client_for("anonymous")
    text = anonymous.get(f"/reviews/scorecards/{edition.pk}/scorecard.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Kpi.objects.count() * MemberState.objects.count()
    assert {r["edition"] for r in rows} == {LABEL} and {r["edition_checksum"] for r in rows} == {edition.checksum}
    mys = next(r for r in rows if r["kpi"] == "KPI-E2" and r["state"] == "MYS")
    assert (mys["latest_value"], mys["latest_year"], mys["latest_vintage"]) == ("56.2", "2022", "2026-07")
    response = anonymous.get(f"/reviews/scorecards/{edition.pk}/scorecard.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    sheet = list(wb["Scorecard"].values)
    header = sheet[0]
    assert {r[header.index("edition_checksum")] for r in sheet[1:]} == {edition.checksum}
    about = dict(list(wb["About"].values)[1:])
    assert about["Edition"] == LABEL and about["Checksum (SHA-256)"] == edition.checksum
    assert edition.as_of == date(2026, 11, 20)

"""The KPI scorecard at /kpis/: the stored cells, the latest published edition, a fixed number of queries."""

from datetime import date

import pytest
from django.utils.html import escape

from sapsmed.kpis import selectors
from sapsmed.kpis.models import ScorecardCell
from sapsmed.kpis.tests.test_query_counts import grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpi_data(db):
    from sapsmed.kpis.shipped import shipped_load

    return shipped_load()


def test_every_cell_shows_its_stored_status_with_the_reason(client, kpi_data):
    page = client.get("/kpis/").content.decode()
    cells = [cell for _, row in selectors.scorecard()["rows"] for cell in row]
    assert len(cells) == 110
    for cell in cells:
        assert (f'<span class="status status-{cell.status}" title="{escape(cell.reason)}">{cell.status.label}</span>'
                in page), (cell.kpi.code, cell.state.iso3)
    assert "57.41 <span class=\"muted\">(2016)</span>" in page  # Brunei's female participation baseline
    assert "10 of 10 assessed; 10 with values" in page  # coverage of a World Bank KPI


def test_the_page_reads_the_stored_cell_and_assesses_nothing_itself(client, kpi_data):
    ScorecardCell.objects.filter(kpi__code="KPI-E2", state__iso3="MYS").update(reason="As stored.")
    assert 'title="As stored."' in client.get("/kpis/").content.decode()


def test_the_latest_published_edition_is_linked(client, client_for, personas):
    from sapsmed.reviews.services import scorecard_publish

    assert "Latest official edition" not in client.get("/kpis/").content.decode()
    edition = scorecard_publish(user=personas["secretariat"], label="KPI scorecard, 20th ACCMSME",
                                as_of=date(2026, 11, 20))
    assert (f'Latest official edition: <a href="/reviews/scorecards/{edition.pk}/">KPI scorecard, 20th ACCMSME</a> '
            "(as of 20 November 2026)") in client.get("/kpis/").content.decode()


def test_the_scorecard_asks_the_same_number_of_queries_with_more_years_and_states(
        client_for, kpi_data, django_assert_num_queries):
    # KPIs, states, cells and the latest edition; a signed-in reader adds the session, the user and the grants.
    visitor, focal_point = client_for("anonymous"), client_for("focal_mys")

    def pinned():
        with django_assert_num_queries(4):
            assert visitor.get("/kpis/").status_code == 200
        with django_assert_num_queries(7):
            assert focal_point.get("/kpis/").status_code == 200

    pinned()
    grow(states=3, years=range(2000, 2010))
    assert "Test state 2" in visitor.get("/kpis/").content.decode()
    pinned()

"""Early warning and the roadmap page are reused between requests, and never shown stale.

The assessment and the anonymous roadmap page are kept while their input tables are unchanged
(settings.SAPSMED_MEMO_DERIVED, off by default in tests and on here); a report or plan change made
through the services shows on the very next request, and a kept page asks a fixed number of queries.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapsmed.plan.tests.roadmap_helpers import add_lines
from sapsmed.progress.tests.conftest import make_report, move
from sapsmed.progress.warning import assess

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("memo_on")]

BEHIND = {"percent_complete": 5, "planned_start": date(2024, 1, 1), "planned_end": date(2026, 12, 31)}



def row_of(html: str, code: str) -> str:
    start = html.index(f'data-code="{code}"')
    return html[start:html.index("</tr>", start)]


def test_the_assessment_is_reused_until_a_report_changes(personas, open_round):
    first = assess()
    assert assess() is first
    report = make_report(personas["proponent_mys"], open_round, **BEHIND)
    move(report, personas["proponent_mys"], "submit")
    assert assess() is not first
    assert next(s for s in assess().streams if s.line.action_line.code == "B-2-1.3" and s.state.iso3 == "MYS").rag \
        == "red"


def test_a_submitted_report_turns_the_kept_roadmap_page_red_on_the_next_visit(client, personas, open_round):
    report = make_report(personas["proponent_mys"], open_round, **BEHIND)
    before = client.get("/roadmap/").content.decode()
    assert "rag-red" not in row_of(before, "B-2-1.3")
    assert client.get("/roadmap/").content.decode() == before  # kept while nothing changes
    move(report, personas["proponent_mys"], "submit")
    assert "rag-red" in row_of(client.get("/roadmap/").content.decode(), "B-2-1.3")


def test_the_early_warning_page_flags_a_report_as_soon_as_it_is_submitted(client_for, personas, open_round):
    page = client_for("secretariat")
    report = make_report(personas["proponent_mys"], open_round, **BEHIND)
    assert 'id="w-B-2-1.3-MYS"' not in page.get("/progress/early-warning/").content.decode()
    move(report, personas["proponent_mys"], "submit")
    assert 'id="w-B-2-1.3-MYS"' in page.get("/progress/early-warning/").content.decode()


def test_a_plan_change_shows_on_the_kept_roadmap_page(client):
    client.get("/roadmap/")
    add_lines(1, start=90)
    assert 'data-code="B-1-1.90"' in client.get("/roadmap/").content.decode()


def test_signed_in_visitors_are_never_given_the_shared_page(client, client_for):
    client.get("/roadmap/")
    assert "secretariat" in client_for("secretariat").get("/roadmap/").content.decode()


def test_a_kept_roadmap_page_asks_the_same_few_queries_with_more_lines(client):
    def queries() -> int:
        client.get("/roadmap/")  # draws the page, or finds it kept
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/roadmap/").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    add_lines(10)
    assert queries() == before <= 4

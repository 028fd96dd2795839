"""Roadmap pages ask the database a fixed number of times, with 12 action lines or with 300."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapsmed.plan.tests.roadmap_helpers import add_lines

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
@pytest.mark.parametrize("url", ["/roadmap/", "/roadmap/?page=2", "/roadmap/?goal=B&champion=MYS&period=P1",
                                 "/roadmap/roadmap.xlsx",
                                 "/roadmap/diff/?from=1&to=1", "/roadmap/versions/"])
def test_the_timeline_and_its_exports_do_not_ask_more_with_300_lines(client_for, persona, url):
    client = client_for(persona)
    queries(client, url)  # warm the session and caches
    before = queries(client, url)
    add_lines(300)
    after = queries(client, url)
    assert after == before
    assert after <= 20


def drawn(html: str) -> list[str]:
    import re

    return re.findall(r'<tr class="line[^"]*" data-code="([^"]+)"', html)


def test_the_timeline_shows_312_lines_100_to_a_page_each_once_in_drawing_order(client):
    add_lines(300)
    pages = [client.get("/roadmap/", {"page": n}).content.decode() for n in (1, 2, 3, 4)]
    assert [len(drawn(html)) for html in pages] == [100, 100, 100, 12]
    everything = [code for html in pages for code in drawn(html)]
    assert len(set(everything)) == 312
    first = pages[0]
    assert "312 action lines, 100 to a page: 1–100 on this one (the PDF and Excel downloads hold them all)." in first
    assert "Page 1 of 4 (lines 1–100 of 312)" in first and '<a href="?page=2">next</a>' in first
    assert "previous" not in first
    assert "Goal A: Promote Productivity, Technology and Innovation · 5 action lines</th>" in first
    assert "Goal B: Increase Access to Finance · 302 action lines, 95 on this page</th>" in first
    assert '<a href="?page=1">previous</a>' in pages[1] and "Page 2 of 4 (lines 101–200 of 312)" in pages[1]
    # Goals stay in order across pages: every B line before every C line.
    goals = [code[0] for code in everything]
    assert goals == sorted(goals)


def test_a_page_number_past_the_end_or_not_a_number_shows_a_page_that_exists(client):
    add_lines(300)
    assert "Page 4 of 4" in client.get("/roadmap/", {"page": "99"}).content.decode()
    assert "Page 1 of 4" in client.get("/roadmap/", {"page": "x"}).content.decode()


def test_the_filters_keep_the_page_and_the_page_keeps_the_filters(client):
    add_lines(300)
    html = client.get("/roadmap/", {"goal": "B", "page": "2"}).content.decode()
    assert "Page 2 of 4 (lines 101–200 of 302)" in html
    assert '<a href="?goal=B&amp;page=3">next</a>' in html
    # The downloads carry the filters, not the page: they hold every line.
    assert 'href="/roadmap/roadmap.pdf?goal=B"' in html and 'href="/roadmap/roadmap.xlsx?goal=B"' in html
    assert client.get("/roadmap/", {"goal": "B", "page": "2", "state": ""}).url == "/roadmap/?goal=B"


def test_the_workbook_holds_every_line_not_a_page(client):
    import io

    import openpyxl

    add_lines(300)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/roadmap/roadmap.xlsx").content), read_only=True)
    sheet = book.worksheets[0]
    codes = {row[0] for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], str)}
    assert len({c for c in codes if c[:1] in "ABCDE" and c.count("-") == 2}) == 312

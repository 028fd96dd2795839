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
@pytest.mark.parametrize("url", ["/roadmap/", "/roadmap/?goal=B&champion=MYS&period=P2", "/roadmap/roadmap.xlsx",
                                 "/roadmap/diff/?from=1&to=1", "/roadmap/versions/"])
def test_the_timeline_and_its_exports_do_not_ask_more_with_300_lines(client_for, persona, url):
    client = client_for(persona)
    queries(client, url)  # warm the session and caches
    before = queries(client, url)
    add_lines(300)
    after = queries(client, url)
    assert after == before
    assert after <= 20


def test_the_timeline_shows_all_300_lines(client):
    add_lines(300)
    assert client.get("/roadmap/").content.decode().count('<tr class="line') == 312

"""The scorecard and KPI pages are reused between requests, and show a newly recorded value at once."""

from decimal import Decimal

import pytest

from sapsmed.kpis import selectors
from sapsmed.kpis.models import Kpi
from sapsmed.kpis.services import observation_record
from sapsmed.plan.models import MemberState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("memo_on")]



def cell(card, code, iso3):
    return next(c for _, row in card["rows"] for c in row if c.kpi.code == code and c.state.iso3 == iso3)


def test_a_recorded_value_shows_on_the_kept_scorecard_and_kpi_page_at_once(client):
    before = cell(selectors.scorecard(), "KPI-E2", "MYS")
    assert cell(selectors.scorecard(), "KPI-E2", "MYS") is before  # kept while nothing changes
    client.get("/kpis/KPI-E2/")
    observation_record(kpi=Kpi.objects.get(code="KPI-E2"), state=MemberState.objects.get(iso3="MYS"), year=2019,
                       value=Decimal("51.8"), source="DOSM Labour Force Survey 2019, table 1", user=None,
                       reason="Entered")
    assert 2019 in [o.year for o in cell(selectors.scorecard(), "KPI-E2", "MYS").observations]
    assert "DOSM Labour Force Survey 2019" in client.get("/kpis/KPI-E2/").content.decode()


def test_what_one_visitor_is_allowed_is_not_kept_for_the_next(client_for):
    enter = "/kpis/KPI-E2/MYS/enter/"
    assert enter in client_for("focal_mys").get("/kpis/KPI-E2/").content.decode()
    assert enter not in client_for("anonymous").get("/kpis/KPI-E2/").content.decode()
    assert enter in client_for("focal_mys").get("/kpis/KPI-E2/").content.decode()


def test_the_public_scorecard_is_kept_whole_and_links_a_new_official_edition_at_once(client, personas):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sapsmed.reviews.services import scorecard_edition_publish, scorecard_publish

    first = client.get("/kpis/").content
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/kpis/").content == first
    assert len(ctx.captured_queries) == 1  # the fingerprint: the page itself is kept
    edition = scorecard_publish(user=personas["secretariat"], label="KPI scorecard, 20th ACCMSME",
                                as_of=date(2026, 11, 20))
    assert "KPI scorecard, 20th ACCMSME" in client.get("/kpis/").content.decode()
    scorecard_edition_publish(edition=edition, user=personas["secretariat"], published=False)
    assert "KPI scorecard, 20th ACCMSME" not in client.get("/kpis/").content.decode()


def test_a_signed_in_user_never_gets_the_page_kept_for_the_public(client, client_for):
    client.get("/kpis/KPI-E2/")
    assert "focal_mys" in client_for("focal_mys").get("/kpis/KPI-E2/").content.decode()

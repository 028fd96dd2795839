"""The scorecard and KPI pages are reused between requests, and show a newly recorded value at once."""

from decimal import Decimal

import pytest

from sapsmed.kpis import selectors
from sapsmed.kpis.models import Kpi
from sapsmed.kpis.services import observation_record
from sapsmed.plan import roadmap_selectors
from sapsmed.plan.models import MemberState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memo_on(settings):
    settings.SAPSMED_MEMO_DERIVED = True
    roadmap_selectors._MEMO.clear()
    yield
    roadmap_selectors._MEMO.clear()  # rolled-back test data must not be found by a later test


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
    assert client_for("focal_mys").get("/kpis/KPI-E2/").context["editable"]
    assert not client_for("anonymous").get("/kpis/KPI-E2/").context["editable"]

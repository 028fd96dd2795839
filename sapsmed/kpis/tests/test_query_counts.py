"""KPI pages ask the database a fixed number of times, however many years and member states there are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sapsmed.kpis.models import Kpi, KpiStateProfile, Observation, Target
from sapsmed.plan.models import MemberState

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content
    return len(ctx.captured_queries)


def grow(states: int, years: range):
    """More member states (test-only codes) and more years of values for every KPI, with profiles and targets."""
    kpis = list(Kpi.objects.all())
    new_states = [MemberState.objects.create(iso3=f"Q{i:02d}", name=f"Test state {i}", currency="USD")
                  for i in range(states)]
    rows = []
    for state in [*MemberState.objects.all()]:
        for kpi in kpis:
            rows += [Observation(kpi=kpi, state=state, year=y, value=Decimal("10") + y % 7, source="test growth")
                     for y in years]
    Observation.objects.bulk_create(rows, ignore_conflicts=True)  # a few real values already sit in those years
    for state in new_states:
        KpiStateProfile.objects.bulk_create(
            [KpiStateProfile(kpi=k, state=state, availability="available", comparable=True) for k in kpis])
        Target.objects.create(kpi=kpis[0], state=state, value=Decimal("99"), year=2030, set_by="t", decided="t",
                              source="t")


@pytest.mark.parametrize("persona", ["anonymous", "focal_mys", "secretariat"])
@pytest.mark.parametrize("url", ["/kpis/", "/kpis/KPI-E2/", "/kpis/states/MYS/", "/kpis/regional/",
                                 "/kpis/KPI-E2/chart.json", "/kpis/export.csv"])
def test_kpi_page_query_count_does_not_grow_with_years_and_states(client_for, kpi_data, persona, url):
    client = client_for(persona)
    before = queries(client, url)
    grow(states=3, years=range(2000, 2010))
    after = queries(client, url)
    assert after == before
    assert after <= 20

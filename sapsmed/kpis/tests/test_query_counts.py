"""KPI pages ask the database a fixed number of times, however many years and member states there are."""

from decimal import Decimal

import pytest

from sapsmed.kpis.derived import refresh
from sapsmed.kpis.models import Kpi, KpiStateProfile, Observation, Target
from sapsmed.plan.models import MemberState

pytestmark = pytest.mark.django_db


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
    assert refresh() > 100  # written in bulk, behind the services' back: the cells are mended as a refresh does


def get(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content


# An anonymous visitor, then a signed-in focal point: a page that asks who is reading adds the session, the user
# and the role grants (3), the KPI page also the states the user may edit (1); the chart asks no one.
@pytest.mark.parametrize(("url", "anonymous", "signed_in"), [
    ("/kpis/KPI-E2/", 8, 12), ("/kpis/states/MYS/", 5, 8), ("/kpis/regional/", 4, 7),
    ("/kpis/KPI-E2/chart.json", 8, 8), ("/kpis/export.csv", 1, 4),
])
def test_kpi_pages_ask_the_same_number_of_queries_with_more_years_and_states(
        client_for, kpi_data, django_assert_num_queries, url, anonymous, signed_in):
    visitor, focal_point = client_for("anonymous"), client_for("focal_mys")
    get(visitor, url, django_assert_num_queries, anonymous)
    get(focal_point, url, django_assert_num_queries, signed_in)
    grow(states=3, years=range(2000, 2010))
    get(visitor, url, django_assert_num_queries, anonymous)
    get(focal_point, url, django_assert_num_queries, signed_in)

"""The new API lists ask the database a fixed number of times however many rows they return."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    client.get(url)  # the first request of a user reads its role grants once; they are then kept on the user
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_values(n):
    from sapsmed.kpis.models import Kpi
    from sapsmed.kpis.services import observation_record
    from sapsmed.plan.models import MemberState

    kpi, states = Kpi.objects.get(code="KPI-E2"), list(MemberState.objects.all())
    for i in range(n):
        observation_record(kpi=kpi, state=states[i % 10], year=2001 + i // 10, value=Decimal(40 + i),
                           source="Test", user=None, reason="Loaded")


def add_reports(personas, rnd, n):
    """Malaysia's report on B-2-1.3 in n more rounds, each opened before the given one."""
    from datetime import timedelta

    from sapsmed.progress.services import round_open
    from sapsmed.progress.tests.conftest import make_report

    for i in range(1, n + 1):
        start = rnd.opens_on - timedelta(days=i)
        earlier = round_open(by=personas["secretariat"], name=f"T{i}", opens_on=start, due_on=rnd.due_on,
                             locks_on=rnd.locks_on)
        make_report(personas["proponent_mys"], earlier)


def add_snapshots(review, n):
    from sapsmed.reviews.models import Snapshot

    for i in range(n):
        Snapshot.objects.create(review=review, label=f"S{i}", tabled_on=date(2022, 1, 1 + i), content={},
                                checksum="0" * 64, published=True)


@pytest.mark.parametrize("url", ["/api/observations/", "/api/kpi-assessments/", "/api/targets/"])
def test_kpi_lists_use_a_fixed_number_of_queries(api_for, url):
    client = api_for("anonymous")
    add_values(2)
    before = count(client, url)
    add_values(20)
    assert count(client, url) == before <= 15


@pytest.mark.parametrize("persona", ["secretariat", "champion_b", "proponent_mys"])
def test_report_lists_use_a_fixed_number_of_queries(api_for, draft, personas, persona):
    client = api_for(persona)
    before = count(client, "/api/progress-reports/")
    add_reports(personas, draft.round, 5)
    after = count(client, "/api/progress-reports/")
    assert client.get("/api/progress-reports/").json()["count"] == 6
    assert after == before <= 20
    assert count(client, "/api/reporting-rounds/") <= 8


def test_review_estimate_and_snapshot_lists_use_a_fixed_number_of_queries(api_for, snapshots, estimate_run):
    client = api_for("viewer")
    urls = ["/api/snapshots/", "/api/reviews/", "/api/estimate-runs/", "/api/estimates/"]
    before = [count(client, u) for u in urls]
    add_snapshots(snapshots["review"], 5)
    assert [count(client, u) for u in urls] == before

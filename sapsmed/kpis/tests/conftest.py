"""Fixtures of the KPI tests: the real shipped KPI data loaded into each test's database."""

import pytest


@pytest.fixture
def kpi_data(db):
    """The real data of data/kpis/ (WDI values, national MSME statistics, profiles, targets), as make serve loads it."""
    from sapsmed.kpis.shipped import shipped_load

    report, skipped = shipped_load()
    return report


@pytest.fixture
def kpi(db):
    from sapsmed.kpis.models import Kpi

    return lambda code: Kpi.objects.get(code=code)


@pytest.fixture
def state(db):
    from sapsmed.plan.models import MemberState

    return lambda iso3: MemberState.objects.get(iso3=iso3)

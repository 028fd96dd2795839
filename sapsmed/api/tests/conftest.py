"""Fixtures of the API tests: an API client per persona, an open round with a Malaysian draft, KPI values,
an estimate run, a review with a published and an unpublished snapshot."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sapsmed.progress.tests.conftest import draft, open_round, today  # noqa: F401 - fixtures reused

__all__ = ["draft", "open_round", "today"]


@pytest.fixture
def api_for(personas):
    """`api_for("focal_mys")`: an API client authenticated as that persona ("anonymous": no one)."""

    def make(name):
        client = APIClient()
        if name != "anonymous":
            client.force_authenticate(personas[name])
        return client

    return make


@pytest.fixture
def mys_value(db):
    """Malaysia's 2019 value of KPI-E2, recorded by the platform."""
    from sapsmed.kpis.models import Kpi
    from sapsmed.kpis.services import observation_record
    from sapsmed.plan.models import MemberState

    return observation_record(kpi=Kpi.objects.get(code="KPI-E2"), state=MemberState.objects.get(iso3="MYS"),
                              year=2019, value=Decimal("51.8"), source="DOSM LFS 2019", user=None, reason="Loaded")


@pytest.fixture
def estimate_run(db):
    """A computed run with one estimate, and a queued run whose estimates are not public yet."""
    from sapsmed.plan.models import MemberState
    from sapsmed.surveys.models import Estimate, EstimateRun, Survey, SurveyDataset

    survey = Survey.objects.create(name="MYS enterprise survey 2016", reference_year=2016, weight_column="w")
    survey.states.set([MemberState.objects.get(iso3="MYS")])
    dataset = SurveyDataset.objects.create(survey=survey, file="surveys/x.parquet", original_name="x.csv",
                                           row_count=10, checksum="0" * 64, size_bytes=1)
    run = EstimateRun.objects.create(survey=survey, dataset=dataset, status="done", computed_at=timezone.now())
    Estimate.objects.create(run=run, dataset=dataset, position=0, statistic="mean", variable="employees",
                            domain=[["state", "MYS"]], state=MemberState.objects.get(iso3="MYS"), value=12.5, se=0.5,
                            ci_low=11.5, ci_high=13.5, deff=1.7, n=10, computed_at=timezone.now())
    EstimateRun.objects.create(survey=survey, dataset=dataset, status="queued")
    return run


@pytest.fixture
def snapshots(personas):
    """A review with a published snapshot (with a PDF) and one that is not published."""
    from sapsmed.plan.models import PlanVersion
    from sapsmed.reviews.models import Review, Snapshot
    from sapsmed.reviews.services import checksum

    review = Review.objects.create(kind="mid_term", title="Mid-Term Review", cut_off=date(2020, 12, 31),
                                   plan_version=PlanVersion.objects.get(number=1), created_by=personas["secretariat"])
    content = {"sections": []}
    published = Snapshot.objects.create(review=review, label="As tabled", tabled_on=date(2021, 5, 15),
                                        content=content, checksum=checksum(content), pdf="snapshots/tabled.pdf",
                                        published=True)
    hidden = Snapshot.objects.create(review=review, label="Draft for SOM", tabled_on=date(2021, 3, 1),
                                     content=content, checksum=checksum(content))
    return {"review": review, "published": published, "hidden": hidden}

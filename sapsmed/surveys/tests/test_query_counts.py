"""Evidence pages ask the database a fixed number of times, however many surveys, runs or definitions there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sapsmed.core.msme import DEFAULT_PATH
from sapsmed.plan.models import MemberState
from sapsmed.surveys.definitions import msme_definitions_load
from sapsmed.surveys.models import Estimate, EstimateRun, RunStatus, SurveyDataset

from .conftest import make_survey

pytestmark = pytest.mark.django_db

COMPARE = "/evidence/msme/compare/?employees=40&revenue=20000000&currency=THB&sector=manufacturing&on=2021-06-01"


def queries(client, url) -> int:
    client.get(url)  # warm the definitions cache, as a running server has it
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def grow_surveys(n: int, survey, start: int = 0) -> EstimateRun:
    states = list(MemberState.objects.all())
    run = None
    for i in range(start, start + n):
        other = make_survey(name=f"Survey {i}", states=[s.iso3 for s in states[:3]])
        for target in (survey, other):
            dataset = SurveyDataset.objects.create(
                survey=target, file=f"surveys/{target.pk}/{i}.parquet", original_name=f"part-{i}.csv", row_count=10,
                columns=[["weight", "DOUBLE"]], checksum="0" * 64, size_bytes=100, is_synthetic=bool(i % 2))
            run = EstimateRun.objects.create(survey=target, dataset=dataset, by=["state"], status=RunStatus.DONE,
                                             computed_at=timezone.now(), design={"weight": "weight"})
            Estimate.objects.bulk_create([
                Estimate(run=run, dataset=dataset, position=j, statistic="mean", variable="employees",
                         domain=[["state", s.iso3]], state=s, value=1.5, se=0.1, ci_low=1.3, ci_high=1.7, deff=1.1,
                         n=5, design={}, computed_at=timezone.now())
                for j, s in enumerate(states)
            ])
    return run


def grow_definitions(tmp_path) -> None:
    text = DEFAULT_PATH.read_text()
    start, end = text.index("      - id: THA-2019"), text.index("  VNM:")
    later = text[start:end].replace("id: THA-2019", "id: THA-2024")
    later = later.replace("effective_from: 2020", "effective_from: 2024")
    path = tmp_path / "msme_definitions.yaml"
    path.write_text(text[:end] + later + text[end:])
    msme_definitions_load(path=path)


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_survey_pages_do_not_ask_more_with_more_surveys_and_estimates(client_for, survey, persona):
    client = client_for(persona)
    run = grow_surveys(1, survey)
    urls = ["/evidence/", "/evidence/surveys/", f"/evidence/surveys/{survey.pk}/", f"/evidence/runs/{run.pk}/",
            f"/evidence/runs/{run.pk}/estimates.csv"]
    before = [queries(client, url) for url in urls]
    grow_surveys(6, survey, start=1)
    after = [queries(client, url) for url in urls]
    assert after == before
    assert max(after) <= 20


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_definition_pages_do_not_ask_more_with_more_definitions(client_for, definitions, tmp_path, persona):
    client = client_for(persona)
    urls = ["/evidence/msme/", "/evidence/msme/THA/", COMPARE]
    before = [queries(client, url) for url in urls]
    grow_definitions(tmp_path)
    after = [queries(client, url) for url in urls]
    assert "Ministerial Regulation B.E. 2562 (2019)" in client.get("/evidence/msme/THA/").content.decode()
    assert after == before
    assert max(after) <= 20

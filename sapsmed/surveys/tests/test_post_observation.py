"""A state's estimate can be posted as its KPI value, carrying SE and CI; synthetic numbers never are."""

from decimal import Decimal

import pytest

from sapsmed.core.survey import statistics
from sapsmed.kpis.models import Kpi, Observation
from sapsmed.surveys import services
from sapsmed.surveys.models import Estimate

from .conftest import csv_bytes, real_like, store

pytestmark = pytest.mark.django_db


def run_by_state(survey, content: bytes, name="enterprises.csv"):
    store(survey, name, content)
    dataset = survey.datasets.get()
    run = services.estimate_run_start(survey=survey, dataset=dataset, by=["state"],
                                      statistics=list(statistics(props=["has_overseas_investment"])), user=None)
    return run


@pytest.fixture
def real_run(survey, synthetic_table):
    return run_by_state(survey, csv_bytes(real_like(synthetic_table)))


def post(client, estimate, **data):
    kpi = Kpi.objects.get(code="KPI-C2")
    form = {"kpi": kpi.pk, "year": 2016, "scale": 100, "reason": "Baseline survey estimate"} | data
    return client.post(f"/evidence/estimates/{estimate.pk}/post/", form)


def test_a_focal_point_posts_its_states_share_as_kpi_c2_with_se_and_ci(client_for, real_run):
    estimate = Estimate.objects.get(run=real_run, state__iso3="MYS")
    response = post(client_for("focal_mys"), estimate)
    assert response.status_code == 302 and response["Location"] == f"/evidence/runs/{real_run.pk}/"
    observation = Observation.objects.get(kpi__code="KPI-C2", state__iso3="MYS", year=2016)
    assert observation.value == pytest.approx(Decimal(repr(estimate.value)) * 100, rel=Decimal("1e-14"))
    assert observation.se == pytest.approx(Decimal(repr(estimate.se)) * 100, rel=Decimal("1e-14"))
    assert observation.ci_low <= observation.value <= observation.ci_high
    assert observation.ci_low == pytest.approx(Decimal(repr(estimate.ci_low)) * 100, rel=Decimal("1e-14"))
    assert observation.status == "provisional"
    assert observation.estimate_ref == f"sapsmed estimate #{estimate.pk} (run #{real_run.pk})"
    assert "proportion of has_overseas_investment × 100 in state = MYS" in observation.source
    assert observation.provenance["domain"] == [["state", "MYS"]]
    assert observation.history.first().history_change_reason == "Baseline survey estimate"
    html = client_for("focal_mys").get(f"/evidence/runs/{real_run.pk}/").content.decode()
    assert "posted: KPI-C2, 2016" in html and f"/evidence/estimates/{estimate.pk}/post/" not in html


def test_the_run_page_offers_posting_only_for_states_the_user_enters_kpis_for(client_for, real_run):
    html = client_for("focal_mys").get(f"/evidence/runs/{real_run.pk}/").content.decode()
    mys = Estimate.objects.get(run=real_run, state__iso3="MYS")
    tha = Estimate.objects.get(run=real_run, state__iso3="THA")
    assert f"/evidence/estimates/{mys.pk}/post/" in html and f"/evidence/estimates/{tha.pk}/post/" not in html
    assert "Post as KPI value" not in client_for("viewer").get(f"/evidence/runs/{real_run.pk}/").content.decode()


@pytest.mark.parametrize(("persona", "state", "status"), [
    ("focal_mys", "MYS", 200), ("focal_mys", "THA", 403), ("secretariat", "THA", 200), ("viewer", "MYS", 403),
    ("champion_b", "MYS", 403), ("outsider", "MYS", 403), ("anonymous", "MYS", 302),
])
def test_who_may_post_an_estimate(client_for, real_run, persona, state, status):
    estimate = Estimate.objects.get(run=real_run, state__iso3=state)
    assert client_for(persona).get(f"/evidence/estimates/{estimate.pk}/post/").status_code == status


def test_a_focal_point_cannot_post_another_states_estimate(client_for, real_run):
    estimate = Estimate.objects.get(run=real_run, state__iso3="THA")
    assert post(client_for("focal_mys"), estimate).status_code == 403
    assert not Observation.objects.filter(kpi__code="KPI-C2", state__iso3="THA", year=2016).exists()


def test_synthetic_estimates_are_never_posted(client_for, survey, synthetic_parquet):
    run = run_by_state(survey, synthetic_parquet.read_bytes(), "synthetic.parquet")
    estimate = Estimate.objects.get(run=run, state__iso3="MYS")
    response = post(client_for("secretariat"), estimate)
    assert response.status_code == 200 and "comes from SYNTHETIC data" in response.content.decode()
    assert not Observation.objects.filter(kpi__code="KPI-C2", state__iso3="MYS", year=2016).exists()
    with pytest.raises(services.PostingError, match="SYNTHETIC"):
        services.estimate_post(estimate=estimate, kpi=Kpi.objects.get(code="KPI-C2"), year=2016, scale=100,
                               user=None, reason="test")


def test_an_estimate_for_no_single_state_is_not_posted(client_for, survey, synthetic_table):
    store(survey, "enterprises.csv", csv_bytes(real_like(synthetic_table)))
    run = services.estimate_run_start(survey=survey, dataset=survey.datasets.get(), by=[],
                                      statistics=list(statistics(means=["employees"])), user=None)
    estimate = run.estimates.get()
    html = post(client_for("secretariat"), estimate).content.decode()
    assert "not for one member state" in html and not Observation.objects.filter(kpi__code="KPI-C2").exists()


def test_a_value_the_kpi_cannot_take_is_refused_with_the_kpis_reason(client_for, real_run):
    estimate = Estimate.objects.get(run=real_run, state__iso3="MYS")
    Kpi.objects.filter(code="KPI-C2").update(value_min=0, value_max=100)  # a percentage, as its sheet says
    Estimate.objects.filter(pk=estimate.pk).update(value=2.0, ci_low=1.5, ci_high=2.5)  # 200% after scaling
    response = post(client_for("secretariat"), Estimate.objects.get(pk=estimate.pk))
    assert response.status_code == 200
    assert "200 is more than 100; KPI-C2 is a percentage" in response.content.decode()
    assert not Observation.objects.filter(kpi__code="KPI-C2", state__iso3="MYS", year=2016).exists()


def test_posting_a_missing_estimate_is_not_found(client_for, db):
    assert client_for("secretariat").get("/evidence/estimates/999/post/").status_code == 404

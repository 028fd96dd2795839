"""Estimates asked on the page are computed by the core in a background job; page and downloads agree with it."""

import csv
import io
from datetime import date

import pyarrow as pa
import pytest
from openpyxl import load_workbook

from sapsmed.core.msme import Enterprise, classify, harmonised_band
from sapsmed.core.survey import run_estimates
from sapsmed.core.survey.synthetic import LABEL
from sapsmed.jobs.models import JobStatus
from sapsmed.surveys.definitions import stored_registry
from sapsmed.surveys.models import EstimateRun, RunStatus
from sapsmed.surveys.templatetags.evidence import sig

from .conftest import csv_bytes, make_survey, real_like, store

pytestmark = pytest.mark.django_db

DESIGN = {"weight": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"}
FIELDS = ("estimate", "se", "ci_low", "ci_high", "deff", "n")


@pytest.fixture
def dataset(survey, synthetic_table):
    job = store(survey, "enterprises.csv", csv_bytes(real_like(synthetic_table)))
    assert job.status == JobStatus.SUCCEEDED, job.message
    return survey.datasets.get()


def ask(client, survey, dataset, **data) -> EstimateRun:
    response = client.post(f"/evidence/surveys/{survey.pk}/datasets/{dataset.pk}/estimate/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    run = EstimateRun.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert response["Location"] == f"/evidence/runs/{run.pk}/"
    return run


def stored(run) -> list[tuple]:
    return [(tuple(tuple(p) for p in e.domain), e.statistic, e.variable, e.value, e.se, e.ci_low, e.ci_high, e.deff,
             e.n) for e in run.estimates.all()]


def core(rows) -> list[tuple]:
    return [(tuple((k, v) for k, v in r.domain), r.statistic, r.variable, r.estimate, r.se, r.ci_low, r.ci_high,
             r.deff, r.n) for r in rows]


def same_numbers(got: list[tuple], want: list[tuple]) -> bool:
    """Labels equal, numbers equal to a relative 1e-12: DuckDB sums in parallel, so two runs of the same
    estimate may differ in the last bit of a double, and nothing a user sees depends on it."""
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g[:3] == w[:3]
        for a, b in zip(g[3:], w[3:], strict=True):
            assert (a is None and b is None) or a == pytest.approx(b, rel=1e-12, abs=1e-12), (g, w)
    return True


def test_the_page_stores_exactly_what_the_core_computes(client_for, survey, dataset):
    run = ask(client_for("secretariat"), survey, dataset, by=["state", "owner_sex"], means=["employees"],
              totals=["employees"], props=["has_overseas_investment"], levels="sector=trade",
              ratios="revenue/employees")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.job.status == JobStatus.SUCCEEDED
    assert run.job.result["url"] == f"/evidence/runs/{run.pk}/"
    reference = run_estimates(dataset.file.path, **DESIGN, by=["state", "owner_sex"], means=["employees"],
                              totals=["employees"], props=["has_overseas_investment", "sector=trade"],
                              ratios=[("revenue", "employees")])
    assert same_numbers(stored(run), core(reference))
    assert len(reference) == 20 * 5
    assert run.estimates.filter(state__iso3="MYS").count() == 10  # each estimate knows its state


def test_the_downloads_carry_the_same_numbers_to_the_last_digit(client_for, survey, dataset):
    run = ask(client_for("secretariat"), survey, dataset, by=["state"], means=["employees"],
              ratios="revenue/employees")
    reference = run_estimates(dataset.file.path, **DESIGN, by=["state"], means=["employees"],
                              ratios=[("revenue", "employees")])
    text = client_for("anonymous").get(f"/evidence/runs/{run.pk}/estimates.csv").content.decode()
    lines = list(csv.DictReader(io.StringIO(text)))
    assert len(lines) == len(reference)
    for line, row in zip(lines, reference, strict=True):
        assert line["state"] == dict(row.domain)["state"] and line["variable"] == row.variable
        for f in FIELDS:
            want = getattr(row, f)
            assert (line[f] == "" and want is None) or float(line[f]) == pytest.approx(want, rel=1e-12, abs=1e-12)
    book = load_workbook(io.BytesIO(client_for("anonymous").get(f"/evidence/runs/{run.pk}/estimates.xlsx").content))
    sheet = book["Estimates"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    # Excel keeps 15 significant digits; the CSV keeps every digit.
    assert first["estimate"] == pytest.approx(reference[0].estimate, rel=1e-14)
    assert first["se"] == pytest.approx(reference[0].se, rel=1e-14)
    assert "About" in book.sheetnames


def test_the_results_page_shows_estimate_se_ci_deff_and_n(client_for, survey, dataset):
    run = ask(client_for("secretariat"), survey, dataset, by=["state"], props=["has_overseas_investment"])
    html = client_for("anonymous").get(f"/evidence/runs/{run.pk}/").content.decode()
    for heading in ("estimate", "SE", "95% CI", "deff", "n"):
        assert f">{heading}</th>" in html
    assert "weight <code>weight</code>, strata <code>stratum</code>, PSU <code>psu</code>" in html
    first = run.estimates.first()
    assert f">{sig(first.value)}<" in html and f">{first.n}<" in html
    assert "Download CSV" in html and "SYNTHETIC" not in html


def test_estimates_from_synthetic_data_are_labelled_on_the_page_and_in_every_download(client_for, survey,
                                                                                        synthetic_parquet):
    store(survey, "synthetic.parquet", synthetic_parquet.read_bytes())
    dataset = survey.datasets.get()
    run = ask(client_for("secretariat"), survey, dataset, by=["state"], means=["employees"])
    html = client_for("secretariat").get(f"/evidence/runs/{run.pk}/").content.decode()
    assert "synthetic-banner" in html and "Post as KPI value" not in html
    response = client_for("anonymous").get(f"/evidence/runs/{run.pk}/estimates.csv")
    assert "SYNTHETIC" in response["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert lines and all(line["data"] == LABEL for line in lines)
    book = load_workbook(io.BytesIO(client_for("anonymous").get(f"/evidence/runs/{run.pk}/estimates.xlsx").content))
    assert "Estimates (SYNTHETIC)" in book.sheetnames


def _with(table: pa.Table, name: str, values: list) -> pa.Table:
    return table.append_column(name, pa.array(values, type=pa.string()))


def test_the_harmonised_band_is_the_cores_band_and_is_stated_with_every_number(client_for, survey, dataset,
                                                                                 synthetic_table):
    run = ask(client_for("secretariat"), survey, dataset, by=["state", "size_band_harmonised"], means=["revenue"])
    registry = stored_registry()
    table = real_like(synthetic_table)
    bands = [harmonised_band(e, registry).size_class.value for e in table["employees"].to_pylist()]
    reference = run_estimates(_with(table, "size_band_harmonised", bands), **DESIGN,
                              by=["state", "size_band_harmonised"], means=["revenue"])
    assert same_numbers(stored(run), core(reference))
    html = client_for("anonymous").get(f"/evidence/runs/{run.pk}/").content.decode()
    assert "Size band basis:</strong> Harmonised size band by persons employed only" in html
    lines = list(csv.DictReader(io.StringIO(
        client_for("anonymous").get(f"/evidence/runs/{run.pk}/estimates.csv").content.decode())))
    assert all(line["size_band_basis"].startswith("Harmonised size band by persons employed only") for line in lines)


def test_the_national_size_class_is_each_rows_class_under_its_states_definition(client_for, survey, dataset,
                                                                                  synthetic_table):
    run = ask(client_for("secretariat"), survey, dataset, by=["size_class_national"], means=["employees"],
              levels="state=KHM")
    registry = stored_registry()
    on = date(2016, 12, 31)
    classes = []
    for row in real_like(synthetic_table).to_pylist():
        sector = {"trade": "retail"}.get(row["sector"], row["sector"])
        # Only Cambodia's thresholds are in US dollars, the survey's currency; elsewhere headcount alone counts.
        money = {"revenue": row["revenue"] * 1000, "currency": "USD"} if row["state"] == "KHM" and \
            row["revenue"] is not None else {}
        enterprise = Enterprise(employees=row["employees"], sector=sector, **money)
        classes.append(classify(enterprise, row["state"], on, registry).size_class.value)
    reference = run_estimates(_with(real_like(synthetic_table), "size_class_national", classes), **DESIGN,
                              by=["size_class_national"], means=["employees"], props=["state=KHM"])
    assert same_numbers(stored(run), core(reference))
    assert {dict(e.domain)["size_class_national"] for e in run.estimates.all()} >= {"micro", "small", "unknown"}
    html = client_for("anonymous").get(f"/evidence/runs/{run.pk}/").content.decode()
    assert "KHM: SME Development Framework 2005; money figures used (USD)" in html
    assert "MYS: NSDC SME definition 2013; headcount only: thresholds in MYR" in html


def test_an_estimate_the_design_cannot_support_fails_with_the_reason(client_for, definitions, synthetic_table):
    survey = make_survey(lonely_psu="adjust")
    table = real_like(synthetic_table)
    first_psu = table["psu"][0].as_py()
    strata = ["LONE" if p == first_psu else s for p, s in zip(table["psu"].to_pylist(), table["stratum"].to_pylist(),
                                                                strict=True)]
    table = table.set_column(table.schema.get_field_index("stratum"), "stratum", pa.array(strata))
    store(survey, "enterprises.csv", csv_bytes(table))
    survey.lonely_psu = "fail"  # the design was corrected after the upload
    survey.save()
    run = ask(client_for("secretariat"), survey, survey.datasets.get(), means=["employees"])
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.job.status == JobStatus.FAILED
    assert "strata LONE, BRN-agriculture have a single PSU" in run.message
    html = client_for("anonymous").get(f"/evidence/runs/{run.pk}/").content.decode()
    assert "could not be computed" in html and "have a single PSU" in html
    assert client_for("anonymous").get(f"/evidence/runs/{run.pk}/estimates.csv").status_code == 404


def test_the_form_asks_for_a_statistic_and_names_bad_entries(client_for, survey, dataset):
    url = f"/evidence/surveys/{survey.pk}/datasets/{dataset.pk}/estimate/"
    html = client_for("secretariat").post(url, {"by": ["state"]}).content.decode()
    assert "Choose at least one statistic" in html
    html = client_for("secretariat").post(url, {"ratios": "revenue/turnover"}).content.decode()
    assert "&#x27;revenue/turnover&#x27;: write numerator/denominator with two numeric columns." in html
    assert not EstimateRun.objects.exists()


def test_the_form_offers_the_declared_domains_and_numeric_columns(client_for, survey, dataset):
    html = client_for("secretariat").get(f"/evidence/surveys/{survey.pk}/datasets/{dataset.pk}/estimate/").content
    html = html.decode()
    for domain in ("state (state)", "size class (national definition)", "size band (harmonised)", "sector (sector)",
                   "sex of owner (owner_sex)"):
        assert domain in html
    assert 'value="has_overseas_investment"' in html and 'name="means" value="state"' not in html


@pytest.mark.parametrize(("persona", "status"), [
    ("secretariat", 200), ("focal_mys", 403), ("viewer", 403), ("outsider", 403), ("anonymous", 302),
])
def test_who_may_run_estimates(client_for, survey, dataset, persona, status):
    assert client_for(persona).get(
        f"/evidence/surveys/{survey.pk}/datasets/{dataset.pk}/estimate/").status_code == status


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "focal_mys", "secretariat"])
def test_computed_estimates_are_public(client_for, survey, dataset, persona):
    run = ask(client_for("secretariat"), survey, dataset, means=["employees"])
    client = client_for(persona)
    for url in (f"/evidence/runs/{run.pk}/", f"/evidence/runs/{run.pk}/estimates.csv",
                f"/evidence/runs/{run.pk}/estimates.xlsx", "/evidence/surveys/", f"/evidence/surveys/{survey.pk}/"):
        assert client.get(url).status_code == 200


def test_missing_runs_surveys_and_datasets_are_not_found(client_for, survey, dataset):
    client = client_for("secretariat")
    for url in ("/evidence/runs/999/", "/evidence/runs/999/estimates.csv", "/evidence/surveys/999/",
                f"/evidence/surveys/{survey.pk}/datasets/999/estimate/"):
        assert client.get(url).status_code == 404

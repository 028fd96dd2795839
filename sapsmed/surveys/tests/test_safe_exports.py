"""Estimate downloads and the estimate_survey command write formula-like domain values so that they cannot run."""

import csv
import io
from io import StringIO

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sapsmed.core.survey.synthetic import LABEL
from sapsmed.jobs.models import JobStatus
from sapsmed.surveys.models import EstimateRun

from .conftest import csv_bytes, real_like, store

pytestmark = pytest.mark.django_db
HOSTILE = {"trade": "=1+2", "manufacturing": "+x", "services": "-x", "agriculture": "@x"}


def hostile_sectors(table: pa.Table) -> pa.Table:
    """The synthetic rows with sector names a spreadsheet would run as formulas."""
    sector = table.column("sector")
    for plain, hostile in HOSTILE.items():
        sector = pc.if_else(pc.equal(sector, plain), hostile, sector)
    return table.set_column(table.schema.get_field_index("sector"), "sector", sector)


@pytest.fixture
def dataset(survey, synthetic_table):
    job = store(survey, "enterprises.csv", csv_bytes(real_like(hostile_sectors(synthetic_table))))
    assert job.status == JobStatus.SUCCEEDED, job.message
    return survey.datasets.get()


def _run(client, survey, dataset) -> EstimateRun:
    response = client.post(f"/evidence/surveys/{survey.pk}/datasets/{dataset.pk}/estimate/",
                           {"by": ["sector"], "means": ["employees"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    return EstimateRun.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_the_estimates_csv_quotes_formula_like_domains_and_keeps_numbers(client_for, survey, dataset):
    run = _run(client_for("secretariat"), survey, dataset)
    response = client_for("anonymous").get(f"/evidence/runs/{run.pk}/estimates.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["sector"] for r in rows} >= {"'=1+2", "'+x", "'-x", "'@x"}
    assert all(float(r["estimate"]) > 0 for r in rows)


def test_the_estimates_workbook_writes_formula_like_domains_as_string_cells(client_for, survey, dataset):
    run = _run(client_for("secretariat"), survey, dataset)
    response = client_for("anonymous").get(f"/evidence/runs/{run.pk}/estimates.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Estimates"]
    column = [c.value for c in sheet[1]].index("sector")
    cells = {(row[column].value, row[column].data_type) for row in sheet.iter_rows(min_row=2)}
    assert cells >= {("=1+2", "s"), ("+x", "s"), ("-x", "s"), ("@x", "s")}


def test_the_command_quotes_formula_like_domains(tmp_path, synthetic_table):
    path = tmp_path / "enterprises.csv"
    path.write_bytes(csv_bytes(real_like(hostile_sectors(synthetic_table))))
    out = StringIO()
    call_command("estimate_survey", str(path), "--weight", "weight", "--psu", "psu", "--by", "sector",
                 "--mean", "employees", stdout=out, stderr=StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["sector"] for r in rows} >= {"'=1+2", "'+x", "'-x", "'@x"}


def test_the_command_on_synthetic_data_keeps_its_label_and_quotes_formula_like_domains(tmp_path, synthetic_table):
    path = tmp_path / "synthetic.csv"
    path.write_bytes(csv_bytes(hostile_sectors(synthetic_table)))
    out = StringIO()
    call_command("estimate_survey", str(path), "--weight", "weight", "--psu", "psu", "--by", "sector",
                 "--mean", "employees", stdout=out, stderr=StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["sector"] for r in rows} >= {"'=1+2", "'+x", "'-x", "'@x"}
    assert {r["data"] for r in rows} == {LABEL}

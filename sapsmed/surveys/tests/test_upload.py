"""Uploading microdata: converted to Parquet in a background job with progress; on any error nothing is stored."""

import hashlib
import io

import pyarrow as pa
import pytest
from openpyxl import Workbook

from sapsmed.jobs.models import JobStatus
from sapsmed.surveys import services
from sapsmed.surveys.models import SurveyDataset

from .conftest import csv_bytes, make_survey, parquet_bytes, real_like, store, upload

pytestmark = pytest.mark.django_db


def files_under(root) -> list:
    return [p for p in (root / "surveys").rglob("*") if p.is_file()] if (root / "surveys").exists() else []


def with_column(table: pa.Table, name: str, values: list) -> pa.Table:
    index = table.schema.get_field_index(name)
    return table.set_column(index, name, pa.array(values))


def test_a_csv_upload_is_stored_as_parquet_with_its_description(client_for, survey, synthetic_table, media_root):
    content = csv_bytes(real_like(synthetic_table))
    response = upload(client_for("secretariat"), survey, "enterprises.csv", content)
    assert response.status_code == 302 and response["Location"] == f"/evidence/surveys/{survey.pk}/"
    dataset = SurveyDataset.objects.get()
    assert dataset.original_name == "enterprises.csv" and dataset.row_count == 1000 and not dataset.is_synthetic
    assert ["weight", "DOUBLE"] in dataset.columns and ["state", "VARCHAR"] in dataset.columns
    stored = media_root / dataset.file.name
    assert stored.suffix == ".parquet" and stored.read_bytes()[:4] == b"PAR1"
    assert dataset.checksum == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert files_under(media_root) == [stored]  # the upload's temporary copy is gone
    html = client_for("secretariat").get(f"/evidence/surveys/{survey.pk}/").content.decode()
    assert "enterprises.csv" in html and "Stored 1,000 rows of enterprises.csv" in html


def test_an_excel_upload_is_stored(survey, synthetic_table):
    table = real_like(synthetic_table)
    book = Workbook()
    sheet = book.active
    sheet.append(table.column_names)
    for row in table.to_pylist():
        sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    job = store(survey, "enterprises.xlsx", out.getvalue())
    assert job.status == JobStatus.SUCCEEDED, job.message
    dataset = SurveyDataset.objects.get()
    assert dataset.row_count == 1000 and ["employees", "BIGINT"] in dataset.columns


def test_a_synthetic_parquet_file_keeps_its_label_everywhere(client_for, survey, synthetic_parquet):
    job = store(survey, "synthetic.parquet", synthetic_parquet.read_bytes())
    assert "SYNTHETIC" in job.message
    assert SurveyDataset.objects.get().is_synthetic
    html = client_for("anonymous").get(f"/evidence/surveys/{survey.pk}/").content.decode()
    assert "synthetic-banner" in html and "SYNTHETIC" in html
    assert "SYNTHETIC data" in client_for("anonymous").get("/evidence/surveys/").content.decode()


def test_the_upload_job_reports_its_progress_and_runs_as_a_task(survey, synthetic_table, monkeypatch):
    seen = []
    original = services.job_progress
    monkeypatch.setattr(services, "job_progress", lambda job, p, m="": (seen.append((p, m)), original(job, p, m)))
    job = store(survey, "enterprises.csv", csv_bytes(real_like(synthetic_table)))
    assert [p for p, _ in seen] == [10, 50, 85]
    assert seen[1][1] == "Checking enterprises.csv against the survey design"
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100 and job.attempts == 1
    assert job.result["dataset_id"] == SurveyDataset.objects.get().pk


def _broken(table: pa.Table, problem: str) -> pa.Table:
    n = table.num_rows
    if problem == "negative weight":
        weights = table["weight"].to_pylist()
        weights[2], weights[7] = -1.0, -3.5
        return with_column(table, "weight", weights)
    if problem == "missing weight":
        return with_column(table, "weight", [None if i == 4 else w for i, w in enumerate(table["weight"].to_pylist())])
    if problem == "missing design column":
        return table.drop_columns(["psu"])
    if problem == "single PSU":
        first_psu = table["psu"][0].as_py()
        return with_column(table, "stratum", ["LONE" if p == first_psu else s for p, s in
                                              zip(table["psu"].to_pylist(), table["stratum"].to_pylist(), strict=True)])
    if problem == "text in a number column":
        return with_column(table, "employees", ["many" if i == 4 else str(v) for i, v in
                                                enumerate(table["employees"].to_pylist())])
    if problem == "unknown state":
        return with_column(table, "state", ["XXX" if i in (0, n - 1) else s for i, s in
                                            enumerate(table["state"].to_pylist())])
    raise AssertionError(problem)


@pytest.mark.parametrize(("problem", "message"), [
    ("negative weight", "enterprises.csv: weight column 'weight' is negative in 2 rows (rows 3, 8)"),
    ("missing weight", "enterprises.csv: weight column 'weight' is missing or not a finite number in 1 row (row 5)"),
    ("missing design column", "enterprises.csv: design column 'psu' is not in the data"),
    ("single PSU", "enterprises.csv: strata LONE, BRN-agriculture have a single PSU, so no variance can be estimated"),
    ("text in a number column", "enterprises.csv: column 'employees' must be numeric but holds text that is not a "
                                "number in 1 row (row 5)"),
    ("unknown state", "enterprises.csv: state column 'state' holds a value that is not one of the survey's states"),
])
def test_a_bad_upload_stores_nothing_and_says_why(survey, synthetic_table, media_root, problem, message):
    job = store(survey, "enterprises.csv", csv_bytes(_broken(real_like(synthetic_table), problem)))
    assert job.status == JobStatus.FAILED
    assert message in job.message and job.message.startswith("Nothing was stored.")
    assert not SurveyDataset.objects.exists()
    assert files_under(media_root) == []


def test_a_single_psu_stratum_is_accepted_under_the_adjust_rule(definitions, synthetic_table):
    survey = make_survey(lonely_psu="adjust")
    job = store(survey, "enterprises.csv", csv_bytes(_broken(real_like(synthetic_table), "single PSU")))
    assert job.status == JobStatus.SUCCEEDED


def test_every_error_of_a_file_is_listed_not_just_the_first(survey, synthetic_table):
    table = _broken(_broken(real_like(synthetic_table), "negative weight"), "unknown state")
    job = store(survey, "enterprises.csv", csv_bytes(table))
    assert "is negative in 2 rows" in job.message and "not one of the survey's states" in job.message
    assert len(job.result["errors"]) == 2


def test_a_file_that_is_not_parquet_is_refused(survey, media_root):
    job = store(survey, "enterprises.parquet", b"this is not a parquet file")
    assert job.status == JobStatus.FAILED and "is not a readable Parquet file" in job.message
    assert not SurveyDataset.objects.exists() and files_under(media_root) == []


def test_a_file_of_another_type_is_refused_on_the_form(client_for, survey, media_root):
    response = upload(client_for("secretariat"), survey, "enterprises.pdf", b"%PDF-1.7")
    assert response.status_code == 200
    assert "the file type .pdf is not accepted" in response.content.decode()
    assert not SurveyDataset.objects.exists() and files_under(media_root) == []


def test_a_file_over_the_size_limit_is_refused_before_anything_is_written(client_for, survey, settings, media_root):
    settings.SURVEY_UPLOAD_MAX_BYTES = 1000
    response = upload(client_for("secretariat"), survey, "enterprises.csv", b"x" * 1001)
    assert "more than the 1,000 bytes allowed" in response.content.decode()
    assert files_under(media_root) == []


def test_a_parquet_upload_is_stored(survey, synthetic_table):
    job = store(survey, "enterprises.parquet", parquet_bytes(real_like(synthetic_table)))
    assert job.status == JobStatus.SUCCEEDED and not SurveyDataset.objects.get().is_synthetic


@pytest.mark.parametrize(("persona", "status"), [
    ("secretariat", 200), ("focal_mys", 403), ("champion_b", 403), ("viewer", 403), ("outsider", 403),
    ("anonymous", 302),
])
def test_who_may_upload_to_a_regional_survey(client_for, survey, persona, status):
    response = client_for(persona).get(f"/evidence/surveys/{survey.pk}/upload/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("persona", "status"), [("focal_mys", 200), ("secretariat", 200), ("proponent_mys", 403)])
def test_a_focal_point_uploads_to_its_own_states_survey(client_for, definitions, persona, status):
    survey = make_survey(states=["MYS"], name="Malaysia SME census")
    assert client_for(persona).get(f"/evidence/surveys/{survey.pk}/upload/").status_code == status


def test_a_focal_point_may_not_upload_to_another_states_survey(client_for, definitions, synthetic_table):
    survey = make_survey(states=["THA"], name="Thai SME survey")
    response = upload(client_for("focal_mys"), survey, "e.csv", csv_bytes(real_like(synthetic_table)))
    assert response.status_code == 403 and not SurveyDataset.objects.exists()


def test_uploading_to_a_survey_that_does_not_exist_is_not_found(client_for, definitions):
    assert client_for("secretariat").get("/evidence/surveys/9999/upload/").status_code == 404

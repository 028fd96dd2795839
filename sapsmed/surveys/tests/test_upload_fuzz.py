"""Whatever microdata file is uploaded, its job stores it whole or fails saying why, and then stores nothing.

The valid file is a small synthetic survey file as CSV or Excel; each example damages it. A failed
upload leaves no dataset row and no file behind, and its message lists the problems, never an
"unexpected error".
"""

import csv
import io

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sapsmed.core.survey import synthetic
from sapsmed.core.tests.fuzz_files import damaged_uploads
from sapsmed.jobs.models import JobStatus
from sapsmed.surveys.models import SurveyDataset
from sapsmed.surveys.storage import StorageError

from .conftest import real_like, store, upload

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
TABLE: pa.Table = real_like(synthetic.generate_table(300, seed=3, rows_per_psu=4))


def _grid() -> dict:
    return {"Data": [TABLE.column_names, *[list(row.values()) for row in TABLE.to_pylist()]]}


def _xlsx() -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    for row in _grid()["Data"]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = _xlsx()


def files_under(root) -> list:
    return sorted(p for p in (root / "surveys").rglob("*") if p.is_file()) if (root / "surveys").exists() else []


def test_the_valid_file_is_stored(survey):
    assert store(survey, "enterprises.xlsx", XLSX).status == JobStatus.SUCCEEDED


@FUZZ
@given(data=st.data())
def test_any_damaged_microdata_file_is_stored_whole_or_refused_with_its_reasons(data, survey, media_root):
    upload_ = data.draw(damaged_uploads(XLSX, sheet="Data", stem="enterprises"))
    datasets, files = SurveyDataset.objects.count(), files_under(media_root)
    try:
        job = store(survey, upload_.filename, upload_.content)
    except StorageError as refused:  # a file type that is not accepted is refused before any job
        event("refused at once")
        assert upload_.filename in str(refused) and "not accepted" in str(refused)
        assert (SurveyDataset.objects.count(), files_under(media_root)) == (datasets, files)
        return
    failed = job.status == JobStatus.FAILED
    event(f"{job.status}: {job.message.splitlines()[1][len(upload_.filename) + 2:][:40] if failed else ''}")
    if job.status == JobStatus.SUCCEEDED:
        dataset = SurveyDataset.objects.get(pk=job.result["dataset_id"])
        assert SurveyDataset.objects.count() == datasets + 1
        assert files_under(media_root) == sorted([*files, media_root / dataset.file.name])
        SurveyDataset.objects.filter(pk=dataset.pk).delete()
        (media_root / dataset.file.name).unlink()
    else:
        assert job.status == JobStatus.FAILED
        assert job.message.startswith("Nothing was stored.") and "unexpected" not in job.message, job.message
        assert all(line.startswith(upload_.filename) for line in job.message.splitlines()[1:]), job.message
        assert (SurveyDataset.objects.count(), files_under(media_root)) == (datasets, files)


@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_uploading_a_damaged_file_on_the_survey_page_never_fails_with_a_server_error(data, client_for, survey):
    upload_ = data.draw(damaged_uploads(XLSX, sheet="Data", stem="enterprises"))
    response = upload(client_for("secretariat"), survey, upload_.filename, upload_.content)
    assert response.status_code in (200, 302, 400), upload_.recipe


def _csv_of(rows: list) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize(("rows", "said"), [
    (0, "enterprises.csv: the file has a header row but no data rows, so there is nothing to estimate from; "
        "upload the file with the respondents' answers."),
    (1, "enterprises.csv: the file holds the answers of a single respondent; an estimate and its margin of error "
        "need at least two respondents (and two sampling units in each stratum), so upload the whole microdata "
        "file."),
])
def test_a_header_only_or_single_respondent_file_gets_a_sentence_not_a_dataset(rows, said, survey, media_root):
    datasets = SurveyDataset.objects.count()
    job = store(survey, "enterprises.csv", _csv_of(_grid()["Data"][: rows + 1]))
    assert (job.status, job.message) == (JobStatus.FAILED, f"Nothing was stored.\n{said}")
    assert SurveyDataset.objects.count() == datasets

"""Microdata uploads are bounded in rows, counted before the file is converted; nothing is stored past the cap."""

import io

import openpyxl
import pytest

from sapsmed.surveys import storage
from sapsmed.surveys.models import SurveyDataset

from .conftest import store

pytestmark = pytest.mark.django_db


def test_a_csv_of_more_rows_than_the_setting_allows_is_refused_before_conversion(survey, settings, monkeypatch):
    settings.SURVEY_MAX_ROWS = 100
    monkeypatch.setattr(storage, "_csv_to_parquet", lambda *a: pytest.fail("converted a file over the cap"))
    job = store(survey, "enterprises.csv", b"id,weight\n" + b"1,2\n" * 150)
    assert job.status == "failed"
    assert job.message == ("Nothing was stored.\nenterprises.csv: this file has 151 rows; a survey upload takes "
                           "at most 100. Nothing was read: split the file into files of at most 100 rows, or check "
                           "that it is the file you meant to upload.")
    assert not SurveyDataset.objects.exists()


def test_a_workbook_takes_at_most_its_own_cap_and_says_how_to_upload_more(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "EXCEL_MAX_ROWS", 50)
    book = openpyxl.Workbook()
    for i in range(80):
        book.active.append([i, 1.5])
    out = io.BytesIO()
    book.save(out)
    source = tmp_path / "upload.xlsx"
    source.write_bytes(out.getvalue())
    with pytest.raises(storage.StorageError) as refused:
        storage.check_rows(source, "enterprises.xlsx", max_rows=None)
    assert str(refused.value) == (
        "enterprises.xlsx: this file has 80 rows; a survey workbook takes at most 50. Nothing was read: split the "
        "file into files of at most 50 rows, or check that it is the file you meant to upload. Larger surveys are "
        "uploaded as CSV or Parquet, which are read in a stream.")


def test_a_file_within_the_caps_passes(tmp_path):
    source = tmp_path / "upload.csv"
    source.write_bytes(b"id,weight\n1,2\n2,3")  # no line break at the end: still 3 rows
    storage.check_rows(source, "enterprises.csv", max_rows=3)

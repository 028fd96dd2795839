"""Microdata uploads: too large, lying about their type, or a decompression bomb are refused; nothing is stored."""

import pytest

from sapsmed.accounts.tests.hostile_files import EXE, HTML, Opened, bomb_xlsx, never
from sapsmed.jobs.models import Job
from sapsmed.surveys.models import SurveyDataset

from .conftest import store, upload

pytestmark = pytest.mark.django_db


def test_a_file_over_the_limit_is_refused_on_the_form(client_for, survey, settings):
    settings.SURVEY_UPLOAD_MAX_BYTES = 1000
    response = upload(client_for("secretariat"), survey, "enterprises.csv", b"a,b\n" + b"1,2\n" * 500)
    assert "enterprises.csv has 2,004 bytes, more than the 1,000 bytes allowed" in response.content.decode()
    assert not Job.objects.exists() and not SurveyDataset.objects.exists()


@pytest.mark.parametrize(("name", "content", "said"), [
    ("enterprises.xlsx", HTML, "enterprises.xlsx: is named .xlsx but is not a workbook"),
    ("enterprises.csv", EXE, "enterprises.csv: is named .csv but is not a text (CSV) file: it is binary data"),
    ("enterprises.xls", HTML, "enterprises.xls: is named .xls but is not an Excel 97-2003 workbook"),
    ("enterprises.parquet", b"a,b\n1,2\n", "enterprises.parquet: is not a readable Parquet file"),
])
def test_a_file_whose_name_lies_about_its_content_is_refused_saying_what_it_is(survey, media_root, name, content,
                                                                              said):
    job = store(survey, name, content)
    assert job.status == "failed" and said in job.message
    assert not SurveyDataset.objects.exists() and not list((media_root / "surveys").rglob("*.*"))


def test_a_decompression_bomb_workbook_is_refused_before_it_is_opened(survey, monkeypatch, media_root):
    monkeypatch.setattr("python_calamine.CalamineWorkbook", never)
    try:
        job = store(survey, "enterprises.xlsx", bomb_xlsx())
    except Opened:
        pytest.fail("the workbook reader opened the bomb")
    assert job.status == "failed" and "would expand to 8 MB" in job.message and "so it was not opened" in job.message
    assert not SurveyDataset.objects.exists()

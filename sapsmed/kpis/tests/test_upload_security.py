"""KPI import uploads: too large, lying about their type, or a decompression bomb are refused in words."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapsmed.accounts.tests.hostile_files import EXE, HTML, Opened, bomb_xlsx, never
from sapsmed.kpis.models import Observation, ObservationImport

pytestmark = pytest.mark.django_db


def post(client, name, content):
    return client.post("/kpis/import/", {"file": SimpleUploadedFile(name, content), "reason": ""}, follow=True)


def test_a_file_over_20_mb_is_refused_before_it_is_read(client_for):
    response = post(client_for("focal_mys"), "values.csv", b"0" * (20 * 1024 * 1024 + 1))
    assert "The file is larger than 20 MB; split it into several files." in response.content.decode()
    assert not ObservationImport.objects.exists()


@pytest.mark.parametrize(("name", "content", "said"), [
    ("values.xlsx", HTML, "this file is named .xlsx but is not an Excel workbook"),
    ("values.csv", EXE, "this file is named .csv but is not a CSV text file: it is binary data"),
    ("values.csv", bomb_xlsx(1), "this file would expand to 1 MB"),  # the zip is checked whatever its name
])
def test_a_file_whose_name_lies_about_its_content_is_refused_saying_what_it_is(client_for, name, content, said):
    html = post(client_for("focal_mys"), name, content).content.decode()
    assert said in html
    assert ObservationImport.objects.get().status == "invalid" and not Observation.objects.exists()


def test_a_decompression_bomb_is_refused_and_never_opened_even_to_mark_its_errors(client_for, monkeypatch):
    monkeypatch.setattr("sapsmed.core.tables.files.CalamineWorkbook", never)
    monkeypatch.setattr("sapsmed.core.tables.writing.load_workbook", never)
    client = client_for("focal_mys")
    html = post(client, "values.xlsx", bomb_xlsx()).content.decode()
    assert "would expand to 8 MB" in html and "so it was not opened" in html
    batch = ObservationImport.objects.get()
    assert batch.status == "invalid" and "the list of problems (CSV)" in html
    try:
        errors = client.get(f"/kpis/import/{batch.pk}/errors/")
    except Opened:
        pytest.fail("the error download opened the bomb to mark it")
    assert errors["Content-Type"].startswith("text/csv") and "would expand" in errors.content.decode("utf-8-sig")

"""Roadmap workbook uploads: too large, lying about their type, or a decompression bomb are refused in words."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapsmed.accounts.tests.hostile_files import EXE, HTML, Opened, bomb_xlsx, never
from sapsmed.plan.roadmap_models import RoadmapImport

pytestmark = pytest.mark.django_db


def post(client, name, content):
    return client.post("/roadmap/import/", {"workbook": SimpleUploadedFile(name, content)}, follow=True)


def test_a_file_over_10_mb_is_refused_and_nothing_is_kept(client_for):
    html = post(client_for("secretariat"), "roadmap.xlsx", b"0" * (10 * 1024 * 1024 + 1)).content.decode()
    assert "The file is larger than 10 MB; a roadmap workbook is far smaller." in html
    assert not RoadmapImport.objects.exists()


@pytest.mark.parametrize(("name", "content", "said"), [
    ("roadmap.xlsx", HTML, "this file is named .xlsx but is not an Excel workbook"),
    ("roadmap.xlsx", EXE, "this file is named .xlsx but is not an Excel workbook: it is binary data"),
])
def test_a_file_whose_name_lies_about_its_content_is_refused_saying_what_it_is(client_for, name, content, said):
    html = post(client_for("secretariat"), name, content).content.decode()
    assert said in html
    assert RoadmapImport.objects.get().status == "invalid"


def test_a_decompression_bomb_is_refused_and_never_opened_even_to_mark_its_errors(client_for, monkeypatch):
    monkeypatch.setattr("sapsmed.core.tables.files.CalamineWorkbook", never)
    monkeypatch.setattr("sapsmed.core.tables.writing.load_workbook", never)
    client = client_for("secretariat")
    html = post(client, "roadmap.xlsx", bomb_xlsx()).content.decode()
    assert "would expand to 8 MB" in html and "so it was not opened" in html
    upload = RoadmapImport.objects.get()
    try:
        marked = client.get(f"/roadmap/import/{upload.pk}/marked.xlsx")
    except Opened:
        pytest.fail("the marked workbook download opened the bomb")
    assert marked.status_code == 404 and "refused as a whole" in marked.content.decode()

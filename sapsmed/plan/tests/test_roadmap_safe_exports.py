"""The roadmap workbook writes titles as text: formula-like titles stay strings, control characters never 500."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapsmed.core.tests.hostile_xlsx import entity_expansion_xlsx
from sapsmed.plan.models import ActionLineVersion
from sapsmed.plan.tests.roadmap_helpers import edit_export, roadmap_state

pytestmark = pytest.mark.django_db
TITLES = {"A-1-2.1": "=1+2", "A-1-3.1": "+x", "B-2-1.2": "-x", "B-2-1.3": "@x"}


@pytest.fixture
def sec(client_for):
    return client_for("secretariat")


@pytest.fixture
def hostile():
    for code, title in TITLES.items():
        lv = ActionLineVersion.objects.get(action_line__code=code)
        lv.title = title
        lv.save()


def _titles(content: bytes, sheet: str, header_row: int, code_column: int, title_column: int) -> dict:
    rows = openpyxl.load_workbook(io.BytesIO(content))[sheet].iter_rows(min_row=header_row + 1)
    return {row[code_column].value: (row[title_column].value, row[title_column].data_type) for row in rows
            if row[code_column].value in TITLES}


def test_formula_like_titles_are_string_cells_on_both_sheets(client, hostile):
    response = client.get("/roadmap/roadmap.xlsx")
    assert response.status_code == 200
    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(response.content))["Action lines"][1]]
    expected = {code: (title, "s") for code, title in TITLES.items()}
    assert _titles(response.content, "Action lines", 1, 0, header.index("Title")) == expected
    assert _titles(response.content, "Timeline", 3, 0, 1) == expected


def test_a_title_with_control_characters_downloads_without_them(client):
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    lv.title = "Bell\x07 and escape\x1b line\x0b"  # stored before text was bounded (PostgreSQL stores no NUL)
    lv.save()
    response = client.get("/roadmap/roadmap.xlsx")
    assert response.status_code == 200
    timeline = openpyxl.load_workbook(io.BytesIO(response.content))["Timeline"]
    assert [row[1] for row in timeline.iter_rows(min_row=4, values_only=True) if row[0] == "B-2-1.3"] == [
        "Bell and escape line"]


def test_a_workbook_with_formula_like_titles_re_imports_changing_nothing(sec, hostile):
    before = roadmap_state()
    exported = sec.get("/roadmap/roadmap.xlsx").content
    response = sec.post("/roadmap/import/", {"workbook": SimpleUploadedFile("r.xlsx", exported)})
    html = sec.get(response["Location"]).content.decode()
    assert "The workbook changes nothing." in html
    sec.post(response["Location"])
    assert roadmap_state() == before


def test_the_marked_copy_of_a_workbook_openpyxl_cannot_reopen_is_a_404_sentence(sec):
    bad = edit_export(sec.get("/roadmap/roadmap.xlsx").content, {("B-2-1.3", "Target year"): 2027})
    response = sec.post("/roadmap/import/", {"workbook": SimpleUploadedFile(
        "laughs.xlsx", entity_expansion_xlsx(bad, "docProps/core.xml"))})
    marked = sec.get(response["Location"] + "marked.xlsx")
    assert (marked.status_code, marked["Content-Type"]) == (404, "text/plain; charset=utf-8")
    assert marked.content.decode() == (
        "laughs.xlsx: This file could not be opened again to mark its cells (it is damaged, not an Excel workbook, "
        "or holds XML Excel does not write), so there is no marked copy; the page of the upload lists every problem.")

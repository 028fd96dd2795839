"""The round workbook writes text as text: formula-like names stay strings and re-import; marking never 500s."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from sapsmed.core.tests.hostile_xlsx import entity_expansion_xlsx
from sapsmed.progress.models import Milestone, WorkbookUpload
from sapsmed.progress.tests.conftest import make_report

pytestmark = pytest.mark.django_db
URL = "/progress/rounds/2026-H2/"
NAMES = ["=SUM(A1)", "+x", "-x", "@x"]


@pytest.fixture
def hostile(personas, open_round):
    """Malaysia's draft on B-2-1.3 whose narrative and milestone names a spreadsheet would run as formulas."""
    from sapsmed.plan.models import ActionLine, MemberState
    from sapsmed.progress.services import report_save

    report = make_report(personas["proponent_mys"], open_round)
    return report_save(by=personas["proponent_mys"], round=open_round, line=ActionLine.objects.get(code="B-2-1.3"),
                       state=MemberState.objects.get(iso3="MYS"), values={"narrative": "=1+2", "risks": "-x"},
                       milestones=[{"name": name, "planned_on": None, "reached_on": None} for name in NAMES],
                       revision=report.revision)


def _download(client) -> bytes:
    response = client.get(URL + "workbook.xlsx")
    assert response.status_code == 200
    return response.content


def _cells(content: bytes, sheet: str, header: str) -> list[tuple[object, str]]:
    rows = list(load_workbook(BytesIO(content))[sheet].iter_rows())
    column = [cell.value for cell in rows[0]].index(header)
    return [(row[column].value, row[column].data_type) for row in rows[1:] if row[column].value is not None]


def test_formula_like_milestones_and_narratives_are_written_as_string_cells(client_for, hostile):
    content = _download(client_for("proponent_mys"))
    assert _cells(content, "Milestones", "Milestone") == [(name, "s") for name in NAMES]
    assert ("=1+2", "s") in _cells(content, "Reports", "Narrative")
    assert ("-x", "s") in _cells(content, "Reports", "Risks and issues")


def test_a_downloaded_workbook_with_a_milestone_named_like_a_formula_re_imports_unchanged(client_for, hostile):
    client = client_for("proponent_mys")
    response = client.post(URL + "upload/", {"file": SimpleUploadedFile("reports.xlsx", _download(client))})
    assert response.status_code == 302
    assert client.post(response["Location"]).status_code == 302
    hostile.refresh_from_db()
    assert sorted(Milestone.objects.filter(report=hostile).values_list("name", flat=True)) == sorted(NAMES)
    assert (hostile.narrative, hostile.risks) == ("=1+2", "-x")
    assert WorkbookUpload.objects.get().committed_at is not None


def test_control_characters_in_stored_names_are_dropped_from_the_workbook(client_for, hostile):
    Milestone.objects.filter(report=hostile, name="+x").update(name="bell\x07 and escape\x1b")  # stored before bounds
    content = _download(client_for("proponent_mys"))
    assert ("bell and escape", "s") in _cells(content, "Milestones", "Milestone")


def _with_an_error(content: bytes) -> bytes:
    book = load_workbook(BytesIO(content))
    sheet = book["Reports"]
    column = [cell.value for cell in sheet[1]].index("% complete") + 1
    sheet.cell(2, column).value = 150  # one located problem, so the marked copy is offered
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_marked_copy_of_a_workbook_openpyxl_cannot_reopen_is_a_404_sentence(client_for, hostile):
    client = client_for("proponent_mys")
    bad = entity_expansion_xlsx(_with_an_error(_download(client)), "docProps/core.xml")
    response = client.post(URL + "upload/", {"file": SimpleUploadedFile("laughs.xlsx", bad)})
    assert response.status_code == 400
    assert "Download your workbook with the problems marked" in response.content.decode()
    marked = client.get(f"/progress/uploads/{WorkbookUpload.objects.get().pk}/marked.xlsx")
    assert (marked.status_code, marked["Content-Type"]) == (404, "text/plain; charset=utf-8")
    assert marked.content.decode() == (
        "laughs.xlsx: This file could not be opened again to mark its cells (it is damaged, not an Excel workbook, "
        "or holds XML Excel does not write), so there is no marked copy; the page of the upload lists every problem.")


def test_a_workbook_with_an_entity_expansion_in_its_shared_strings_is_refused_and_never_marked(client_for, hostile):
    client = client_for("proponent_mys")
    bad = entity_expansion_xlsx(_download(client), "xl/sharedStrings.xml")
    response = client.post(URL + "upload/", {"file": SimpleUploadedFile("laughs.xlsx", bad)})
    assert response.status_code == 400 and "problems marked" not in response.content.decode()
    marked = client.get(f"/progress/uploads/{WorkbookUpload.objects.get().pk}/marked.xlsx")
    assert marked.status_code == 404

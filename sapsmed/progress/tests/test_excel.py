"""The report workbook: downloaded prefilled, uploaded filled, previewed, confirmed; all or nothing."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from sapsmed.progress.models import Milestone, ProgressReport, WorkbookUpload

pytestmark = pytest.mark.django_db
URL = "/progress/rounds/2026-H2/"


def download(client):
    response = client.get(URL + "workbook.xlsx")
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def header(sheet):
    return [c.value for c in sheet[1]]


def fill(book, row_values: dict[str, dict], milestones=None) -> bytes:
    """Set cells of Malaysia's rows of the Reports sheet by action line and header; replace the Milestones rows."""
    sheet = book["Reports"]
    columns = {name: i + 1 for i, name in enumerate(header(sheet))}
    for row in range(2, sheet.max_row + 1):
        code, state = sheet.cell(row, columns["Action line"]).value, sheet.cell(row, columns["State"]).value
        for name, value in (row_values.get(code, {}) if state == "MYS" else {}).items():
            sheet.cell(row, columns[name]).value = value
    if milestones is not None:
        ms = book["Milestones"]
        ms.delete_rows(2, ms.max_row)
        for values in milestones:
            ms.append(values)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content, name="reports.xlsx"):
    return client.post(URL + "upload/", {"file": SimpleUploadedFile(name, content)})


COMPLETE = {"Status": "On track", "% complete": 30, "Narrative": "Portal specification agreed.", "Submit": "yes"}


def test_the_workbook_is_prefilled_with_the_lines_the_proponent_reports(client_for, draft):
    book = download(client_for("proponent_mys"))
    assert book.sheetnames[:3] == ["Reports", "Milestones", "Instructions"]
    names = header(book["Reports"])
    rows = {r[0]: dict(zip(names, r, strict=True)) for r in book["Reports"].iter_rows(2, values_only=True)}
    assert set(rows) == {"B-2-1.2", "B-2-1.3"}
    assert rows["B-2-1.3"]["Revision"] == draft.revision and float(rows["B-2-1.3"]["% complete"]) == 40
    assert rows["B-2-1.2"]["Revision"] == 0 and rows["B-2-1.2"]["Currency"] == "MYR"
    assert [r[:3] for r in book["Milestones"].iter_rows(2, values_only=True)] == [("B-2-1.3", "MYS", "Design")]


def test_an_upload_is_previewed_then_saved_and_submitted_on_confirmation(client_for, draft):
    client = client_for("proponent_mys")
    content = fill(download(client), {"B-2-1.2": COMPLETE, "B-2-1.3": {"Narrative": "Updated", "Submit": "no"}},
                   milestones=[("B-2-1.2", "MYS", "Survey of lenders", "2026-12-31", None)])
    response = upload(client, content)
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "saved and <strong>submitted</strong>" in preview and "saved as a draft" in preview
    assert not ProgressReport.objects.filter(action_line__code="B-2-1.2").exists()  # nothing before confirming
    done = client.post(response["Location"], follow=True).content.decode()
    assert "2 report(s) saved from reports.xlsx; 1 submitted for validation." in done
    new = ProgressReport.objects.get(action_line__code="B-2-1.2", member_state__iso3="MYS")
    assert (new.workflow_status, new.percent_complete, new.status) == ("submitted", 30, "on_track")
    assert list(Milestone.objects.filter(report=new).values_list("name", flat=True)) == ["Survey of lenders"]
    draft.refresh_from_db()
    assert draft.narrative == "Updated" and draft.workflow_status == "draft"
    assert not Milestone.objects.filter(report=draft).exists()  # its rows were removed from the sheet
    assert WorkbookUpload.objects.get().committed_at is not None


def test_every_problem_names_sheet_row_and_column_and_nothing_is_saved(client_for, draft, personas):
    from sapsmed.progress.tests.conftest import make_report

    client = client_for("proponent_mys")
    book = download(client)
    make_report(personas["proponent_mys"], draft.round, code="B-2-1.2")  # someone saves B-2-1.2 meanwhile
    book["Reports"].append(["B-2-1.3", "LAO"])
    content = fill(book, {"B-2-1.3": {"% complete": 150, "Narrative": "x"},
                          "B-2-1.2": {**COMPLETE, "Narrative": None}})
    response = upload(client, content)
    html = response.content.decode()
    assert response.status_code == 400 and "nothing was saved" in html
    errors = [(e.sheet, e.row, e.column) for e in response.context["errors"]]
    assert ("Reports", 2, "Revision") in errors  # B-2-1.2 changed after the download
    assert ("Reports", 2, "Narrative") in errors  # submitting without a narrative
    assert ("Reports", 3, "% complete") in errors
    assert ("Reports", 4, "Action line") in errors  # Laos' report is not Malaysia's to file
    assert not [e for e in errors if e[0] == "Milestones"]  # B-2-1.3's milestone is fine: its row is there
    assert "you do not report on action line B-2-1.3 for LAO" in html
    draft.refresh_from_db()
    assert draft.narrative == "Platform designed."
    marked = client.get(f"/progress/uploads/{WorkbookUpload.objects.get().pk}/marked.xlsx")
    assert load_workbook(BytesIO(marked.content)).sheetnames[0] == "Errors"


def test_a_file_that_is_not_a_workbook_is_refused_in_words(client_for, open_round):
    response = upload(client_for("proponent_mys"), b"%PDF-1.7 not a workbook", name="reports.xlsx")
    assert response.status_code == 400
    assert "is not an Excel workbook: it is a PDF document" in response.content.decode()


def test_a_csv_of_the_reports_sheet_is_accepted_and_keeps_milestones(client_for, draft):
    client = client_for("proponent_mys")
    csv = f"Action line,State,Revision,Status,% complete,Narrative\nB-2-1.3,MYS,{draft.revision},Delayed,45,Late\n"
    response = upload(client, csv.encode(), name="reports.csv")
    assert response.status_code == 302
    client.post(response["Location"])
    draft.refresh_from_db()
    assert (draft.status, draft.narrative) == ("delayed", "Late")
    assert list(draft.milestones.values_list("name", flat=True)) == ["Design"]


def test_a_locked_round_leaves_its_reports_out_of_the_workbook_and_says_why(client_for, open_round, personas):
    from sapsmed.progress.services import round_lock

    round_lock(by=personas["secretariat"], round=open_round, reason="Closed for the meeting.")
    book = download(client_for("proponent_mys"))
    assert book["Reports"].max_row == 1
    notes = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    assert "B-2-1.3 (MYS) is not in this workbook: Round 2026-H2 was locked" in notes


def test_another_users_upload_is_not_found(client_for, draft):
    response = upload(client_for("proponent_mys"), fill(download(client_for("proponent_mys")), {}))
    other = client_for("secretariat").get(response["Location"])
    assert other.status_code == 404


def test_a_hidden_sheet_is_not_read_and_the_preview_says_so(client_for, draft):
    client = client_for("proponent_mys")
    book = download(client)
    stale = book.copy_worksheet(book["Reports"])
    stale.title, stale.sheet_state = "Old reports", "hidden"
    content = fill(book, {"B-2-1.3": {"Narrative": "Updated", "Submit": "no"}})
    response = upload(client, content)
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "<p class=\"note\">Hidden sheets were not read: &#x27;Old reports&#x27;.</p>" in preview

"""Importing the roadmap workbook: preview first, confirm commits all or nothing, errors name sheet, row, column."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapsmed.plan.models import ActionLine, ActionLineVersion
from sapsmed.plan.roadmap_models import RoadmapImport
from sapsmed.plan.tests.roadmap_helpers import add_lines, edit_export, roadmap_state

pytestmark = pytest.mark.django_db

NEW_LINE = {"Code": "B-2-1.9", "Goal": "B", "Action": "B-2-1", "Title": "Regional credit guarantee network",
            "Start year": 2017, "Target year": 2020, "Lead states": "MYS", "Proponent organisations": "ASEC",
            "Required time": "long-term", "Predecessors": "B-2-1.3", "Source": "Appendix B, entered by the Secretariat",
            "Confidence": "confirmed", "Funding amount": 120000, "Funding currency": "USD", "Funding source": "donor"}


@pytest.fixture
def sec(client_for):
    return client_for("secretariat")


@pytest.fixture
def exported(sec):
    return sec.get("/roadmap/roadmap.xlsx").content


def upload(client, data: bytes, name: str = "roadmap.xlsx"):
    response = client.post("/roadmap/import/", {"workbook": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"], client.get(response["Location"]).content.decode()


def test_a_workbook_exported_and_uploaded_again_changes_nothing(sec, exported):
    add_lines(4)
    exported = sec.get("/roadmap/roadmap.xlsx").content
    before = roadmap_state()
    url, html = upload(sec, exported)
    assert "The workbook changes nothing." in html and "16</span>unchanged" in html
    sec.post(url)
    assert roadmap_state() == before


def test_the_preview_shows_added_changed_field_by_field_and_left_alone_and_saves_nothing(sec, exported):
    data = edit_export(exported, {("B-2-1.3", "Target year"): 2021, ("B-2-1.3", "Proponent states"): "SGP; THA"},
                       append=[NEW_LINE])
    before = roadmap_state()
    _, html = upload(sec, data)
    assert "1</span>line added" in html and "1</span>line changed" in html
    assert '<span class="code">B-2-1.9</span></a> Regional credit guarantee network' in html
    assert '<td>Target year</td><td class="before">2018</td><td class="after">2021</td>' in html
    assert '<td class="before">not set</td><td class="after">Singapore; Thailand</td>' in html
    assert "Confirm: save these changes" in html
    assert roadmap_state() == before


def test_confirming_commits_every_change_with_the_importer_and_reason_in_the_history(sec, exported):
    data = edit_export(exported, {("B-2-1.3", "Target year"): 2021}, append=[NEW_LINE])
    url, _ = upload(sec, data)
    response = sec.post(url)
    assert response.status_code == 302 and response["Location"] == "/roadmap/"
    b213 = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    assert b213.target_year == 2021
    new = ActionLineVersion.objects.get(action_line__code="B-2-1.9")
    assert new.action_line.action.code == "B-2-1" and new.action_line.line_no == 9
    assert [p.code for p in new.predecessors.all()] == ["B-2-1.3"]
    assert str(new.funding_amount) == "120000.00" and new.funding_source == "donor"
    assert [o.code for o in new.proponent_organisations.all()] == ["ASEC"]
    record = b213.history.first()
    assert record.history_user.username == "secretariat"
    assert "Imported from the roadmap workbook 'roadmap.xlsx'" in record.history_change_reason
    assert RoadmapImport.objects.get().status == "committed"
    assert sec.post(url).status_code == 200  # a second confirmation writes nothing more


def test_a_confirmation_after_the_roadmap_changed_commits_nothing(sec, exported):
    url, _ = upload(sec, edit_export(exported, {("B-2-1.3", "Target year"): 2021}))
    ActionLineVersion.objects.filter(action_line__code="B-2-1.3").update(target_year=2019)
    before = roadmap_state()
    response = sec.post(url, follow=True)
    assert "The roadmap changed since the preview" in response.content.decode()
    assert roadmap_state() == before


def cells(exported, edits=None, append=None):
    return edit_export(exported, edits or {}, append=append)


ERRORS = [
    ("unknown goal code",
     lambda x: cells(x, append=[{**NEW_LINE, "Code": "F-1-1.1", "Goal": "F", "Action": "F-1-1"}]),
     "new", "Goal", "there is no strategic goal 'F' in the plan (the goals are A, B, C, D, E)."),
    ("year outside 2016-2025", lambda x: cells(x, {("B-2-1.3", "Target year"): 2027}),
     "B-2-1.3", "Target year", "'2027' is out of range (expected a year from 2016 to 2025)."),
    ("unknown state", lambda x: cells(x, {("B-2-1.3", "Lead states"): "MYS; XYZ"}),
     "B-2-1.3", "Lead states", "'XYZ' is not one of the allowed values"),
    ("predecessor cycle", lambda x: cells(x, {("B-2-1.3", "Predecessors"): "B-2-1.2",
                                              ("B-2-1.2", "Predecessors"): "B-2-1.3"}),
     "B-2-1.2", "Predecessors", "Predecessor cycle: B-2-1.2 → B-2-1.3 → B-2-1.2."),
    ("duplicate code", lambda x: cells(x, append=[NEW_LINE, {**NEW_LINE, "Title": "Again"}]),
     "new", "Code", "this row repeats row"),
    ("empty required cell", lambda x: cells(x, {("B-2-1.3", "Title"): None}),
     "B-2-1.3", "Title", "this cell is empty; a value is required."),
    ("text in a number cell", lambda x: cells(x, {("B-2-1.3", "Funding amount"): "about 5000"}),
     "B-2-1.3", "Funding amount", "'about 5000' is not a number"),
]


def excel_row(data: bytes, where: str) -> int:
    """The Excel row of a line, or of the last appended row ("new")."""
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Action lines"]
    if where.startswith("new"):
        return sheet.max_row
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == where)


@pytest.mark.parametrize(("what", "make", "where", "column", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_each_error_names_sheet_row_and_column_and_nothing_is_saved(sec, exported, what, make, where, column, message):
    data = make(exported)
    before = roadmap_state()
    url, html = upload(sec, data)
    row = excel_row(data, where)
    expected = f"<tr><td>Action lines</td><td>{row}</td><td>{column}</td>"
    assert expected in html, html[html.find("import-errors"):][:1500]
    assert message.replace("'", "&#x27;") in html
    assert "nothing was saved" in html and "Confirm" not in html
    assert sec.post(url).status_code == 200
    assert roadmap_state() == before


def test_the_user_can_download_their_workbook_with_the_bad_cells_marked(sec, exported):
    url, _ = upload(sec, edit_export(exported, {("B-2-1.3", "Target year"): 2027}), name="my roadmap.xlsx")
    response = sec.get(url + "marked.xlsx")
    assert 'filename="my_roadmap-with-errors.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Errors"
    assert "out of range" in book["Errors"].cell(2, 6).value


def test_a_file_that_is_not_a_workbook_is_refused_with_a_sentence(sec):
    _, html = upload(sec, b"%PDF-1.7 not a workbook", name="roadmap.xlsx")
    assert "is not an Excel workbook: it is a PDF document" in html


def test_an_import_commits_all_lines_or_none(sec, exported, monkeypatch):
    from sapsmed.plan import roadmap_services

    url, _ = upload(sec, edit_export(exported, {("B-2-1.3", "Target year"): 2021}, append=[NEW_LINE]))

    def fail(lv, terms, refs, **kw):
        # By now the new line B-2-1.9 is written; the changed line B-2-1.3 fails.
        assert ActionLine.objects.filter(code="B-2-1.9").exists()
        raise RuntimeError("disk full")

    monkeypatch.setattr(roadmap_services, "terms_write", fail)
    before = roadmap_state()
    with pytest.raises(RuntimeError):
        sec.post(url)
    assert roadmap_state() == before and not ActionLine.objects.filter(code="B-2-1.9").exists()
    assert RoadmapImport.objects.get().status == "previewed"


def test_a_hidden_sheet_is_not_read_and_the_preview_says_so(sec, exported):
    book = openpyxl.load_workbook(io.BytesIO(exported))
    old = book.copy_worksheet(book["Action lines"])
    old.title, old.sheet_state = "Old lines", "veryHidden"
    buffer = io.BytesIO()
    book.save(buffer)
    _, html = upload(sec, buffer.getvalue())
    assert "<h3>Worth a second look</h3><ul><li>Hidden sheets were not read: &#x27;Old lines&#x27;.</li>" in html
    assert "The workbook changes nothing." in html

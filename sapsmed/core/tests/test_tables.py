"""Typed tabular input: what a policy officer sees when uploading a workbook or CSV file."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sapsmed.core.tables import (
    ROW,
    CellError,
    Column,
    Issue,
    Sheet,
    mark_errors,
    read_table,
    write_rows_xlsx,
    write_template,
)
from sapsmed.core.tables.values import BadValue, parser_for

STATUSES = ("Not started", "On track", "Delayed", "Completed")
STATES = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")
ROADMAP = Sheet(
    "Action lines",
    (
        Column("Code", "code", help="The action line code, such as A-1-1.1"),
        Column("Title", "text", max_length=40),
        Column("Target year", "year", min=2016, max=2025, aliases=("Year",)),
        Column("Status", "text", choices=STATUSES),
        Column("Progress", "percentage", required=False),
        Column("Budget", "decimal", required=False),
        Column("Start", "date", required=False),
        Column("Priority", "boolean", required=False),
        Column("States", "list", required=False, choices=STATES),
        Column("Staff", "integer", required=False, min=0),
    ),
    key=("Code",),
)
HEADER = ["Code", "Title", "Target year", "Status"]
GOOD = ["A-1-1.1", "Map SME finance", 2018, "On track"]


def xlsx(rows, sheet="Action lines") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(rows, schema=ROADMAP, **options):
    return read_table(xlsx(rows), filename="roadmap.xlsx", schema=schema, **options)


def messages(result) -> list[str]:
    return [str(error) for error in result.errors]


def test_a_well_filled_workbook_reads_as_typed_rows_numbered_as_in_excel():
    header = [*HEADER, "Progress", "Budget", "Start", "Priority", "States", "Staff"]
    excel_date = datetime(2020, 1, 31)  # noqa: DTZ001 - Excel dates carry no time zone
    result = read([header, [*GOOD, 45.5, 1000.25, excel_date, "Yes", "MY; th", 12.0]])
    assert result.ok and result.sheet == "Action lines"
    assert result.rows == [
        {
            ROW: 2, "Code": "A-1-1.1", "Title": "Map SME finance", "Target year": 2018, "Status": "On track",
            "Progress": Decimal("45.5"), "Budget": Decimal("1000.25"), "Start": date(2020, 1, 31),
            "Priority": True, "States": ("MY", "TH"), "Staff": 12,
        }
    ]


def test_headers_match_ignoring_case_and_spacing_and_through_aliases():
    result = read([["  code", "TITLE", "year", "status *"], GOOD])
    assert result.ok and result.rows[0]["Target year"] == 2018


def test_absent_optional_columns_and_empty_optional_cells_read_as_nothing():
    result = read([[*HEADER, "Budget"], [*GOOD, "   "]])
    assert result.rows[0]["Budget"] is None and result.rows[0]["Progress"] is None
    assert result.rows[0]["States"] == ()


def test_the_error_sentence_names_file_sheet_excel_row_and_column():
    rows = [HEADER] + [[f"A-1-1.{n}", "Title", 2018, "On track"] for n in range(1, 6)]
    result = read([*rows, ["A-1-1.9", "Title", "twenty", "On track"]])
    assert messages(result) == [
        "roadmap.xlsx, sheet 'Action lines', row 7, column 'Target year': "
        "'twenty' is not a year (expected a whole number such as 2020)."
    ]


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("Staff", "many", "'many' is not a whole number (expected a number such as 12)."),
        ("Staff", 3.5, "'3.5' is not a whole number (expected a number such as 12)."),
        ("Staff", -2, "'-2' is too small (expected a number of at least 0)."),
        ("Target year", 2030, "'2030' is out of range (expected a year from 2016 to 2025)."),
        ("Target year", 2018.5, "'2018.5' is not a year (expected a whole number such as 2020)."),
        ("Progress", 120, "'120' is more than 100 (a percentage must be between 0 and 100)."),
        ("Progress", "lots", "'lots' is not a percentage (expected a number from 0 to 100, such as 45.5)."),
        ("Budget", "abc", "'abc' is not a number (expected a number such as 12.5)."),
        (
            "Budget", "1,234",
            "'1,234' is not a number we can read safely: write it without thousands separators "
            "and with a dot for decimals, such as 1234.5.",
        ),
        ("Status", "Delayd", "'Delayd' is not one of the allowed values "
         "('Not started', 'On track', 'Delayed', 'Completed'); did you mean 'Delayed'?"),
        ("Start", "2021-02-30", "'2021-02-30' is not a date (expected a date such as 2020-01-31)."),
        ("Start", "03/04/2020", "'03/04/2020' reads as different dates in different countries; "
         "write it as year-month-day, such as 2020-01-31."),
        ("Priority", "maybe", "'maybe' is not yes or no (expected yes, no, true, false, 1 or 0)."),
        ("Code", "A 1", "'A 1' is not a valid code "
         "(expected letters and digits, optionally separated by '.', '-', '_' or '/', such as A.1.2)."),
        ("States", "MY; XX", "'XX' is not one of the allowed values ('BN', 'KH', 'ID', 'LA', 'MY', 'MM', "
         "'PH', 'SG', 'TH', 'VN')."),
        ("Title", "x" * 41, "'" + "x" * 41 + "' is too long: 41 characters, the limit is 40."),
        ("Title", "y" * 100, "'" + "y" * 57 + "...' is too long: 100 characters, the limit is 40."),
    ],
)
def test_each_kind_of_bad_cell_gets_its_own_sentence(column, cell, message):
    values = dict(zip(HEADER, GOOD, strict=True)) | {column: cell}
    result = read([list(values), list(values.values())])
    (error,) = result.errors
    assert (error.row, error.column, error.message) == (2, column, message)
    assert error.cell == f"{'ABCDEFGHIJ'[list(values).index(column)]}2"


def test_every_problem_is_reported_not_only_the_first():
    result = read([HEADER, ["A 1", "", "twenty", "Late"], GOOD, ["A-1-1.2", "Fine", 2030, "Delayed"]])
    assert [(error.row, error.column) for error in result.errors] == [
        (2, "Code"), (2, "Title"), (2, "Target year"), (2, "Status"), (4, "Target year"),
    ]
    assert "this cell is empty; a value is required." in messages(result)[1]
    assert not result.ok and [row[ROW] for row in result.rows] == [3]


def test_a_missing_required_column_is_reported_once_on_the_header_row():
    result = read([["Code", "Title", "Status"], GOOD[:2] + ["Delayed"], ["A-1-1.2", "T", "Delayed"]])
    assert messages(result) == [
        "roadmap.xlsx, sheet 'Action lines', row 1, column 'Target year': this required column is missing; "
        "add a column headed 'Target year' to the header row."
    ]


def test_an_unknown_column_is_refused_with_a_suggestion_unless_extra_columns_are_allowed():
    refused = read([[*HEADER, "Stauts"], [*GOOD, "x"]])
    assert messages(refused) == [
        "roadmap.xlsx, sheet 'Action lines', row 1, column 'Stauts': "
        "'Stauts' is not one of the expected columns ('Code', 'Title', 'Target year', 'Status', "
        "'Progress', 'Budget', 'Start', 'Priority', 'States', 'Staff'); did you mean 'Status'? "
        "Rename or delete it."
    ]
    relaxed = Sheet("Action lines", ROADMAP.columns, allow_extra_columns=True)
    kept = read([[*HEADER, "Remarks"], [*GOOD, "  checked  "]], schema=relaxed)
    assert kept.ok and kept.rows[0]["Remarks"] == "checked"


def test_a_column_given_twice_is_refused():
    result = read([[*HEADER, "year"], [*GOOD, 2019]])
    assert messages(result) == [
        "roadmap.xlsx, sheet 'Action lines', row 1, column 'year': "
        "this column appears twice (columns C and E); keep only one."
    ]


def test_duplicate_keys_name_both_rows_whatever_the_case():
    again = ["a-1-1.1", "Again", 2020, "Delayed"]
    result = read([HEADER, GOOD, ["A-1-1.2", "Other", 2019, "Delayed"], again])
    assert messages(result) == [
        "roadmap.xlsx, sheet 'Action lines', row 4, column 'Code': this row repeats row 2 "
        "(the same Code 'a-1-1.1'); each Code may appear only once."
    ]


def test_empty_rows_and_a_title_are_skipped_yet_row_numbers_stay_those_of_excel():
    bad_year = ["A-1-1.2", "T", "soon", "Delayed"]
    result = read([["Roadmap 2016-2025"], [], HEADER, GOOD, [None, "  ", None], bad_year])
    assert [row[ROW] for row in result.rows] == [4]
    assert [(error.row, error.column) for error in result.errors] == [(6, "Target year")]


def test_a_csv_file_with_bom_and_semicolons_reads_like_the_workbook():
    text = (
        "\ufeffCode;Title;Year;Status;Budget\r\n"
        "A-1-1.1;Café owners; 2018 ;on track;12.5\r\n;;;;\r\nB 2;x;2019;Delayed;\r\n"
    )
    result = read_table(text.encode(), filename="roadmap.csv", schema=ROADMAP)
    assert result.rows[0]["Title"] == "Café owners" and result.rows[0]["Target year"] == 2018
    assert result.rows[0]["Status"] == "On track" and result.rows[0]["Budget"] == Decimal("12.5")
    assert messages(result) == [
        "roadmap.csv, row 4, column 'Code': 'B 2' is not a valid code "
        "(expected letters and digits, optionally separated by '.', '-', '_' or '/', such as A.1.2)."
    ]


def test_a_comma_separated_csv_from_a_file_object_is_read():
    text = 'Code,Title,Target year,Status,States\nA-1-1.1,"Finance, access",2018,Completed,"MY,SG"\n'
    result = read_table(io.StringIO(text), filename="roadmap.csv", schema=ROADMAP)
    assert result.ok and result.rows[0]["Title"] == "Finance, access"
    assert result.rows[0]["States"] == ("MY", "SG")


def test_a_workbook_read_from_disk_accepts_a_path(tmp_path):
    path = tmp_path / "roadmap.xlsx"
    path.write_bytes(xlsx([HEADER, GOOD]))
    assert read_table(path, filename=path.name, schema=ROADMAP).ok


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"Code,Title\nA,B\n", "roadmap.xlsx", "this file is named .xlsx but is not an Excel workbook: "
         "it is plain text (perhaps a text or CSV file renamed). Open it in Excel and save it as "
         "'Excel Workbook (*.xlsx)'."),
        (xlsx([HEADER, GOOD]), "roadmap.csv", "this file is named .csv but is an Excel workbook. Upload it "
         "with a name ending in .xlsx, or save it as CSV. In Excel, choose Save As and the type "
         "'CSV UTF-8 (Comma delimited) (*.csv)'."),
        ("Code;Title\nA;Café\n".encode("cp1252"), "roadmap.csv", "this CSV file is not saved as UTF-8, so "
         "accented and non-Latin letters would be garbled. In Excel, choose Save As and the type "
         "'CSV UTF-8 (Comma delimited) (*.csv)'."),
        (b"%PDF-1.7 ...", "roadmap.pdf", "only Excel workbooks (.xlsx) and CSV files (.csv) can be imported, "
         "and this file is a PDF document. Open it in Excel and save it as 'Excel Workbook (*.xlsx)'."),
        (b"", "roadmap.xlsx", "the file is empty."),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_with_a_clear_sentence(content, filename, message):
    result = read_table(content, filename=filename, schema=ROADMAP)
    assert messages(result) == [f"{filename}: {message}"] and result.rows == []


def test_a_missing_sheet_is_named_along_with_the_sheets_the_workbook_has():
    book = xlsx([HEADER, GOOD], sheet="Action line")
    result = read_table(book, filename="roadmap.xlsx", schema=ROADMAP, sheet="Action lines")
    assert messages(result) == [
        "roadmap.xlsx: there is no sheet named 'Action lines' (the workbook has 'Action line'); "
        "did you mean 'Action line'?"
    ]
    assert read_table(book, filename="roadmap.xlsx", schema=ROADMAP).ok  # the only sheet is taken


def test_custom_checks_report_domain_rules_in_the_same_format():
    known_goals = {"A", "B"}

    def goal_exists(row):
        if row["Code"].split("-")[0] not in known_goals:
            yield Issue(f"goal '{row['Code'].split('-')[0]}' is not a goal of the plan", column="Code")

    def no_cycle(rows):
        by_code = {row["Code"]: row for row in rows}
        for row in rows:
            for other in row["States"]:
                if other in by_code and row["Code"] in by_code[other]["States"]:
                    yield Issue(f"{row['Code']} and {other} wait for each other", row=row[ROW])

    schema = Sheet("Action lines", (Column("Code", "code"), Column("States", "list", required=False)))
    rows = [["Code", "States"], ["A-1", "B-1"], ["B-1", "A-1"], ["Z-1", ""]]
    result = read(rows, schema=schema, row_checks=[goal_exists], table_checks=[no_cycle])
    assert messages(result) == [
        "roadmap.xlsx, sheet 'Action lines', row 4, column 'Code': goal 'Z' is not a goal of the plan.",
        "roadmap.xlsx, sheet 'Action lines', row 2: A-1 and B-1 wait for each other.",
        "roadmap.xlsx, sheet 'Action lines', row 3: B-1 and A-1 wait for each other.",
    ]
    assert result.errors[0].cell == "A4" and result.errors[1].cell is None


def test_checks_declared_on_the_sheet_run_too_and_a_plain_sentence_is_a_table_level_problem():
    schema = Sheet("Action lines", ROADMAP.columns, table_checks=(lambda rows: ["no line is completed"],))
    assert messages(read([HEADER, GOOD], schema=schema)) == [
        "roadmap.xlsx, sheet 'Action lines': no line is completed."
    ]


def test_the_list_of_errors_can_be_capped_and_says_how_many_are_left_out():
    result = read([HEADER] + [["A-1", "T", "soon", "Delayed"]] * 5, max_errors=3)
    assert len(result.errors) == 4
    assert messages(result)[-1] == (
        "roadmap.xlsx, sheet 'Action lines': 6 more problems are not listed; "
        "correct the ones above and upload the file again."
    )


def test_fifty_thousand_rows_are_all_read():
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Action lines")
    sheet.append([*HEADER, "Progress", "Budget", "Start", "Priority", "States", "Staff"])
    for n in range(50_000):
        sheet.append([f"A-{n}", "Title", 2016 + n % 10, STATUSES[n % 4], n % 101, n / 4, date(2020, 1, 1),
                      "no", "MY;SG", n])
    sheet.append(["A-0", "Title", 2016, "Delayed"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_table(buffer.getvalue(), filename="roadmap.xlsx", schema=ROADMAP)
    assert len(result.rows) == 50_001 and result.rows[-2]["Budget"] == Decimal("12499.75")
    assert messages(result) == [
        "roadmap.xlsx, sheet 'Action lines', row 50002, column 'Code': this row repeats row 2 "
        "(the same Code 'A-0'); each Code may appear only once."
    ]


def test_marked_errors_come_back_in_the_users_own_workbook():
    original = xlsx([HEADER, GOOD, ["A-1-1.2", "Fine", "twenty", "Late"]])
    errors = read_table(original, filename="roadmap.xlsx", schema=ROADMAP).errors
    errors.append(CellError("roadmap.xlsx", "Action lines", 2, None, "", "the line has no owner."))
    book = openpyxl.load_workbook(io.BytesIO(mark_errors(original, errors)))
    assert book.sheetnames == ["Errors", "Action lines"] and book.active.title == "Errors"
    marked = book["Action lines"]
    assert marked["C3"].value == "twenty" and marked["C3"].fill.fgColor.rgb == "FFFFC7CE"
    assert marked["C3"].comment.text == "'twenty' is not a year (expected a whole number such as 2020)."
    assert marked["A2"].comment.text == "the line has no owner." and marked["B2"].comment is None
    listed = list(book["Errors"].iter_rows(values_only=True))
    assert listed[0] == ("Sheet", "Cell", "Row", "Column", "Value", "Problem")
    assert listed[2][:5] == ("Action lines", "D3", 3, "Status", "Late")
    assert book["Errors"]["B2"].hyperlink.location == "'Action lines'!C3"


def test_a_workbook_that_would_expand_like_a_bomb_is_never_opened_to_mark_its_errors(monkeypatch):
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 20_000_000)  # compresses about 1,000 times
    monkeypatch.setattr(openpyxl.reader.excel.ExcelReader, "read", lambda self: pytest.fail("the bomb was opened"))
    with pytest.raises(ValueError, match="would expand to 20 MB"):
        mark_errors(bomb.getvalue(), [])


def test_a_template_explains_each_column_and_reads_back_its_own_rows(tmp_path):
    path = tmp_path / "template.xlsx"
    row = {"Code": "A-1-1.10", "Title": "=cmd()", "Target year": 2018, "Status": "Delayed", "Priority": False,
           "States": ("MY", "SG"), "Progress": Decimal("12.5")}
    write_template(ROADMAP, path, rows=[row], title="SME roadmap", notes=["Codes follow the plan."])
    book = openpyxl.load_workbook(path)
    sheet = book["Action lines"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet["A1"].comment.text.startswith("A code such as A.1.2. Required.\nThe action line code")
    assert sheet["B2"].data_type == "s"  # text that looks like a formula stays text
    dropdowns = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert dropdowns == {"D2:D1048576": '"Not started,On track,Delayed,Completed"', "H2:H1048576": '"yes,no"'}
    instructions = [line for line in book["Instructions"].iter_rows(values_only=True) if line[0]]
    assert [line[0] for line in instructions[:3]] == [
        "SME roadmap",
        "Fill the sheet 'Action lines' from row 2 down, one row per record. "
        "Keep the header row; columns may be in any order.",
        "Codes follow the plan.",
    ]
    assert ("Target year", "yes", "A year from 2016 to 2025, such as 2020", None, None) in instructions
    back = read_table(path, filename="template.xlsx", schema=ROADMAP)
    assert back.ok and {key: back.rows[0][key] for key in row} == row


def test_a_long_choice_list_gets_its_dropdown_from_a_hidden_sheet():
    schema = Sheet("Goals", (Column("Goal", "text", choices=tuple(f"Goal number {n}" for n in range(40))),))
    book = openpyxl.load_workbook(io.BytesIO(write_template(schema, None)))
    (dropdown,) = book["Goals"].data_validations.dataValidation
    assert dropdown.formula1 == "'Drop-down lists'!$A$1:$A$40"
    lists = book["Drop-down lists"]
    assert lists.sheet_state == "hidden" and lists["A40"].value == "Goal number 39"


def test_exports_write_each_sheet_with_a_header_and_never_a_formula():
    columns = [Column("Done", "boolean"), "Note"]
    data = write_rows_xlsx([("KPIs: 2020", columns, [{"Done": True, "Note": "=1+1"}])])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["KPIs 2020"]
    assert [cell.value for cell in sheet[1]] == ["Done", "Note"] and sheet["A1"].font.b
    assert (sheet["A2"].value, sheet["B2"].value, sheet["B2"].data_type) == ("yes", "=1+1", "s")


def test_a_schema_that_could_not_work_is_refused_when_declared():
    with pytest.raises(ValueError, match="choices only apply"):
        Column("Year", "year", choices=("2020",))
    with pytest.raises(ValueError, match="would match two columns"):
        Sheet("S", (Column("Year", "year"), Column("Target year", "year", aliases=(" year",))))
    with pytest.raises(ValueError, match="not allowed by Excel"):
        Sheet("Goals/Targets", (Column("Year", "year"),))


EVERY_KIND = Sheet(
    "Any",
    tuple(
        Column(kind, kind, required=False, choices=("Alpha", "Beta") if kind == "list" else None)
        for kind in ("text", "integer", "decimal", "percentage", "year", "date", "boolean", "code", "list")
    ),
)
TYPES = {"text": str, "integer": int, "decimal": Decimal, "percentage": Decimal, "year": int, "date": date,
         "boolean": bool, "code": str, "list": tuple}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=9, max_size=9))
def test_any_csv_cell_reads_as_a_typed_value_or_an_error_never_a_crash(cells):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in EVERY_KIND.columns])
    writer.writerow(cells)
    result = read_table(buffer.getvalue().encode(), filename="any.csv", schema=EVERY_KIND)
    assert all(error.row == 2 and error.message.endswith((".", "?")) for error in result.errors)
    for row in result.rows:
        for name, kind in TYPES.items():
            assert row[name] is None or isinstance(row[name], kind)
    bad = {error.column for error in result.errors}
    assert not bad or result.rows == []


EXCEL_CELLS = st.one_of(
    st.text(), st.floats(), st.integers(min_value=-(2**63), max_value=2**63), st.booleans(), st.dates(),
    st.datetimes(),
)


@pytest.mark.parametrize("column", EVERY_KIND.columns + ROADMAP.columns, ids=lambda column: column.name)
@settings(max_examples=100, deadline=None)
@given(cell=EXCEL_CELLS)
def test_any_excel_cell_reads_as_a_typed_value_or_a_sentence(column, cell):
    try:
        value = parser_for(column)(cell)
    except BadValue as problem:
        assert problem.args[0].endswith((".", "?"))
    else:
        assert isinstance(value, TYPES[column.kind])
        assert not isinstance(value, Decimal) or value.is_finite()


def test_a_decompression_bomb_named_xlsx_is_refused_before_it_is_opened():
    import io
    import zipfile

    from sapsmed.core.tables import Column, Sheet, read_table

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros, ~50 kB zipped
    schema = Sheet("Data", [Column("Year", "year")])
    result = read_table(buf.getvalue(), filename="bomb.xlsx", schema=schema)
    assert not result.ok
    assert "would expand to 52 MB" in str(result.errors[0])
    assert "it may be damaged or crafted, so it was not opened" in str(result.errors[0])

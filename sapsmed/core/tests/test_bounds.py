"""One definition of what a field can hold, and the reader refusing what is ambiguous, with a reason."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from sapsmed.core.bounds import Bounds
from sapsmed.core.roadmap_fields import CODE_PATTERN, normal_code
from sapsmed.core.tables import Column, Sheet, read_table

MONEY = Bounds("number", digits=16, decimals=2, min=0)
KPI_VALUE = Bounds("number", digits=28, decimals=12)


@pytest.mark.parametrize(("bounds", "value", "said"), [
    (KPI_VALUE, Decimal("1e30"),
     "'1E+30' is too large to be stored: this field keeps at most 16 digits before the decimal point."),
    (KPI_VALUE, Decimal("9999999999999999"),  # kept with 15 digits it is 1E+16: one digit too many
     "'9999999999999999' is too large to be stored: this field keeps at most 16 digits before the decimal point."),
    (KPI_VALUE, Decimal("Infinity"),
     "'Infinity' is not a number that can be stored; enter a finite number such as 12.5."),
    (KPI_VALUE, Decimal("NaN"), "'NaN' is not a number that can be stored; enter a finite number such as 12.5."),
    (MONEY, Decimal("1.234"), "'1.234' has 3 decimal places and this field keeps 2; round it, such as 1.23."),
    (MONEY, Decimal("-1"), "'-1' is too small: it cannot be less than 0."),
    (Bounds("integer", min=1, max=5), 7, "'7' is outside the range accepted here (from 1 to 5)."),
    (Bounds("date"), date(9999, 12, 31),
     "'9999-12-31' is outside the years this field accepts (a date from 2000-01-01 to 2050-12-31)."),
    (Bounds("text"), "A\x00B\x1b", "this text holds invisible control characters (NUL, ESC) that cannot be shown "
                                   "or printed; retype it or paste it as plain text."),
    (Bounds("text", max_length=3), "abcd", "this text has 4 characters; at most 3 are kept."),
])
def test_each_bound_says_why_in_one_sentence(bounds, value, said):
    assert bounds.problem(value) == said


@pytest.mark.parametrize(("bounds", "value"), [
    (KPI_VALUE, Decimal("999999999999999")), (KPI_VALUE, Decimal("1234567890123456")),
    (KPI_VALUE, Decimal("0.123456789012")), (MONEY, Decimal("99999999999999.9")), (MONEY, Decimal(0)),
    (Bounds("date"), date(2000, 1, 1)), (Bounds("date"), date(2050, 12, 31)), (Bounds("text"), "a\tb\nc"),
])
def test_values_at_the_bounds_are_accepted(bounds, value):
    assert bounds.problem(value) is None


SHEET = Sheet("Data", (
    Column("Code", "code", pattern=CODE_PATTERN, normalise=normal_code),
    Column("Budget", "decimal", required=False, bounds=MONEY),
    Column("Due", "date", required=False),
    Column("Note", "text", required=False),
), key=("Code",))


def read_csv(text: str):
    return read_table(text.encode(), filename="data.csv", schema=SHEET)


def test_a_csv_quote_that_is_never_closed_is_an_error_naming_its_line():
    result = read_csv('Code,Budget,Due,Note\nB-2-1.1,10,,"fine\nB-2-1.2,20,,x\nB-2-1.3,30,,y\n')
    assert [(e.row, str(e)) for e in result.errors] == [(
        2, "data.csv, row 2: line 2 of the CSV file opens a quote (\") that is not closed properly (unexpected end "
           "of data); nothing was imported. Check the quotes on that line: a cell starting with a quote must end "
           "with one, and a quote inside a cell is written twice (\"\")."
    )]
    assert result.rows == []


def test_a_csv_quote_closed_lines_later_is_not_read_as_one_cell_of_merged_rows():
    result = read_csv('Code,Budget,Due,Note\nB-2-1.1,10,,"fine\nB-2-1.2,20,,x"\nB-2-1.3,30,,y\n')
    assert [e.message for e in result.errors] == [
        "line 2 of the CSV file opens a quote (\") that runs on to line 3, taking the lines in between into one "
        "cell; nothing was imported. Check the quotes on that line: a cell starting with a quote must end with "
        "one, and a quote inside a cell is written twice (\"\")."
    ]


def test_a_cell_with_a_line_break_in_quotes_is_still_read():
    result = read_csv('Code,Budget,Due,Note\nB-2-1.1,10,,"first line\nsecond line"\n')
    assert result.ok and result.rows[0]["Note"] == "first line\nsecond line"


def test_two_spellings_of_one_code_are_one_key_refused_naming_both_rows():
    result = read_csv("Code,Budget\nA-1-2.7,1\nA-1-2.07,2\n")
    assert [(e.row, e.column, e.message) for e in result.errors] == [(
        3, "Code", "this row repeats row 2 (the same Code 'A-1-2.7'; 'A-1-2.07' here and 'A-1-2.7' there are "
                   "written differently); each Code may appear only once.")]


def test_a_lone_code_is_read_as_the_plan_writes_it():
    assert read_csv("Code\nA-01-2.07\n").rows[0]["Code"] == "A-1-2.7"


@pytest.mark.parametrize(("column", "cell", "said"), [
    ("Budget", "\uff11\uff12\uff13", "'\uff11\uff12\uff13' is written with full-width or non-Latin digits; type it "
                                     "with the digits 0-9, such as 1234.5."),
    ("Due", "\uff12\uff10\uff12\uff10-01-31", "'\uff12\uff10\uff12\uff10-01-31' is written with full-width or "
                                              "non-Latin digits; type it with the digits 0-9, such as 2020-01-31."),
    ("Due", "9999-12-31", "'9999-12-31' is out of range (expected a date from 2000-01-01 to 2050-12-31)."),
    ("Budget", "99999999999999.99", "'99999999999999.99' is too large to be stored: this field keeps at most 14 "
                                    "digits before the decimal point."),
    ("Note", "bell\x07", "This text holds invisible control characters (BEL) that cannot be shown or printed; "
                         "retype it or paste it as plain text."),
])
def test_look_alikes_controls_and_values_beyond_the_field_are_refused_on_their_cell(column, cell, said):
    result = read_csv(f"Code,{column}\nB-2-1.1,{cell}\n")
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, column, said)]
    assert "\x07" not in result.errors[0].value  # the error list shows and stores no control character


def workbook(sheets: dict[str, str]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, state in sheets.items():
        sheet = book.create_sheet(name)
        sheet.sheet_state = state
        sheet.append(["Code", "Budget"])
        sheet.append(["B-2-1.1", 5 if state == "visible" else 999])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_hidden_sheet_is_never_read_and_the_preview_says_so():
    result = read_table(workbook({"Old": "hidden", "Secret": "veryHidden", "Mine": "visible"}),
                        filename="data.xlsx", schema=SHEET)
    assert result.ok and result.sheet == "Mine" and [r["Budget"] for r in result.rows] == [5]
    assert result.notes == ("Hidden sheets were not read: 'Old', 'Secret'.",)


def test_a_workbook_whose_only_matching_sheet_is_hidden_is_refused():
    result = read_table(workbook({"Data": "hidden", "Notes": "visible"}), filename="data.xlsx", schema=SHEET)
    assert [str(e) for e in result.errors] == [
        "data.xlsx: the sheet 'Data' is hidden in this workbook, and hidden sheets are not imported because nobody "
        "can see what they hold. If it holds the data to import, unhide it (right-click a sheet tab and choose "
        "Unhide), check it, save and upload the file again."]

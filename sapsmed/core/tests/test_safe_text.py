"""Every cell an export writes is text that cannot run: CSV neutralised the OWASP way, Excel typed as strings."""

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineWorkbook

from sapsmed.core.tables import (
    Column,
    CsvDictWriter,
    CsvWriter,
    NotMarkable,
    Sheet,
    append_row,
    cell_of,
    csv_cell,
    mark_errors,
    put_cell,
    read_table,
    write_rows_xlsx,
    write_template,
)
from sapsmed.core.tables.safe_text import FORMULA_STARTS, excel_text, without_forbidden

from .hostile_xlsx import entity_expansion_xlsx

HOSTILE = ["=1+2", "+x", "-x", "@x", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")", "\uff1d1+2"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-1, 0, 2.5, -0.5, float("-inf"), Decimal("-1.50"), Decimal("1E+3"), True])
def test_numbers_stay_numbers_even_negative(value):
    assert csv_cell(value) is value


@pytest.mark.parametrize("text", ["-1", "-1.5", "+3", "-.5", "-1e5", "1E-3", "Hello", "", "it's = fine", "a-b"])
def test_plain_numbers_written_as_text_and_ordinary_text_are_left_alone(text):
    assert csv_cell(text) == text


def test_none_is_an_empty_cell_and_other_values_their_text():
    assert csv_cell(None) == ""
    assert csv_cell(date(2020, 1, 31)) == "2020-01-31"
    assert csv_cell("-1+2") == "'-1+2"  # a sum, not a number: it would run


def test_characters_excel_forbids_are_dropped_before_the_first_character_is_checked():
    assert csv_cell("a\x00b\x07c\x1bd") == "abcd"
    assert csv_cell("\x00=1+2") == "'=1+2"
    assert csv_cell("line one\nline two\tend") == "line one\nline two\tend"
    assert excel_text("\x00" + "x" * 40000) == "x" * 32767


def test_the_csv_writers_write_every_cell_through_csv_cell():
    out = io.StringIO()
    writer = CsvWriter(out, lineterminator="\n")
    writer.writerow(["=1+2", -1, "-x", None, "\x07@x", Decimal("-2.5")])
    writer.writerows([["+x"]])
    assert out.getvalue() == "'=1+2,-1,'-x,,'@x,-2.5\n'+x\n"
    out = io.StringIO()
    writer = CsvDictWriter(out, fieldnames=["note", "value"], lineterminator="\n")
    writer.writeheader()
    writer.writerow({"note": "=SUM(A1)", "value": -3})
    assert out.getvalue() == "note,value\n'=SUM(A1),-3\n"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text())
def test_no_text_comes_out_of_csv_cell_starting_as_a_formula_or_holding_a_forbidden_character(text):
    cell = csv_cell(text)
    assert not ILLEGAL_CHARACTERS_RE.search(cell)
    assert cell[:1] not in FORMULA_STARTS or re.fullmatch(r"[+-][\d.eE+-]+", cell)
    assert csv_cell(cell) == cell  # writing an export's cell again changes nothing


def _cells(content: bytes, sheet: str) -> list[tuple[object, str]]:
    book = load_workbook(io.BytesIO(content))
    return [(cell.value, cell.data_type) for row in book[sheet].iter_rows(min_row=2) for cell in row]


def test_exports_write_hostile_text_as_string_cells_and_numbers_as_numbers():
    rows = [{"text": value, "number": -1} for value in ["=1+2", "+x", "-x", "@x", "a\x00b\x1b"]]
    content = write_rows_xlsx([("Export", ["text", "number"], rows)])
    assert _cells(content, "Export") == [("=1+2", "s"), (-1, "n"), ("+x", "s"), (-1, "n"), ("-x", "s"), (-1, "n"),
                                         ("@x", "s"), (-1, "n"), ("ab", "s"), (-1, "n")]


def test_put_cell_append_row_and_cell_of_write_text_as_text_in_any_sheet():
    book = Workbook()
    sheet = book.active
    sheet.title = "Drawn"
    put_cell(sheet, 1, 1, "header")
    put_cell(sheet, 2, 1, "=SUM(A1)")
    put_cell(sheet, 2, 2, "\x07bell")
    append_row(sheet, ["@x", -2, None])
    sheet.append([cell_of(sheet, "+x"), cell_of(sheet, Decimal("1.5"))])
    out = io.BytesIO()
    book.save(out)
    assert _cells(out.getvalue(), "Drawn") == [("=SUM(A1)", "s"), ("bell", "s"), ("@x", "s"), (-2, "n"),
                                               ("+x", "s"), (1.5, "n")]


def _read_back(texts: list[str]) -> list[object]:
    """The texts written by an export and read by the platform's reader (calamine), each on a numbered row."""
    content = write_rows_xlsx([("Texts", ["n", "text"], [{"n": n, "text": text} for n, text in enumerate(texts)])])
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Texts").to_python()
    return [row[1] for row in rows[1:]]


def test_text_that_looks_like_an_excel_escape_or_holds_a_carriage_return_reads_back_as_written():
    texts = ["_x0041_", "_x005F_x0041_", "a\r\nb", "c\rd", "__x0041__", "_X0041_"]
    assert [excel_text(text) for text in texts] == [
        "_x005F_x0041_", "_x005F_x005F_x005F_x0041_", "a_x000D_\nb", "c_x000D_d", "__x005F_x0041__", "_X0041_"]
    assert _read_back(texts) == texts


def test_escaped_text_still_fits_in_one_cell():
    assert len(excel_text("\r" * 40000)) == 32767 and excel_text("\r" * 40000).endswith("_x000D_")
    assert len(excel_text("_x0041_" * 6000)) <= 32767


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_any_text_an_export_writes_reads_back_without_only_the_forbidden_characters(texts):
    assert _read_back(texts) == [without_forbidden(text) for text in texts]


def test_a_template_holding_formula_text_reads_back_unchanged():
    schema = Sheet("Milestones", (Column("Name", "text"), Column("Due", "date", required=False)))
    rows = [{"Name": name, "Due": date(2020, 1, 31)} for name in ("=SUM(A1)", "+x", "-x", "@x")]
    result = read_table(write_template(schema, None, rows=rows), filename="m.xlsx", schema=schema)
    assert result.ok, result.errors
    assert [row["Name"] for row in result.rows] == ["=SUM(A1)", "+x", "-x", "@x"]


@pytest.mark.parametrize("part", ["docProps/core.xml", "xl/worksheets/sheet2.xml", "xl/sharedStrings.xml"])
def test_a_workbook_openpyxl_cannot_open_again_is_not_markable_with_a_sentence(part):
    valid = write_template(Sheet("Records", (Column("Code", "code"),)), None, rows=[{"Code": "A-1"}])
    with pytest.raises(NotMarkable) as refused:
        mark_errors(entity_expansion_xlsx(valid, part), [])
    assert str(refused.value) == (
        "This file could not be opened again to mark its cells (it is damaged, not an Excel workbook, or holds "
        "XML Excel does not write), so there is no marked copy; the page of the upload lists every problem.")


# Writing a cell anywhere else would bypass the one path; these modules have a reason that is not an export.
_NOT_EXPORTS = {
    "sapsmed/surveys/storage.py": "copies an uploaded Excel sheet to CSV for DuckDB to read; the data must stay as is",
}
_ROOT = Path(__file__).resolve().parents[2]


def _sources():
    for path in sorted((_ROOT / "sapsmed").rglob("*.py")):
        name = path.relative_to(_ROOT).as_posix()
        if "/tests/" not in name and name not in _NOT_EXPORTS:
            yield name, path.read_text(encoding="utf-8")


def test_every_export_writes_through_the_one_csv_function_and_the_one_excel_path():
    raw_csv = [name for name, text in _sources()
               if re.search(r"csv\.(writer|DictWriter)\(", text) and name != "sapsmed/core/tables/safe_text.py"]
    raw_cells = [name for name, text in _sources()
                 if re.search(r"\.cell\([^()]*,[^()]*,", text)
                 and name != "sapsmed/core/tables/writing.py"]
    raw_rows = [name for name, text in _sources()
                if re.search(r"\b(ws|sheet|about|worksheet)\.append\(\[[^\]]", text)]
    assert (raw_csv, raw_cells, raw_rows) == ([], [], [])

"""Row and error caps: a file over the cap is refused with one sentence before its cells are read."""

import io
import zipfile

import openpyxl

from sapsmed.core.tables import Column, RowCap, Sheet, read_table, tally
from sapsmed.core.tables.limits import csv_records, kind_of, xlsx_sheet_rows

VALUES = Sheet("Values", (Column("Code", "code"), Column("Value", "decimal")), key=("Code",))
CAP = RowCap(50, "a test import")
REFUSED_60 = ("this file has 60 rows; a test import takes at most 50. Nothing was read: split the file into "
              "files of at most 50 rows, or check that it is the file you meant to upload.")


def workbook(rows, *, sheet="Values", other=None) -> bytes:
    book = openpyxl.Workbook()
    if other:
        book.active.title = "Notes"
        for row in other:
            book.active.append(row)
        target = book.create_sheet(sheet)
    else:
        target = book.active
        target.title = sheet
    for row in rows:
        target.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows_of(count: int) -> list[list[object]]:
    return [["Code", "Value"], *([f"C{i}", i] for i in range(1, count))]


def test_a_workbook_over_the_cap_is_refused_as_a_whole_with_its_row_count():
    result = read_table(workbook(rows_of(60)), filename="big.xlsx", schema=VALUES, max_rows=CAP)
    assert [(e.sheet, e.row, e.message) for e in result.errors] == [(None, None, REFUSED_60)]
    assert result.rows == []


def test_a_workbook_at_the_cap_is_read():
    result = read_table(workbook(rows_of(50)), filename="ok.xlsx", schema=VALUES, max_rows=CAP)
    assert result.ok and len(result.rows) == 49


def test_only_the_sheet_read_is_counted():
    content = workbook(rows_of(10), other=[["note"]] * 500)
    assert read_table(content, filename="ok.xlsx", schema=VALUES, max_rows=CAP).ok
    assert xlsx_sheet_rows(content, "Notes") == 500


def test_a_sparse_sheet_counts_up_to_its_last_row():
    book = openpyxl.Workbook()
    book.active.title = "Values"
    book.active.append(["Code", "Value"])
    book.active["A5000"] = "Z1"
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_table(buffer.getvalue(), filename="sparse.xlsx", schema=VALUES, max_rows=CAP)
    assert result.errors[0].message.startswith("this file has 5,000 rows; a test import takes at most 50.")


def test_row_tags_with_a_namespace_prefix_are_counted():
    content = workbook(rows_of(60))
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<row ", b"<x:row ").replace(b"</row>", b"</x:row>")
                data = data.replace(b"<dimension", b"<nodimension")
            target.writestr(info, data)
    assert xlsx_sheet_rows(out.getvalue(), "Values") == 60


def test_the_declared_size_ends_the_count_once_past_the_cap():
    content = workbook(rows_of(60))
    assert xlsx_sheet_rows(content, "Values", stop_above=20) == 60
    assert xlsx_sheet_rows(content, "Missing") is None


def test_a_csv_file_over_the_cap_is_refused_counting_records_not_lines():
    text = "Code,Value\n" + "".join(f"C{i},{i}\n" for i in range(1, 60))
    result = read_table(text.encode(), filename="big.csv", schema=VALUES, max_rows=CAP)
    assert [e.message for e in result.errors] == [REFUSED_60]
    quoted = "Code,Value,Note\n" + "".join(f'C{i},{i},"two\nlines"\n' for i in range(1, 40))
    assert csv_records(quoted, ",") == 40
    noted = Sheet("Values", (*VALUES.columns, Column("Note", "text")), key=("Code",))
    result = read_table(quoted.encode(), filename="ok.csv", schema=noted, max_rows=CAP)
    assert result.ok and len(result.rows) == 39


def test_every_problem_is_counted_by_kind_even_beyond_the_error_cap():
    rows = [["Code", "Value"], *([f"C{i}", "n/a"] for i in range(1, 31)), ["C1", 5]]
    result = read_table(workbook(rows), filename="bad.xlsx", schema=VALUES, max_errors=10)
    assert len(result.errors) == 11  # ten listed, and the line counting the others
    assert result.errors[-1].message == ("21 more problems are not listed; correct the ones above and upload "
                                         "the file again.")
    assert [(k.column, k.count) for k in result.kinds] == [("Value", 30), ("Code", 1)]
    assert result.kinds[0].example == "'n/a' is not a number (expected a number such as 12.5)."


def test_messages_differing_only_in_their_values_are_one_kind():
    assert kind_of("'x' is not a number (expected 12.5).") == kind_of("'yy' is not a number (expected 12.5).")
    refused = read_table(b"", filename="empty.csv", schema=VALUES)
    assert [(k.column, k.count) for k in tally(refused.errors)] == [(None, 1)]


def test_a_stray_cell_far_to_the_right_is_refused_before_the_reader_lays_out_the_columns():
    from sapsmed.core.tables.limits import xlsx_sheet_columns

    book = openpyxl.Workbook()
    book.active.title = "Values"
    book.active.append(["Code", "Value"])
    book.active.append(["C1", 1])
    book.active["XFD2"] = "x"  # column 16,384, Excel's last
    buffer = io.BytesIO()
    book.save(buffer)
    assert xlsx_sheet_columns(buffer.getvalue(), "Values") == 16384
    result = read_table(buffer.getvalue(), filename="wide.xlsx", schema=VALUES, max_rows=CAP)
    assert [e.message for e in result.errors] == [
        "this sheet reaches column 16,384; an import reads at most 1,000 columns. Nothing was read: delete the "
        "cells far to the right of the table (select the empty columns, then Delete), or check that it is the "
        "file you meant to upload."]
    assert result.rows == []
    book.active["XFD2"] = None
    book.active["ALL2"] = "x"  # column 1,000: read
    buffer = io.BytesIO()
    book.save(buffer)
    assert xlsx_sheet_columns(buffer.getvalue(), "Values") == 1000
    assert read_table(buffer.getvalue(), filename="ok.xlsx", schema=VALUES, max_rows=CAP).ok

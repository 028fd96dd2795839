"""Coverage-guided fuzzing (atheris) of the export writers: any text, as a CSV or an Excel cell, is safe and reads back.

Not part of the test suite (sapsmed/core/tests/test_safe_text.py holds the hypothesis version). Set up
atheris as README.md beside this file says, then:

    .venv/bin/python benchmarks/fuzz/fuzz_writers.py /tmp/fuzz-writers -max_total_time=120 -max_len=4096

Each input is decoded as UTF-8 (invalid bytes replaced) and split into up to six texts where two
undecodable bytes follow each other. It checks that csv_cell gives cells no spreadsheet runs and that
reading the CSV back gives those cells; then it writes the texts with write_rows_xlsx, write_template
and mark_errors' Errors sheet (put_cell) and checks, reading with the platform's reader (calamine), that
every cell holds the text less the characters Excel forbids, cut to Excel's limit; never an exception.
A crash is written to ./crash-<hash>; rerun the harness on that file to reproduce it.
"""

import csv
import io
import re
import sys

import atheris

with atheris.instrument_imports(include=["sapsmed.core.tables"]):
    from python_calamine import CalamineWorkbook

    from sapsmed.core.tables import CellError, Column, Sheet, csv_cell, mark_errors, write_rows_xlsx, write_template
    from sapsmed.core.tables.safe_text import EXCEL_CELL_LIMIT, FORMULA_STARTS, without_forbidden

PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

SCHEMA = Sheet("Texts", (Column("n", "integer"), Column("text", "text")))


def _cells(content: bytes, sheet: str) -> list[object]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(sheet).to_python()
    return [row[1] for row in rows[1:]]


def _check_csv(texts: list[str]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    cells = [csv_cell(text) for text in texts]
    writer.writerow(cells)
    for cell in cells:
        assert cell[:1] not in FORMULA_STARTS or PLAIN_NUMBER.fullmatch(cell), cell
        assert csv_cell(cell) == cell, cell
    read = next(csv.reader(io.StringIO(out.getvalue(), newline="")), [])
    assert read == [str(cell) for cell in cells] or not any(cells), (read, cells)


def one_input(data: bytes) -> None:
    texts = data.decode("utf-8", "replace").split("\ufffd\ufffd")[:6]
    _check_csv(texts)
    expected = [_as_read(text) for text in texts]
    rows = [{"n": n, "text": text} for n, text in enumerate(texts)]
    assert [_as_read(c) for c in _cells(write_rows_xlsx([("Texts", ["n", "text"], rows)]), "Texts")] == expected
    template = write_template(SCHEMA, None, rows=rows, title=texts[0], notes=texts[1:])
    assert [_as_read(c) for c in _cells(template, "Texts")] == expected
    errors = [CellError("t.xlsx", "Texts", n + 2, "text", text, text, 2) for n, text in enumerate(texts)]
    marked = CalamineWorkbook.from_filelike(io.BytesIO(mark_errors(template, errors))).get_sheet_by_name("Errors")
    assert [_as_read(row[4]) for row in marked.to_python()[1:]] == expected


def _as_read(text: object) -> str:
    """The text as a reader gets it: openpyxl marks only text with a leading or trailing space as space-preserving,
    so a cell of nothing but whitespace reads back empty; everything else reads back exactly."""
    text = without_forbidden(str(text))[:EXCEL_CELL_LIMIT]
    return text if text.strip() else ""


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()

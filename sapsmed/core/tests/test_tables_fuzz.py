"""Whatever a user uploads, the shared table reader answers with typed rows or located errors, never a crash."""

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sapsmed.core.tables import ROW, Column, Sheet, mark_errors, read_table, write_template
from sapsmed.core.tables.values import BadValue, parser_for
from sapsmed.core.tables.writing import NotMarkable

from .fuzz_files import Upload, assert_located, cell_values, damaged_uploads

SCHEMA = Sheet(
    "Records",
    (
        Column("Code", "code"),
        Column("Title", "text", max_length=40),
        Column("Year", "year", min=2016, max=2025),
        Column("Status", "text", choices=("On track", "Delayed")),
        Column("Share", "percentage", required=False),
        Column("Amount", "decimal", required=False, min=0),
        Column("Count", "integer", required=False, min=0),
        Column("Start", "date", required=False),
        Column("Done", "boolean", required=False),
        Column("States", "list", required=False, choices=("MYS", "THA", "VNM")),
    ),
    key=("Code",),
)
ROWS = [
    {"Code": f"A-{n}", "Title": f"Line {n}", "Year": 2016 + n, "Status": "On track" if n % 2 else "Delayed",
     "Share": Decimal(n * 10), "Amount": Decimal("1234.5"), "Count": n, "Start": date(2020, 1, n + 1),
     "Done": bool(n % 2), "States": ("MYS", "THA")[: n % 3]}
    for n in range(1, 7)
]
VALID = write_template(SCHEMA, None, rows=ROWS, title="Records")
def zip_of_unknown_version() -> bytes:
    """A workbook whose zip directory claims version 11.4: zipfile raised NotImplementedError (atheris found it)."""
    data = bytearray(VALID)
    directory = data.find(b"PK\x01\x02")
    data[directory + 6:directory + 8] = (114).to_bytes(2, "little")
    return bytes(data)


FUZZ = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def test_the_valid_template_reads_back_as_written():
    result = read_table(VALID, filename="records.xlsx", schema=SCHEMA)
    assert result.ok, result.errors
    assert [{k: v for k, v in row.items() if k != ROW} for row in result.rows] == ROWS


@FUZZ
@given(upload=damaged_uploads(VALID, sheet="Records", stem="records"))
@example(upload=Upload(b"PK\x03\x04garbage", "records.xlsx", "zip"))
@example(upload=Upload(zip_of_unknown_version(), "records.xlsx", "zip of version 11.4"))
@example(upload=Upload("Code;Title\n\u00e9".encode("latin-1"), "r.csv", "latin-1"))
def test_any_damaged_upload_gives_typed_rows_or_located_errors(upload):
    result = read_table(upload.content, filename=upload.filename, schema=SCHEMA, max_errors=50)
    if result.errors:
        assert_located(result.errors, upload.filename)
        assert len(result.errors) <= 51
        if upload.filename.endswith(".xlsx") and any(e.cell for e in result.errors):
            try:  # a marked copy, or a sentence saying why there is none (the page answers it with a 404)
                marked = mark_errors(upload.content, result.errors)
            except NotMarkable as refusal:
                assert str(refusal).startswith("This file could not be opened again to mark its cells (")
            else:
                assert read_table(marked, filename="marked.xlsx", schema=SCHEMA, max_errors=50).errors
    else:
        for row in result.rows:
            assert isinstance(row["Code"], str) and row["Code"] and 2016 <= row["Year"] <= 2025
            assert row["Share"] is None or 0 <= row["Share"] <= 100
            assert isinstance(row["States"], tuple)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(column=st.sampled_from(SCHEMA.columns), raw=cell_values)
def test_every_parser_returns_a_value_or_a_sentence(column, raw):
    try:
        parser_for(column)(raw)
    except BadValue as problem:
        assert problem.args[0].strip().endswith((".", "?"))

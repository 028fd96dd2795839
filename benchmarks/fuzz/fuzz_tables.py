"""Coverage-guided fuzzing (atheris) of the shared table reader: any bytes, as .xlsx or .csv, never crash it.

Not part of the test suite (the hypothesis fuzz tests are); see README.md beside this file for how to run it.
Seeds are a valid template workbook and CSV file, so the fuzzer starts from what users upload.
"""

import sys
from datetime import date

import atheris

with atheris.instrument_imports(include=["sapsmed.core.tables"]):
    from sapsmed.core.tables import Column, Sheet, read_table, write_template

SCHEMA = Sheet("Records", (
    Column("Code", "code"), Column("Year", "year", min=2016, max=2025),
    Column("Status", "text", choices=("On track", "Delayed")), Column("Share", "percentage", required=False),
    Column("Amount", "decimal", required=False, min=0), Column("Start", "date", required=False),
    Column("Done", "boolean", required=False), Column("States", "list", required=False, choices=("MYS", "THA")),
), key=("Code",))
NAMES = ("records.xlsx", "records.csv")


def seeds(folder: str) -> None:
    """Write the starting corpus: one valid workbook and one valid CSV file."""
    from pathlib import Path

    rows = [{"Code": "A-1", "Year": 2020, "Status": "On track", "Share": 40, "Amount": 12.5,
             "Start": date(2020, 1, 31), "Done": True, "States": ("MYS",)}]
    Path(folder).mkdir(parents=True, exist_ok=True)
    Path(folder, "seed-xlsx").write_bytes(b"\x00" + write_template(SCHEMA, None, rows=rows))
    Path(folder, "seed-csv").write_bytes(b"\x01Code,Year,Status,Share\nA-1,2020,On track,40%\nA-1,2019,x,\n")


def one_input(data: bytes) -> None:
    if not data:
        return
    result = read_table(data[1:], filename=NAMES[data[0] % 2], schema=SCHEMA, max_errors=50)
    for error in result.errors:  # a located sentence for every problem
        assert error.file in NAMES and error.message.strip(), error


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--seeds":
        seeds(sys.argv[2])
        sys.exit(0)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()

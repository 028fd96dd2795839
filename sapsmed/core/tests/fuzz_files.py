"""Hypothesis strategies that turn a valid upload into a damaged one, for the importers' fuzz tests.

A valid file the platform produced (a template, an export, a round workbook) is read once into a grid
of cells per sheet; each example then edits cells, headers, rows and sheets, writes the grid back as
.xlsx or as CSV in some encoding, and may damage the bytes or the file name on top. Only the pure
reader is used here, so the core tests can import it without Django.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineWorkbook

from sapsmed.core.tests.hostile_xlsx import entity_expansion_xlsx

Grid = dict[str, list[list[object]]]  # sheet name -> rows of cells, in order

NASTY_TEXT = ["=1+1", "=HYPERLINK(\"http://x\")", "+1", "-", "@SUM(A1)", "", " ", "NA", "null", "None",
              "1,234", "1 234", "1.2.3", "45%", "150%", "-0", "1e309", "0x1F", "03/04/2020", "2020-02-30",
              "yes", "TRUE", "\u00e9t\u00e9", "\u0e01\u0e02", "\u202e\u0645", "\U0001f600", "\ufeffKPI", "x" * 3000,
              # At and beyond every stored bound (sapsmed.core.bounds): digits, finiteness, years, controls.
              "1e30", "-1E+30", "inf", "-Infinity", "NaN", "9999999999999999", "999999999999999",
              "99999999999999.99", "0.1234567890123", "\uff11\uff12\uff13", "\u0e51\u0e52", "A\x00B", "bell\x07",
              "\x1b[31mred", "9999-12-31", "1999-12-31", "2051-01-01", "B-2-1.03"]
cell_values = st.one_of(
    st.none(), st.booleans(), st.sampled_from(NASTY_TEXT), st.text(max_size=30),
    st.integers(-(10**20), 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e18, -1e300, 2**63, 1960, 2025, 9999, 10000, 1e30, 1e15, 9999999999999999,
                     99999999999999.99, 0.1 + 0.2]),
    st.dates(date(1, 1, 1), date(9999, 12, 31)), st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1)),  # noqa: DTZ001 - Excel cells are naive
)


def read_grid(content: bytes) -> Grid:
    """Every worksheet of a workbook as lists of cells (calamine's values: str, float, int, bool, date)."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: [list(row) for row in book.get_sheet_by_name(name).to_python()] for name in book.sheet_names}


@dataclass(frozen=True)
class Upload:
    content: bytes = field(repr=False)
    filename: str
    recipe: str  # what was done to the valid file, shown when an example fails


def _xlsx(grid: Grid, hidden: frozenset[str] = frozenset()) -> bytes:
    book = Workbook(write_only=True)
    for name, rows in grid.items():
        sheet = book.create_sheet(name)
        if name in hidden:
            sheet.sheet_state = "hidden"
        for row in rows:
            sheet.append([_writable(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _writable(cell: object) -> object:
    if isinstance(cell, str):
        return ILLEGAL_CHARACTERS_RE.sub("", cell)
    if isinstance(cell, float) and not math.isfinite(cell):
        return str(cell)  # openpyxl would write a cell Excel itself cannot open
    if isinstance(cell, int) and not isinstance(cell, bool) and abs(cell) > 2**53:
        return float(cell)
    if isinstance(cell, date | datetime) and cell.year < 1900:
        return cell.isoformat()  # before Excel's epoch: only text can hold it
    return cell


def _csv(rows: list[list[object]], encoding: str, delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue().encode(encoding, errors="replace")


_SPAN = 1 << 20  # positions in a file, drawn as a fraction of its length in 1/_SPAN steps


@st.composite
def damaged_uploads(draw, base: bytes | Grid, *, sheet: str, stem: str = "upload",
                    forms: tuple[str, ...] = ("xlsx", "xlsx", "xlsx", "csv", "csv")) -> Upload:
    """The valid workbook `base` (its bytes, or its grid) with a few of its cells, headers, rows, sheets,
    bytes or name damaged."""
    grid = {name: [list(r) for r in rows] for name, rows in (read_grid(base) if isinstance(base, bytes)
                                                              else base).items()}
    steps: list[str] = []
    target = grid.get(sheet) or next(iter(grid.values()))
    for _ in range(draw(st.integers(0, 4))):
        if not target:
            break
        op = draw(st.sampled_from(["cell"] * 8 + ["drop column", "rename header", "duplicate column",
                                   "duplicate row", "drop row", "blank row"]))
        r = draw(st.integers(0, len(target) - 1))
        width = max(len(row) for row in target) or 1
        c = draw(st.integers(0, width - 1))
        if op == "cell":
            value = draw(cell_values)
            row = target[r]
            row.extend([""] * (c + 1 - len(row)))
            row[c] = value
            steps.append(f"cell {r + 1},{c + 1} = {value!r:.60}")
        elif op == "drop column":
            for row in target:
                del row[c:c + 1]
            steps.append(f"drop column {c + 1}")
        elif op == "rename header":
            name = draw(st.one_of(st.text(max_size=12), st.sampled_from(["KPI", "Code", "Year", "Value", "x"])))
            target[0][c:c + 1] = [name]
            steps.append(f"header {c + 1} = {name!r}")
        elif op == "duplicate column":
            for row in target:
                if c < len(row):
                    row.append(row[c])
            steps.append(f"duplicate column {c + 1}")
        elif op == "duplicate row":
            target.insert(r, list(target[r]))
            steps.append(f"duplicate row {r + 1}")
        elif op == "drop row":
            del target[r]
            steps.append(f"drop row {r + 1}")
        else:
            target.insert(r, [""] * width)
            steps.append(f"blank row before {r + 1}")
    sheet_op = draw(st.sampled_from(["keep"] * 6 + ["rename sheet", "extra sheet", "drop other sheets", "empty",
                                                 "hide sheet", "hidden extra sheet"]))
    hidden: frozenset[str] = frozenset()
    if sheet_op == "hide sheet":
        hidden = frozenset({sheet})
    elif sheet_op == "hidden extra sheet":  # a hidden copy first: it must never be read instead of the visible one
        grid = {"Old data": [list(r) for r in target], **grid}
        hidden = frozenset({"Old data"})
    if sheet_op == "rename sheet":
        grid = {(draw(st.text(min_size=1, max_size=10).filter(lambda s: s.strip())) if n == sheet else n): rows
                for n, rows in grid.items()}
    elif sheet_op == "extra sheet":
        grid = {"Notes": [["hello", 1]], **grid}
    elif sheet_op == "drop other sheets":
        grid = {n: rows for n, rows in grid.items() if n == sheet} or grid
    elif sheet_op == "empty":
        grid = {n: ([] if n == sheet else rows) for n, rows in grid.items()}
    steps.append(sheet_op)
    form = draw(st.sampled_from(forms))
    if form == "xlsx":
        try:
            content, filename = _xlsx(grid, hidden), f"{stem}.xlsx"
        except Exception as error:  # noqa: BLE001 - a cell openpyxl refuses: say so and send it as text
            content, filename = str(error).encode(), f"{stem}.xlsx"
    else:
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
        delimiter = draw(st.sampled_from([",", ";", "\t"]))
        rows = grid.get(sheet, next(iter(grid.values()), []))
        content, filename = _csv(rows, encoding, delimiter), f"{stem}.csv"
        steps.append(f"csv {encoding} {delimiter!r}")
    byte_op = draw(st.sampled_from(["keep"] * 8 + ["truncate", "flip", "random", "empty file", "rename",
                                                    "unclosed quote", "entity expansion"]))
    # Positions are drawn in a fixed range, then scaled: a written xlsx holds its writing time, so its
    # length may differ by a byte between runs, and hypothesis refuses a strategy whose bounds move.
    if byte_op == "truncate" and content:
        content = content[: draw(st.integers(0, _SPAN - 1)) * len(content) // _SPAN]
    elif byte_op == "flip" and content:
        data = bytearray(content)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, _SPAN - 1)) * len(data) // _SPAN] = draw(st.integers(0, 255))
        content = bytes(data)
    elif byte_op == "random":
        content = draw(st.binary(max_size=200))
    elif byte_op == "unclosed quote" and form == "csv":  # a quote opened at the start of a line, never closed
        lines = content.split(b"\n")
        at = draw(st.integers(0, _SPAN - 1)) * len(lines) // _SPAN
        lines[at] = b'"' + lines[at]
        content = b"\n".join(lines)
    elif byte_op == "entity expansion" and form == "xlsx" and content.startswith(b"PK"):
        # A DTD entity in one XML part: four levels (30,000 characters) say whether a reader expands it, without
        # the gigabytes nine levels would cost a reader that did (the marked-workbook tests use nine).
        part = draw(st.sampled_from(["xl/sharedStrings.xml", "docProps/core.xml"]))
        content = entity_expansion_xlsx(content, part=part, levels=4)
        steps.append(part)
    elif byte_op == "empty file":
        content = b""
    elif byte_op == "rename":
        filename = stem + draw(st.sampled_from([".xls", ".txt", ".pdf", "", ".CSV", ".XLSX", ".xlsm", ".docx"]))
    steps.append(byte_op)
    return Upload(content, filename, "; ".join(steps))


def assert_located(errors, filename: str) -> None:
    """Every error names the file and says what is wrong; a cell's error also names its row."""
    assert errors
    for error in errors:
        assert error.file == filename, error
        assert error.message.strip() and error.message.strip()[-1] in ".?!)'", error
        assert error.column is None or error.row is not None, error

"""Cells of a review's tables: typed values, the text a page or PDF prints, the number format a workbook uses.

A review's content stores numbers as numbers and years as integers (never "171,508.78 (2016)"), and
each table says the format of each column. The page, the PDF and the workbook print the same value
through these functions, so an analyst computing with the workbook reads what the PDF says.

Rules:
- A missing value (None) prints as an em dash; a workbook leaves the cell empty.
- "int": thousands separated (12,345). "year": the year as written (2016). "number": thousands
  separated, at most two decimals for values of 1 or more, three significant digits below 1
  (0.0123), no trailing zeros: the KPI pages' rule (kpis' kpi_number prints through number_text). "percent": a value
  already in per cent, one decimal and a % sign (28.4 %). "date": ISO (2025-12-31). "text": as it is.
- A value of the wrong type for its column (text in a number column) prints as text: nothing is hidden.
"""

from __future__ import annotations

import math
from datetime import date
from enum import StrEnum


class Fmt(StrEnum):
    TEXT = "text"
    INT = "int"
    YEAR = "year"
    NUMBER = "number"
    PERCENT = "percent"
    DATE = "date"


# Excel number formats of each column format (openpyxl's number_format strings).
EXCEL_FORMAT = {Fmt.TEXT: "@", Fmt.INT: "#,##0", Fmt.YEAR: "0", Fmt.NUMBER: "#,##0.00##",
                Fmt.PERCENT: '0.0" %"', Fmt.DATE: "yyyy-mm-dd"}
MISSING = "—"


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def number_text(value: float) -> str:
    """A number as every page and report prints it (the KPI pages' kpi_number too): at most two decimals,
    three significant figures below 1 (at most six decimals), thousands separated, no trailing zeros."""
    if value == 0:
        return "0"
    decimals = 2 if abs(value) >= 1 else min(6, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cell_text(value, fmt: str = Fmt.TEXT) -> str:
    """The text of one cell in a column of this format."""
    if value is None:
        return MISSING
    if isinstance(value, date):
        return value.isoformat()
    if not _is_number(value):
        return str(value)
    if fmt == Fmt.YEAR:
        return str(int(value))
    if fmt == Fmt.INT:
        return f"{value:,.0f}"
    if fmt == Fmt.PERCENT:
        return f"{value:.1f} %"
    return number_text(value)


def formats_of(columns: list[str], formats: list[str] | None) -> list[str]:
    """The format of each column: as given, or text for a table stored before formats existed."""
    if not formats:
        return [Fmt.TEXT] * len(columns)
    if len(formats) != len(columns):
        raise ValueError(f"{len(formats)} formats for {len(columns)} columns")
    return [Fmt(f) for f in formats]

"""Safe cell text for every export: CSV cells neutralised the OWASP way, characters Excel forbids dropped.

csv_cell is applied to every CSV cell the platform writes (CsvWriter and CsvDictWriter do it); the
Excel side (sapsmed.core.tables.writing) uses excel_text and types every text cell as a string.
A spreadsheet opening a CSV file runs a cell beginning with =, +, -, @, a tab or a carriage return
as a formula (CSV injection); such text gets a leading single quote, which Excel shows as text.
Numbers are never changed: a negative number is a number, not text, and so is text that is only a
plain number such as "-1.5" (nothing in it can run). Characters Excel forbids in a cell (NUL, BEL,
ESC and the other C0 controls except tab, line feed and carriage return) are dropped, in CSV too, so
a download opened in Excel shows what the platform shows.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# OWASP's list, plus the full-width forms, which Excel in East Asian locales also reads as a formula's start.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"
EXCEL_CELL_LIMIT = 32767  # characters Excel holds in one cell
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # each underscore that starts one, overlapping ones too
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # ASCII digits only


def without_forbidden(text: str) -> str:
    """The text without the control characters Excel forbids (tab, line feed and carriage return stay)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def excel_text(text: str) -> str:
    """Text as an Excel cell can hold it: forbidden characters dropped, cut to Excel's cell limit, escaped.

    Excel and the platform's reader decode _xHHHH_ in a cell as one character, and XML turns a carriage
    return into a line feed; so a literal _xHHHH_ is escaped as _x005F_xHHHH_ and a carriage return is
    written _x000D_, and the text reads back as it was written (openpyxl itself escapes neither).
    """
    clean = without_forbidden(text)
    size = EXCEL_CELL_LIMIT
    while True:  # openpyxl cuts a cell at the limit, so the escaped text must fit, not only the text
        escaped = _ESCAPE_LIKE.sub("_x005F_", clean[:size]).replace("\r", "_x000D_")
        if len(escaped) <= EXCEL_CELL_LIMIT:
            return escaped
        size -= max(1, (len(escaped) - EXCEL_CELL_LIMIT) // 7)  # one character escapes to at most seven


def csv_cell(value: object) -> object:
    """A value as a CSV cell: numbers unchanged, None empty, text safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = without_forbidden(value if isinstance(value, str) else str(value))
    if text[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text):
        return QUOTE + text
    return text


class CsvWriter:
    """csv.writer whose every cell goes through csv_cell."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class CsvDictWriter:
    """csv.DictWriter whose every cell, header included, goes through csv_cell."""

    def __init__(self, out: IO[str], fieldnames: Sequence[str], **options: Any) -> None:
        self.fieldnames = list(fieldnames)
        self._writer = csv.DictWriter(out, fieldnames=self.fieldnames, **options)

    def writeheader(self) -> None:
        self._writer.writerow({name: csv_cell(name) for name in self.fieldnames})

    def writerow(self, row: Mapping[str, object]) -> None:
        self._writer.writerow({name: csv_cell(value) for name, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for row in rows:
            self.writerow(row)

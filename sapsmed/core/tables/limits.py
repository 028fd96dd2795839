"""Row and error caps of imports: a sheet's rows counted without reading its cells, and problems tallied by kind.

A workbook's rows are counted on the sheet's XML, streamed out of the zip in chunks, before any reader
builds cells: a file with a million rows is refused in about a second and in a few megabytes, where
reading its cells took minutes and gigabytes. The count is the larger of the rows listed and the number
of the last row, so a sparse sheet (cells in row 1 and row 1,000,000) counts as the million rows a cell
reader would lay out. When the sheet's declared size already says it is beyond the cap, the count stops
there. A CSV file counts its records (quoted line breaks included) the same way.
Problems are tallied by kind (the column, and the message with its values left out) for every problem
found, including those beyond the error cap, so a preview can list the first few and count all of them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from os import PathLike

_CHUNK = 1 << 20
_ROW_TAG = re.compile(rb"<([A-Za-z_][\w.-]{0,15}:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb'\sr\s*=\s*["\']?(\d{1,9})')
_DIMENSION = re.compile(rb'<(?:[\w.-]{1,16}:)?dimension\s+ref\s*=\s*["\'][A-Za-z]*\d*:?[A-Za-z]*(\d{1,9})["\']')
_SHEET_TAG = re.compile(rb"<(?:[\w.-]{1,16}:)?sheet\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:.-]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]{1,16}:)?Relationship\s([^>]*)>")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"\d[\d,.]*")


@dataclass(frozen=True, slots=True)
class RowCap:
    """At most `limit` rows in the sheet read (header and title rows included); `what` names the import."""

    limit: int
    what: str  # e.g. "a KPI import", as in "a KPI import takes at most 50,000"

    def refusal(self, count: int) -> str:
        return too_many_rows(count, self.limit, self.what)


# Columns of a sheet read by any import: the widest file the platform reads (a World Bank file, a year a column
# from 1960) has under 100. A reader lays out rows x columns, so one stray cell in column XFD would multiply the
# memory of every row by 16,384.
MAX_COLUMNS = 1_000
_CELL_COLUMN = re.compile(rb'<(?:[\w.-]{1,16}:)?c\s[^>]*?\br\s*=\s*["\']([A-Z]{1,3})\d')


def too_many_columns(count: int) -> str:
    """The sentence a user reads when a sheet is wider than any import reads."""
    return (f"this sheet reaches column {count:,}; an import reads at most {MAX_COLUMNS:,} columns. Nothing was "
            "read: delete the cells far to the right of the table (select the empty columns, then Delete), or "
            "check that it is the file you meant to upload.")


def xlsx_sheet_columns(data: bytes, sheet: str) -> int | None:
    """The number of the rightmost column holding a cell in the named sheet, read on its XML in chunks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return None
            widest, tail = 0, b""
            with archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    buffer = tail + chunk
                    for letters in set(_CELL_COLUMN.findall(buffer)):
                        widest = max(widest, _column_number(letters))
                    tail = buffer[-64:]
            return widest
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, ValueError):
        return None  # the reader itself reports a damaged workbook, in its own words


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def too_many_rows(count: int, limit: int, what: str) -> str:
    """The sentence a user reads when a file is over the cap."""
    return (f"this file has {count:,} rows; {what} takes at most {limit:,}. Nothing was read: split the file "
            f"into files of at most {limit:,} rows, or check that it is the file you meant to upload.")


def xlsx_sheet_rows(data: bytes | str | PathLike[str], sheet: str, stop_above: int | None = None) -> int | None:
    """The rows of the named sheet of a workbook (its bytes or its path), or None when the sheet cannot be found.

    stop_above: once more rows than this are found and the sheet's declared size is at least as large,
    that size is returned without reading further (the cap is passed either way)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return None
            with archive.open(part) as stream:
                return _count_rows(stream, stop_above)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError, ValueError):
        return None  # the reader itself reports a damaged workbook, in its own words


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip path of a sheet, through xl/workbook.xml (name to relationship) and its relationships file."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    wanted = None
    for match in _SHEET_TAG.finditer(archive.read("xl/workbook.xml")):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        name = unescape(attributes.get(b"name", b"").decode("utf-8", "replace"))
        if name == sheet:
            wanted = next((value for key, value in attributes.items() if key.endswith(b":id")), None)
            break
    if wanted is None:
        return None
    for match in _RELATIONSHIP.finditer(archive.read("xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if attributes.get(b"Id") == wanted:
            target = unescape(attributes.get(b"Target", b"").decode("utf-8", "replace"))
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return path if path in names else None
    return None


def _count_rows(stream, stop_above: int | None) -> int:
    count = last = 0
    declared: int | None = None
    tag: bytes | None = None  # the row tag as this file writes it, e.g. b"<row" or b"<x:row"
    tail = b""
    first = True
    while True:
        chunk = stream.read(_CHUNK)
        buffer = tail + chunk
        if first:
            first = False
            found = _DIMENSION.search(buffer[:4096])
            declared = int(found.group(1)) if found else None
        if tag is None:
            found = _ROW_TAG.search(buffer)
            if found is not None:
                tag = b"<" + (found.group(1) or b"") + b"row"
        # A tag cut by the chunk's end is counted with the next chunk: keep the last bytes back.
        keep = 0 if not chunk else min(len(buffer), 32)
        body = buffer[: len(buffer) - keep]
        if tag is not None:
            count += body.count(tag + b" ") + body.count(tag + b">")
            at = body.rfind(tag + b" ")
            if at >= 0:
                number = _ROW_NUMBER.search(body, at, at + 96)
                if number is not None:
                    last = max(last, int(number.group(1)))
        if not chunk:
            break
        tail = buffer[len(buffer) - keep:]
        if stop_above is not None and count > stop_above and declared is not None and declared >= count:
            return declared
    return max(count, last)


def csv_records(text: str, delimiter: str) -> int:
    """The records of a CSV text as csv.reader splits them (a quoted line break stays inside its record)."""
    if text.count("\n") < 1:
        return 1 if text.strip() else 0
    total = 0
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            total += 1
    except csv.Error:
        pass  # the reader reports the broken row in its own words; the records before it are the count
    return total


@dataclass(frozen=True, slots=True)
class ErrorKind:
    column: str | None  # None for a problem of the file or the sheet as a whole
    example: str  # the first message of this kind, as the user reads it
    count: int


# Problems a preview lists; every problem is counted by kind above the list, and the downloads hold them all.
ERRORS_SHOWN = 200


def stored_kinds(kinds: Iterable[ErrorKind]) -> list[dict]:
    """The counts by kind as a preview shows them and a summary stores them (JSON)."""
    return [{"column": k.column, "example": k.example, "count": k.count} for k in kinds]


class Tally:
    """Counts problems by kind; kinds are kept in the order first met."""

    __slots__ = ("_counts", "_examples")

    def __init__(self) -> None:
        self._counts: dict[tuple[str | None, str], int] = {}
        self._examples: dict[tuple[str | None, str], str] = {}

    def add(self, column: str | None, message: str) -> None:
        key = (column, kind_of(message))
        self._counts[key] = self._counts.get(key, 0) + 1
        self._examples.setdefault(key, message)

    @property
    def total(self) -> int:
        return sum(self._counts.values())

    def kinds(self) -> tuple[ErrorKind, ...]:
        return tuple(ErrorKind(key[0], self._examples[key], count) for key, count in self._counts.items())


def kind_of(message: str) -> str:
    """A message with its quoted values and numbers left out: the same problem in two cells is one kind."""
    return _NUMBER.sub("#", _QUOTED.sub("'…'", message))


def tally(errors: Iterable[object]) -> tuple[ErrorKind, ...]:
    """The kinds of a list of CellErrors (or anything with column and message)."""
    counted = Tally()
    for error in errors:
        counted.add(error.column, error.message)  # type: ignore[attr-defined]
    return counted.kinds()

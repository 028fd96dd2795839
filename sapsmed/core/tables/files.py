"""Opens an uploaded file and yields its rows of raw cells, refusing anything but .xlsx and UTF-8 CSV.

The content decides as much as the name: a file named .xlsx must be a zip holding
[Content_Types].xml and an xl/ folder, and a file named .csv must be text, so a renamed file
is refused with a sentence saying what it really is and how to save it properly.
CSV text is UTF-8, with or without the byte-order mark Excel writes; the delimiter (comma,
semicolon or tab) is the one under which the header row matches the most expected columns.
Without an explicit sheet, the sheet named like the schema is read, or the only sheet of
a one-sheet workbook. Sheet names match ignoring case and spacing. Hidden and very hidden sheets
are never read: a sheet the user cannot see must not feed an import; they are named in a note,
and a file whose only matching sheet is hidden is refused with a sentence saying how to unhide it.
CSV quoting is read strictly: a quote that is never closed, text after a closing quote, or a
quoted cell that swallows whole lines of the file (a forgotten closing quote) is an error naming
the line where the quote opens, never rows silently merged.
Rows start at Excel row 1 whatever the used area, so row numbers are the ones the user sees.
Any failure of the Excel reader becomes a FileProblem: a bad upload must never crash an import.
A workbook is a zip: before it is opened, its declared expanded size, its number of parts and each
part's compression ratio are checked, so a small crafted file cannot expand to fill the memory
(a "decompression bomb"); such a file is refused with a sentence saying so.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from sapsmed.core.tables.limits import (
    MAX_COLUMNS,
    RowCap,
    csv_records,
    too_many_columns,
    xlsx_sheet_columns,
    xlsx_sheet_rows,
)
from sapsmed.core.tables.schema import normalise_label

Source = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes] | IO[str]

_UTF8_BOM = b"\xef\xbb\xbf"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_NAMES = (".xlsx", ".xlsm")
_TEMPLATE_LISTS = "Drop-down lists"  # the hidden sheet of sapsmed.core.tables.writing's templates
_SAVE_AS_XLSX = "Open it in Excel and save it as 'Excel Workbook (*.xlsx)'."
_SAVE_AS_CSV = "In Excel, choose Save As and the type 'CSV UTF-8 (Comma delimited) (*.csv)'."
# A 50,000-row, 10-column workbook expands to about 40 MB; these limits leave ample room.
MAX_EXPANDED_BYTES = 400 * 1024 * 1024
MAX_ZIP_PARTS = 10_000
MAX_COMPRESSION_RATIO = 200


class FileProblem(Exception):
    """A problem with the file as a whole; args[0] is the sentence, row is set when a CSV row breaks."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


@dataclass(frozen=True, slots=True)
class RawSheet:
    name: str | None  # the sheet as named in the workbook; None for a CSV file
    rows: Iterator[list[object]]  # one list per row, from Excel row 1 on
    first_column: int  # the 1-based Excel column of the first cell of every row
    notes: tuple[str, ...] = ()  # what the user should know about sheets not read


def read_source(source: Source) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    content = source.read()
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)


def open_rows(
    data: bytes, filename: str, sheet: str | None, default_sheet: str, labels: set[str], cap: RowCap | None = None
) -> RawSheet:
    """The rows of the sheet to import; labels are the normalised expected headers, for the CSV delimiter.

    With a cap, a sheet of more rows is refused before any cell is read (sapsmed.core.tables.limits)."""
    if not data:
        raise FileProblem("the file is empty.")
    kind, what = _content(data)
    extension = Path(filename).suffix.lower()
    if extension in _EXCEL_NAMES:
        if kind != "xlsx":
            raise FileProblem(
                f"this file is named {extension} but is not an Excel workbook: it is {what}. {_SAVE_AS_XLSX}"
            )
        return _xlsx_rows(data, sheet, default_sheet, cap)
    if extension == ".csv":
        if kind == "xlsx":
            raise FileProblem(
                "this file is named .csv but is an Excel workbook. Upload it with a name ending in .xlsx, "
                f"or save it as CSV. {_SAVE_AS_CSV}"
            )
        if kind == "legacy-text":
            raise FileProblem(
                "this CSV file is not saved as UTF-8, so accented and non-Latin letters would be garbled. "
                + _SAVE_AS_CSV
            )
        if kind != "text":
            raise FileProblem(
                f"this file is named .csv but is not a CSV text file: it is {what}. {_SAVE_AS_CSV}"
            )
        return _csv_rows(data.removeprefix(_UTF8_BOM).decode("utf-8"), labels, cap)
    raise FileProblem(
        f"only Excel workbooks (.xlsx) and CSV files (.csv) can be imported, and this file is {what}. "
        + ("Rename it so that its name ends in .xlsx." if kind == "xlsx" else _SAVE_AS_XLSX)
    )


def _content(data: bytes) -> tuple[str, str]:
    """What the bytes really are: a kind the readers act on, and a description for the user."""
    if data.startswith(b"PK\x03\x04"):
        try:
            infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except Exception:  # noqa: BLE001 - zipfile raises many types (NotImplementedError for a crafted
            # version field, found by fuzzing, EOFError, struct.error...): every one means a damaged archive
            return "other", "a damaged zip archive"
        refuse_zip_bomb(infos)
        names = [info.filename for info in infos]
        folders = {name.split("/", 1)[0] for name in names}
        if "[Content_Types].xml" in names and "xl" in folders:
            if "xl/workbook.bin" in names:
                return "other", "an Excel binary workbook (.xlsb)"
            return "xlsx", "an Excel workbook"
        if "word" in folders:
            return "other", "a Word document"
        if "ppt" in folders:
            return "other", "a PowerPoint presentation"
        if "mimetype" in names:
            return "other", "an OpenDocument (LibreOffice) file"
        return "other", "a zip archive"
    if data.startswith(_OLE2):
        return "other", "an Excel 97-2003 workbook (.xls), or a workbook protected by a password"
    if data.startswith(b"%PDF-"):
        return "other", "a PDF document"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "legacy-text", "text saved as UTF-16"
    try:
        data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in data[:4096]:
            return "other", "binary data, not a spreadsheet"
        return "legacy-text", "text not saved as UTF-8"
    return "text", "plain text (perhaps a text or CSV file renamed)"


def refuse_zip_bomb(infos: list[zipfile.ZipInfo]) -> None:
    expanded = sum(info.file_size for info in infos)
    worst = max((info.file_size / max(info.compress_size, 1) for info in infos), default=0)
    if len(infos) > MAX_ZIP_PARTS or expanded > MAX_EXPANDED_BYTES or worst > MAX_COMPRESSION_RATIO:
        raise FileProblem(
            f"this file would expand to {expanded / 1e6:,.0f} MB in {len(infos):,} parts when opened "
            f"(compressed up to {worst:,.0f} times), beyond what a workbook of data needs; it may be damaged "
            "or crafted, so it was not opened. Save the data again as a new .xlsx or as CSV."
        )


def _xlsx_rows(data: bytes, sheet: str | None, default_sheet: str, cap: RowCap | None = None) -> RawSheet:
    # The Excel reader is native code with its own exception types; whatever it raises about a
    # broken upload must reach the user as a sentence, never as a server error.
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [meta for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet]
        names = [meta.name for meta in sheets if meta.visible == SheetVisibleEnum.Visible]
        hidden = [meta.name for meta in sheets if meta.visible != SheetVisibleEnum.Visible]
    except Exception as error:
        raise FileProblem(
            f"this Excel workbook could not be read ({error}); it may be damaged or protected by a password. "
            + _SAVE_AS_XLSX
        ) from error
    wanted = sheet or default_sheet
    by_label = {normalise_label(name): name for name in names}
    name = by_label.get(normalise_label(wanted))
    if name is None:  # the sheet asked for is hidden: never fall back to another one
        _refuse_hidden(wanted, hidden)
    if name is None and sheet is None and len(names) == 1:
        name = names[0]
    if name is None:
        listed = ", ".join(f"'{candidate}'" for candidate in names)
        close = difflib.get_close_matches(normalise_label(wanted), list(by_label), n=1, cutoff=0.6)
        hint = f"; did you mean '{by_label[close[0]]}'?" if close else "."
        raise FileProblem(f"there is no sheet named '{wanted}' (the workbook has {listed}){hint}")
    if cap is not None:
        # Counted on the sheet's XML before the reader lays out its cells, which costs memory per row.
        count = xlsx_sheet_rows(data, name, stop_above=cap.limit)
        if count is not None and count > cap.limit:
            raise FileProblem(cap.refusal(count))
        width = xlsx_sheet_columns(data, name)
        if width is not None and width > MAX_COLUMNS:
            raise FileProblem(too_many_columns(width))
    try:
        found = book.get_sheet_by_name(name)
        start = found.start
    except Exception as error:
        raise FileProblem(f"the sheet '{name}' could not be read ({error}). {_SAVE_AS_XLSX}") from error
    # The platform's own templates hide their drop-down lists on a sheet of that name; nothing to say then.
    ignored = [n for n in hidden if normalise_label(n) != normalise_label(_TEMPLATE_LISTS)]
    notes = (f"Hidden sheets were not read: {', '.join(repr(n) for n in ignored)}.",) if ignored else ()
    return RawSheet(name, _guarded(found.iter_rows()), start[1] + 1 if start else 1, notes)


def _refuse_hidden(wanted: str, hidden: list[str]) -> None:
    matching = [n for n in hidden if normalise_label(n) == normalise_label(wanted)]
    if matching:
        raise FileProblem(
            f"the sheet '{matching[0]}' is hidden in this workbook, and hidden sheets are not imported because "
            "nobody can see what they hold. If it holds the data to import, unhide it (right-click a sheet tab "
            "and choose Unhide), check it, save and upload the file again."
        )


def _guarded(rows: Iterable[list[object]]) -> Iterator[list[object]]:
    count = 0
    try:
        for row in rows:
            count += 1
            yield row
    except Exception as error:  # see _xlsx_rows: the reader's failures become sentences
        raise FileProblem(
            f"the workbook could not be read beyond row {count} ({error}).", row=count + 1
        ) from error


def _csv_rows(text: str, labels: set[str], cap: RowCap | None = None) -> RawSheet:
    delimiter = _delimiter(text, labels)
    # Lines bound records from above, so only a file of more lines than the cap has its records counted.
    if cap is not None and text.count("\n") >= cap.limit:
        count = csv_records(text, delimiter)
        if count > cap.limit:
            raise FileProblem(cap.refusal(count))
    return RawSheet(None, _csv_records(text, delimiter), 1)


def _delimiter(text: str, labels: set[str]) -> str:
    sample = text[:65536].splitlines()[:20]
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t"):
        try:
            records = list(csv.reader(sample, delimiter=delimiter))
        except csv.Error:
            continue
        matches = max(
            (sum(normalise_label(cell) in labels for cell in record) for record in records), default=0
        )
        width = max((len(record) for record in records), default=0)
        if (matches, width) > best_score:
            best, best_score = delimiter, (matches, width)
    return best


def _csv_records(text: str, delimiter: str) -> Iterator[list[object]]:
    count, line, width = 0, 1, 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for record in reader:
            count += 1
            width = max(width, len(record))
            if reader.line_num > line and _swallows_rows(record, delimiter, width):
                raise FileProblem(_unclosed(line, f"runs on to line {reader.line_num}, taking the lines in "
                                                  "between into one cell"), row=count)
            line = reader.line_num + 1
            yield record  # type: ignore[misc]
    except csv.Error as error:
        raise FileProblem(_unclosed(line, f"is not closed properly ({error})"), row=count + 1) from error


def _unclosed(line: int, what: str) -> str:
    return (f"line {line} of the CSV file opens a quote (\") that {what}; nothing was imported. Check the "
            "quotes on that line: a cell starting with a quote must end with one, and a quote inside a "
            "cell is written twice (\"\").")


def _swallows_rows(record: list[str], delimiter: str, width: int) -> bool:
    """Whether a cell spanning lines holds what look like whole rows of the file: a forgotten closing quote.

    A cell may legitimately hold line breaks (Excel writes them quoted); a line inside it with as
    many delimiters as a row of the file has is another row, merged by mistake.
    """
    enough = max(width - 1, 2)
    return any(inner.count(delimiter) >= enough for cell in record if "\n" in cell for inner in cell.split("\n")[1:])

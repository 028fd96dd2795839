"""Writes Excel workbooks: import templates, the user's own workbook with bad cells marked, and exports.

A template has the header on row 1, bold and frozen, so error row numbers match what users
see; each header cell carries a comment saying what to enter, and an Instructions sheet
repeats it with the title and notes.
Choice and yes/no columns get drop-down lists; a list too long for Excel's 255-character
formula lives on a hidden sheet. Whole numbers, years and decimals get range validation.
Text, code, list and percentage columns are formatted as text: Excel then keeps a code such
as 1.10 as typed, and keeps "45%" as written instead of silently storing 0.45.
Every cell goes through put_cell (or append_row, or cell_of for write-only sheets): a string is
always a string cell, never a formula, so text starting with '=' cannot run in the user's Excel and
reads back as typed; characters Excel forbids are dropped and overlong text is cut to its limit
(safe_text, shared with the CSV exports). Modules that draw sheets of their own use these too.
mark_errors rewrites the user's workbook through openpyxl, which keeps values, styles and
validations but drops images and charts. Each bad cell gets a pink fill and a comment with its
messages; a problem without a column marks the first cell of its row. An Errors sheet, placed
first and opened first, lists every problem with a link to its cell.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from typing import IO

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from sapsmed.core.tables.safe_text import excel_text, without_forbidden
from sapsmed.core.tables.schema import CellError, Column, Sheet, normalise_label
from sapsmed.core.tables.values import display

Destination = str | os.PathLike[str] | IO[bytes]
Export = tuple[str, Sequence[Column | str], Iterable[Mapping[str, object]]]

AUTHOR = "SAPSMED"
_LAST_ROW = 1048576
_LISTS = "Drop-down lists"  # the hidden sheet; a name no import sheet is expected to use
_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFD9E1F2")
_OPTIONAL_FILL = PatternFill("solid", fgColor="FFF2F2F2")
_BAD_FILL = PatternFill("solid", fgColor="FFFFC7CE")
_TEXT_KINDS = {"text", "code", "list", "percentage"}
_FORBIDDEN_IN_SHEET_NAME = str.maketrans({char: " " for char in "[]:*?/\\"})


def what_to_enter(column: Column) -> str:
    """What to type in a column, in words, for templates and help pages."""
    low, high = column.min, column.max
    if column.kind == "percentage":
        low = 0 if low is None else low
        high = 100 if high is None else high
    if low is not None and high is not None:
        bounds = f" from {display(low)} to {display(high)}"
    elif low is not None:
        bounds = f" of at least {display(low)}"
    else:
        bounds = f" of at most {display(high)}" if high is not None else ""
    if column.kind == "list":
        allowed = " from the allowed values" if column.choices else ""
        return f"One or more values{allowed}, separated by ;"
    if column.choices is not None:
        return "One of the allowed values"
    length = f" of at most {column.max_length} characters" if column.max_length else ""
    return {
        "text": f"Text{length}",
        "code": f"A code such as A.1.2{length}" if column.pattern is None else f"A code{length}",
        "integer": f"A whole number{bounds}",
        "decimal": f"A number{bounds}, with a dot for decimals and no thousands separator",
        "percentage": f"A percentage{bounds}, such as 45.5",
        "year": f"A year{bounds}, such as 2020",
        "date": f"A date{bounds}, such as 2020-01-31",
        "boolean": "yes or no",
    }[column.kind]


def _text(value: str) -> str:
    return excel_text(value)


def _excel_value(value: object, column: Column | None) -> object:
    if isinstance(value, bool):
        return ("yes" if value else "no") if column is not None and column.kind == "boolean" else value
    if value is None or isinstance(value, int | float | Decimal | date | time | timedelta):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, tuple | list):
        return _text("; ".join(display(item) for item in value))
    return _text(str(value))


def _as_text(cell: Cell, value: object) -> Cell:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # a value, not a formula: user text must never execute in Excel
    return cell


def put_cell(sheet: Worksheet, row: int, column: int, value: object, kind: Column | None = None) -> Cell:
    """Writes one cell of a sheet the platform draws: text as a string cell, cleaned; returns the cell."""
    return _as_text(sheet.cell(row, column), _excel_value(value, kind))


def cell_of(sheet: Worksheet, value: object, kind: Column | None = None) -> Cell:
    """A detached cell holding value as put_cell would, for sheet.append (the only way into a write-only sheet).

    A write-only sheet writes a row out as it is appended: style its cells before appending them.
    """
    return _as_text(WriteOnlyCell(sheet), _excel_value(value, kind))


def append_row(sheet: Worksheet, values: Iterable[object]) -> list[Cell]:
    """Appends one row below the last, every value written as put_cell would; returns the row's cells."""
    cells = [cell_of(sheet, value) for value in values]
    sheet.append(cells)
    return cells


def _save(book: Workbook, path_or_buffer: Destination | None) -> bytes | None:
    if path_or_buffer is not None:
        book.save(path_or_buffer)
        return None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header_note(column: Column) -> str:
    lines = [f"{what_to_enter(column)}. {'Required' if column.required else 'Optional'}."]
    if column.help:
        lines.append(column.help)
    if column.choices is not None:
        shown = ", ".join(column.choices[:20]) + (" ..." if len(column.choices) > 20 else "")
        lines.append(f"Allowed: {shown}")
    return "\n".join(lines)


def _validation(book: Workbook, column: Column) -> DataValidation | None:
    choices = ("yes", "no") if column.kind == "boolean" else column.choices if column.kind != "list" else None
    if choices is not None:
        choices = tuple(without_forbidden(choice) for choice in choices)  # a list formula is XML text too
        inline = ",".join(choices)
        if len(inline) <= 255 and not any("," in choice or '"' in choice for choice in choices):
            formula = f'"{inline}"'
        else:
            formula = _hidden_list(book, choices)
        return DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Not an allowed value",
            error="Choose a value from the drop-down list.",
        )
    if column.kind in ("integer", "year", "decimal") and (column.min is not None or column.max is not None):
        kind = "decimal" if column.kind == "decimal" else "whole"
        if column.min is not None and column.max is not None:
            operator, first, second = "between", column.min, column.max
        elif column.min is not None:
            operator, first, second = "greaterThanOrEqual", column.min, None
        else:
            operator, first, second = "lessThanOrEqual", column.max, None
        return DataValidation(
            type=kind,
            operator=operator,
            formula1=display(first),
            formula2=display(second) if second is not None else None,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Out of range",
            error=f"{what_to_enter(column)}.",
        )
    return None


def _hidden_list(book: Workbook, choices: Sequence[str]) -> str:
    if _LISTS in book.sheetnames:
        lists = book[_LISTS]
        column = lists.max_column + 1
    else:
        lists = book.create_sheet(_LISTS)
        lists.sheet_state = "hidden"
        column = 1
    for row, choice in enumerate(choices, start=1):
        put_cell(lists, row, column, choice)
    letter = get_column_letter(column)
    return f"'{_LISTS}'!${letter}$1:${letter}${len(choices)}"


def write_template(
    schema: Sheet,
    path_or_buffer: Destination | None,
    *,
    rows: Iterable[Mapping[str, object]] = (),
    title: str | None = None,
    notes: Sequence[str] = (),
) -> bytes | None:
    """Writes an import template, optionally pre-filled; returns the bytes when no destination is given."""
    book = Workbook()
    sheet = book.active
    sheet.title = schema.name
    for index, column in enumerate(schema.columns, start=1):
        cell = put_cell(sheet, 1, index, column.name)
        cell.font = _BOLD
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.comment = Comment(_text(_header_note(column)), AUTHOR, height=160, width=320)
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(60, max(12, len(column.name) + 4))
        if column.kind in _TEXT_KINDS:
            dimension.number_format = "@"
        elif column.kind == "date":
            dimension.number_format = "yyyy-mm-dd"
        validation = _validation(book, column)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{_LAST_ROW}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    width = len(schema.columns)
    formats = [
        sheet.column_dimensions[get_column_letter(index)].number_format for index in range(1, width + 1)
    ]
    for row, record in enumerate(rows, start=2):
        for index, (column, number_format) in enumerate(zip(schema.columns, formats, strict=True), start=1):
            put_cell(sheet, row, index, record.get(column.name), column)
            sheet.cell(row, index).number_format = number_format
    _instructions(book, schema, title, notes)
    book.active = 0
    return _save(book, path_or_buffer)


def _instructions(book: Workbook, schema: Sheet, title: str | None, notes: Sequence[str]) -> None:
    sheet = book.create_sheet("Instructions", 1)
    put_cell(sheet, 1, 1, title or f"How to fill the sheet '{schema.name}'")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    lines = [
        f"Fill the sheet '{schema.name}' from row 2 down, one row per record. Keep the header row; "
        "columns may be in any order.",
        *notes,
    ]
    if schema.key:
        lines.append(f"Each {' and '.join(schema.key)} may appear only once.")
    for offset, line in enumerate(lines):
        put_cell(sheet, 2 + offset, 1, line)
    row = 2 + len(lines) + 1
    for index, heading in enumerate(
        ("Column", "Required", "What to enter", "Allowed values", "Help"), start=1
    ):
        put_cell(sheet, row, index, heading).font = _BOLD
    for column in schema.columns:
        row += 1
        allowed = (
            ", ".join(column.choices) if column.choices else ("yes, no" if column.kind == "boolean" else "")
        )
        values = (
            column.name,
            "yes" if column.required else "no",
            what_to_enter(column),
            allowed,
            column.help,
        )
        for index, value in enumerate(values, start=1):
            put_cell(sheet, row, index, value)
            sheet.cell(row, index).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (28, 10, 50, 40, 60), strict=True):
        sheet.column_dimensions[letter].width = width


class NotMarkable(ValueError):
    """The workbook cannot be opened again to mark its cells; the message is a sentence for the user."""


def _not_markable(why: str) -> NotMarkable:
    return NotMarkable(f"This file could not be opened again to mark its cells ({why}), so there is no marked "
                       "copy; the page of the upload lists every problem.")


def mark_errors(original_xlsx_bytes: bytes, errors: Iterable[CellError]) -> bytes:
    """The user's workbook with each bad cell filled and commented, and an Errors sheet listing all.

    A workbook that would expand beyond what data needs is never opened, and one openpyxl cannot open
    (not a workbook, damaged, an XML entity expansion that the parser stops) raises NotMarkable.
    """
    from sapsmed.core.tables.files import FileProblem, refuse_zip_bomb  # files imports nothing of this module

    try:
        refuse_zip_bomb(zipfile.ZipFile(io.BytesIO(original_xlsx_bytes)).infolist())
        book = load_workbook(io.BytesIO(original_xlsx_bytes))
    except FileProblem as error:
        raise _not_markable(error.args[0]) from error
    except Exception as error:  # openpyxl raises many types for a non-workbook; callers need one
        raise _not_markable("it is damaged, not an Excel workbook, or holds XML Excel does not write") from error
    problems = list(errors)
    notes: dict[tuple[str, int, int], list[str]] = {}
    for problem in problems:
        if problem.sheet is None or problem.row is None or problem.sheet not in book.sheetnames:
            continue
        text = problem.message
        if problem.column_number is None and problem.column:
            text = f"{problem.column}: {text}"
        notes.setdefault((problem.sheet, problem.row, problem.column_number or 1), []).append(text)
    for (name, row, column), messages in notes.items():
        cell = book[name].cell(row, column)
        if isinstance(cell, MergedCell):
            continue  # only a merged block's top-left cell takes a comment; the Errors sheet still lists it
        cell.fill = _BAD_FILL
        text = "\n".join(messages)
        if cell.comment is not None:
            text = f"{cell.comment.text}\n\n{text}"
        cell.comment = Comment(_text(text), AUTHOR, height=min(400, 80 + 20 * len(messages)), width=360)
    _errors_sheet(book, problems)
    return _save(book, None)  # type: ignore[return-value]


def _errors_sheet(book: Workbook, problems: Sequence[CellError]) -> None:
    name, count = "Errors", 1
    taken = {normalise_label(existing) for existing in book.sheetnames}
    while normalise_label(name) in taken:
        count += 1
        name = f"Errors ({count})"
    sheet = book.create_sheet(name, 0)
    for other in book.worksheets:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    book.active = 0
    for index, heading in enumerate(("Sheet", "Cell", "Row", "Column", "Value", "Problem"), start=1):
        put_cell(sheet, 1, index, heading).font = _BOLD
    for row, problem in enumerate(problems, start=2):
        reference = problem.cell
        if reference is None and problem.row is not None:
            reference = f"A{problem.row}"
        values = (
            problem.sheet or "",
            reference or "",
            problem.row,
            problem.column or "",
            problem.value,
            problem.message,
        )
        for index, value in enumerate(values, start=1):
            put_cell(sheet, row, index, value)
        if problem.sheet in book.sheetnames and reference:
            link = sheet.cell(row, 2)
            quoted = problem.sheet.replace("'", "''")  # Excel doubles quotes inside a quoted sheet name
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{reference}")
            link.style = "Hyperlink"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (20, 8, 6, 24, 30, 100), strict=True):
        sheet.column_dimensions[letter].width = width


def write_rows_xlsx(sheets: Sequence[Export], path_or_buffer: Destination | None = None) -> bytes | None:
    """Writes plain exports, one sheet per (name, columns, rows); columns are Columns or header texts."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    for name, columns, records in sheets:
        title = " ".join(name.translate(_FORBIDDEN_IN_SHEET_NAME).split())[:31] or "Sheet"
        base, count = title, 1
        while normalise_label(title) in used:
            count += 1
            title = f"{base[:26]} ({count})"
        used.add(normalise_label(title))
        sheet = book.create_sheet(title)
        names = [column.name if isinstance(column, Column) else column for column in columns]
        typed = [column if isinstance(column, Column) else None for column in columns]
        for index, header in enumerate(names, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, len(header) + 4))
        sheet.freeze_panes = "A2"
        header = [cell_of(sheet, name) for name in names]
        for cell in header:
            cell.font = _BOLD  # before appending: a write-only sheet writes a row out as it is appended
        sheet.append(header)
        for record in records:
            sheet.append([cell_of(sheet, record.get(name), column) for name, column in zip(names, typed, strict=True)])
    return _save(book, path_or_buffer)

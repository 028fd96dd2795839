"""Reads a whole sheet against its schema: typed rows, and every problem found, never an exception.

The header is the row, among the first twenty non-empty ones, that names the most expected
columns (headers match ignoring case, spacing and a trailing *, and accept aliases); rows
above it, such as a title, are skipped. Fully empty rows are skipped. Cells are trimmed.
Row numbers are Excel's, so the first data row under a header on row 1 is row 2.
Every cell is read even after errors, so the user sees all problems in one upload.
A missing required column is reported once on the header row, not once per row.
rows holds each data row whose cells were all read, keyed by column name plus ROW; a
missing optional column or empty optional cell reads as None (an empty tuple for lists);
extra columns, when allowed, are kept as trimmed text under their header.
Rows with the same key are reported on the later row, naming the earlier one; key text is
compared ignoring case and spacing, after a column's normalise (B-2-1.07 is B-2-1.7), and the
message quotes both spellings when they differ.
Custom row checks run on each fully read row and table checks on all such rows, but
neither runs when a required column is missing, since they rely on those values. A check
that raises has a bug, and its exception is not caught.
max_errors bounds the list kept in memory; the problems beyond it are counted in a last line, and
kinds counts every problem by kind. max_rows refuses a sheet of more rows before any cell is read.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sapsmed.core.bounds import CONTROL
from sapsmed.core.tables.files import FileProblem, Source, open_rows, read_source
from sapsmed.core.tables.limits import ErrorKind, RowCap, Tally, tally
from sapsmed.core.tables.schema import (
    ROW,
    CellError,
    Issue,
    RowCheck,
    Sheet,
    TableCheck,
    column_letter,
    normalise_label,
)
from sapsmed.core.tables.values import BadValue, Parser, display, empty_value, parser_for, quote

EMPTY_REQUIRED = "this cell is empty; a value is required."
_HEADER_SEARCH = 20


@dataclass(frozen=True, slots=True)
class TableResult:
    rows: list[dict[str, object]]
    errors: list[CellError]
    sheet: str | None = None  # the sheet actually read, as named in the workbook
    notes: tuple[str, ...] = ()  # sentences for the preview, such as the hidden sheets not read
    kinds: tuple[ErrorKind, ...] = ()  # every problem found counted by kind, those beyond max_errors too

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class _Log:
    file: str
    sheet: str | None
    limit: int | None
    errors: list[CellError] = field(default_factory=list)
    dropped: int = 0
    tally: Tally = field(default_factory=Tally)

    def add(
        self, row: int | None, column: str | None, value: str, message: str, number: int | None = None
    ) -> None:
        self.tally.add(column, message)
        if self.limit is not None and len(self.errors) >= self.limit:
            self.dropped += 1
            return
        # The cell as read may hold NUL or other controls: the error list is shown and stored, so they become '?'.
        shown = CONTROL.sub("?", value[:200])
        self.errors.append(CellError(self.file, self.sheet, row, column, shown, message, number))

    def finish(self) -> list[CellError]:
        if self.dropped:
            self.errors.append(
                CellError(
                    self.file,
                    self.sheet,
                    None,
                    None,
                    "",
                    f"{self.dropped} more problems are not listed; "
                    "correct the ones above and upload the file again.",
                )
            )
        return self.errors


@dataclass(frozen=True, slots=True)
class _Layout:
    # (name, position in the raw row, parser, required, Excel column, value when empty)
    slots: tuple[tuple[str, int, Parser, bool, int, object], ...]
    extras: tuple[tuple[str, int], ...]
    defaults: dict[str, object]  # columns absent from the file
    numbers: dict[str, int]  # Excel column of each column found
    complete: bool  # every required column is present


def read_table(
    source: Source,
    *,
    filename: str,
    schema: Sheet,
    sheet: str | None = None,
    row_checks: Sequence[RowCheck] = (),
    table_checks: Sequence[TableCheck] = (),
    max_errors: int | None = None,
    max_rows: RowCap | None = None,
) -> TableResult:
    """Reads an .xlsx or .csv upload; problems, including a wrong file type, come back as errors.

    max_rows refuses a sheet of more rows before its cells are read (sapsmed.core.tables.limits)."""
    labels = {normalise_label(label) for column in schema.columns for label in column.labels}
    try:
        raw = open_rows(read_source(source), filename, sheet, schema.name, labels, max_rows)
    except FileProblem as problem:
        error = CellError(filename, None, problem.row, None, "", problem.args[0])
        return TableResult([], [error], kinds=tally([error]))
    log = _Log(filename, raw.name, max_errors)
    rows: list[dict[str, object]] = []
    layout: _Layout | None = None
    try:
        found = _find_header(raw.rows, labels)
        if found is None:
            expected = ", ".join(f"'{column.name}'" for column in schema.columns)
            log.add(None, None, "", f"the sheet is empty; it needs a header row with the columns {expected}.")
        else:
            header_row, header, body = found
            layout = _match_header(schema, header, header_row, raw.first_column, log)
            checks = (*schema.row_checks, *row_checks) if layout.complete else ()
            _read_body(body, header_row, layout, schema.key, checks, rows, log)
    except FileProblem as problem:
        log.add(problem.row, None, "", problem.args[0])
        layout = None  # table checks on a partly read file would report rows that merely went unread
    if layout is not None and layout.complete:
        by_row = {record[ROW]: record for record in rows}
        for check in (*schema.table_checks, *table_checks):
            for issue in check(rows):
                _report(issue, None, by_row, layout, log)
    return TableResult(rows, log.finish(), raw.name, raw.notes, log.tally.kinds())


def _is_blank(cells: list[object]) -> bool:
    return all(cell == "" or type(cell) is str and cell.isspace() for cell in cells)  # type: ignore[attr-defined]


def _find_header(rows: Iterator[list[object]], labels: set[str]) -> tuple[int, list[object], Iterator] | None:
    buffered: list[list[object]] = []
    filled: list[int] = []
    for cells in rows:
        buffered.append(cells)
        if not _is_blank(cells):
            filled.append(len(buffered) - 1)
            if len(filled) == _HEADER_SEARCH:
                break
    if not filled:
        return None
    best, best_matches = filled[0], 0
    for index in filled:
        matches = sum(normalise_label(display(cell)) in labels for cell in buffered[index])
        if matches > best_matches:
            best, best_matches = index, matches
    return best + 1, buffered[best], itertools.chain(buffered[best + 1 :], rows)


def _match_header(
    schema: Sheet, header: list[object], header_row: int, first_column: int, log: _Log
) -> _Layout:
    by_label = {normalise_label(label): column for column in schema.columns for label in column.labels}
    positions: dict[str, int] = {}
    extras: dict[str, int] = {}
    for position, cell in enumerate(header):
        label = display(cell).strip()
        if not label:
            continue
        number = first_column + position
        column = by_label.get(normalise_label(label))
        name = column.name if column is not None else label
        if column is None and not schema.allow_extra_columns:
            log.add(header_row, label, label, _unknown_column(label, schema), number)
            continue
        taken = positions if column is not None else extras
        if name in taken:
            earlier = column_letter(first_column + taken[name])
            later = column_letter(number)
            message = f"this column appears twice (columns {earlier} and {later}); keep only one."
            log.add(header_row, label, label, message, number)
            continue
        taken[name] = position
    defaults: dict[str, object] = {}
    complete = True
    for column in schema.columns:
        if column.name not in positions:
            defaults[column.name] = empty_value(column) if not column.required else None
            if column.required:
                complete = False
                message = (
                    f"this required column is missing; add a column headed '{column.name}' to the header row."
                )
                log.add(header_row, column.name, "", message)
    slots = tuple(
        (
            column.name,
            positions[column.name],
            parser_for(column),
            column.required,
            first_column + positions[column.name],
            empty_value(column),
        )
        for column in schema.columns
        if column.name in positions
    )
    numbers = {name: first_column + position for name, position in positions.items()}
    return _Layout(slots, tuple(extras.items()), defaults, numbers, complete)


def _unknown_column(label: str, schema: Sheet) -> str:
    names = [column.name for column in schema.columns]
    labels = {
        normalise_label(candidate): column.name for column in schema.columns for candidate in column.labels
    }
    close = difflib.get_close_matches(normalise_label(label), list(labels), n=1, cutoff=0.6)
    hint = f"; did you mean '{labels[close[0]]}'?" if close else "."
    listed = ", ".join(f"'{name}'" for name in names)
    return f"{quote(label)} is not one of the expected columns ({listed}){hint} Rename or delete it."


def _read_body(
    body: Iterable[list[object]],
    header_row: int,
    layout: _Layout,
    key: tuple[str, ...],
    checks: Sequence[RowCheck],
    rows: list[dict[str, object]],
    log: _Log,
) -> None:
    slots, extras, defaults = layout.slots, layout.extras, layout.defaults
    seen: dict[tuple[object, ...], tuple[int, tuple[str, ...]]] = {}
    positions = {name: position for name, position, *_ in slots}
    key_positions = tuple(positions.get(name, 1 << 30) for name in key)
    for number, cells in enumerate(body, start=header_row + 1):
        if _is_blank(cells):
            continue
        record: dict[str, object] = dict(defaults)
        record[ROW] = number
        width = len(cells)
        good = True
        for name, position, parse, required, column, empty in slots:
            cell = cells[position] if position < width else ""
            if type(cell) is str:
                cell = cell.strip()
                if not cell:
                    record[name] = empty
                    if required:
                        log.add(number, name, "", EMPTY_REQUIRED, column)
                        good = False
                    continue
            try:
                record[name] = parse(cell)
            except BadValue as problem:
                record[name] = None
                log.add(number, name, display(cell), problem.args[0], column)
                good = False
        for label, position in extras:
            text = display(cells[position]).strip() if position < width else ""
            record[label] = text or None
        if key:
            written = tuple(display(cells[p]).strip() if p < width else "" for p in key_positions)
            _check_duplicate(record, key, seen, layout, log, written)
        if good:
            rows.append(record)
            for check in checks:
                for issue in check(record):
                    _report(issue, record, {}, layout, log)


def _fold(value: object) -> object:
    return " ".join(value.split()).casefold() if isinstance(value, str) else value


def _check_duplicate(
    record: dict[str, object],
    key: tuple[str, ...],
    seen: dict[tuple[object, ...], tuple[int, tuple[str, ...]]],
    layout: _Layout,
    log: _Log,
    written: tuple[str, ...],
) -> None:
    values = tuple(_fold(record[name]) for name in key)
    if any(value is None for value in values):
        return
    first, first_written = seen.setdefault(values, (record[ROW], written))  # type: ignore[arg-type]
    if first == record[ROW]:
        return
    same = " and ".join(f"{name} {quote(display(record[name]))}" for name in key)
    each = f"each {key[0]}" if len(key) == 1 else f"each combination of {', '.join(key[:-1])} and {key[-1]}"
    spelt = ""
    if _fold(" ".join(written)) != _fold(" ".join(first_written)):
        spelt = f"; {quote(' '.join(written))} here and {quote(' '.join(first_written))} there are written differently"
    message = f"this row repeats row {first} (the same {same}{spelt}); {each} may appear only once."
    log.add(record[ROW], key[0], display(record[key[0]]), message, layout.numbers.get(key[0]))  # type: ignore[arg-type]


def _report(
    issue: str | Issue,
    record: Mapping[str, object] | None,
    by_row: Mapping[object, Mapping[str, object]],
    layout: _Layout,
    log: _Log,
) -> None:
    """Turns what a custom check returned into a CellError located like the reader's own."""
    if isinstance(issue, str):
        issue = Issue(issue)
    row = issue.row if issue.row is not None else (record[ROW] if record is not None else None)
    if record is None and row is not None:
        record = by_row.get(row)
    value = display(record.get(issue.column)) if record is not None and issue.column else ""
    message = issue.message.strip()
    if not message.endswith((".", "?", "!")):
        message += "."
    number = layout.numbers.get(issue.column) if issue.column else None
    log.add(row, issue.column, value, message, number)  # type: ignore[arg-type]

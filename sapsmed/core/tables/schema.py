"""The declarative description of an import sheet, and the error every reader reports.

A Column names one header and the kind of value it holds; a Sheet lists its columns, the
columns whose combined value must be unique, and the custom checks run after typing.
Schemas are checked when they are built, so a mistake in a schema fails at import time of
the module that declares it, never in front of a user.
Numeric bounds of decimal and percentage columns are held as Decimal; a percentage is always
bounded to 0-100, and min/max can only narrow that.
A column may carry the Bounds of the field it is stored in (sapsmed.core.bounds, usually from
bounds_of(model field)): its digits, decimals, range and length then apply to every cell, exactly as
the entry form and the API apply them. A date column without bounds holds dates from 2000 to 2050.
A CellError locates a problem the way the user sees it in Excel: the file, the sheet, the
row number (the header is row 1 when it sits on the first row) and the column header.
Custom checks return plain sentences or Issues; the reader turns them into CellErrors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, get_args

from sapsmed.core.bounds import DATE_MAX, DATE_MIN, Bounds

Kind = Literal["text", "integer", "decimal", "percentage", "year", "date", "boolean", "code", "list"]
KINDS: tuple[str, ...] = get_args(Kind)

# The key under which every typed row carries the row number the user sees in Excel.
ROW = "_row"

_NUMERIC = {"integer", "decimal", "percentage", "year"}
_BOUNDED = _NUMERIC | {"date"}
# Which kinds of column can hold which kind of stored field.
_BOUNDS_KINDS = {"number": {"decimal", "percentage"}, "integer": {"integer", "year"}, "date": {"date"},
                 "text": {"text", "code", "list"}}
_CHOOSABLE = {"text", "code", "list"}
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def normalise_label(label: str) -> str:
    """The form in which headers and sheet names are compared: case, spacing and a trailing * ignored."""
    return " ".join(label.replace("*", " ").split()).casefold()


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    required: bool = True
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] | None = None
    min: int | Decimal | date | None = None
    max: int | Decimal | date | None = None
    max_length: int | None = None
    help: str = ""
    pattern: str | None = None
    bounds: Bounds | None = None
    # For codes and list items: the one way of writing a code (B-2-1.07 is B-2-1.7), applied after the pattern
    # check and before the key check, so two spellings of one code are one key.
    normalise: Callable[[str], str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.bounds is not None:
            self._take_bounds(self.bounds)
        elif self.kind == "date":
            object.__setattr__(self, "min", DATE_MIN if self.min is None else self.min)
            object.__setattr__(self, "max", DATE_MAX if self.max is None else self.max)
        if not self.name.strip():
            raise ValueError("a column needs a name")
        if self.kind not in KINDS:
            raise ValueError(
                f"column {self.name!r}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}"
            )
        object.__setattr__(self, "aliases", tuple(self.aliases))
        if self.choices is not None:
            if self.kind not in _CHOOSABLE:
                raise ValueError(f"column {self.name!r}: choices only apply to text, code and list columns")
            if not self.choices:
                raise ValueError(f"column {self.name!r}: choices must not be empty")
            object.__setattr__(self, "choices", tuple(self.choices))
        if (self.min is not None or self.max is not None) and self.kind not in _BOUNDED:
            raise ValueError(f"column {self.name!r}: min/max only apply to numbers, years and dates")
        if self.kind in ("decimal", "percentage"):
            # Bounds are compared with Decimal values, so hold them as Decimal from the start.
            for bound in ("min", "max"):
                value = getattr(self, bound)
                if value is not None:
                    object.__setattr__(self, bound, Decimal(str(value)))
        if self.min is not None and self.max is not None and self.min > self.max:  # type: ignore[operator]
            raise ValueError(f"column {self.name!r}: min is greater than max")
        if self.max_length is not None and self.kind not in ("text", "code", "list"):
            raise ValueError(f"column {self.name!r}: max_length only applies to text, code and list columns")
        if self.normalise is not None and self.kind not in ("code", "list"):
            raise ValueError(f"column {self.name!r}: normalise only applies to code and list columns")
        if self.pattern is not None:
            if self.kind not in ("code", "list"):
                raise ValueError(f"column {self.name!r}: a pattern only applies to code and list columns")
            re.compile(self.pattern)

    def _take_bounds(self, bounds: Bounds) -> None:
        """The stored field's range and length, unless the column narrows them further."""
        if self.kind not in _BOUNDS_KINDS[bounds.kind]:
            raise ValueError(f"column {self.name!r}: a {self.kind} column cannot hold a {bounds.kind} field")
        if bounds.kind == "text":
            if bounds.max_length is not None and (self.max_length is None or self.max_length > bounds.max_length):
                object.__setattr__(self, "max_length", bounds.max_length)
            return
        if bounds.min is not None and (self.min is None or self.min < bounds.min):  # type: ignore[operator]
            object.__setattr__(self, "min", bounds.min)
        if bounds.max is not None and (self.max is None or self.max > bounds.max):  # type: ignore[operator]
            object.__setattr__(self, "max", bounds.max)

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found by a custom check; row and column point at the cell to blame, if any."""

    message: str
    row: int | None = None
    column: str | None = None


RowCheck = Callable[[Mapping[str, object]], Iterable["str | Issue"]]
TableCheck = Callable[[Sequence[Mapping[str, object]]], Iterable["str | Issue"]]


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    allow_extra_columns: bool = False
    row_checks: tuple[RowCheck, ...] = field(default=(), compare=False)
    table_checks: tuple[TableCheck, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "key", (self.key,) if isinstance(self.key, str) else tuple(self.key))
        object.__setattr__(self, "row_checks", tuple(self.row_checks))
        object.__setattr__(self, "table_checks", tuple(self.table_checks))
        # Excel refuses sheet names that break these rules, so a template could never be written.
        if not 0 < len(self.name) <= 31 or _SHEET_NAME_FORBIDDEN.search(self.name):
            raise ValueError(
                f"sheet name {self.name!r} is not allowed by Excel (1-31 characters, no []:*?/\\)"
            )
        if not self.columns:
            raise ValueError(f"sheet {self.name!r} needs at least one column")
        seen: dict[str, str] = {}
        for column in self.columns:
            for label in column.labels:
                owner = seen.setdefault(normalise_label(label), column.name)
                if owner != column.name:
                    raise ValueError(f"sheet {self.name!r}: header {label!r} would match two columns")
        names = {column.name for column in self.columns}
        for name in self.key:
            if name not in names:
                raise ValueError(f"sheet {self.name!r}: key column {name!r} is not a column")

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class CellError:
    """One problem, located as the user sees it; row and column are None for file-level problems."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str
    message: str
    # The 1-based Excel column index, so the cell can be marked in the user's own workbook.
    column_number: int | None = None

    @property
    def cell(self) -> str | None:
        """The Excel cell reference such as 'C7', when the problem sits in one cell."""
        if self.row is None or self.column_number is None:
            return None
        return f"{column_letter(self.column_number)}{self.row}"

    def __str__(self) -> str:
        place = [self.file]
        if self.sheet is not None:
            place.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column is not None:
            place.append(f"column '{self.column}'")
        return f"{', '.join(place)}: {self.message}"


def column_letter(number: int) -> str:
    """The Excel letters of a 1-based column index: 1 is A, 27 is AA."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

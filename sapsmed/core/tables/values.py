"""Turns one non-empty cell, as Excel or a CSV file delivers it, into the value its column asks for.

Excel delivers numbers as floats, dates as date or datetime, booleans as bool; CSV delivers
text. Every parser accepts all of these and either returns the typed value or raises
BadValue carrying the sentence shown to the user, which quotes the cell as the user sees it.
A whole-number float such as 2018.0 is a whole number; 2018.5 is not.
Numbers written as text must use a dot for decimals and no thousands separator, because
"1,234" means 1.234 in some ASEAN locales and 1234 in others: guessing would silently be
wrong by a factor of a thousand, so such text is refused with a clear sentence instead.
A percentage is a number from 0 to 100; a trailing % sign is accepted.
Dates are read as year-month-day or with a month name; 03/04/2020 is refused because it reads
as different days in different countries.
Numbers and dates use the digits 0-9 only: full-width digits (１２３) and other scripts' digits look like
numbers but are refused with a sentence, never read silently. A float from Excel is taken with the 15
significant digits Excel shows. A column carrying the Bounds of its stored field applies them (digits,
decimals, range, length; sapsmed.core.bounds) after reading, with the same sentences as every other
path. Text, codes and list items never hold control characters.
Choices are matched ignoring case and spacing, and the value returned is the choice as
declared. A list cell is split on ';' when it has one, otherwise on ','; each item is
checked like a code or text, and repeated items are kept once.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Context, Decimal

from sapsmed.core.bounds import number_problem, text_problem
from sapsmed.core.tables.schema import Column

Parser = Callable[[object], object]

# re.ASCII: \d would otherwise match full-width and other scripts' digits, which int() and Decimal() accept.
_WHOLE = re.compile(r"[+-]?\d{1,18}(?:\.0*)?", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})(?:[eE][+-]?\d{1,3})?", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII)
_AMBIGUOUS_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", re.ASCII)
_EXCEL_DIGITS = Context(prec=15)
_NAMED_MONTH_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")
_DEFAULT_CODE = re.compile(r"[A-Za-z0-9]+(?:[._\-/][A-Za-z0-9]+)*")
_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_MIDNIGHT = time()
_PERCENT_RULE = "a percentage must be between 0 and 100"


class BadValue(Exception):
    """A cell that cannot be read; args[0] is the sentence for the user."""


def display(value: object) -> str:
    """A value written the way the user sees it in Excel."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if value is None:
        return ""
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is float:
        number: float = value  # type: ignore[assignment]
        return str(int(number)) if number.is_integer() and abs(number) < 1e21 else repr(number)
    if kind is datetime:
        moment: datetime = value  # type: ignore[assignment]
        return moment.date().isoformat() if moment.time() == _MIDNIGHT else moment.isoformat(sep=" ")
    if kind is tuple or kind is list:
        return "; ".join(display(item) for item in value)  # type: ignore[attr-defined]
    return str(value)


def quote(text: str) -> str:
    """A value in single quotes for a message, shortened so one huge cell cannot flood the page."""
    return f"'{text}'" if len(text) <= 60 else f"'{text[:57]}...'"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _text_of(raw: object) -> str:
    return raw if type(raw) is str else display(raw)  # type: ignore[return-value]


def _range_check(column: Column, what: str) -> Callable[[object, object], None]:
    low, high = column.min, column.max

    def check(value: object, raw: object) -> None:
        if low is not None and value < low or high is not None and value > high:  # type: ignore[operator]
            shown = quote(display(raw))
            if low is not None and high is not None:
                message = f"{shown} is out of range (expected {what} from {display(low)} to {display(high)})."
            elif low is not None:
                message = f"{shown} is too small (expected {what} of at least {display(low)})."
            else:
                message = f"{shown} is too large (expected {what} of at most {display(high)})."
            raise BadValue(message)

    return check


def _chooser(column: Column) -> Callable[[str], str] | None:
    if column.choices is None:
        return None
    choices = column.choices
    canonical = {_fold(choice): choice for choice in choices}

    def choose(text: str) -> str:
        found = canonical.get(_fold(text))
        if found is not None:
            return found
        shown = ", ".join(quote(choice) for choice in choices[:10])
        if len(choices) > 10:
            shown += f" and {len(choices) - 10} more"
        close = difflib.get_close_matches(_fold(text), list(canonical), n=1, cutoff=0.6)
        hint = f"; did you mean {quote(canonical[close[0]])}?" if close else "."
        raise BadValue(f"{quote(text)} is not one of the allowed values ({shown}){hint}")

    return choose


def _latin_digits(text: str, example: str) -> None:
    """Refuses digits other than 0-9 (full-width, Thai...): they look like numbers but are other characters."""
    if any(char.isdigit() and not "0" <= char <= "9" for char in text):
        raise BadValue(
            f"{quote(text)} is written with full-width or non-Latin digits; type it with the digits 0-9, "
            f"such as {example}."
        )


def _no_thousands(text: str, example: str) -> None:
    _latin_digits(text, example)
    if "," in text or " " in text:
        raise BadValue(
            f"{quote(text)} is not a number we can read safely: write it without thousands separators "
            f"and with a dot for decimals, such as {example}."
        )


def _to_int(raw: object) -> int | None:
    kind = type(raw)
    if kind is float:
        number: float = raw  # type: ignore[assignment]
        # The bound keeps a typo such as 1E+300 from becoming a 300-digit count.
        return int(number) if number.is_integer() and abs(number) < 1e18 else None
    if kind is int:
        return raw  # type: ignore[return-value]
    if kind is str and _WHOLE.fullmatch(raw):  # type: ignore[arg-type]
        return int(raw.split(".")[0])  # type: ignore[attr-defined]
    return None


def _to_decimal(raw: object) -> Decimal | None:
    kind = type(raw)
    if kind is float:
        number: float = raw  # type: ignore[assignment]
        # repr is the shortest text that round-trips: 0.1 becomes Decimal('0.1'), not its binary expansion.
        if not math.isfinite(number):
            return None
        if number.is_integer() and abs(number) < 1e15:
            return Decimal(int(number))
        # Excel shows and keeps 15 significant digits; 0.1 + 0.2 is 0.3 there, not 0.30000000000000004.
        return _EXCEL_DIGITS.create_decimal(repr(number)).normalize()
    if kind is int:
        return Decimal(raw)  # type: ignore[arg-type]
    if kind is str and _NUMBER.fullmatch(raw):  # type: ignore[arg-type]
        return Decimal(raw)  # type: ignore[arg-type]
    return None


def _integer(column: Column) -> Parser:
    in_range = _range_check(column, "a number")

    def parse(raw: object) -> int:
        number = _to_int(raw)
        if number is None:
            if type(raw) is str:
                _no_thousands(raw, "1234")  # type: ignore[arg-type]
            raise BadValue(f"{quote(display(raw))} is not a whole number (expected a number such as 12).")
        in_range(number, raw)
        return number

    return parse


def _year(column: Column) -> Parser:
    in_range = _range_check(column, "a year")

    def parse(raw: object) -> int:
        year = _to_int(raw)
        if year is None or not 1000 <= year <= 9999:
            if type(raw) is str:
                _latin_digits(raw, "2020")  # type: ignore[arg-type]
            raise BadValue(f"{quote(display(raw))} is not a year (expected a whole number such as 2020).")
        in_range(year, raw)
        return year

    return parse


def _stored_check(column: Column) -> Callable[[Decimal], None]:
    """The stored field's digits and decimals, when the column carries its bounds."""
    bounds = column.bounds

    def check(number: Decimal) -> None:
        if bounds is not None and (problem := number_problem(number, bounds)) is not None:
            raise BadValue(problem)

    return check


def _decimal(column: Column) -> Parser:
    in_range = _range_check(column, "a number")
    stored = _stored_check(column)

    def parse(raw: object) -> Decimal:
        number = _to_decimal(raw)
        if number is None:
            if type(raw) is str:
                _no_thousands(raw, "1234.5")  # type: ignore[arg-type]
            raise BadValue(f"{quote(display(raw))} is not a number (expected a number such as 12.5).")
        in_range(number, raw)
        stored(number)
        return number

    return parse


def _percentage(column: Column) -> Parser:
    in_range = _range_check(column, "a percentage")
    stored = _stored_check(column)

    def parse(raw: object) -> Decimal:
        text = raw[:-1].rstrip() if type(raw) is str and raw.endswith("%") else raw  # type: ignore[attr-defined]
        number = _to_decimal(text)
        if number is None:
            if type(text) is str:
                _no_thousands(text, "45.5")  # type: ignore[arg-type]
            raise BadValue(
                f"{quote(display(raw))} is not a percentage (expected a number from 0 to 100, such as 45.5)."
            )
        if number > _HUNDRED:
            raise BadValue(f"{quote(display(raw))} is more than 100 ({_PERCENT_RULE}).")
        if number < _ZERO:
            raise BadValue(f"{quote(display(raw))} is less than 0 ({_PERCENT_RULE}).")
        in_range(number, raw)
        stored(number)
        return number

    return parse


def _read_date(raw: object) -> date | None:
    kind = type(raw)
    if kind is datetime:
        return raw.date()  # type: ignore[attr-defined]
    if kind is date:
        return raw  # type: ignore[return-value]
    if kind is not str:
        return None
    text: str = raw  # type: ignore[assignment]
    match = _ISO_DATE.fullmatch(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    if _AMBIGUOUS_DATE.fullmatch(text):
        raise BadValue(
            f"{quote(text)} reads as different dates in different countries; "
            "write it as year-month-day, such as 2020-01-31."
        )
    cleaned = " ".join(text.replace(",", " ").split())
    for form in _NAMED_MONTH_FORMATS:
        try:
            return datetime.strptime(cleaned, form).date()  # noqa: DTZ007 - a calendar day has no time zone
        except ValueError:
            continue
    return None


def _date(column: Column) -> Parser:
    in_range = _range_check(column, "a date")

    def parse(raw: object) -> date:
        day = _read_date(raw)
        if day is None:
            if type(raw) is str:
                _latin_digits(raw, "2020-01-31")  # type: ignore[arg-type]
            raise BadValue(f"{quote(display(raw))} is not a date (expected a date such as 2020-01-31).")
        in_range(day, raw)
        return day

    return parse


def _boolean(column: Column) -> Parser:
    def parse(raw: object) -> bool:
        kind = type(raw)
        if kind is bool:
            return raw  # type: ignore[return-value]
        if (kind is float or kind is int) and raw in (0, 1):
            return raw == 1
        if kind is str:
            word = raw.casefold()  # type: ignore[attr-defined]
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
        raise BadValue(f"{quote(display(raw))} is not yes or no (expected yes, no, true, false, 1 or 0).")

    return parse


def _item_checker(column: Column) -> Callable[[str], str]:
    """The check of one code, or of one item of a list: choices first, then pattern, then length."""
    choose = _chooser(column)
    if column.kind == "code":
        pattern: re.Pattern[str] | None = re.compile(column.pattern) if column.pattern else _DEFAULT_CODE
    else:
        pattern = re.compile(column.pattern) if column.pattern else None
    limit = column.max_length
    normalise = column.normalise

    def check(text: str) -> str:
        if (problem := text_problem(text)) is not None:
            raise BadValue(problem[0].upper() + problem[1:])
        if choose is not None:
            return choose(text)
        if pattern is not None and not pattern.fullmatch(text):
            if column.pattern is None:
                expected = "letters and digits, optionally separated by '.', '-', '_' or '/', such as A.1.2"
            else:
                expected = column.help or f"the form {column.pattern}"
            raise BadValue(f"{quote(text)} is not a valid code (expected {expected}).")
        if limit is not None and len(text) > limit:
            raise BadValue(f"{quote(text)} is too long: {len(text)} characters, the limit is {limit}.")
        return normalise(text) if normalise is not None else text

    return check


def _text(column: Column) -> Parser:
    check = _item_checker(column)
    return lambda raw: check(_text_of(raw))


def _list(column: Column) -> Parser:
    check = _item_checker(column)

    def parse(raw: object) -> tuple[str, ...]:
        text = _text_of(raw)
        items: dict[str, None] = {}
        problems: list[str] = []
        for part in text.split(";" if ";" in text else ","):
            part = part.strip()
            if part:
                try:
                    items[check(part)] = None
                except BadValue as problem:
                    problems.append(problem.args[0])
        if problems:
            raise BadValue(" ".join(problems))
        if not items and column.required:
            raise BadValue(f"{quote(text)} holds no values; a value is required.")
        return tuple(items)

    return parse


_BUILDERS: dict[str, Callable[[Column], Parser]] = {
    "text": _text,
    "code": _text,
    "integer": _integer,
    "year": _year,
    "decimal": _decimal,
    "percentage": _percentage,
    "date": _date,
    "boolean": _boolean,
    "list": _list,
}


def parser_for(column: Column) -> Parser:
    """The function reading a non-empty cell of this column; it raises BadValue for a bad cell."""
    return _BUILDERS[column.kind](column)


def empty_value(column: Column) -> object:
    """What an empty optional cell reads as: no value, or an empty list."""
    return () if column.kind == "list" else None

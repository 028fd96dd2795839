"""What a stored field can hold, defined once: digits, decimals, range, the plan's years, text without controls.

Every write path (entry forms, the API, each importer, the services behind them) asks the same Bounds,
so no path stores what another refuses and no stored value breaks the pages that show it.
Rules, in words:
- A number is finite and fits the field (a Django DecimalField's max_digits and decimal_places):
  taken with the 15 significant digits every store keeps (Excel shows 15, SQLite keeps a double),
  it has at most `digits - decimals` digits before the point and `decimals` after it, and lies
  within min and max. So a value at the bound reads back as stored; one beyond it is refused.
- A whole number fits its database column (a small integer holds at most 32,767).
- A date lies within the plan's sensible years, 2000 to 2050, unless the field says otherwise: a year
  9999 is a typing slip, and it would stretch every timeline drawn from it.
- Text holds no control characters (NUL, BEL, ESC, DEL...) and no bidirectional overrides, which
  cannot be shown, printed or written to Excel and can disguise what a cell says; tabs and line
  breaks are text. Its length is at most max_length.
- Numbers are written with the digits 0-9: full-width and other scripts' digits look alike but are
  different characters, so they are refused rather than guessed (see sapsmed.core.tables.values).
bounds_of reads a model field by its attributes (max_digits, decimal_places, max_length and its
internal type), so the core derives bounds from Django fields without importing Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Context, Decimal
from typing import Literal

SIGNIFICANT = 15
_KEPT = Context(prec=SIGNIFICANT)
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2050, 12, 31)
# Controls (C0 but tab and line breaks, DEL, C1), bidirectional embeddings and isolates, lone surrogates.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x1b": "ESC", "\x7f": "DEL"}
_INTEGER_RANGES = {
    "SmallIntegerField": (-32768, 32767),
    "PositiveSmallIntegerField": (0, 32767),
    "IntegerField": (-2147483648, 2147483647),
    "PositiveIntegerField": (0, 2147483647),
    "BigIntegerField": (-(2**63), 2**63 - 1),
    "PositiveBigIntegerField": (0, 2**63 - 1),
}

Kind = Literal["number", "integer", "date", "text"]


@dataclass(frozen=True, slots=True)
class Bounds:
    kind: Kind
    digits: int | None = None
    decimals: int | None = None
    min: int | Decimal | date | None = None
    max: int | Decimal | date | None = None
    max_length: int | None = None

    def __post_init__(self) -> None:
        if self.kind == "number":
            for name in ("min", "max"):
                value = getattr(self, name)
                if value is not None:
                    object.__setattr__(self, name, Decimal(str(value)))
        if self.kind == "date":
            object.__setattr__(self, "min", DATE_MIN if self.min is None else self.min)
            object.__setattr__(self, "max", DATE_MAX if self.max is None else self.max)

    @property
    def whole_digits(self) -> int | None:
        """How many digits the field keeps before the decimal point."""
        if self.digits is None:
            return None
        return self.digits - (self.decimals or 0)

    def narrowed(self, **changes: object) -> Bounds:
        return replace(self, **changes)  # type: ignore[arg-type]

    def problem(self, value: object) -> str | None:
        """The sentence saying why the value cannot be stored in this field, or None when it can."""
        if value is None or value == "":
            return None
        if self.kind == "number":
            return number_problem(Decimal(value) if not isinstance(value, Decimal) else value, self)  # type: ignore[arg-type]
        if self.kind == "integer":
            return _range_problem(value, self, value)
        if self.kind == "date":
            return _range_problem(value, self, value.isoformat() if isinstance(value, date) else value)
        return text_problem(str(value), self)


def bounds_of(field: object, **narrowing: object) -> Bounds:
    """The bounds of a Django model field (read by its attributes), narrowed by min, max or the like."""
    internal = field.get_internal_type()  # type: ignore[attr-defined]
    if internal == "DecimalField":
        found = Bounds("number", digits=field.max_digits, decimals=field.decimal_places)  # type: ignore[attr-defined]
    elif internal in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[internal]
        found = Bounds("integer", min=low, max=high)
    elif internal == "DateField":
        found = Bounds("date")
    elif internal in ("CharField", "TextField", "SlugField", "EmailField", "URLField"):
        found = Bounds("text", max_length=getattr(field, "max_length", None))
    else:
        raise ValueError(f"no bounds are defined for a {internal}")
    return found.narrowed(**narrowing) if narrowing else found


def model_bounds(model: object, **narrowed: dict) -> dict[str, Bounds]:
    """The bounds of several fields of a Django model, by name, each narrowed as given (read from model._meta)."""
    meta = model._meta  # type: ignore[attr-defined]
    return {name: bounds_of(meta.get_field(name), **narrowing) for name, narrowing in narrowed.items()}


def plain(number: Decimal) -> str:
    """A Decimal as people write it: 12.5 and 100, not 12.500 or 1E+2."""
    return format(number.normalize(), "f") if number.is_finite() else str(number)


def _shown(value: object) -> str:
    text = plain(value) if isinstance(value, Decimal) else str(value)
    if isinstance(value, Decimal) and len(text) > 24:
        text = str(value.normalize())  # 1E+30 as typed, not thirty zeros
    return f"'{text}'" if len(text) <= 40 else f"'{text[:20]}...' ({len(text)} characters)"


def kept(value: Decimal) -> Decimal:
    """The number as it is stored: 15 significant digits."""
    return _KEPT.create_decimal(value)


def number_problem(value: Decimal, bounds: Bounds) -> str | None:
    if not value.is_finite():
        return f"{_shown(value)} is not a number that can be stored; enter a finite number such as 12.5."
    stored = kept(value).normalize()
    _, numerals, exponent = stored.as_tuple()
    exponent = int(exponent)
    whole = max(len(numerals) + exponent, 0) if stored else 0
    places = max(-exponent, 0)
    if bounds.whole_digits is not None and whole > bounds.whole_digits:
        return (f"{_shown(value)} is too large to be stored: this field keeps at most {bounds.whole_digits} digits "
                "before the decimal point.")
    if bounds.decimals is not None and places > bounds.decimals:
        rounded = plain(stored.quantize(Decimal(1).scaleb(-bounds.decimals)))
        return (f"{_shown(value)} has {places} decimal places and this field keeps {bounds.decimals}; "
                f"round it, such as {rounded}.")
    return _range_problem(stored, bounds, plain(value))


def _range_problem(value: object, bounds: Bounds, shown: object) -> str | None:
    low, high = bounds.min, bounds.max
    if low is not None and value < low or high is not None and value > high:  # type: ignore[operator]
        low_text, high_text = (plain(v) if isinstance(v, Decimal) else str(v) for v in (low, high))
        if bounds.kind == "date":
            return f"'{shown}' is outside the years this field accepts (a date from {low_text} to {high_text})."
        if low is not None and high is not None:
            return f"'{shown}' is outside the range accepted here (from {low_text} to {high_text})."
        if low is not None:
            return f"'{shown}' is too small: it cannot be less than {low_text}."
        return f"'{shown}' is too large: it cannot be more than {high_text}."
    return None


def control_characters(text: str) -> list[str]:
    """The control and bidirectional characters in the text, named as a person can look them up."""
    found = dict.fromkeys(CONTROL.findall(text))
    return [_NAMES.get(char, f"U+{ord(char):04X}") for char in found]


def text_problem(text: str, bounds: Bounds | None = None) -> str | None:
    bad = control_characters(text)
    if bad:
        return (f"this text holds invisible control characters ({', '.join(bad)}) that cannot be shown or "
                "printed; retype it or paste it as plain text.")
    if bounds is not None and bounds.max_length is not None and len(text) > bounds.max_length:
        return f"this text has {len(text):,} characters; at most {bounds.max_length:,} are kept."
    return None

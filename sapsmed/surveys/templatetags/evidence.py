"""Template filters of the evidence pages: numbers to a readable precision, domains in words."""

import math

from django import template

register = template.Library()


@register.filter
def sig(value, digits: int = 6) -> str:
    """A number to `digits` significant digits, with thousands separators and no exponent between 1e-4 and
    1e15 (downloads carry every digit); a missing value as "—"."""
    if value is None:
        return "—"
    try:
        number, digits = float(value), int(digits)
    except (TypeError, ValueError):
        return str(value)
    if number == 0 or not math.isfinite(number):
        return "0" if number == 0 else str(number)
    magnitude = math.floor(math.log10(abs(number)))
    if not -4 <= magnitude < 15:
        return f"{number:.{digits}g}"
    places = digits - 1 - magnitude
    text = f"{round(number, places):,.{max(0, places)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def domain_value(domain, column: str):
    """The value of `column` in an estimate's [column, value] pairs ("—" where missing)."""
    for name, value in domain or ():
        if name == column:
            return "—" if value is None else value
    return "—"

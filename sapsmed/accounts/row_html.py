"""Table rows drawn in Python: URLs from one reverse(), values escaped as the templates would.

A table of a hundred rows should neither resolve a hundred URL patterns nor run a hundred template loops;
the early-warning and KPI pages draw their rows with these.
"""

from collections.abc import Callable
from html import escape

from django.urls import reverse

_PLACEHOLDER = "0"  # reversed once, then each row's key put in its place (codes and keys are URL-safe)


def url_maker(name: str) -> Callable[[object], str]:
    """A function giving the URL `name` for one argument, as reverse(name, args=[key]) would."""
    pattern = reverse(name, args=[_PLACEHOLDER])
    head, tail = pattern[: pattern.rindex(_PLACEHOLDER)], pattern[pattern.rindex(_PLACEHOLDER) + 1:]
    return lambda key: f"{head}{key}{tail}"


def e(value) -> str:
    """Escaped text of any value (quotes included), as Django's autoescape gives it."""
    return escape(str(value))

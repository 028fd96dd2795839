"""URLs of many rows from one reverse(): a table of a hundred rows should not resolve a hundred patterns."""

from collections.abc import Callable

from django.urls import reverse

_PLACEHOLDER = "0"  # reversed once, then each row's key put in its place (codes and keys are URL-safe)


def url_maker(name: str) -> Callable[[object], str]:
    """A function giving the URL `name` for one argument, as reverse(name, args=[key]) would."""
    pattern = reverse(name, args=[_PLACEHOLDER])
    head, tail = pattern[: pattern.rindex(_PLACEHOLDER)], pattern[pattern.rindex(_PLACEHOLDER) + 1:]
    return lambda key: f"{head}{key}{tail}"

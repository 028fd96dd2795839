"""Readable, unique names for workbook sheets, made from titles.

Rules (Excel's, plus readability):
- A name holds at most 31 characters, none of [ ] : * ? / \\, does not start or end with an apostrophe, and
  is not "History" (Excel reserves it). Names compare without regard to case.
- A title that is too long loses its bracketed asides first ("Action-line status (progress monitoring)"
  becomes "Action-line status"), then whole words from the end; a word is cut only when it alone is too long.
- A name already used gets " (2)", " (3)"… , the title shortened by words to make room.
- An empty title becomes "Sheet".
"""

from __future__ import annotations

import re

MAX_LENGTH = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ASIDE = re.compile(r"\s*\([^()]*\)")
_RESERVED = {"history"}


def _clean(title: str) -> str:
    # Control characters are dropped too: a sheet name is XML text.
    text = "".join(ch for ch in title if ch.isprintable())
    return " ".join(_FORBIDDEN.sub(" ", text).split()).strip("'").strip()


def shorten(title: str, length: int = MAX_LENGTH) -> str:
    """The title within `length` characters, cut as the module's rules say."""
    text = _clean(title)
    if len(text) <= length:
        return text
    plain = _clean(_ASIDE.sub("", text))
    if plain and len(plain) <= length:
        return plain
    words, kept = (plain or text).split(), ""
    for word in words:
        longer = f"{kept} {word}".strip()
        if len(longer) > length:
            break
        kept = longer
    return (kept or words[0][:length]).rstrip(" -–—,;.'")


def sheet_name(title: str, used: set[str]) -> str:
    """A name for a new sheet, unique among `used` (lower-cased names, updated here)."""
    base = shorten(title) or "Sheet"
    name, n = base, 1
    while name.lower() in used or name.lower() in _RESERVED:
        n += 1
        suffix = f" ({n})"
        name = f"{shorten(base, MAX_LENGTH - len(suffix))}{suffix}"
    used.add(name.lower())
    return name

"""The words of the search: what the index and a query are made of, and the marked pieces a result shows.

Rules, in words:
- A text's words are its runs of letters and digits; everything else (punctuation, symbols, marks, spaces,
  underscores) separates words. The index is given only the words, lowercased, one space apart
  (`index_words`). PostgreSQL's parser reads "SMEs/MSMEs" or "www.asean.org" as one token and SQLite's FTS5
  as two or three; given only letters, digits and spaces, both read the same words, and the n-th word marked
  by an engine is the n-th word of the text shown.
- A query's words are found the same way, from its first MAX_QUERY characters. English stop words are
  dropped (PostgreSQL's list, the one its 'english' configuration drops, so that FTS5 does not require a word
  PostgreSQL ignores), then repeats; at most MAX_TERMS words are kept. Every word kept must be found (AND),
  each after stemming ("finance" and "financing" are one word). A query left with no word finds nothing.
- A query shaped like a code (letters, then groups joined by '-' and at most one '.', with a digit: B-2-1.3,
  b-2-1, KPI-E2) is looked up by code instead: the item with that code and the items under it.
- A result shows its title whole, with the matched words marked, and a passage of its text: PASSAGE_WORDS
  words starting LEAD_WORDS before a matched word, the window holding the most matched words (the earliest
  such), "…" where the text is cut; no passage when its text has no matched word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY = 200  # characters read from a query: a pasted page finds what its first sentence finds
MAX_TERMS = 12
PASSAGE_WORDS = 24
LEAD_WORDS = 4  # words shown before the first matched word of a passage
START, STOP = "{", "}"  # marks around a matched word; never in an index text, which holds no punctuation

# PostgreSQL 15's tsearch_data/english.stop, which its 'english' configuration drops from texts and queries.
_ENGLISH_STOP = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
it its itself they them their theirs themselves what which who whom this that these those am is are was were be
been being have has had having do does did doing a an the and but if or because as until while of at by for with
about against between into through during before after above below to from up down in out on off over under again
further then once here there when where why how all any both each few more most other some such no nor not only
own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_ENGLISH_STOP.split())

_CODE = re.compile(r"[A-Za-z]{1,5}(?:-[A-Za-z0-9]+)+(?:\.[0-9]+)?")
_NUMBERS = re.compile(r"\d+")


def _word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LN"


def index_text(text: str) -> str:
    """The text as the index reads it: letters and digits lowercased in place, every other character a space."""
    return "".join((c.lower() if len(c.lower()) == 1 else c) if _word_char(c) else " " for c in text)


def query_terms(query: str) -> list[str]:
    """The words a query asks for: no stop word, no repeat, at most MAX_TERMS."""
    terms: list[str] = []
    for word in index_text(query[:MAX_QUERY]).split():
        if word not in STOP_WORDS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def code_query(query: str) -> str | None:
    """The code a query names (upper case), or None when it is not shaped like one."""
    q = query.strip()
    if len(q) <= 40 and _CODE.fullmatch(q) and any(c.isdigit() for c in q):
        return q.upper()
    return None


def sort_key(code: str) -> str:
    """A code in natural order: A-1-2.1 before A-1-10.1."""
    return _NUMBERS.sub(lambda m: m.group().zfill(6), code.upper())


def index_words(text: str) -> str:
    """What the index stores of a text: its words, lowercased, one space apart (nothing a backup could trim)."""
    return " ".join(index_text(text).split())


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", index_text(text))]


def marked_spans(marked: str, text: str) -> list[tuple[int, int]]:
    """Where in `text` the words marked in `marked` (its index words with START/STOP around matches) are.

    The n-th word of the index words is the n-th word of the text. Returns [] when `marked` does not have the
    text's number of words (nothing is marked rather than marked wrongly)."""
    flags, inside = [], False
    for token in marked.split():
        flags.append(inside or START in token)  # a mark may hold part of a word, or several words
        if START in token or STOP in token:
            inside = token.rfind(START) > token.rfind(STOP)
    words = _word_spans(text)
    return [span for span, flag in zip(words, flags, strict=True) if flag] if len(flags) == len(words) else []


@dataclass(frozen=True)
class Piece:
    text: str
    matched: bool


def pieces(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> list[Piece]:
    """text[start:end] cut into plain and matched pieces."""
    end = len(text) if end is None else end
    out, at = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > at:
            out.append(Piece(text[at:s], False))
        out.append(Piece(text[s:e], True))
        at = e
    if at < end:
        out.append(Piece(text[at:end], False))
    return out


def passage(text: str, spans: list[tuple[int, int]], words: int = PASSAGE_WORDS) -> list[Piece]:
    """The window of `words` words holding the most matched words, as pieces, with "…" where it is cut."""
    if not spans:
        return []
    bounds = _word_spans(text)
    marked = {s for s, _ in spans}  # marks sit around whole words
    hits = [i for i, (ws, _) in enumerate(bounds) if ws in marked]
    if not hits:
        return []
    width = min(words, len(bounds))
    # Each window starts a few words before a matched word (the reader sees what leads to it).
    starts = sorted({max(0, min(h - LEAD_WORDS, len(bounds) - width)) for h in hits})
    best = max(starts, key=lambda first: (sum(first <= h < first + width for h in hits), -first))
    last = best + width - 1
    start, end = bounds[best][0], bounds[last][1]
    while start > 0 and not text[start - 1].isspace():  # "(Malaysia" and "there." stay whole
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    out = pieces(text, spans, start, end)
    if best > 0:
        out.insert(0, Piece("… ", False))
    if last < len(bounds) - 1:
        out.append(Piece(" …", False))
    return out

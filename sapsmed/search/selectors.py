"""Read path of the search: one query, whatever it finds, answered the same by PostgreSQL and by SQLite.

PostgreSQL matches the stored `vector` (a GIN index, 'english' configuration: Snowball stemming) with
SearchQuery, ranks with SearchRank and marks the matched words with SearchHeadline; SQLite matches its FTS5
table (porter tokenizer), ranks with bm25() and marks with highlight(). Both weigh a title ten times the rest
of a document. Both index the same normalised words (sapsmed.core.search_text), so they find the same
documents; their stemmers (Snowball and Porter) differ on a few rare English words, and their ranks order
near-ties differently, so results are compared as sets, and ordered within a kind by rank, then by code.
The marks come back on the stored words and are laid on the same words of the text shown, which the template
escapes piece by piece: no stored text is ever trusted as HTML.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from sapsmed.core.search_text import (
    MAX_QUERY,
    START,
    STOP,
    Piece,
    code_query,
    marked_spans,
    passage,
    pieces,
    query_terms,
)
from sapsmed.search.models import Kind, SearchDocument

PER_KIND = 30  # results shown of one kind; more say so and ask for another word
CONFIG = "english"
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
_FIELDS = ("kind", "key", "label", "title", "body", "url")


@dataclass
class Hit:
    label: str
    title: list[Piece]
    passage: list[Piece]
    url: str
    label_matched: bool = False


@dataclass
class Group:
    kind: str
    name: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


def _postgresql(terms: list[str], per_kind: int) -> list[tuple]:
    query = reduce(operator.and_, (SearchQuery(t, config=CONFIG, search_type="plain") for t in terms))
    ranked = SearchRank(F("vector"), query, weights=[0.0, 0.0, BODY_WEIGHT / TITLE_WEIGHT, 1.0])
    best = (SearchDocument.objects.filter(vector=query)
            .annotate(rank=ranked, place=Window(RowNumber(), partition_by=[F("kind")],
                                                order_by=[F("rank").desc(), F("sort_key")]))
            .filter(place__lte=per_kind + 1).values("pk"))
    marks = {"config": CONFIG, "start_sel": START, "stop_sel": STOP, "highlight_all": True}
    return list(SearchDocument.objects.filter(pk__in=best)
                .annotate(rank=ranked, title_marked=SearchHeadline("title_words", query, **marks),
                          body_marked=SearchHeadline("body_words", query, **marks))
                .order_by("-rank", "sort_key").values_list(*_FIELDS, "title_marked", "body_marked"))


# bm25's column weights are TITLE_WEIGHT and BODY_WEIGHT.
_SQLITE = """
SELECT d.kind, d.key, d.label, d.title, d.body, d.url,
       highlight(search_document_fts, 0, %s, %s), highlight(search_document_fts, 1, %s, %s)
FROM search_document_fts JOIN search_document d ON d.id = search_document_fts.rowid
WHERE search_document_fts MATCH %s AND d.id IN (
    SELECT id FROM (
        SELECT d2.id AS id, row_number() OVER (
            PARTITION BY d2.kind ORDER BY bm25(search_document_fts, 10.0, 1.0), d2.sort_key) AS place
        FROM search_document_fts JOIN search_document d2 ON d2.id = search_document_fts.rowid
        WHERE search_document_fts MATCH %s)
    WHERE place <= %s)
ORDER BY bm25(search_document_fts, 10.0, 1.0), d.sort_key
"""


def _sqlite(terms: list[str], per_kind: int) -> list[tuple]:
    # Each word is an FTS5 string ("word"): a query's quotes, stars, minus signs or NEAR are never syntax
    # (a term holds letters and digits only: core.search_text.query_terms).
    match = " AND ".join(f'"{t}"' for t in terms)
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE, [START, STOP, START, STOP, match, match, per_kind + 1])
        return cursor.fetchall()


def _by_code(code: str) -> list[tuple]:
    """The item with this code and the items under it (B-2-1: the action and its lines)."""
    found = SearchDocument.objects.filter(Q(key__iexact=code) | Q(key__istartswith=f"{code}-")
                                          | Q(key__istartswith=f"{code}."))
    return list(found.order_by("sort_key").values_list(*_FIELDS))


def _grouped(rows: list[tuple], per_kind: int, *, by_code: bool) -> list[Group]:
    groups = {kind: Group(kind, kind.label) for kind in Kind}
    for kind, _key, label, title, body, url, *marked in rows:
        group = groups[kind]
        if len(group.hits) == per_kind:
            group.more = True
            continue
        title_marks = marked_spans(marked[0], title) if marked else []
        body_marks = marked_spans(marked[1], body) if marked else []
        group.hits.append(Hit(label, pieces(title, title_marks), passage(body, body_marks), url,
                              label_matched=by_code))
    return [g for g in groups.values() if g.hits]


def search(query: str, *, per_kind: int = PER_KIND) -> dict:
    """The search page's results, grouped by kind (Kind's order), each group in rank order.

    A query shaped like a code is looked up by code; otherwise by its words (core.search_text). A query with
    neither asks nothing of the database."""
    q = " ".join(str(query)[:MAX_QUERY].split())
    code = code_query(q)
    terms = [] if code else query_terms(q)
    if code:
        rows = _by_code(code)
    elif terms:
        rows = _postgresql(terms, per_kind) if connection.vendor == "postgresql" else _sqlite(terms, per_kind)
    else:
        rows = []
    groups = _grouped(rows, per_kind, by_code=bool(code))
    return {"query": q, "asked": bool(code or terms), "code": code, "groups": groups,
            "total": sum(len(g.hits) for g in groups)}

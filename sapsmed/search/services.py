"""Write path of the search index: its documents rewritten from their facts, in the transaction that changed them.

Why a stored index rather than a query over the facts' own tables: SQLite's FTS5, the embedded default's full-text
search, stems, ranks and marks only text it has indexed in its own table, so the texts must be stored once; with
one stored document per findable thing, both engines answer from the same rows, a search is one query whatever
it finds, and the PostgreSQL index (a GIN index over a tsvector) is kept instead of being recomputed per request.

Rules, in words:
- The plan's services announce a change of the plan in force (sapsmed.plan.events): the documents of the lines
  they name, or, when they name none, of every goal, outcome, action, action line and member state, are
  rewritten in their transaction. The reviews' services announce a snapshot or scorecard edition published or
  withdrawn (sapsmed.reviews.events): the published reviews' documents are rewritten. Loading the KPI sheets
  (sapsmed.ops.loading) rewrites the KPIs' documents. A failure rolls the change back with it.
- A row is written only when what it says changes; a document whose item is gone (a withdrawn snapshot, a line
  not in the version in force) is deleted.
- The engines' own index follows the rows through the triggers made by the migrations (FTS5 on SQLite, the
  `vector` column on PostgreSQL), so no code writes it.
- refresh() rewrites every document from the facts; differences() names every stored document that differs
  (both listed in sapsmed.ops.derived: `check_derived` and `refresh_assessments` cover the index).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from sapsmed.plan.models import ActionLine, PlanVersion
from sapsmed.search import documents
from sapsmed.search.documents import PLAN_KINDS, Document
from sapsmed.search.models import Kind, SearchDocument

COMPARED = ("label", "title", "body", "url", "sort_key", "title_words", "body_words")


def _stored(kinds: Iterable[str], keys: set[str] | None):
    rows = SearchDocument.objects.filter(kind__in=list(kinds)).only("kind", "key", *COMPARED)
    return {(r.kind, r.key): r for r in (rows if keys is None else rows.filter(key__in=keys))}


def _write(docs: list[Document], *, kinds: Iterable[str], keys: set[str] | None = None) -> int:
    """Make the stored documents of `kinds` (of `keys` only, when given) those of `docs`; rows written."""
    stored = _stored(kinds, keys)
    wanted = {(d.kind, d.key): d for d in docs}
    created, changed = [], []
    for pair, doc in wanted.items():
        fields, row = doc.stored, stored.get(pair)
        if row is None:
            created.append(SearchDocument(kind=doc.kind, key=doc.key, **fields))
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            changed.append(row)
    gone = [row.pk for pair, row in stored.items() if pair not in wanted]
    SearchDocument.objects.bulk_create(created)
    SearchDocument.objects.bulk_update(changed, COMPARED)
    if gone:
        SearchDocument.objects.filter(pk__in=gone).delete()
    return len(created) + len(changed) + len(gone)


@transaction.atomic
def search_index_refresh(*, kinds: Iterable[str] = tuple(Kind)) -> int:
    """Rewrite the documents of these kinds from their facts; returns how many rows changed.

    The plan's documents are read under the lock every writer of the plan in force takes first (its version's
    row), so a refresh running beside an edit reads the plan after it, never rewriting a line as it was."""
    kinds = list(kinds)
    if PLAN_KINDS.intersection(kinds):
        PlanVersion.objects.select_for_update().order_by("-number").first()
    return _write([doc for kind in kinds for doc in documents.BUILDERS[kind]()], kinds=kinds)


def search_lines_refresh(line_ids: set[int]) -> int:
    """Rewrite the documents of these action lines only (their terms in the plan version in force)."""
    codes = set(ActionLine.objects.filter(pk__in=line_ids).values_list("code", flat=True))
    return _write(documents.lines(line_ids), kinds=[Kind.LINE], keys=codes)


def on_plan_changed(sender, *, line_ids=None, **kwargs) -> None:
    if line_ids is None:
        search_index_refresh(kinds=PLAN_KINDS)
    else:
        search_lines_refresh(set(line_ids))


def on_publication_changed(sender, **kwargs) -> None:
    search_index_refresh(kinds=[Kind.PUBLICATION])


def refresh(as_of: date | None = None) -> int:
    """Every document rewritten from the facts (the date changes nothing: the argument is the derived values')."""
    return search_index_refresh()


def differences(as_of: date | None = None) -> list[str]:
    """One sentence per stored document that differs from its facts, is missing or is left over."""
    wanted = {(d.kind, d.key): d for kind in Kind for d in documents.BUILDERS[kind]()}
    stored = _stored(Kind, None)
    found = []
    for (kind, key), doc in sorted(wanted.items()):
        row = stored.get((kind, key))
        if row is None:
            found.append(f"Search index: {kind} {key} has no document.")
        elif any(getattr(row, name) != value for name, value in doc.stored.items()):
            found.append(f"Search index: the document of {kind} {key} differs from its facts.")
    found += [f"Search index: {kind} {key} has a document but is not in the facts."
              for kind, key in sorted(set(stored) - set(wanted))]
    return found

"""Derived values and public pages reused while the tables they are computed from are unchanged.

Rules, in words:
- A kept value's key holds a fingerprint of every table it reads, taken in one query; any write to those
  tables moves the fingerprint, so a kept value is never stale (one source of truth: the value is still
  computed by the same function, only not twice for the same facts).
- Only pages that are the same for every anonymous visitor are kept whole: a signed-in page names its user
  and carries a CSRF token; a page with a pending message or one that set a cookie is drawn for one visitor.
- settings.SAPSMED_MEMO_DERIVED turns all of it off (tests run with it off, see tables_fingerprint).
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, models
from django.http import HttpResponse


def enabled() -> bool:
    return getattr(settings, "SAPSMED_MEMO_DERIVED", False)


def tables_fingerprint(tables) -> str:
    """A digest that changes whenever a row of these tables is added, changed or removed, in one query.

    A model with simple_history gives its history table's largest key (every save, delete and link change
    adds a history row); any other table its row count, largest key and latest auto_now / auto_now_add
    stamp. Keys are never reused (PostgreSQL sequences; AUTOINCREMENT on SQLite outside a rolled-back
    transaction, which is why tests, each one a rolled-back transaction, run with the memo off), so a write
    moves one of these numbers. Not seen: an in-place update of a table with neither history nor an auto_now
    field (periods, pathways and types of measure renamed by a new load_plan, a round's dates; no service
    edits those) until the server restarts. Each part reads an index or a small table.
    """
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(connection.vendor, tuple(tables)))
        row = cursor.fetchone()
    return hashlib.sha256(repr((connection.settings_dict["NAME"], row)).encode()).hexdigest()[:24]


@functools.cache
def _fingerprint_sql(vendor: str, tables: tuple) -> str:
    """The fingerprint's query, built once per set of tables (reading `Model.history` builds a manager)."""
    quote = connection.ops.quote_name
    parts = []
    for model in tables:
        history = getattr(model, "history", None)
        if history is not None:
            meta = history.model._meta
            expressions = [f"MAX({quote(meta.pk.column)})"]
        else:
            meta = model._meta
            expressions = ["COUNT(*)", f"MAX({quote(meta.pk.column)})"] + [
                f"MAX({quote(f.column)})" for f in meta.concrete_fields
                if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)]
        table = quote(meta.db_table)
        parts += [f"(SELECT {e} FROM {table})" for e in expressions]  # noqa: S608 - names from model metadata
    return "SELECT " + ", ".join(parts)


# Derived values by (name, fingerprint of their tables, arguments), kept in this process as live objects:
# unpickling model instances from a cache backend costs more than a page may. A key moves with any write
# to the tables read, so a kept value is never stale; a few values per name are kept.
_MEMO: dict[str, dict[tuple, object]] = {}
_MEMO_SIZE = 8


def memoised(name: str, tables, arguments: tuple, compute):
    """compute(), reused while `tables` are unchanged (settings.SAPSMED_MEMO_DERIVED; callers keep it read-only)."""
    if not enabled():
        return compute()
    kept = _MEMO.setdefault(name, {})
    key = (tables_fingerprint(tables), arguments)
    value = kept.get(key)  # one lookup: another thread may clear the dict meanwhile (gthread workers)
    if value is None:
        value = compute()
        if len(kept) >= _MEMO_SIZE:
            kept.clear()
        kept[key] = value
    return value


def public_page(tables, *, extra_key=None):
    """Serve a GET page the same for every anonymous visitor from Django's cache while `tables()` are unchanged.

    `extra_key(request)` adds what else the page is drawn from (e.g. progress statuses on the roadmap).
    """
    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            key = _page_key(view, request, tables, extra_key)
            page = cache.get(key) if key else None
            if page is not None:
                content, content_type = page
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if (key and response.status_code == 200 and not getattr(response, "streaming", False)
                    and not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")):
                cache.set(key, (response.content, response["Content-Type"]))
            return response
        return wrapper
    return decorate


def _page_key(view, request, tables, extra_key) -> str | None:
    if not enabled() or request.method != "GET" or request.user.is_authenticated:
        return None
    if len(messages.get_messages(request)):
        return None
    parts = (view.__module__, view.__qualname__, request.get_full_path(), tables_fingerprint(tables()),
             extra_key(request) if extra_key else None)
    return "public-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()

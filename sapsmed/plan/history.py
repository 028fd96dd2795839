"""Change history of plan content, read from the audit records, for display on an object's page."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format

_KIND = {"+": "Created", "~": "Changed", "-": "Deleted"}
_HIDDEN = {"id", "history_id", "history_date", "history_user", "history_type", "history_change_reason"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - a field removed since the record was written keeps its raw name
        return name


def _show(value) -> str:
    """A recorded value as the page prints it: a moment in the reader's time zone and a date as the "When"
    column writes them, never as the database stores them ("2026-12-06 00:27:49.254635+00:00")."""
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "j M Y H:i")
    if isinstance(value, date):
        return date_format(value, "j M Y")
    return str(value)


def _m2m_rows(records, names: list[str], keys: dict) -> dict:
    """(field, history_id) -> ids of the related objects each historical record held; one query per field."""
    held: dict = {}
    if not records:
        return held
    ids = [r.history_id for r in records]
    for name in names:
        through = getattr(records[0], name).model
        column = f"{keys[name]._meta.model_name}_id"
        for history_id, related_id in through.objects.filter(history_id__in=ids).values_list("history_id", column):
            held.setdefault((name, history_id), set()).add(related_id)
    return held


def change_history(instance, *, limit: int = 30) -> list[HistoryEntry]:
    """Newest first: who changed what, when and why; each change with its before and after.

    Many-to-many values are read from prefetched rows and named in one query per related model,
    so the page asks the database a fixed number of times however long the history is.
    """
    model = type(instance)
    m2m = [f.name for f in getattr(instance.history.model, "_history_m2m_fields", [])]
    keys = {name: model._meta.get_field(name).related_model for name in m2m}
    ordered = instance.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(ordered[: limit + 1])
    held = _m2m_rows(records, m2m, keys)
    pending = []  # (entry changes list, field name, before ids, after ids), named once all are known
    wanted: dict = {}
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, excluded_fields=m2m)
            changes = [FieldChange(_label(model, c.field), _show(c.old), _show(c.new))
                       for c in delta.changes if c.field not in _HIDDEN]
            for name, related in keys.items():
                before = held.get((name, older.history_id), set())
                after = held.get((name, newer.history_id), set())
                if before != after:
                    pending.append((changes, name, before, after))
                    wanted.setdefault(related, set()).update(before | after)
        who = newer.history_user.get_username() if newer.history_user else "system (data load)"
        entries.append(HistoryEntry(newer.history_date, who, _KIND.get(newer.history_type, "?"),
                                    newer.history_change_reason or "", changes))
    names = {related: {o.pk: str(o) for o in related.objects.filter(pk__in=ids)} for related, ids in wanted.items()}
    for changes, name, before, after in pending:
        known = names[keys[name]]

        def show(ids, known=known):
            return ", ".join(sorted(known.get(i, f"#{i}") for i in ids)) or "(none)"

        changes.append(FieldChange(_label(model, name), show(before), show(after)))
    return entries

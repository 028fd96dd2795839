"""Change history of plan content, read from the audit records, for display on an object's page."""

from dataclasses import dataclass

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
    if value in (None, ""):
        return "(empty)"
    return str(value)


def _m2m_names(model, change) -> tuple[str, str]:
    """Many-to-many values come as through-row dicts of ids; show the related objects' names."""
    related = model._meta.get_field(change.field).related_model
    key = related._meta.model_name

    def ids(rows):
        return {row[key] for row in rows or []}

    names = {o.pk: str(o) for o in related.objects.filter(pk__in=ids(change.old) | ids(change.new))}

    def show(rows):
        return ", ".join(sorted(names.get(i, f"#{i}") for i in ids(rows))) or "(none)"

    return show(change.old), show(change.new)


def _field_change(model, change) -> FieldChange:
    if isinstance(change.old, list) or isinstance(change.new, list):
        before, after = _m2m_names(model, change)
    else:
        before, after = _show(change.old), _show(change.new)
    return FieldChange(_label(model, change.field), before, after)


def change_history(instance, *, limit: int = 30) -> list[HistoryEntry]:
    """Newest first: who changed what, when and why; each change with its before and after."""
    ordered = instance.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(ordered[: limit + 1])
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            changes = [_field_change(type(instance), c) for c in delta.changes if c.field not in _HIDDEN]
        who = newer.history_user.get_username() if newer.history_user else "system (data load)"
        entries.append(HistoryEntry(newer.history_date, who, _KIND.get(newer.history_type, "?"),
                                    newer.history_change_reason or "", changes))
    return entries

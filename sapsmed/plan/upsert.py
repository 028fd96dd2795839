"""Create-or-update of reference rows that saves only real changes, with the reason in the history."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, {self.unchanged[kind]} unchanged"
            for kind in kinds
        ]


def upsert(model, lookup: dict, values: dict, *, report: LoadReport, reason: str, m2m: dict | None = None):
    """Return the row matching `lookup`, created or brought up to `values`; untouched when equal.

    Saving only on a real difference keeps the audit history free of no-op entries, so loading
    the same files twice changes nothing at all.
    """
    kind = model._meta.verbose_name_plural
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup, **values)
        obj._change_reason = reason
        obj.save()
        changed = True
    else:
        diff = {k: v for k, v in values.items() if getattr(obj, k) != v}
        if diff:
            for k, v in diff.items():
                setattr(obj, k, v)
            obj._change_reason = reason
            obj.save()
        changed = bool(diff)
    for name, targets in (m2m or {}).items():
        manager = getattr(obj, name)
        wanted = {t.pk for t in targets}
        if set(manager.values_list("pk", flat=True)) != wanted:
            obj._change_reason = reason
            manager.set(targets)
            changed = True
    if created:
        report.created[kind] += 1
    elif changed:
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
    return obj, changed

"""Writes every line's terms of a new plan version at once, with the same audit records a save would make.

A new version copies all the lines (300 or more), so saving them one by one took about 9,000 queries;
this writes the rows, their lists and their history in bulk: a fixed handful of queries per list field.
The history holds, for each new row, a "created" record with its lists, exactly as
django-simple-history records a single save, so later changes show the right "before".
Called by the amendment approval and the workbook import services, inside their transactions, after
they checked the terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.apps import apps
from simple_history.utils import bulk_create_with_history

from sapsmed.core import roadmap_fields as rf
from sapsmed.plan.models import ActionLineVersion, PlanVersion

_SCALARS = tuple(f.name for f in rf.TERMS if f.kind != "list" and f.name != "pathway")


def version_lines_create(version: PlanVersion, new_plan: Mapping[str, Mapping], refs, *, user, reason: str) -> int:
    """Create the version's terms of every line in `new_plan` (code -> terms); returns how many."""
    codes = list(new_plan)
    terms = [rf.normalise_terms(new_plan[code]) for code in codes]
    rows = []
    for code, t in zip(codes, terms, strict=True):
        values = {name: t[name] for name in _SCALARS}
        values["funding_amount"] = Decimal(t["funding_amount"]) if t["funding_amount"] is not None else None
        rows.append(ActionLineVersion(action_line=refs.lines[code], plan_version=version,
                                      pathway=refs.pathways.get(t["pathway"]) if t["pathway"] else None, **values))
    created = bulk_create_with_history(rows, ActionLineVersion, default_user=user, default_change_reason=reason)
    history_ids = dict(ActionLineVersion.history.filter(id__in=[row.pk for row in created])
                       .values_list("id", "history_id"))
    for name in ("lead_states", "proponent_states", "proponent_organisations", "types_of_measure", "predecessors"):
        _links_create(name, created, [refs.m2m(t)[name] for t in terms], history_ids)
    return len(created)


def _links_create(name: str, created: list, targets: list[list], history_ids: dict[int, int]) -> None:
    """One list field: the through rows, then their copies in the creation history records."""
    field = ActionLineVersion._meta.get_field(name)
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    links = through.objects.bulk_create([through(**{source: row.pk, target: obj.pk})
                                         for row, objs in zip(created, targets, strict=True) for obj in objs])
    history = apps.get_model(ActionLineVersion._meta.app_label, f"HistoricalActionLineVersion_{name}")
    history.objects.bulk_create([history(id=link.pk, history_id=history_ids[getattr(link, source)],
                                         **{source: getattr(link, source), target: getattr(link, target)})
                                 for link in links])

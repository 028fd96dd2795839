"""The roadmap's drawing order stored on each line of a version (draw_rank), written with the plan's changes.

Rules, in words:
- A version's lines are drawn by goal, each line after its predecessors (core.sequencing.drawing_order). The
  place of each line is stored, so a page of the timeline is read in that order from an index.
- The plan's services change lines only in the version in force, and announce it (plan.events): the order of
  that version is written then, in their transaction. An earlier version keeps the order it had.
- `refresh()` writes the order of every version; `differences()` names each line whose stored place is not
  the one a fresh computation gives (manage.py check_derived and refresh_assessments use both).
"""

from __future__ import annotations

from datetime import date

from sapsmed.core.sequencing import drawing_order
from sapsmed.plan.models import ActionLineVersion, PlanVersion


def _places(version_ids: list[int]) -> dict[int, int]:
    """Line-version key -> its place (1, 2, ...) in its version's drawing order; two queries for all versions."""
    lines: dict[int, dict[str, tuple[int, str]]] = {}
    for pk, version_id, code, goal in ActionLineVersion.objects.filter(plan_version_id__in=version_ids).values_list(
            "pk", "plan_version_id", "action_line__code", "action_line__action__outcome__goal__code"):
        lines.setdefault(version_id, {})[code] = (pk, goal)
    preds: dict[int, list[str]] = {}
    for pk, code in ActionLineVersion.predecessors.through.objects.filter(
            actionlineversion__plan_version_id__in=version_ids).values_list("actionlineversion_id", "actionline__code"):
        preds.setdefault(pk, []).append(code)
    places = {}
    for by_code in lines.values():
        order = drawing_order({code: (goal, preds.get(pk, [])) for code, (pk, goal) in by_code.items()})
        places.update({by_code[code][0]: place for place, code in enumerate(order, start=1)})
    return places


def _stale(version_ids: list[int]) -> list[ActionLineVersion]:
    places = _places(version_ids)
    rows = ActionLineVersion.objects.filter(plan_version_id__in=version_ids).only("pk", "draw_rank")
    stale = [lv for lv in rows if lv.draw_rank != places[lv.pk]]
    for lv in stale:
        lv.draw_rank = places[lv.pk]
    return stale


def order_lines(version_ids: list[int] | None = None) -> int:
    """Write the drawing order of these versions (None: the version in force); returns the lines moved."""
    if version_ids is None:
        latest = PlanVersion.objects.order_by("-number").values_list("pk", flat=True).first()
        version_ids = [] if latest is None else [latest]
    stale = _stale(version_ids)
    ActionLineVersion.objects.bulk_update(stale, ["draw_rank"], batch_size=1000)
    return len(stale)


def refresh(*, as_of: date | None = None) -> int:
    """Write the drawing order of every version (idempotent); returns the lines whose place changed."""
    return order_lines(list(PlanVersion.objects.values_list("pk", flat=True)))


def differences(*, as_of: date | None = None) -> list[str]:
    """One sentence per line whose stored place differs from a fresh computation."""
    stale = _stale(list(PlanVersion.objects.values_list("pk", flat=True)))
    if not stale:
        return []
    named = {pk: (code, number) for pk, code, number in ActionLineVersion.objects.filter(
        pk__in=[lv.pk for lv in stale]).values_list("pk", "action_line__code", "plan_version__number")}
    return [f"Roadmap order {named[lv.pk][0]} (version {named[lv.pk][1]}): stored place differs; recomputed "
            f"{lv.draw_rank}." for lv in sorted(stale, key=lambda lv: lv.draw_rank)]

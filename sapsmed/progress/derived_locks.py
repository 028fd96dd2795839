"""Locks that make two recomputes of the same stored progress rows take turns."""

from sapsmed.plan.models import ActionLine


def lock_lines(line_ids: set[int] | None) -> None:
    """Take turns with any other recompute of these lines' rows (None: all lines) before reading their facts.

    Two writers recomputing the same stream at once would otherwise each read the facts before the other's
    commit, and the last to write would store a status that misses the other's report. The locks are on the
    action lines (in key order, so two writers never wait for each other in a circle); SQLite writes one
    transaction at a time anyway.
    """
    lines = ActionLine.objects.order_by("pk").select_for_update()
    list((lines if line_ids is None else lines.filter(pk__in=line_ids)).values_list("pk", flat=True))

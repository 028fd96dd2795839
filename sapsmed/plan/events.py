"""What the plan's services announce, so that apps above the plan can recompute what they derive from it.

The plan app must not import the apps that read it (layers go one way). A service that changes the plan in
force sends `plan_changed` itself, inside its own transaction, after the change: a receiver's failure rolls
the change back with it. Nothing is sent from save() or model signals, so a write outside the services is
not announced (`manage.py check_derived` finds what that left stale).
"""

from django.dispatch import Signal

from sapsmed.plan.roadmap_order import order_lines

# Sent with line_ids: the action lines whose terms changed (ids), or None when any may have changed.
plan_changed = Signal()


def announce_plan_changed(*, line_ids=None) -> None:
    """Write the plan's own derived order, then tell every receiver, now, in the caller's transaction (send, not
    send_robust: a failure must roll back)."""
    order_lines()
    plan_changed.send(sender=None, line_ids=None if line_ids is None else set(line_ids))

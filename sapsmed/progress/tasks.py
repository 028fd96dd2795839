"""Background tasks of progress monitoring: thin wrappers over the notification services."""

from datetime import date

from django.tasks import task
from django.utils import timezone

from sapsmed.progress import notifications


@task
def report_event_notify(report_id: int, action: str) -> int:
    """E-mail the people concerned by a report's submission, return or acceptance."""
    return notifications.report_event_send(report_id, action)


@task
def reminders_send(today: str | None = None) -> int:
    """E-mail reminders to proponents with reports still missing before a round's due date."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return notifications.reminders_send(today=day)

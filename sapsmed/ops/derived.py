"""Every stored derived value of the platform, checked and refreshed in one place.

Rules, in words:
- Each app that stores values derived from its facts offers `refresh(as_of=...)` (recompute every row,
  return how many changed) and `differences(as_of=...)` (recompute without writing, one sentence per row
  that differs). This module lists them, so `check_derived`, `refresh_assessments` and the daily task
  cover all of them.
- The daily task refreshes what changes with the date alone, then books its own next run for the
  next day; booking twice is harmless (a refresh is idempotent) but is avoided.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

from sapsmed.kpis import derived as kpi_derived
from sapsmed.plan import roadmap_order
from sapsmed.progress import derived as progress_derived
from sapsmed.search import services as search_index

KINDS = (("roadmap drawing order", roadmap_order), ("early warning and round completeness", progress_derived),
         ("KPI scorecard", kpi_derived), ("search index", search_index))
DAILY_AT = time(0, 15)  # local time, after the day has turned: due dates and planned ends are dates


def differences(as_of: date | None = None) -> list[str]:
    return [line for _name, module in KINDS for line in module.differences(as_of=as_of)]


def refresh(as_of: date | None = None) -> dict[str, int]:
    """Recompute every stored derived row; {kind: rows that changed}."""
    return {name: module.refresh(as_of=as_of) for name, module in KINDS}


def next_run(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now)
    day = now.date() if now.time() < DAILY_AT else now.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, DAILY_AT))


@task
def assessments_refresh_daily() -> dict[str, int]:
    """Refresh what changes with the date alone, then book tomorrow's run."""
    changed = refresh()
    daily_book()
    return changed


def daily_book() -> bool:
    """Book the next daily refresh unless one is already waiting; returns whether one was booked."""
    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db"):
        return False  # tests run tasks at once: there is nothing to book
    path = f"{assessments_refresh_daily.func.__module__}.{assessments_refresh_daily.func.__qualname__}"
    if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
        return False
    assessments_refresh_daily.using(run_after=next_run()).enqueue()
    return True

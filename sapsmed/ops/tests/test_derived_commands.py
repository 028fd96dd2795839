"""check_derived and refresh_assessments cover every stored derived value; the daily refresh books itself once."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from sapsmed.kpis.derived_models import ScorecardCell
from sapsmed.ops import derived
from sapsmed.progress.models import RoundExpectation

pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_fresh_database_has_nothing_to_mend(open_round):
    out = StringIO()
    call_command("check_derived", stdout=out)
    assert out.getvalue().strip() == "Every stored derived value matches a recomputation from the facts."


def test_rows_edited_behind_the_platforms_back_are_named_and_mended(open_round):
    RoundExpectation.objects.filter(round=open_round, action_line__code="B-2-1.3",
                                    member_state__iso3="MYS").delete()
    cell = ScorecardCell.objects.select_related("kpi", "state").first()
    ScorecardCell.objects.filter(pk=cell.pk).delete()
    out = StringIO()
    with pytest.raises(CommandError, match=r"^2 stored derived row\(s\) differ"):
        call_command("check_derived", stdout=out)
    assert "Round 2026-H2: B-2-1.3 (MYS): expected report not stored." in out.getvalue()
    out = StringIO()
    call_command("refresh_assessments", stdout=out)
    assert "early warning and round completeness: 1 row(s) changed, KPI scorecard: 1 row(s) changed" in out.getvalue()
    call_command("check_derived", stdout=StringIO())  # raises if anything still differs


def test_the_daily_refresh_is_booked_once_for_the_next_quarter_past_midnight(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    assert derived.daily_book() is True
    assert derived.daily_book() is False
    booked = DBTaskResult.objects.get()
    assert booked.task_path == "sapsmed.ops.derived.assessments_refresh_daily" and booked.status == "READY"
    tz = ZoneInfo(settings.TIME_ZONE)
    assert derived.next_run(datetime(2026, 12, 6, 0, 10, tzinfo=tz)) == datetime(2026, 12, 6, 0, 15, tzinfo=tz)
    assert derived.next_run(datetime(2026, 12, 6, 9, 0, tzinfo=tz)) == datetime(2026, 12, 7, 0, 15, tzinfo=tz)

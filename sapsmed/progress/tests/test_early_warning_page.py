"""Early warning over stored reports: each (line, reporting state) assessed by the core rules, worst first,
filtered by goal, champion and state, with thresholds from settings."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from sapsmed.plan.models import ActionLine, ActionLineVersion, MemberState
from sapsmed.progress.derived import streams_recompute
from sapsmed.progress.models import ProgressReport, ReportingRound
from sapsmed.progress.selectors import public_line_statuses
from sapsmed.progress.warning import assess

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_round(today):
    return ReportingRound.objects.create(name="2026-H1", opens_on=today - timedelta(days=60),
                                         due_on=today - timedelta(days=40), locks_on=today - timedelta(days=35))


def stored(rnd, code="B-2-1.3", iso3="MYS", workflow="accepted", **fields):
    """A report as it stands in the database (set up directly: these tests are about reading it), with the
    stored assessments refreshed as the nightly refresh would."""
    values = {"status": "on_track", "percent_complete": 20, "planned_start": date(2025, 1, 1),
              "planned_end": timezone.localdate() + timedelta(days=365), "narrative": "x",
              "submitted_at": timezone.now() - timedelta(days=45)}
    values.update(fields)
    report = ProgressReport.objects.create(round=rnd, action_line=ActionLine.objects.get(code=code),
                                           member_state=MemberState.objects.get(iso3=iso3),
                                           workflow_status=workflow, **values)
    streams_recompute()
    return report


def stream(code, iso3):
    return next(s for s in assess().streams if s.line.action_line.code == code and s.state.iso3 == iso3)


def test_a_line_far_behind_schedule_is_red_with_its_reason_in_words(past_round):
    stored(past_round, percent_complete=5, planned_start=date(2024, 1, 1))
    found = stream("B-2-1.3", "MYS")
    assert found.rag == "red"
    assert found.warning.flags[0].reason.startswith("Behind schedule: 5% complete with")


def test_drafts_and_returned_reports_do_not_count_but_submitted_ones_do(past_round):
    stored(past_round, workflow="draft", percent_complete=5)
    stored(past_round, iso3="LAO", workflow="returned", percent_complete=5)
    assert stream("B-2-1.3", "MYS").rag == "grey" and stream("B-2-1.3", "LAO").rag == "grey"
    ProgressReport.objects.filter(member_state__iso3="MYS").update(workflow_status="submitted")
    streams_recompute()
    assert stream("B-2-1.3", "MYS").rag != "grey"


def test_a_missing_report_after_the_due_date_is_flagged_overdue(past_round):
    found = stream("B-2-1.2", "LAO")
    assert found.rag == "grey"
    assert "Report overdue: no report submitted for round 2026-H1" in found.warning.flags[0].reason


def test_thresholds_come_from_settings(past_round, settings):
    stored(past_round, percent_complete=30, planned_start=date(2025, 1, 1),
           planned_end=timezone.localdate() + timedelta(days=200))
    assert stream("B-2-1.3", "MYS").rag in ("amber", "red")
    settings.SAPSMED_EARLY_WARNING = {"schedule_amber_points": 90, "schedule_red_points": 95}
    assert stream("B-2-1.3", "MYS").rag == "green"


def test_a_misspelt_threshold_stops_with_a_message(settings):
    settings.SAPSMED_EARLY_WARNING = {"schedule_amber_pts": 10}
    with pytest.raises(ImproperlyConfigured, match="unknown keys \\['schedule_amber_pts'\\]"):
        assess()


def test_a_late_predecessor_is_flagged_on_the_line_that_waits_for_it(past_round):
    terms = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    terms.predecessors.add(ActionLine.objects.get(code="B-2-1.2"))
    streams_recompute()
    stored(past_round, code="B-2-1.2", status="dropped")
    stored(past_round)
    reasons = [f.reason for f in stream("B-2-1.3", "MYS").warning.flags]
    assert "Predecessor dropped: B-2-1.2 (MYS), which this line waits for, has been dropped." in reasons


def test_the_line_status_for_the_roadmap_is_the_worst_of_its_reporting_states(past_round):
    stored(past_round, status="completed", percent_complete=100)
    stored(past_round, iso3="LAO", percent_complete=5, planned_start=date(2024, 1, 1))
    status = public_line_statuses()
    assert status["B-2-1.3"] == ("red", "Red: serious problem", False)
    stored(past_round, code="A-1-3.1", iso3="THA", status="completed", percent_complete=100)
    stored(past_round, code="A-1-3.1", iso3="VNM", status="completed", percent_complete=100)
    assert public_line_statuses()["A-1-3.1"] == ("done", "Done: completed", False)
    assert set(status) == {"B-2-1.3"}  # lines without an accepted report have no public status


def test_the_public_status_counts_accepted_reports_only(past_round):
    stored(past_round, workflow="validated", percent_complete=5, planned_start=date(2024, 1, 1))
    assert "B-2-1.3" not in public_line_statuses()
    assert stream("B-2-1.3", "MYS").rag == "red"  # the role holders' early warning counts it


def test_the_page_lists_flagged_lines_worst_first_and_filters_them(past_round, client_for):
    stored(past_round, percent_complete=5, planned_start=date(2024, 1, 1))
    client = client_for("viewer")
    html = client.get("/progress/early-warning/").content.decode()
    assert html.index('id="w-B-2-1.3-MYS"') < html.index('id="w-B-2-1.2-LAO"')  # red before grey (overdue)
    assert "Behind schedule: 5% complete" in html
    assert 'id="w-B-2-1.3-MYS"' not in client.get("/progress/early-warning/?goal=A").content.decode()
    assert 'id="w-B-2-1.3-MYS"' in client.get("/progress/early-warning/?champion=MYS").content.decode()
    by_state = client.get("/progress/early-warning/?state=LAO").content.decode()
    assert 'id="w-B-2-1.3-MYS"' not in by_state and 'id="w-B-2-1.2-LAO"' in by_state


def test_the_excel_export_carries_the_same_reasons(past_round, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    stored(past_round, percent_complete=5, planned_start=date(2024, 1, 1))
    response = client_for("viewer").get("/progress/early-warning.xlsx?goal=B")
    rows = list(load_workbook(BytesIO(response.content))["Early warning"].values)
    assert rows[0] == ("Action line", "State", "Goal", "Status", "Severity", "Flag", "Reason")
    assert any(r[0] == "B-2-1.3" and r[4] == "red" and r[6].startswith("Behind schedule: 5%") for r in rows[1:])
    assert all(r[2] == "B" for r in rows[1:])


def test_the_pages_of_the_table_link_to_each_other_with_the_filters_kept(past_round, client_for, monkeypatch):
    from sapsmed.progress import dashboards

    stored(past_round, percent_complete=5, planned_start=date(2024, 1, 1))
    monkeypatch.setattr(dashboards, "WARNING_PAGE_SIZE", 1)
    client = client_for("viewer")
    first = client.get("/progress/early-warning/?goal=B").content.decode()
    assert '· <a href="?goal=B&amp;page=2">next</a>' in first  # one "?", so the browser sends the page
    second = client.get("/progress/early-warning/?goal=B&page=2").content.decode()
    assert "Page 2 of" in second and '<a href="?goal=B&amp;page=1">previous</a>' in second
    assert 'id="w-B-2-1.3-MYS"' in first and 'id="w-B-2-1.3-MYS"' not in second

"""Progress pages ask the database a fixed number of times, from a few reports to 20 rounds × 300 lines."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sapsmed.plan.models import Action, ActionLine, ActionLineVersion, MemberState
from sapsmed.plan.selectors import current_version
from sapsmed.progress.derived import streams_recompute
from sapsmed.progress.models import Milestone, ProgressReport, ReportingRound, ReportTransition

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def grow(rounds: int, lines: int, start: int):
    """`lines` more action lines led by Malaysia, each waiting for the previous one, reported in `rounds` more
    accepted half-year rounds (bulk-created: this test is about reading)."""
    action = Action.objects.get(code="B-2-1")
    version = current_version()
    mys = MemberState.objects.get(iso3="MYS")
    new_lines = ActionLine.objects.bulk_create(
        [ActionLine(action=action, code=f"B-2-1.{start + i}", line_no=start + i) for i in range(lines)])
    terms = ActionLineVersion.objects.bulk_create(
        [ActionLineVersion(action_line=line, plan_version=version, title=f"Line {line.code}", source="test")
         for line in new_lines])
    ActionLineVersion.lead_states.through.objects.bulk_create(
        [ActionLineVersion.lead_states.through(actionlineversion_id=t.pk, memberstate_id=mys.pk) for t in terms])
    ActionLineVersion.predecessors.through.objects.bulk_create(
        [ActionLineVersion.predecessors.through(actionlineversion_id=t.pk, actionline_id=prev.pk)
         for t, prev in zip(terms[1:], new_lines, strict=False)])
    first = ReportingRound.objects.count()
    new_rounds = ReportingRound.objects.bulk_create(
        [ReportingRound(name=f"T{first + n}", opens_on=date(2000 + first + n, 1, 1),
                        due_on=date(2000 + first + n, 2, 1), locks_on=date(2000 + first + n, 3, 1))
         for n in range(rounds)])
    every_line = list(ActionLine.objects.filter(code__startswith="B-2-1."))
    old_rounds = [r for r in ReportingRound.objects.filter(name__startswith="T") if r not in new_rounds]
    # Every (round, line) pair gets one report: new rounds for all lines, old rounds for the new lines.
    pairs = [(r, line) for r in new_rounds for line in every_line] + [(r, line) for r in old_rounds
                                                                       for line in new_lines]
    reports = ProgressReport.objects.bulk_create(
        [ProgressReport(round=r, round_opens_on=r.opens_on, action_line=line, member_state=mys,
                        workflow_status="accepted", status="on_track",
                        percent_complete=50, planned_start=date(2000, 1, 1), planned_end=date(2030, 1, 1),
                        budget_planned=100, budget_spent=40, currency="USD",
                        submitted_at=timezone.make_aware(timezone.datetime(r.due_on.year, 1, 20)),
                        first_submitted_at=timezone.make_aware(timezone.datetime(r.due_on.year, 1, 20)))
         for r, line in pairs])
    Milestone.objects.bulk_create([Milestone(report=r, name="Step", planned_on=date(2001, 1, 1)) for r in reports])
    ReportTransition.objects.bulk_create([ReportTransition(report=r, action="accept", from_status="validated",
                                                           to_status="accepted", at=timezone.now()) for r in reports])
    streams_recompute()  # as a bulk load does after writing its reports


PAGES = [
    ("viewer", "/progress/rounds/"),
    ("viewer", "/progress/rounds/2026-H2/"),
    ("viewer", "/progress/rounds/2026-H2/dashboard.xlsx"),
    ("viewer", "/progress/early-warning/"),
    ("viewer", "/progress/early-warning/?all=1&goal=B"),
    ("viewer", "/progress/early-warning.xlsx"),
    ("viewer", "/progress/lines/B-2-1.3/"),
    ("proponent_mys", "/progress/"),
    ("champion_b", "/progress/"),
    ("secretariat", "/progress/"),
    ("proponent_mys", "/progress/rounds/2026-H2/workbook.xlsx"),
]


def test_progress_pages_do_not_ask_more_as_rounds_and_reports_grow(client_for, open_round):
    clients = {persona: client_for(persona) for persona, _ in PAGES}
    grow(rounds=2, lines=3, start=100)
    before = {(p, url): queries(clients[p], url) for p, url in PAGES}
    grow(rounds=18, lines=297, start=200)
    assert ReportingRound.objects.filter(name__startswith="T").count() == 20
    assert ProgressReport.objects.filter(round__name__startswith="T").count() >= 20 * 300
    after = {(p, url): queries(clients[p], url) for p, url in PAGES}
    assert after == before
    assert max(after.values()) <= 20, after


def test_the_report_page_does_not_ask_more_with_more_steps_and_files(personas, draft, client_for, today):
    from sapsmed.progress.tests.conftest import move

    client = client_for("champion_b")
    url = f"/progress/reports/{draft.pk}/"
    before = queries(client, url)
    for _ in range(3):
        move(draft, personas["proponent_mys"], "submit")
        move(draft, personas["proponent_mys"], "withdraw")
    Milestone.objects.bulk_create([Milestone(report=draft, name=f"M{i}", planned_on=today + timedelta(days=i))
                                   for i in range(20)])
    assert queries(client, url) == before <= 20

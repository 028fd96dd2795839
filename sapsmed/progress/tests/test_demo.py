"""Demonstration data: a synthetic, deterministic history 2016-2025, labelled wherever it shows, removable."""

import re
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from sapsmed.progress.demo import SCENARIOS, demo_load
from sapsmed.progress.models import (
    Milestone,
    ProgressReport,
    ReportingRound,
    ReportTransition,
)
from sapsmed.progress.warning import assess

pytestmark = pytest.mark.django_db
BANNER = "Demonstration data."
AS_OF = date(2026, 11, 26)


@pytest.fixture
def demo(personas):
    call_command("load_demo_progress", stdout=StringIO())
    return ReportingRound.objects.filter(is_demo=True)


def test_the_history_covers_half_year_rounds_2016_to_2025_and_every_row_is_flagged(demo):
    assert [r.name for r in demo.order_by("opens_on")][:2] == ["2016-H1", "2016-H2"]
    assert demo.count() == 20 and demo.order_by("opens_on").last().name == "2025-H2"
    for model in (ProgressReport, ReportTransition, Milestone):
        assert model.objects.exists() and not model.objects.filter(is_demo=False).exists()


def test_the_history_is_varied_and_the_same_every_time(demo):
    statuses = set(ProgressReport.objects.values_list("status", flat=True))
    assert {"on_track", "delayed", "completed", "dropped"} <= statuses
    first = assess(as_of=AS_OF).line_status  # a fixed date: the synthetic plan's dates are fixed too
    assert {"green", "amber", "red", "done", "dropped"} <= set(first.values())
    assert set(ProgressReport.objects.values_list("workflow_status", flat=True)) >= {"accepted", "submitted",
                                                                                  "validated", "returned"}
    fingerprint = list(ProgressReport.objects.order_by("round__opens_on", "action_line__code", "member_state__iso3")
                       .values_list("round__name", "action_line__code", "member_state__iso3", "status",
                                    "percent_complete", "budget_spent"))
    call_command("remove_demo_progress")
    demo_load()
    again = list(ProgressReport.objects.order_by("round__opens_on", "action_line__code", "member_state__iso3")
                 .values_list("round__name", "action_line__code", "member_state__iso3", "status",
                              "percent_complete", "budget_spent"))
    assert again == fingerprint and assess(as_of=AS_OF).line_status == first
    assert len(SCENARIOS) == 9


@pytest.mark.parametrize("url", ["/progress/rounds/", "/progress/rounds/2025-H2/", "/progress/early-warning/",
                                 "/progress/lines/B-2-1.3/", "/progress/"])
def test_every_page_showing_it_says_demonstration_data(demo, client_for, url):
    assert BANNER in client_for("secretariat").get(url).content.decode()


def test_the_report_page_and_exports_say_demonstration_data(demo, client_for):
    report = ProgressReport.objects.filter(round__name="2025-H1").first()
    assert BANNER in client_for("secretariat").get(f"/progress/reports/{report.pk}/").content.decode()
    for url, sheet in (("/progress/early-warning.xlsx", "Early warning"),
                       ("/progress/rounds/2025-H2/dashboard.xlsx", "By state")):
        book = load_workbook(BytesIO(client_for("viewer").get(url).content))
        assert book["About"]["A2"].value.startswith("Demonstration data: these reports are synthetic")
        rows = list(book[sheet].values)
        assert rows[0][0] == "Data" and all(r[0] == "Demonstration data" for r in rows[1:])


def test_pages_without_demonstration_data_do_not_say_so(client_for, open_round):
    assert BANNER not in client_for("secretariat").get("/progress/early-warning/").content.decode()


def test_loading_twice_changes_nothing(demo):
    before = ProgressReport.objects.count()
    call_command("load_demo_progress")
    assert ProgressReport.objects.count() == before


def test_remove_deletes_all_of_it_and_only_it(demo, draft):
    call_command("remove_demo_progress")
    assert not ReportingRound.objects.filter(is_demo=True).exists()
    assert list(ProgressReport.objects.all()) == [draft]
    assert not ProgressReport.history.filter(is_demo=True).exists()


def test_remove_refuses_when_real_reports_were_written_in_a_demonstration_round(demo):
    ProgressReport.objects.filter(round__name="2025-H2").update(is_demo=False)
    with pytest.raises(CommandError, match="real report\\(s\\) were written in demonstration rounds"):
        call_command("remove_demo_progress")
    assert ReportingRound.objects.filter(is_demo=True).count() == 20


def test_every_early_warning_row_drawn_from_demonstration_reports_carries_the_label(demo, client_for):
    html = client_for("secretariat").get("/progress/early-warning/?all=1").content.decode()
    rows = re.findall(r'<tr id="w-[^"]+" class="warning-row">(.*?)</tr>', html, re.S)
    reported = [row for row in rows if "round 20" in row]  # the rows whose status reads a (synthetic) report
    assert len(reported) > 10
    assert all('<span class="badge demo"' in row for row in reported)

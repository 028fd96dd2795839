"""A proponent submits a report, the champion returns it, the proponent resubmits, the champion validates,
the Secretariat accepts; the early-warning page then shows the line's status."""

from datetime import timedelta

import pytest

from sapsmed.accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/?next=/progress/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/progress/")


def open_report(page):
    page.click("a.button:has-text('Open')")
    page.wait_for_url("**/progress/reports/*/")


def test_a_report_goes_from_proponent_to_champion_and_back_then_to_acceptance(live_server, page, screenshot):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sapsmed.ops.demo_users import demo_users_create
    from sapsmed.ops.loading import plan_load
    from sapsmed.progress.services import round_open

    plan_load()  # transactional tests start from an empty database
    demo_users_create()
    today = timezone.localdate()
    secretariat = get_user_model().objects.get(username="secretariat")
    round_open(by=secretariat, name="2026-H2", opens_on=today - timedelta(days=5), due_on=today + timedelta(days=25),
               locks_on=today + timedelta(days=40))
    base = live_server.url

    # The proponent sees what it must report, writes B-2-1.3 and submits it.
    log_in(page, base, "proponent.mys")
    assert "Round 2026-H2" in page.inner_text("main") and "in 25 days" in page.inner_text("main")
    screenshot("progress-1-my-work-proponent")
    page.click("a[href='/progress/rounds/2026-H2/reports/B-2-1.3/MYS/']")
    page.select_option("#id_status", "on_track")
    page.fill("#id_percent_complete", "35")
    page.fill("#id_planned_start", (today - timedelta(days=300)).isoformat())
    page.fill("#id_planned_end", (today + timedelta(days=400)).isoformat())
    page.fill("#id_currency", "MYR")
    page.fill("#id_budget_planned", "250000")
    page.fill("#id_budget_spent", "70000")
    page.fill("#id_personnel_planned", "6")
    page.fill("#id_personnel_actual", "6")
    page.fill("#id_narrative", "The portal's specification was agreed with the central bank.")
    page.fill("#id_ms-0-name", "Specification agreed")
    screenshot("progress-2-report-form")
    page.click("button[value=submit]")
    page.wait_for_url("**/progress/reports/*/")
    assert "The Country Champion of goal B has been notified" in page.inner_text(".messages")
    report_url = page.url

    # The champion of goal B returns it with a note.
    log_in(page, base, "champion.mys")
    open_report(page)
    page.fill("#id_note", "Please give the amount committed so far.")
    page.click("button[value=return]")
    assert "Returned to the proponent" in page.inner_text(".messages")

    # The proponent sees the note at the top, corrects and resubmits.
    log_in(page, base, "proponent.mys")
    page.goto(report_url)
    assert "Please give the amount committed so far." in page.inner_text(".returned-note")
    screenshot("progress-3-returned-note")
    page.click("text=Edit this report")
    assert page.is_visible(".returned-note")
    page.fill("#id_budget_committed", "120000")
    page.click("button[value=submit]")
    page.wait_for_url(report_url)
    assert "Submitted" in page.inner_text(".wf")

    # The champion validates; the Secretariat accepts.
    log_in(page, base, "champion.mys")
    open_report(page)
    page.click("button[value=validate]")
    assert "Validated" in page.inner_text(".messages")
    log_in(page, base, "secretariat")
    open_report(page)
    page.click("button[value=accept]")
    assert "Accepted: the report now counts" in page.inner_text(".messages")
    assert "Accepted" in page.inner_text(".wf")
    screenshot("progress-4-accepted")

    # Early warning now assesses the line from the accepted report.
    page.goto(base + "/progress/early-warning/?all=1&goal=B")
    row = page.locator("#w-B-2-1\\.3-MYS")
    assert "Green: on track" in row.inner_text()
    assert "Grey: no submitted report yet" in page.locator("#w-B-2-1\\.3-LAO").inner_text()
    screenshot("progress-5-early-warning")
    page.goto(base + "/progress/lines/B-2-1.3/")
    assert page.is_visible("svg.progress-chart")
    screenshot("progress-6-line-history")

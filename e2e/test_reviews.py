"""The Secretariat creates a mid-term review, writes findings, generates it, tables and publishes it with a
scorecard edition; an anonymous visitor then reads both without logging in."""

from decimal import Decimal

import pytest

from sapsmed.accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TABLED = "As tabled at the 20th ACCMSME meeting, 20 November 2026"
EDITION = "KPI scorecard, as endorsed at the 20th ACCMSME, 20 November 2026"


def test_a_review_is_generated_tabled_published_and_read_by_the_public(live_server, page, screenshot, settings,
                                                                          tmp_path):
    from django.contrib.auth import get_user_model

    from sapsmed.jobs.models import Job
    from sapsmed.kpis.models import Kpi
    from sapsmed.kpis.services import observation_record
    from sapsmed.ops.demo_users import demo_users_create
    from sapsmed.ops.loading import plan_load
    from sapsmed.plan.models import MemberState
    from sapsmed.reviews.tasks import generate_review

    settings.MEDIA_ROOT = tmp_path / "media"
    # Queue the generation without running it, so the job page is seen while the report is pending;
    # the test then runs the task as the worker would.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    plan_load()  # transactional tests start from an empty database
    demo_users_create()
    secretariat = get_user_model().objects.get(username="secretariat")
    female_lfp, malaysia = Kpi.objects.get(code="KPI-E2"), MemberState.objects.get(iso3="MYS")
    for year, value in ((2016, "54.1"), (2019, "55.6")):
        observation_record(kpi=female_lfp, state=malaysia, year=year, value=Decimal(value), user=secretariat,
                           reason="", source="World Bank WDI, SL.TLF.CACT.FE.ZS")
    base = live_server.url

    page.goto(base + "/accounts/login/?next=/reviews/")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/reviews/")

    # Ask for a mid-term review: the form proposes its scope; create it and write its findings.
    page.click("a:has-text('a mid-term review')")
    assert page.input_value("#id_cut_off") == "2020-12-31" and page.input_value("#id_kind") == "mid_term"
    assert page.input_value("#id_kpi_year_to") == "2020"
    screenshot("reviews-0-new-review-form")
    page.fill("#id_title", "Mid-Term Review of the SAP SMED 2016-2025")
    page.click("button:has-text('Create review')")
    page.wait_for_url("**/reviews/*/#findings")  # the next step: its findings
    review_url = page.url.split("#")[0]
    page.fill("#id_findings", "Progress was uneven across the five goals.")
    page.fill("#id_recommendations", "Adopt a common statistical definition of MSMEs")
    page.click("button:has-text('Save findings')")
    assert "Findings saved" in page.inner_text(".messages")

    # Generate: the job page shows its progress until the worker has built the page, PDF and workbook.
    page.click("button:has-text('Generate the report')")
    page.wait_for_url("**/jobs/*/")
    assert "Queued" in page.inner_text("main") and page.is_visible("progress")
    screenshot("reviews-1-job-queued")
    job = Job.objects.get(kind="review")
    generate_review.call(str(job.pk), job.params["review"])
    # The job page refreshes itself every 2 seconds; once the report is ready it ends on the review.
    page.wait_for_url(review_url, timeout=10000)
    assert "Report ready: 7 sections" in page.inner_text(".messages")
    assert page.is_visible("a:has-text('PDF (A4)')") and page.is_visible("a:has-text('Excel workbook')")
    screenshot("reviews-2-job-done-on-the-review")
    assert "1. The plan and its versions" in page.inner_text("main")
    assert "Adopt a common statistical definition of MSMEs" in page.inner_text("#sec-findings")
    screenshot("reviews-3-report")

    # Table it at the meeting, then publish the snapshot and an edition of the KPI scorecard.
    page.fill("#id_label", TABLED)
    page.fill("#id_tabled_on", "2026-11-20")
    page.click("button:has-text('Freeze a snapshot')")
    page.wait_for_url("**/reviews/snapshots/*/")
    assert "verified: unchanged since it was frozen" in page.inner_text("main")
    page.click("button:has-text('Publish (readable without login)')")
    assert "Published: anyone can now read it." in page.inner_text(".messages")
    page.goto(base + "/reviews/published/")
    page.click("summary:has-text('Publish the KPI scorecard')")
    page.fill("#id_label", EDITION)
    page.fill("#id_as_of", "2026-11-20")
    page.click("button:has-text('Publish this edition')")
    page.wait_for_url("**/reviews/scorecards/*/")
    screenshot("reviews-4-scorecard-edition-secretariat")

    # An anonymous visitor reads both.
    page.context.clear_cookies()
    page.goto(base + "/reviews/published/")
    page.click(f"#published-snapshots a:has-text('{TABLED}')")
    page.wait_for_url("**/reviews/snapshots/*/")
    assert TABLED in page.inner_text("h1") and "KPI achievement" in page.inner_text("main")
    assert "Log in" in page.inner_text("header")
    screenshot("reviews-5-published-snapshot-public")
    page.goto(base + "/kpis/")
    page.click("#latest-edition a")
    page.wait_for_url("**/reviews/scorecards/*/")
    assert EDITION in page.inner_text("h1")
    malaysia_cell = page.locator("#edition-scorecard tr[data-state='MYS'] td[data-kpi='KPI-E2']").inner_text()
    assert "54.1" in malaysia_cell and "55.6" in malaysia_cell
    assert "Nothing: today's data give the same scorecard." in page.inner_text("main")
    screenshot("reviews-6-published-scorecard-public")

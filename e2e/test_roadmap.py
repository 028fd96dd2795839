"""The roadmap in a browser: filter by Country Champion, amend the plan, and compare two versions."""

import pytest

from sapsmed.accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_filter_the_roadmap_by_champion_then_amend_it_and_compare_versions(live_server, page, screenshot):
    from sapsmed.ops.demo_users import demo_users_create
    from sapsmed.ops.loading import plan_load

    plan_load()  # transactional tests start from an empty database
    demo_users_create()
    base = live_server.url

    page.goto(base + "/roadmap/")
    assert "Implementation roadmap 2016–2025" in page.inner_text("h1")
    assert "Post Integration Period 2016–2020" in page.inner_text("table.timeline thead")
    assert page.locator("tr.line").count() == 12
    screenshot("roadmap-timeline")

    page.select_option("select[name=champion]", "MYS")
    page.click("form.roadmap-filters button[type=submit]")
    page.wait_for_url("**/roadmap/?**champion=MYS**")
    codes = page.locator("tr.line td.code").all_inner_texts()
    assert codes and all(code.startswith("B-") for code in codes)
    assert "Filtered: Country Champion: Malaysia" in page.inner_text(".active-filters")
    assert page.locator("a", has_text="PDF (A3 landscape)").get_attribute("href").endswith("?champion=MYS")
    screenshot("roadmap-filtered-champion-malaysia")

    log_in(page, base, "secretariat", "/roadmap/amendments/new/")
    page.fill("#id_title", "Mid-term review 2021")
    page.fill("#id_reason", "Roadmap updated for 2021-2025 after the mid-term review")
    page.fill("#id_decision_reference", "ACCMSME meeting, 12 March 2021")
    page.click("text=Record the amendment")
    page.wait_for_url("**/roadmap/amendments/*/")
    page.select_option("form[action$='/retime/'] select[name=code]", "B-2-1.3")
    page.fill("form[action$='/retime/'] input[name=target_year]", "2022")
    page.fill("form[action$='/retime/'] input[name=time_frame]", "By 2022")
    page.click("form[action$='/retime/'] button[type=submit]")
    page.select_option("form[action$='/drop/'] select[name=code]", "B-2-1.2")
    page.click("form[action$='/drop/'] button[type=submit]")
    assert "Re-time B-2-1.3: target year 2022" in page.inner_text("ol.ops")
    screenshot("roadmap-amendment-preview")
    page.click("text=Approve: make version 2")
    page.wait_for_url("**/roadmap/diff/?from=1&to=2")

    page.goto(base + "/roadmap/versions/")
    page.click("text=changes from version 1")
    page.wait_for_url("**/roadmap/diff/?from=1&to=2")
    assert "Version 1 → version 2" in page.inner_text("h1")
    changed = page.inner_text("table.diff-table")
    assert "B-2-1.3" in changed and "2018" in changed and "2022" in changed
    assert "B-2-1.2" in page.inner_text("ul.dropped")
    screenshot("roadmap-diff-version-1-to-2")

    page.goto(base + "/roadmap/?version=1&champion=MYS")
    assert page.locator("tr.line[data-code='B-2-1.2']").count() == 1

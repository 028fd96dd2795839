"""A policy officer compares a real enterprise profile across the ten states, then reads synthetic estimates."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_compare_a_thai_food_manufacturer_across_the_ten_states(live_server, page, screenshot, settings, tmp_path):
    from django.core.management import call_command

    from sapsmed.ops.loading import plan_load
    from sapsmed.surveys.definitions import msme_definitions_load

    settings.MEDIA_ROOT = tmp_path / "media"
    plan_load()  # transactional tests start from an empty database
    msme_definitions_load()

    # A food manufacturer near Bangkok: 45 employees, annual revenue of 60 million baht, in mid-2021.
    page.goto(live_server.url + "/evidence/msme/compare/")
    page.fill("#id_employees", "45")
    page.fill("#id_revenue", "60000000")
    page.select_option("#id_currency", "THB")
    page.select_option("#id_sector", "manufacturing")
    page.fill("#id_on", "2021-06-30")
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("#comparison")
    rows = page.locator("#comparison tbody tr")
    assert rows.count() == 10
    thailand = page.locator("#comparison tr[data-state='THA']")
    assert thailand.locator(".size").inner_text() == "small"
    assert "under Ministerial Regulation B.E. 2562 (2019)" in thailand.inner_text()
    assert "headcount only" in page.locator("#comparison tr[data-state='VNM']").inner_text()
    assert "Harmonised size band by persons employed only" in page.inner_text("main")
    screenshot("evidence-compare-thai-food-manufacturer")

    page.click("#comparison tr[data-state='THA'] td:first-child a")
    page.wait_for_url("**/evidence/msme/THA/")
    assert "Ministerial Regulation B.E. 2545 (2002)" in page.inner_text("main")
    screenshot("evidence-definitions-THA")

    call_command("load_demo_survey", "--rows", "600")
    page.goto(live_server.url + "/evidence/surveys/")
    page.click("text=SYNTHETIC demo: ASEAN enterprise survey")
    assert page.is_visible(".synthetic-banner")
    page.click("#runs tbody tr:first-child a")
    page.wait_for_selector("#estimates")
    assert "SYNTHETIC" in page.inner_text(".synthetic-banner")
    assert page.locator("#estimates tbody tr").count() > 10
    screenshot("evidence-estimates-synthetic")

"""A visitor browses from the home page to action line B-2-1.3, then logs in as a demo user."""

import pytest

from sapsmed.accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browse_goal_b_to_action_line_b_2_1_3_and_log_in(live_server, page, screenshot):
    from sapsmed.ops.demo_users import demo_users_create
    from sapsmed.ops.loading import plan_load

    plan_load()  # transactional tests start from an empty database
    demo_users_create()

    page.goto(live_server.url + "/")
    assert "Globally Competitive and Innovative MSMEs" in page.inner_text("h1")
    page.click("text=Increase Access to Finance")
    page.wait_for_url("**/goals/B/")
    page.click("a[href='/actions/B-2-1/']")
    page.wait_for_url("**/actions/B-2-1/")
    page.click("a[href='/action-lines/B-2-1.3/']")
    page.wait_for_url("**/action-lines/B-2-1.3/")
    assert "Creation of interactive on-line platform" in page.inner_text("h1")
    assert "Malaysia" in page.inner_text("main")
    screenshot("action-line-B-2-1.3-public")

    page.click("text=Log in")
    page.fill("#id_username", "champion.mys")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/action-lines/B-2-1.3/")
    assert "champion.mys" in page.inner_text("header")
    assert page.is_visible("#history")
    screenshot("action-line-B-2-1.3-logged-in")

    page.fill("#q", "micro")
    page.press("#q", "Enter")
    page.wait_for_url("**/search/?q=micro")
    assert page.is_visible("a[href='/action-lines/A-1-3.1/']")

"""The plan pages show the real plan to anyone, with breadcrumbs, search and clear dead ends."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_shows_vision_mission_and_the_five_goals(client):
    html = client.get("/").content.decode()
    assert "Vision: Globally Competitive and Innovative MSMEs" in html
    assert "By 2025, ASEAN shall create globally competitive" in html
    for title in ("Promote Productivity, Technology and Innovation", "Increase Access to Finance",
                  "Enhance Market Access and Internationalisation", "Enhance Policy and Regulatory Environment",
                  "Promote Entrepreneurship and Human Capital Development"):
        assert title in html
    assert "As endorsed by the 47th AEM, August 2015" in html


def test_goal_b_page_lists_outcomes_actions_champions_and_kpis(client):
    html = client.get("/goals/B/").content.decode()
    assert "Institutional framework for access to finance will be developed and enhanced" in html
    assert 'href="/actions/B-2-1/"' in html
    assert "Malaysia" in html and "Lao PDR" in html
    assert "Percentage of business loans to SMEs" in html
    assert 'Action Plan</a> › <span>Goal B</span>' in html


def test_action_page_lists_its_action_lines_and_says_appendix_b_is_not_public(client):
    html = client.get("/actions/B-2-1/").content.decode()
    assert 'href="/action-lines/B-2-1.2/"' in html and 'href="/action-lines/B-2-1.3/"' in html
    assert "Appendix B) is not public" in html


def test_action_line_page_shows_every_attribute_the_plan_gives(client):
    html = client.get("/action-lines/B-2-1.3/").content.decode()
    assert "Creation of interactive on-line platform on a range of financial supports" in html
    assert "target year 2018" in html
    assert 'href="/states/MYS/">Malaysia</a>' in html
    assert "Updating of the ASEAN SME Service Centre" in html
    assert "Version 1: As endorsed by the 47th AEM, August 2015" in html
    crumbs = 'Action Plan</a> › <a href="/goals/B/">Goal B</a> › <a href="/actions/B-2-1/">Action B-2-1</a>'
    assert crumbs in html


def test_action_line_page_shows_the_seed_erratum_and_inferred_leads(client):
    erratum = client.get("/action-lines/B-2-1.2/").content.decode()
    assert "Erratum in the source text" in erratum and "B-2-1 is meant" in erratum
    inferred = client.get("/action-lines/A-2-2.1/").content.decode()
    assert "lead cell printed once for all goal-A rows" in inferred


def test_member_state_page_shows_goals_it_champions_and_lines_it_leads(client):
    html = client.get("/states/THA/").content.decode()
    assert "Goal A: Promote Productivity, Technology and Innovation" in html
    assert "Goal C: Enhance Market Access and Internationalisation" in html
    assert 'href="/action-lines/C-1-1.2/"' in html and 'href="/action-lines/A-1-3.1/"' in html


def test_a_state_that_champions_nothing_says_so(client):
    assert client.get("/states/BRN/").status_code == 200
    html = client.get("/states/MYS/").content.decode()
    assert "Goal B: Increase Access to Finance" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("B-2-1.3", "/action-lines/B-2-1.3/"),
    ("b-2-1", "/actions/B-2-1/"),
    ("micro enterprises", "/action-lines/A-1-3.1/"),
    ("e-commerce", "/actions/C-1-3/"),
    ("female", "/kpis/KPI-E2/"),  # the KPI's name; its result links the KPI's own page
    ("women", "/goals/E/"),  # the goal's summary
])
def test_search_finds_goals_actions_and_lines_by_code_or_words(client, query, expected):
    html = client.get("/search/", {"q": query}).content.decode()
    assert f'href="{expected}"' in html


def test_search_explains_when_nothing_matches(client):
    assert "Nothing matches" in client.get("/search/", {"q": "zzzz"}).content.decode()


@pytest.mark.parametrize("url", ["/goals/Z/", "/actions/Z-9-9/", "/action-lines/Z-1-1.1/", "/states/XXX/"])
def test_unknown_codes_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_pages_forbid_inline_scripts_through_csp(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp

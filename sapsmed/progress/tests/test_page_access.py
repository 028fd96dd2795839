"""Who gets each progress page: 200 served, 403 refused, "login" sent to log in, 404 for what does not exist."""

import pytest

pytestmark = pytest.mark.django_db

ALL = ["anonymous", "outsider", "secretariat", "champion_a", "champion_b", "proponent_mys", "focal_mys", "viewer"]
ROLE_HOLDERS = {"secretariat", "champion_a", "champion_b", "proponent_mys", "focal_mys", "viewer"}
# Readers of B-2-1.3 (goal B, led by Malaysia and Laos): the Secretariat, goal B's champion, Malaysia's proponent
# and focal point, and a viewer of all goals; goal A's champion is not one.
READERS_OF_B213 = {"secretariat", "champion_b", "proponent_mys", "focal_mys", "viewer"}

PAGES = {
    "/progress/": {"secretariat", "champion_a", "champion_b", "proponent_mys"},
    "/progress/rounds/": ROLE_HOLDERS,
    "/progress/rounds/new/": {"secretariat"},
    "/progress/rounds/2026-H2/": ROLE_HOLDERS,
    "/progress/rounds/2026-H2/dashboard.xlsx": ROLE_HOLDERS,
    "/progress/rounds/2026-H2/manage/": {"secretariat"},
    "/progress/rounds/2026-H2/lock/": {"secretariat"},  # what the round lacks, and the lock's confirmation
    "/progress/early-warning/": ROLE_HOLDERS,
    "/progress/early-warning.xlsx": ROLE_HOLDERS,
    "/progress/lines/B-2-1.3/": READERS_OF_B213,
    "/progress/reports/{report}/": READERS_OF_B213,
    "/progress/rounds/2026-H2/reports/B-2-1.3/MYS/": {"proponent_mys"},
    "/progress/rounds/2026-H2/workbook.xlsx": {"proponent_mys"},
    "/progress/rounds/2026-H2/upload/": {"proponent_mys"},
}
MISSING = {
    "/progress/rounds/1999-H1/": "viewer",
    "/progress/rounds/1999-H1/manage/": "secretariat",
    "/progress/lines/Z-9-9.9/": "secretariat",
    "/progress/reports/999999/": "secretariat",
    "/progress/rounds/2026-H2/reports/B-2-1.3/THA/": "proponent_mys",  # Thailand does not lead B-2-1.3
    "/progress/rounds/1999-H1/reports/B-2-1.3/MYS/": "proponent_mys",
    "/progress/rounds/1999-H1/workbook.xlsx": "proponent_mys",
    "/progress/evidence/999999/": "secretariat",
}


def expected(url, persona):
    if persona == "anonymous":
        return "login"
    return 200 if persona in PAGES[url] else 403


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("url", list(PAGES))
def test_role_by_progress_page(client_for, draft, url, persona):
    response = client_for(persona).get(url.format(report=draft.pk))
    want = expected(url, persona)
    if want == "login":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == want


@pytest.mark.parametrize(("url", "persona"), list(MISSING.items()))
def test_what_does_not_exist_is_404(client_for, open_round, url, persona):
    assert client_for(persona).get(url).status_code == 404


@pytest.mark.parametrize("url", ["/progress/reports/{report}/act/", "/progress/rounds/2026-H2/reopen/",
                                 "/progress/rounds/2026-H2/exceptions/"])
def test_actions_are_posts_and_anonymous_posts_go_to_log_in(client_for, draft, url):
    target = url.format(report=draft.pk)
    assert client_for("secretariat").get(target).status_code == 405
    response = client_for("anonymous").post(target, {"action": "accept", "revision": 1, "reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["champion_b", "proponent_mys", "viewer", "outsider"])
def test_only_the_secretariat_may_lock_a_round_or_grant_an_exception(client_for, open_round, persona):
    client = client_for(persona)
    assert client.post("/progress/rounds/2026-H2/lock/", {"reason": "x", "confirm": "yes"}).status_code == 403
    assert client.post("/progress/rounds/2026-H2/exceptions/",
                       {"report": "B-2-1.3|MYS", "reason": "x"}).status_code == 403
    open_round.refresh_from_db()
    assert open_round.locked_at is None and not open_round.exceptions.exists()

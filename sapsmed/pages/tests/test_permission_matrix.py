"""One matrix of every role against every page: who may read, who may edit, who is turned away.

Expected answers: 200 the page is served; "login" anonymous users are sent to log in; 302 the
admin sends users without the Secretariat role to its login page; "history" the page is served
with the change history, "no-history" without it.
"""

import pytest

pytestmark = pytest.mark.django_db

ALL = ["anonymous", "outsider", "secretariat", "champion_a", "champion_b", "proponent_mys", "focal_mys", "viewer"]
ROLE_HOLDERS = ["secretariat", "champion_a", "champion_b", "proponent_mys", "focal_mys", "viewer"]

PUBLIC_PAGES = ["/", "/states/", "/states/MYS/", "/search/?q=finance", "/accounts/login/"]
PAGES_WITH_HISTORY = ["/goals/B/", "/actions/B-2-1/", "/action-lines/B-2-1.3/"]
ADMIN_PAGES = ["/admin/", "/admin/plan/actionline/", "/admin/plan/actionline/add/", "/admin/accounts/rolegrant/"]
ROLE_HOME_PAGES = ["/tasks/"]  # My tasks: role holders; anonymous visitors log in, users without a role go home


def expected(url: str, persona: str):
    if url in PUBLIC_PAGES:
        return 200
    if url in PAGES_WITH_HISTORY:
        return "history" if persona in ROLE_HOLDERS else "no-history"
    if url in ADMIN_PAGES:
        return 200 if persona == "secretariat" else 302
    if url in ROLE_HOME_PAGES:
        return {"anonymous": "/accounts/login/?next=/tasks/", "outsider": "/"}.get(persona, 200)
    raise AssertionError(url)


MATRIX = [(url, persona) for url in PUBLIC_PAGES + PAGES_WITH_HISTORY + ADMIN_PAGES + ROLE_HOME_PAGES
          for persona in ALL]


@pytest.mark.parametrize(("url", "persona"), MATRIX)
def test_role_by_page(client_for, url, persona):
    response = client_for(persona).get(url)
    want = expected(url, persona)
    if isinstance(want, str) and want.startswith("/"):  # sent on to this address
        assert (response.status_code, response["Location"]) == (302, want)
    elif want in ("history", "no-history"):
        assert response.status_code == 200
        assert ("Change history" in response.content.decode()) == (want == "history")
    else:
        assert response.status_code == want
        if want == 302:
            assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ALL)
def test_only_the_secretariat_sees_the_admin_link(client_for, persona):
    html = client_for(persona).get("/").content.decode()
    assert ('href="/admin/"' in html) == (persona == "secretariat")


def test_only_the_secretariat_may_delete_an_action_line_in_the_admin(client_for):
    from sapsmed.plan.models import ActionLine

    pk = ActionLine.objects.get(code="B-2-1.3").pk
    for persona in [p for p in ALL if p != "secretariat"]:
        response = client_for(persona).post(f"/admin/plan/actionline/{pk}/delete/", {"post": "yes"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert ActionLine.objects.filter(pk=pk).exists(), persona
    client_for("secretariat").post(f"/admin/plan/actionline/{pk}/delete/", {"post": "yes"})
    assert not ActionLine.objects.filter(pk=pk).exists()

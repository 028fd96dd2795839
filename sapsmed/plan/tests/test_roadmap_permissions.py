"""Who may do what on the roadmap: everyone reads it; only the Secretariat edits, imports and amends."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sapsmed.plan.roadmap_models import Amendment, RoadmapImport
from sapsmed.plan.tests.roadmap_helpers import roadmap_state

pytestmark = pytest.mark.django_db

EVERYONE = ["anonymous", "outsider", "secretariat", "champion_a", "champion_b", "proponent_mys", "focal_mys", "viewer"]
NOT_SECRETARIAT = [p for p in EVERYONE if p != "secretariat"]
PUBLIC = ["/roadmap/", "/roadmap/?champion=MYS&version=1", "/roadmap/roadmap.xlsx", "/roadmap/template.xlsx",
          "/roadmap/versions/", "/roadmap/diff/?from=1&to=1", "/roadmap/amendments/", "/action-lines/B-2-1.3/"]
SECRETARIAT_PAGES = ["/roadmap/lines/new/", "/action-lines/B-2-1.3/edit/", "/roadmap/import/",
                     "/roadmap/amendments/new/"]


def expected(persona: str) -> int:
    return {"secretariat": 200, "anonymous": 302}.get(persona, 403)


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("url", PUBLIC)
def test_everyone_including_the_public_reads_the_roadmap(client_for, persona, url):
    assert client_for(persona).get(url).status_code == 200


@pytest.mark.parametrize("persona", ["anonymous", "viewer"])
def test_the_public_downloads_the_pdf(client_for, persona):
    assert client_for(persona).get("/roadmap/roadmap.pdf").status_code == 200


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("url", SECRETARIAT_PAGES)
def test_only_the_secretariat_opens_the_edit_pages(client_for, persona, url):
    response = client_for(persona).get(url)
    assert response.status_code == expected(persona)
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")


def draft(personas) -> Amendment:
    from sapsmed.plan.amendment_services import amendment_record

    return amendment_record(user=personas["secretariat"], title="Draft", reason="r", decision_reference="d")


def posts(personas) -> list[tuple[str, dict]]:
    pk = draft(personas).pk
    content = b"not read"
    upload = RoadmapImport.objects.create(plan_version_id=1, filename="x.xlsx", content=content,
                                          uploaded_by=personas["secretariat"], status="previewed")
    return [
        ("/roadmap/lines/new/", {"action": "B-2-1", "code": "B-2-1.9", "title": "t", "source": "s",
                                 "confidence": "confirmed", "reason": "r"}),
        ("/action-lines/B-2-1.3/retire/", {"reason": "r", "retired": "1"}),
        ("/roadmap/import/", {"workbook": SimpleUploadedFile("r.csv", b"Code\n")}),
        (f"/roadmap/import/{upload.pk}/", {}),
        ("/roadmap/amendments/new/", {"title": "t", "reason": "r", "decision_reference": "d"}),
        (f"/roadmap/amendments/{pk}/drop/", {"code": "B-2-1.2"}),
        (f"/roadmap/amendments/{pk}/retime/", {"code": "B-2-1.2", "target_year": "2020"}),
        (f"/roadmap/amendments/{pk}/approve/", {}),
    ]


@pytest.mark.parametrize("persona", NOT_SECRETARIAT)
def test_no_one_but_the_secretariat_changes_anything(client_for, personas, persona):
    for url, data in posts(personas):
        before, amendments = roadmap_state(), list(Amendment.objects.values())
        response = client_for(persona).post(url, data)
        assert response.status_code == expected(persona), url
        assert roadmap_state() == before and list(Amendment.objects.values()) == amendments, url


def test_a_draft_amendment_is_for_the_secretariat_and_an_approved_one_is_public(client_for, personas):
    from sapsmed.plan.amendment_services import amendment_approve, amendment_operation_add

    amendment = draft(personas)
    url = f"/roadmap/amendments/{amendment.pk}/"
    assert client_for("secretariat").get(url).status_code == 200
    assert client_for("anonymous").get(url).status_code == 302
    assert client_for("viewer").get(url).status_code == 403
    assert "Draft" not in client_for("viewer").get("/roadmap/amendments/").content.decode()
    amendment_operation_add(amendment=amendment, operation={"op": "drop", "code": "B-2-1.2"},
                            user=personas["secretariat"])
    amendment_approve(amendment=amendment, user=personas["secretariat"])
    assert client_for("anonymous").get(url).status_code == 200
    assert "Draft" in client_for("anonymous").get("/roadmap/amendments/").content.decode()


@pytest.mark.parametrize("url", ["/action-lines/Z-1-1.1/edit/", "/roadmap/import/999/", "/roadmap/amendments/999/",
                                 "/roadmap/import/999/marked.xlsx", "/roadmap/?version=9", "/roadmap/diff/?from=9"])
def test_unknown_things_are_not_found(client_for, url):
    assert client_for("secretariat").get(url).status_code == 404


def test_the_roadmap_links_to_editing_only_for_the_secretariat(client_for):
    assert 'href="/roadmap/import/"' in client_for("secretariat").get("/roadmap/").content.decode()
    assert 'href="/roadmap/import/"' not in client_for("champion_b").get("/roadmap/").content.decode()

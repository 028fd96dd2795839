"""Survey estimates are public once computed, designs are for those who manage them; reviews are for role
holders and snapshots public once published, with links to their files and their checksum."""

import pytest

pytestmark = pytest.mark.django_db


def test_anyone_reads_computed_estimates_with_their_uncertainty(api_for, estimate_run):
    rows = api_for("anonymous").get("/api/estimates/", {"state__iso3": "MYS"}).json()["results"]
    assert [(r["value"], r["se"], r["ci_low"], r["ci_high"], r["deff"], r["n"], r["domain"]) for r in rows] == [
        (12.5, 0.5, 11.5, 13.5, 1.7, 10, [["state", "MYS"]])]
    runs = {r["status"]: r for r in api_for("anonymous").get("/api/estimate-runs/").json()["results"]}
    assert len(runs["done"]["estimates"]) == 1 and runs["queued"]["estimates"] == []


def test_survey_designs_are_shown_to_those_who_manage_them(api_for, estimate_run):
    assert [s["name"] for s in api_for("focal_mys").get("/api/surveys/").json()["results"]] == [
        "MYS enterprise survey 2016"]
    assert api_for("secretariat").get("/api/surveys/").json()["count"] == 1
    assert api_for("viewer").get("/api/surveys/").status_code == 403
    assert api_for("anonymous").get("/api/surveys/").status_code == 401


def test_a_focal_point_does_not_see_a_survey_of_another_state(api_for, estimate_run):
    from sapsmed.plan.models import MemberState

    estimate_run.survey.states.set([MemberState.objects.get(iso3="THA")])
    assert api_for("focal_mys").get("/api/surveys/").json()["count"] == 0


def test_snapshots_are_public_once_published_and_all_shown_to_role_holders(api_for, snapshots):
    public = api_for("anonymous").get("/api/snapshots/").json()["results"]
    assert [s["label"] for s in public] == ["As tabled"]
    assert public[0]["checksum"] == snapshots["published"].checksum
    assert public[0]["pdf_url"].endswith(f"/reviews/snapshots/{snapshots['published'].pk}/pdf/")
    assert public[0]["xlsx_url"] is None
    assert api_for("anonymous").get(f"/api/snapshots/{snapshots['hidden'].pk}/").status_code == 404
    assert api_for("viewer").get("/api/snapshots/").json()["count"] == 2


def test_reviews_are_read_by_role_holders_only(api_for, snapshots):
    body = api_for("champion_a").get(f"/api/reviews/{snapshots['review'].pk}/").json()
    assert body["title"] == "Mid-Term Review" and body["pdf_url"] is None and len(body["snapshots"]) == 2
    assert api_for("outsider").get("/api/reviews/").status_code == 403
    assert api_for("anonymous").get("/api/reviews/").status_code == 401

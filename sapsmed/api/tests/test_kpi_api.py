"""KPI values through the API: public to read, written by a state's focal point or the Secretariat only,
refused with the field named when impossible, and assessed exactly as the scorecard assesses them."""

from decimal import Decimal

import pytest

from sapsmed.kpis.models import Observation

pytestmark = pytest.mark.django_db

NEW = {"kpi": "KPI-E2", "state": "MYS", "year": 2020, "value": "52.4", "source": "DOSM Labour Force Survey 2020"}


def test_anyone_lists_values_filtered_by_kpi_state_and_years(api_for, mys_value):
    rows = api_for("anonymous").get("/api/observations/", {"kpi": "KPI-E2", "state": "MYS",
                                                           "year_from": 2018, "year_to": 2019}).json()["results"]
    assert [(r["kpi"], r["state"], r["year"], Decimal(r["value"])) for r in rows] == [
        ("KPI-E2", "MYS", 2019, Decimal("51.8"))]
    assert api_for("anonymous").get("/api/observations/", {"year_from": 2020}).json()["count"] == 0


def test_a_focal_point_posts_its_states_value_and_the_provenance_says_it_came_from_the_api(api_for, personas):
    response = api_for("focal_mys").post("/api/observations/", NEW, format="json")
    assert response.status_code == 201, response.json()
    obs = Observation.objects.get(pk=response.json()["id"])
    assert obs.value == Decimal("52.4") and obs.created_by == personas["focal_mys"]
    assert obs.provenance == {"via": "api"} and response.json()["provenance"] == {"via": "api"}
    assert obs.history.get().history_change_reason == "Entered through the API"


def test_a_focal_point_cannot_post_another_states_value(api_for):
    response = api_for("focal_mys").post("/api/observations/", {**NEW, "state": "THA"}, format="json")
    assert response.status_code == 403 and "Thailand" in response.json()["detail"]
    assert not Observation.objects.exists()


def test_an_impossible_value_is_refused_with_the_field_named_and_nothing_saved(api_for):
    response = api_for("secretariat").post("/api/observations/", {**NEW, "value": "100.5"}, format="json")
    assert response.status_code == 400
    assert "more than 100" in response.json()["value"][0]
    response = api_for("secretariat").post("/api/observations/", {**NEW, "year": 1999, "source": "x",
                                                                  "ci_low": "50"}, format="json")
    assert set(response.json()) == {"year", "ci_low"}
    assert not Observation.objects.exists()


def test_a_correction_needs_a_reason_which_the_history_keeps(api_for, mys_value):
    client = api_for("focal_mys")
    refused = client.patch(f"/api/observations/{mys_value.pk}/", {"value": "52"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    done = client.patch(f"/api/observations/{mys_value.pk}/", {"value": "52", "reason": "LFS revised"}, format="json")
    assert done.status_code == 200 and Decimal(done.json()["value"]) == 52
    mys_value.refresh_from_db()
    assert mys_value.source == "DOSM LFS 2019"  # a PATCH keeps what it does not mention
    assert mys_value.history.latest().history_change_reason == "LFS revised"


def test_posting_an_existing_year_again_is_a_correction_that_needs_a_reason(api_for, mys_value):
    body = {**NEW, "year": 2019, "value": "53"}
    assert api_for("focal_mys").post("/api/observations/", body, format="json").status_code == 400
    response = api_for("focal_mys").post("/api/observations/", {**body, "reason": "Revised"}, format="json")
    assert response.status_code == 200 and response.json()["id"] == mys_value.pk


def test_validating_a_value_is_an_action_of_its_states_focal_point(api_for, mys_value, personas):
    from sapsmed.plan.models import MemberState

    assert api_for("champion_b").post(f"/api/observations/{mys_value.pk}/validate/").status_code == 403
    response = api_for("focal_mys").post(f"/api/observations/{mys_value.pk}/validate/")
    assert response.status_code == 200 and response.json()["status"] == "validated"
    mys_value.state = MemberState.objects.get(iso3="THA")
    mys_value.save()
    assert api_for("focal_mys").post(f"/api/observations/{mys_value.pk}/validate/").status_code == 403


def test_the_assessment_is_the_scorecards(api_for, mys_value):
    from sapsmed.kpis import selectors
    from sapsmed.kpis.services import observation_record

    observation_record(kpi=mys_value.kpi, state=mys_value.state, year=2016, value=Decimal("49"), source="LFS",
                       user=None, reason="Loaded")

    cell = next(c for _, row in selectors.scorecard()["rows"] for c in row
                if c.kpi.code == "KPI-E2" and c.state.iso3 == "MYS")
    rows = api_for("anonymous").get("/api/kpi-assessments/", {"kpi": "KPI-E2", "state": "MYS"}).json()["results"]
    assert len(rows) == 1
    assert rows[0]["status"] == cell.status.value and rows[0]["reason"] == cell.assessment.reason
    assert rows[0]["status"] != "no_data"
    assert (rows[0]["baseline_year"], rows[0]["latest_year"], rows[0]["latest_value"]) == (2016, 2019, 51.8)


def test_targets_are_read_only(api_for, personas):
    from sapsmed.kpis.models import Kpi
    from sapsmed.kpis.services import target_set
    from sapsmed.plan.models import MemberState

    target_set(kpi=Kpi.objects.get(code="KPI-E2"), state=MemberState.objects.get(iso3="MYS"), value=Decimal("60"),
               year=2025, set_by="MEDAC", decided="MEDAC 2022", source="Minutes", user=personas["secretariat"],
               reason="Set")
    rows = api_for("anonymous").get("/api/targets/", {"state": "MYS"}).json()["results"]
    assert [(r["kpi"], r["state"], Decimal(r["value"])) for r in rows] == [("KPI-E2", "MYS", Decimal("60"))]
    assert api_for("anonymous").get("/api/targets/", {"regional": "true"}).json()["count"] == 0
    assert api_for("secretariat").post("/api/targets/", {}, format="json").status_code == 403


def test_a_code_with_a_nul_character_is_refused_as_naming_nothing(api_for):
    body = {"kpi": "KPI-E2\x00", "state": "MYS", "year": 2019, "value": "51.8", "source": "DOSM"}
    response = api_for("secretariat").post("/api/observations/", body, format="json")
    assert response.status_code == 400 and "kpi" in response.json()

"""Progress reports through the API: read within the policy's scope, drafts saved with the page's checks and
round locks, stale revisions refused with 409, and workflow actions moving a report as on its page."""

from datetime import timedelta

import pytest

from sapsmed.progress.models import ProgressReport
from sapsmed.progress.tests.conftest import GOOD

pytestmark = pytest.mark.django_db

NEW = {"round": "2026-H2", "action_line": "B-2-1.3", "member_state": "MYS", "revision": 0,
       **{k: v for k, v in GOOD.items() if v is not None},
       "milestones": [{"name": "Design", "planned_on": "2026-01-31", "reached_on": None}]}


def ids(response) -> list[int]:
    return [r["id"] for r in response.json()["results"]]


def test_readers_of_the_line_list_the_report_and_others_do_not(api_for, draft):
    for persona in ("secretariat", "champion_b", "proponent_mys", "focal_mys", "viewer"):
        assert ids(api_for(persona).get("/api/progress-reports/")) == [draft.pk], persona
    assert ids(api_for("champion_a").get("/api/progress-reports/")) == []
    assert api_for("champion_a").get(f"/api/progress-reports/{draft.pk}/").status_code == 404
    assert api_for("outsider").get("/api/progress-reports/").status_code == 403
    assert api_for("anonymous").get("/api/progress-reports/").status_code == 401


def test_a_proponent_creates_a_draft_with_its_milestones(api_for, open_round, personas):
    response = api_for("proponent_mys").post("/api/progress-reports/", NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["workflow_status"], body["revision"], body["goal"]) == ("draft", 1, "B")
    assert [m["name"] for m in body["milestones"]] == ["Design"]
    assert ProgressReport.objects.get().created_by == personas["proponent_mys"]


def test_a_report_for_a_state_that_does_not_lead_the_line_is_refused(api_for, open_round):
    response = api_for("proponent_mys").post("/api/progress-reports/", {**NEW, "member_state": "THA"}, format="json")
    assert response.status_code in (400, 403) and not ProgressReport.objects.exists()


def test_the_page_checks_apply_and_nothing_is_saved(api_for, open_round):
    bad = {**NEW, "percent_complete": 140, "currency": "ringgit", "planned_start": "2026-05-01",
           "planned_end": "2026-01-01"}
    response = api_for("proponent_mys").post("/api/progress-reports/", bad, format="json")
    assert response.status_code == 400
    assert {"currency", "planned_end"} <= set(response.json()) and "percent_complete" in response.json()
    assert not ProgressReport.objects.exists()


def test_a_stale_revision_answers_409_and_changes_nothing(api_for, draft):
    client = api_for("proponent_mys")
    url = f"/api/progress-reports/{draft.pk}/"
    assert client.patch(url, {"narrative": "First edit.", "revision": 1}, format="json").status_code == 200
    stale = client.patch(url, {"narrative": "Based on the old copy.", "revision": 1}, format="json")
    assert stale.status_code == 409 and "revision 1" in stale.json()["detail"]
    draft.refresh_from_db()
    assert draft.narrative == "First edit." and draft.revision == 2
    assert [m.name for m in draft.milestones.all()] == ["Design"]  # a PATCH keeps the milestones
    refused = draft.conflicts.get()  # the refused copy: the narrative sent, the milestones left as they were
    assert refused.data["fields"]["narrative"] == "Based on the old copy."
    assert refused.data["milestones"] == [{"name": "Design", "planned_on": None, "reached_on": None}]


def test_a_save_and_an_action_ask_the_same_queries_however_many_reports_there_are(api_for, draft, personas,
                                                                                   django_assert_num_queries):
    from sapsmed.progress import selectors
    from sapsmed.progress.tests.conftest import make_report

    client, url = api_for("proponent_mys"), f"/api/progress-reports/{draft.pk}/"

    def save_and_submit(revision: int) -> None:
        # The report in scope (1); the round (1); a savepoint, the report locked, its update and history row, the
        # release (5); the answer: the report's row, its milestones, its history (3).
        with django_assert_num_queries(10):
            assert client.patch(url, {"narrative": "Edited.", "revision": revision}, format="json").status_code == 200
        # The report in scope (1); a savepoint, the report locked, the step, its update and history row (5); the
        # plan read once: the version in force, the lines after and before this one, their locks, their terms,
        # lead states and predecessors, the rounds (8); early warning: the reports, the milestones, the stored
        # rows replaced (4); the round's expectations: finished lines, reports, rows replaced (4); the release
        # (1); the answer (3).
        with django_assert_num_queries(26):
            assert client.post(url + "submit/").status_code == 200
        client.post(url + "withdraw/")

    save_and_submit(1)
    others = [lv.action_line for lv in selectors.lines_in_force() if "MYS" in {s.iso3 for s in lv.lead_states.all()}
              and lv.action_line_id != draft.action_line_id]
    for line in others:  # more reports on more lines: the same queries
        make_report(personas["proponent_mys"], draft.round, code=line.code)
    save_and_submit(4)


def test_a_locked_round_refuses_the_draft_with_409(api_for, draft, personas):
    from sapsmed.progress.services import round_lock

    round_lock(by=personas["secretariat"], round=draft.round, reason="Meeting papers sent.")
    response = api_for("proponent_mys").patch(f"/api/progress-reports/{draft.pk}/",
                                              {"narrative": "Late.", "revision": draft.revision}, format="json")
    assert response.status_code == 409 and "locked" in response.json()["detail"]


def test_workflow_actions_move_the_report_through_submit_validate_return_and_accept(api_for, draft):
    url = f"/api/progress-reports/{draft.pk}/"
    assert api_for("champion_b").post(url + "submit/").status_code == 403
    assert api_for("proponent_mys").post(url + "submit/").json()["workflow_status"] == "submitted"
    assert api_for("champion_a").post(url + "validate/").status_code == 404  # goal A's champion cannot see it
    refused = api_for("champion_b").post(url + "return/", {"note": ""}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    assert api_for("champion_b").post(url + "validate/").json()["workflow_status"] == "validated"
    assert api_for("champion_b").post(url + "validate/").status_code == 409  # already validated
    returned = api_for("secretariat").post(url + "return/", {"note": "Add the evidence."}, format="json")
    assert returned.json()["workflow_status"] == "returned"
    assert returned.json()["transitions"][-1]["note"] == "Add the evidence."
    client = api_for("proponent_mys")
    client.post(url + "submit/")
    api_for("champion_b").post(url + "validate/")
    assert api_for("secretariat").post(url + "accept/").json()["workflow_status"] == "accepted"


def test_an_incomplete_draft_is_not_submitted_and_the_missing_fields_are_named(api_for, open_round, personas):
    from sapsmed.progress.tests.conftest import make_report

    report = make_report(personas["proponent_mys"], open_round, narrative="", status="")
    response = api_for("proponent_mys").post(f"/api/progress-reports/{report.pk}/submit/")
    assert response.status_code == 400 and {"status", "narrative"} <= set(response.json())
    report.refresh_from_db()
    assert report.workflow_status == "draft"


def test_an_action_with_a_stale_revision_answers_409(api_for, draft):
    response = api_for("proponent_mys").post(f"/api/progress-reports/{draft.pk}/submit/", {"revision": 0},
                                             format="json")
    assert response.status_code == 409


def test_rounds_show_their_phase_and_lock_to_role_holders(api_for, open_round, personas, today):
    from sapsmed.progress.services import round_open

    round_open(by=personas["secretariat"], name="2027-H1", opens_on=today + timedelta(days=100),
               due_on=today + timedelta(days=130), locks_on=today + timedelta(days=140))
    rows = {r["name"]: r["phase"] for r in api_for("viewer").get("/api/reporting-rounds/").json()["results"]}
    assert rows == {"2026-H2": "open", "2027-H1": "upcoming"}
    assert api_for("viewer").get("/api/reporting-rounds/2026-H2/").json()["phase_label"] == "Open"
    assert api_for("outsider").get("/api/reporting-rounds/").status_code == 403

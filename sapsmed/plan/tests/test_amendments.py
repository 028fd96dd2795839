"""Amendments: recorded with reason and decision, previewed, approved into a new version; version 1 stays."""

import pytest

from sapsmed.plan.models import ActionLine, ActionLineVersion, PlanVersion
from sapsmed.plan.roadmap_models import Amendment
from sapsmed.plan.roadmap_selectors import version_snapshot

pytestmark = pytest.mark.django_db

ADD = {"action": "B-2-1", "code": "B-2-1.9", "title": "SME credit rating agencies network", "target_year": "2024",
       "start_year": "2021", "required_time": "long-term", "lead_states": ["MYS"], "source": "Mid-term review",
       "confidence": "confirmed"}


@pytest.fixture
def sec(client_for):
    return client_for("secretariat")


def record(sec) -> int:
    response = sec.post("/roadmap/amendments/new/", {
        "title": "Mid-term review 2021", "reason": "Roadmap updated for 2021-2025 after the mid-term review",
        "decision_reference": "ACCMSME meeting, 12 March 2021", "decided_on": "2021-03-12"})
    assert response.status_code == 302
    return Amendment.objects.get().pk


def build(sec, pk: int) -> None:
    """Add, change, re-time and drop: one of each."""
    assert sec.post(f"/roadmap/amendments/{pk}/lines/new/", ADD).status_code == 302
    from sapsmed.plan.tests.test_action_line_edit import edit_data

    change = edit_data("C-1-1.2", task_force="Market access task force")
    change.pop("reason")
    assert sec.post(f"/roadmap/amendments/{pk}/lines/C-1-1.2/", change).status_code == 302
    sec.post(f"/roadmap/amendments/{pk}/retime/", {"code": "B-2-1.3", "target_year": "2022", "time_frame": "By 2022"})
    sec.post(f"/roadmap/amendments/{pk}/drop/", {"code": "B-2-1.2"})


def test_a_draft_lists_its_operations_and_previews_what_approval_would_change(sec):
    pk = record(sec)
    build(sec, pk)
    assert [op["op"] for op in Amendment.objects.get().operations] == ["add", "change", "retime", "drop"]
    assert list(Amendment.objects.get().operations[1]["fields"]) == ["task_force"]
    html = sec.get(f"/roadmap/amendments/{pk}/").content.decode()
    for text in ("Add B-2-1.9: SME credit rating agencies network", "Change C-1-1.2: Task force",
                 "Re-time B-2-1.3: target year 2022, time frame &#x27;By 2022&#x27;", "Drop B-2-1.2",
                 "ACCMSME meeting, 12 March 2021, 12 March 2021", "1</span>line added", "1</span>line dropped",
                 "2</span>lines changed", '<td>Target year</td><td class="before">2018</td><td class="after">2022</td>',
                 "Approve: make version 2"):
        assert text in html, text
    assert PlanVersion.objects.count() == 1


def test_approval_makes_version_2_and_leaves_version_1_as_endorsed(sec, client):
    v1 = version_snapshot(PlanVersion.objects.get(number=1))
    v1_rows = list(ActionLineVersion.objects.filter(plan_version__number=1).values())
    pk = record(sec)
    build(sec, pk)
    response = sec.post(f"/roadmap/amendments/{pk}/approve/")
    assert response.status_code == 302 and response["Location"] == "/roadmap/diff/?from=1&to=2"
    v2 = PlanVersion.objects.get(number=2)
    assert v2.label == "Mid-term review 2021" and v2.decision_reference == "ACCMSME meeting, 12 March 2021"
    assert version_snapshot(PlanVersion.objects.get(number=1)) == v1
    assert list(ActionLineVersion.objects.filter(plan_version__number=1).values()) == v1_rows
    after = version_snapshot(v2)
    assert after["B-2-1.3"]["target_year"] == 2022 and after["B-2-1.2"]["retired"] is True
    assert after["B-2-1.9"]["title"] == "SME credit rating agencies network"
    assert after["C-1-1.2"]["task_force"] == "Market access task force"
    assert set(after) == set(v1) | {"B-2-1.9"}
    amendment = Amendment.objects.get()
    assert amendment.status == "approved" and amendment.approved_by.username == "secretariat"
    assert amendment.resulting_version == v2


def test_anyone_reads_the_roadmap_as_of_any_version_and_the_diff_between_two(sec, client):
    pk = record(sec)
    build(sec, pk)
    sec.post(f"/roadmap/amendments/{pk}/approve/")
    now = client.get("/roadmap/").content.decode()
    assert 'data-code="B-2-1.9"' in now and 'data-code="B-2-1.2"' not in now
    then = client.get("/roadmap/", {"version": "1"}).content.decode()
    assert 'data-code="B-2-1.9"' not in then and 'data-code="B-2-1.2"' in then
    assert "(not the version in force)" in then
    diff = client.get("/roadmap/diff/", {"from": "1", "to": "2"}).content.decode()
    assert '<li class="added-line"><a href="/action-lines/B-2-1.9/"><span class="code">B-2-1.9</span></a>' in diff
    assert '<li class="dropped-line"><span class="code">B-2-1.2</span>' in diff
    assert '<td>Time frame</td><td class="before">2018</td><td class="after">By 2022</td>' in diff
    assert '<td>Task force</td><td class="before">not set</td><td class="after">Market access task force</td>' in diff
    assert "No differences." in client.get("/roadmap/diff/", {"from": "2", "to": "2"}).content.decode()
    line_then = client.get("/action-lines/B-2-1.3/", {"version": "1"}).content.decode()
    assert "target year 2018" in line_then and "You are reading version 1" in line_then


def test_an_action_line_keeps_its_identity_across_versions_so_reports_and_kpis_stay_attached(sec):
    line_id = ActionLine.objects.get(code="B-2-1.3").pk
    pk = record(sec)
    build(sec, pk)
    sec.post(f"/roadmap/amendments/{pk}/approve/")
    assert ActionLine.objects.get(code="B-2-1.3").pk == line_id
    assert set(ActionLineVersion.objects.filter(action_line_id=line_id).values_list("plan_version__number",
                                                                                       flat=True)) == {1, 2}


def test_refused_operations_are_explained_and_not_added(sec):
    pk = record(sec)
    sec.post(f"/roadmap/amendments/{pk}/drop/", {"code": "B-2-1.2"})
    response = sec.post(f"/roadmap/amendments/{pk}/drop/", {"code": "B-2-1.2"}, follow=True)
    assert "line B-2-1.2 is already dropped by operation 1." in response.content.decode()
    response = sec.post(f"/roadmap/amendments/{pk}/lines/new/", {**ADD, "code": "B-2-1.3"})
    assert "There is already an action line with this code" in response.content.decode()
    response = sec.post(f"/roadmap/amendments/{pk}/retime/", {"code": "B-2-1.3", "target_year": "2030"}, follow=True)
    assert "Ensure this value is less than or equal to 2025." in response.content.decode()
    assert len(Amendment.objects.get().operations) == 1


def test_an_operation_can_be_removed_from_a_draft_and_an_empty_draft_cannot_be_approved(sec):
    pk = record(sec)
    sec.post(f"/roadmap/amendments/{pk}/drop/", {"code": "B-2-1.2"})
    sec.post(f"/roadmap/amendments/{pk}/operations/0/delete/")
    assert Amendment.objects.get().operations == []
    response = sec.post(f"/roadmap/amendments/{pk}/approve/", follow=True)
    assert "This amendment has no operations" in response.content.decode()
    assert PlanVersion.objects.count() == 1


def test_an_approved_amendment_can_no_longer_change(sec):
    pk = record(sec)
    sec.post(f"/roadmap/amendments/{pk}/drop/", {"code": "B-2-1.2"})
    sec.post(f"/roadmap/amendments/{pk}/approve/")
    response = sec.post(f"/roadmap/amendments/{pk}/drop/", {"code": "B-2-1.3"}, follow=True)
    assert "This amendment is approved; it can no longer be changed." in response.content.decode()
    assert sec.post(f"/roadmap/amendments/{pk}/approve/").status_code == 302
    assert PlanVersion.objects.count() == 2


def test_a_second_amendment_builds_on_the_version_in_force(sec):
    first = record(sec)
    sec.post(f"/roadmap/amendments/{first}/drop/", {"code": "B-2-1.2"})
    sec.post(f"/roadmap/amendments/{first}/approve/")
    sec.post("/roadmap/amendments/new/", {"title": "Final year", "reason": "Re-timing",
                                          "decision_reference": "ACCMSME meeting, 2024"})
    second = Amendment.objects.get(title="Final year").pk
    sec.post(f"/roadmap/amendments/{second}/retime/", {"code": "B-2-1.3", "target_year": "2025"})
    sec.post(f"/roadmap/amendments/{second}/approve/")
    v3 = version_snapshot(PlanVersion.objects.get(number=3))
    assert v3["B-2-1.2"]["retired"] and v3["B-2-1.3"]["target_year"] == 2025
    assert version_snapshot(PlanVersion.objects.get(number=2))["B-2-1.3"]["target_year"] == 2018


def test_an_amendment_that_would_make_lines_wait_for_each_other_cannot_be_approved(sec):
    from sapsmed.plan.tests.test_action_line_edit import edit_data

    pk = record(sec)
    first = edit_data("B-2-1.3", predecessors="B-2-1.2")
    first.pop("reason")
    sec.post(f"/roadmap/amendments/{pk}/lines/B-2-1.3/", first)
    second = edit_data("B-2-1.2", predecessors="B-2-1.3")
    second.pop("reason")
    response = sec.post(f"/roadmap/amendments/{pk}/lines/B-2-1.2/", second)
    assert "Predecessor cycle: B-2-1.2 → B-2-1.3 → B-2-1.2." in response.content.decode()
    assert len(Amendment.objects.get().operations) == 1


def test_the_new_version_s_lines_carry_their_creation_in_the_history_with_their_lists(sec, client_for):
    from sapsmed.plan.tests.test_action_line_edit import edit_data

    pk = record(sec)
    build(sec, pk)
    sec.post(f"/roadmap/amendments/{pk}/approve/")
    created = ActionLineVersion.objects.get(action_line__code="B-2-1.3", plan_version__number=2).history.get()
    assert created.history_type == "+" and created.history_user.username == "secretariat"
    assert "ACCMSME meeting, 12 March 2021" in created.history_change_reason
    sec.post("/action-lines/B-2-1.3/edit/", edit_data("B-2-1.3", lead_states=["MYS"], reason="Lao PDR withdrew"))
    html = client_for("viewer").get("/action-lines/B-2-1.3/").content.decode()
    assert "<strong>Lead states</strong>: <del>Lao PDR, Malaysia</del> → <ins>Malaysia</ins>" in html
    v1 = ActionLineVersion.objects.get(action_line__code="B-2-1.3", plan_version__number=1)
    assert sorted(s.iso3 for s in v1.lead_states.all()) == ["LAO", "MYS"]

"""The report's life through the pages: my work, the form (draft, submit), the report page and its buttons."""

from datetime import timedelta
from html import unescape

import pytest

from sapsmed.progress.models import Milestone, ProgressReport
from sapsmed.progress.tests.conftest import move

pytestmark = pytest.mark.django_db
EDIT = "/progress/rounds/2026-H2/reports/B-2-1.3/MYS/"


def form(**changes):
    data = {"revision": 0, "intent": "save", "status": "on_track", "percent_complete": "35", "currency": "myr",
            "planned_start": "2026-01-01", "planned_end": "2027-12-31", "budget_planned": "250000",
            "budget_spent": "60000", "personnel_planned": "6", "personnel_actual": "6", "quality_rating": "4",
            "quality_evidence": "Reviewed by the working group", "narrative": "Portal specification agreed.",
            "ms-TOTAL_FORMS": "2", "ms-INITIAL_FORMS": "0", "ms-0-name": "Specification", "ms-0-planned_on":
            "2026-06-30", "ms-1-name": ""}
    data.update(changes)
    return data


def test_my_work_lists_the_lines_to_report_in_the_open_round_and_by_when(client_for, open_round):
    html = client_for("proponent_mys").get("/progress/").content.decode()
    assert "Round 2026-H2" in html and "in 20 days" in html
    assert "B-2-1.3" in html and "B-2-1.2" in html and "A-1-2.1" not in html  # Malaysia leads only the B lines
    assert "Write report" in html


def test_a_draft_saves_with_its_milestones_and_is_not_submitted(client_for, open_round):
    response = client_for("proponent_mys").post(EDIT, form(), follow=True)
    assert "Draft saved (revision 1). It is not submitted yet." in response.content.decode()
    report = ProgressReport.objects.get()
    assert (report.workflow_status, report.currency, report.percent_complete) == ("draft", "MYR", 35)
    assert list(Milestone.objects.values_list("name", flat=True)) == ["Specification"]


def test_submitting_sends_it_to_the_champion(client_for, open_round):
    response = client_for("proponent_mys").post(EDIT, form(intent="submit"), follow=True)
    assert "Submitted. The Country Champion of goal B has been notified" in response.content.decode()
    assert ProgressReport.objects.get().workflow_status == "submitted"
    assert "B-2-1.3" in client_for("champion_b").get("/progress/").content.decode()  # in the validation queue


def test_an_incomplete_report_is_saved_but_not_submitted_and_the_missing_fields_are_marked(client_for, open_round):
    response = client_for("proponent_mys").post(EDIT, form(intent="submit", narrative="", percent_complete=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Your draft was saved but not submitted" in html and "Write a short narrative" in html
    assert 'name="revision" value="1"' in html  # the next save carries the new revision
    assert ProgressReport.objects.get().workflow_status == "draft"


def test_invalid_figures_are_refused_field_by_field_and_nothing_is_saved(client_for, open_round):
    response = client_for("proponent_mys").post(EDIT, form(percent_complete="140", budget_spent="-5",
                                                           planned_end="2025-01-01", currency="ringgit"))
    html = unescape(response.content.decode())
    assert response.status_code == 400 and "Nothing was saved" in html
    for said in ("'140' is outside the range accepted here (from 0 to 100).",
                 "'-5' is too small: it cannot be less than 0.",
                 "is before the planned start", "three-letter ISO code"):
        assert said in html
    assert not ProgressReport.objects.exists()


def test_a_returned_report_shows_the_note_at_the_top_for_the_proponent(personas, draft, client_for):
    move(draft, personas["proponent_mys"], "submit")
    move(draft, personas["champion_b"], "return", note="Give the committed budget.")
    for url in (f"/progress/reports/{draft.pk}/", EDIT):
        html = client_for("proponent_mys").get(url).content.decode()
        assert html.index("Returned for correction") < html.index("<h1>")
        assert "Give the committed budget." in html
    assert "Returned: “Give the committed budget.”" in client_for("proponent_mys").get("/progress/").content.decode()


def test_the_report_page_offers_each_person_only_their_buttons(personas, draft, client_for):
    move(draft, personas["proponent_mys"], "submit")
    url = f"/progress/reports/{draft.pk}/"
    assert 'value="validate"' in client_for("champion_b").get(url).content.decode()
    secretariat = client_for("secretariat").get(url).content.decode()
    assert 'value="accept"' not in secretariat and 'value="validate"' not in secretariat
    assert 'value="withdraw"' in client_for("proponent_mys").get(url).content.decode()
    assert 'name="action"' not in client_for("viewer").get(url).content.decode()


def test_the_whole_loop_through_the_buttons(personas, draft, client_for):
    url = f"/progress/reports/{draft.pk}/act/"

    def act(persona, action, note=""):
        revision = ProgressReport.objects.get(pk=draft.pk).revision
        return client_for(persona).post(url, {"action": action, "note": note, "revision": revision}, follow=True)

    act("proponent_mys", "submit")
    refused = act("champion_a", "validate")
    assert refused.status_code == 403  # goal A's champion may not even read a goal B report
    act("champion_b", "validate")
    said = act("proponent_mys", "accept").content.decode()
    assert "Refused: A proponent cannot accept a report" in said
    assert "Accepted: the report now counts" in act("secretariat", "accept").content.decode()
    assert ProgressReport.objects.get(pk=draft.pk).workflow_status == "accepted"


def test_a_submitted_report_cannot_be_edited_until_withdrawn(personas, draft, client_for):
    move(draft, personas["proponent_mys"], "submit")
    response = client_for("proponent_mys").get(EDIT, follow=True)
    assert "it can no longer be edited (withdraw it first)." in response.content.decode()


def test_a_new_draft_starts_from_the_previous_rounds_figures(personas, draft, client_for, today):
    from sapsmed.progress.services import round_open

    round_open(by=personas["secretariat"], name="2027-H1", opens_on=today, due_on=today + timedelta(days=5),
               locks_on=today + timedelta(days=6))
    html = client_for("proponent_mys").get("/progress/rounds/2027-H1/reports/B-2-1.3/MYS/").content.decode()
    assert "Prefilled from the round 2026-H2 report" in html
    assert 'value="100000' in html and 'value="Design"' in html


def test_the_secretariat_opens_locks_and_excepts_through_the_pages(client_for, today):
    client = client_for("secretariat")
    response = client.post("/progress/rounds/new/", {"name": "2026-H2", "opens_on": today, "due_on": today,
                                                     "locks_on": today + timedelta(days=1)}, follow=True)
    assert "Round 2026-H2 opened" in response.content.decode()
    html = client.post("/progress/rounds/2026-H2/lock/", {"reason": "Tabled at the meeting.", "confirm": "yes"},
                       follow=True).content.decode()
    assert "Round 2026-H2 locked" in html
    html = client.post("/progress/rounds/2026-H2/exceptions/", {"report": "B-2-1.3|MYS", "reason": "Late data"},
                       follow=True).content.decode()
    assert "Exception granted: MYS&#x27;s report on B-2-1.3 may be changed" in html and "Late data" in html
    work = client_for("proponent_mys").get("/progress/").content.decode()
    assert "B-2-1.3" in work and "B-2-1.2" not in work and "the ASEAN Secretariat made an exception" in work


def test_a_save_that_keeps_the_milestones_leaves_them_as_they_are_and_a_change_replaces_them(personas, open_round):
    from sapsmed.plan.models import ActionLine, MemberState
    from sapsmed.progress.models import Milestone
    from sapsmed.progress.services import report_save
    from sapsmed.progress.tests.conftest import GOOD, make_report

    report = make_report(personas["proponent_mys"], open_round)
    kept = list(Milestone.objects.filter(report=report).values_list("pk", "name"))

    def save(milestones, revision):
        return report_save(by=personas["proponent_mys"], round=open_round, line=ActionLine.objects.get(code="B-2-1.3"),
                           state=MemberState.objects.get(iso3="MYS"), values={**GOOD, "percent_complete": 55},
                           milestones=milestones, revision=revision)

    report = save([{"name": "Design", "planned_on": None, "reached_on": None}], report.revision)
    assert list(Milestone.objects.filter(report=report).values_list("pk", "name")) == kept
    save([{"name": "Design", "planned_on": None, "reached_on": None}, {"name": "Pilot"}], report.revision)
    names = list(Milestone.objects.filter(report=report).order_by("position").values_list("name", flat=True))
    assert names == ["Design", "Pilot"] and Milestone.objects.filter(pk=kept[0][0]).count() == 0

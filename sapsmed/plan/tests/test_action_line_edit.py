"""The Secretariat creates, changes and retires action lines through forms; every change is in the history."""

import pytest

from sapsmed.plan.models import ActionLine, ActionLineVersion
from sapsmed.plan.tests.roadmap_helpers import roadmap_state

pytestmark = pytest.mark.django_db

NEW = {"action": "B-2-1", "code": "B-2-1.9", "title": "Regional credit guarantee network", "start_year": "2017",
       "target_year": "2020", "time_frame": "2017-2020", "required_time": "long-term",
       "implementation_level": "regional", "lead_states": ["MYS", "LAO"], "proponent_organisations": ["ASEC"],
       "task_force": "Task force on SME finance", "pathway": "inclusive", "types_of_measure": ["1", "4"],
       "required_skills": "Credit risk analysis", "funding_amount": "150000", "funding_currency": "usd",
       "funding_source": "dialogue-partner", "expected_outputs": "A network agreement", "predecessors": "B-2-1.3",
       "source": "Appendix B (endorsed plan), entered by the Secretariat", "confidence": "confirmed",
       "reason": "Appendix B line from the endorsed plan"}


def edit_data(code: str, **changes) -> dict:
    """The edit form as the page fills it for a line, with some fields changed."""
    from sapsmed.plan.roadmap_forms import initial_from_terms
    from sapsmed.plan.roadmap_selectors import terms_of

    in_force = ActionLineVersion.objects.filter(action_line__code=code).order_by("-plan_version__number").first()
    terms = initial_from_terms(terms_of(in_force))
    data = {k: ("" if v is None else v) for k, v in terms.items() if k != "retired"}
    data["types_of_measure"] = [str(n) for n in terms["types_of_measure"]]
    return {**data, "reason": "correction", **changes}


def test_the_secretariat_adds_an_appendix_b_line_with_its_who_when_and_how(client_for):
    sec = client_for("secretariat")
    response = sec.post("/roadmap/lines/new/", NEW)
    assert response.status_code == 302 and response["Location"] == "/action-lines/B-2-1.9/"
    html = sec.get("/action-lines/B-2-1.9/").content.decode()
    for text in ("Regional credit guarantee network", "Lao PDR</a>, <a href=\"/states/MYS/\">Malaysia",
                 "ASEAN Secretariat <span class=\"small\">(ASEAN body)</span>", "Task force on SME finance",
                 "2017-2020 (target year 2020)", "Long-term", "Credit risk analysis", "USD 150000.00",
                 "source: Dialogue partner", "A network agreement",
                 'After <a href="/action-lines/B-2-1.3/">B-2-1.3</a>',
                 "1) Financial Scheme; 4) Knowledge Sharing/Networking", "Inclusive Pathway"):
        assert text in html, text
    assert ActionLineVersion.objects.get(action_line__code="B-2-1.9").history.first().history_user.username == \
        "secretariat"
    assert 'before <a href="/action-lines/B-2-1.9/">B-2-1.9</a>' in sec.get("/action-lines/B-2-1.3/").content.decode()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": "B-2-1.3"}, "code", "There is already an action line with this code"),
    ({"code": "B-2-2.1"}, "code", "is not a code of action B-2-1"),
    ({"target_year": "2027"}, "target_year", "Ensure this value is less than or equal to 2025."),
    ({"start_year": "2021"}, "start_year", "The line starts in 2021, after its target year 2020."),
    ({"predecessors": "B-2-1.99"}, "predecessors", "There is no action line B-2-1.99."),
    ({"funding_currency": ""}, "funding_currency", "Give the currency of the amount, such as USD."),
    ({"title": ""}, "title", "This field is required."),
    ({"title": "Finance\x1b[31m"}, "title", "This text holds invisible control characters (ESC) that cannot be "
                                               "shown or printed; retype it or paste it as plain text."),
    ({"reason": "typo\x00"}, "reason", "This text holds invisible control characters (NUL)"),
])
def test_the_form_refuses_invalid_lines_and_saves_nothing(client_for, changes, field, message):
    before = roadmap_state()
    response = client_for("secretariat").post("/roadmap/lines/new/", {**NEW, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context["form"].errors
    assert roadmap_state() == before


def test_a_predecessor_cycle_is_refused_naming_the_lines_that_form_it(client_for):
    sec = client_for("secretariat")
    sec.post("/action-lines/B-2-1.3/edit/", edit_data("B-2-1.3", predecessors="B-2-1.2"))
    before = roadmap_state()
    response = sec.post("/action-lines/B-2-1.2/edit/", edit_data("B-2-1.2", predecessors="B-2-1.3"))
    errors = response.context["form"].errors["predecessors"]
    assert errors == ["Predecessor cycle: B-2-1.2 → B-2-1.3 → B-2-1.2. Each line lists the next one as its "
                      "predecessor, so none of them can start first."]
    assert roadmap_state() == before


def test_changing_a_line_records_who_why_and_each_field_before_and_after(client_for):
    sec = client_for("secretariat")
    response = sec.post("/action-lines/B-2-1.3/edit/", edit_data(
        "B-2-1.3", target_year="2019", time_frame="By 2019", proponent_states=["SGP"],
        reason="Corrected after the 40th ACCMSME"))
    assert response.status_code == 302
    html = client_for("viewer").get("/action-lines/B-2-1.3/").content.decode()
    assert "Corrected after the 40th ACCMSME" in html and "<del>2018</del> → <ins>2019</ins>" in html
    assert "<strong>Proponent states</strong>: <del>(none)</del> → <ins>Singapore</ins>" in html


def test_saving_the_form_unchanged_writes_no_history(client_for):
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    count = lv.history.count()
    response = client_for("secretariat").post("/action-lines/B-2-1.3/edit/", edit_data("B-2-1.3"), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert lv.history.count() == count


def test_retiring_a_line_keeps_it_marked_and_it_can_be_put_back(client_for):
    sec = client_for("secretariat")
    sec.post("/action-lines/B-2-1.3/retire/", {"reason": "Merged into B-2-1.2", "retired": "1"})
    lv = ActionLineVersion.objects.get(action_line__code="B-2-1.3")
    assert lv.retired and lv.history.first().history_change_reason == "Merged into B-2-1.2"
    assert "Dropped (retired) in this version" in sec.get("/action-lines/B-2-1.3/").content.decode()
    sec.post("/action-lines/B-2-1.3/retire/", {"reason": "Decision reversed", "retired": "0"})
    assert not ActionLineVersion.objects.get(action_line__code="B-2-1.3").retired
    assert ActionLine.objects.filter(code="B-2-1.3").exists()


def test_retiring_needs_a_reason(client_for):
    response = client_for("secretariat").post("/action-lines/B-2-1.3/retire/", {"reason": " "}, follow=True)
    assert "Say why, for the change history." in response.content.decode()
    assert not ActionLineVersion.objects.get(action_line__code="B-2-1.3").retired


def test_the_secretariat_sees_edit_and_retire_on_the_line_page_and_others_do_not(client_for):
    html = client_for("secretariat").get("/action-lines/B-2-1.3/").content.decode()
    assert 'href="/action-lines/B-2-1.3/edit/"' in html and "Retire this line" in html
    assert "/edit/" not in client_for("champion_b").get("/action-lines/B-2-1.3/").content.decode()


def test_of_two_people_editing_a_line_at_once_the_second_is_told_and_the_first_change_stays(client_for):
    import re

    first, second = client_for("secretariat"), client_for("secretariat")
    opened = [re.search(r'name="opened" value="([^"]*)"', c.get("/action-lines/B-2-1.3/edit/").content.decode())
              .group(1).replace("&quot;", '"') for c in (first, second)]
    assert first.post("/action-lines/B-2-1.3/edit/", {**edit_data("B-2-1.3", task_force="Task force A"),
                                                      "opened": opened[0]}).status_code == 302
    response = second.post("/action-lines/B-2-1.3/edit/", {**edit_data("B-2-1.3", task_force="Task force B"),
                                                           "opened": opened[1]})
    assert response.status_code == 200
    assert "was changed by someone else after you opened it" in response.content.decode()
    assert "Task force A" in first.get("/action-lines/B-2-1.3/").content.decode()

"""The progress-report workflow: who may move a report from which status to which."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sapsmed.core.workflow import (
    TRANSITIONS,
    Action,
    ReportStatus,
    Role,
    TransitionRefused,
    allowed_actions,
    check_transition,
)

PROPONENT = {"proponent_of_line"}
CHAMPION = {"champion_of_goal"}
SECRETARIAT = {"secretariat"}


def refusal(current, action, roles, note=None) -> str:
    with pytest.raises(TransitionRefused) as caught:
        check_transition(current, action, roles, note=note)
    return str(caught.value)


def test_the_proponent_submits_a_draft():
    assert check_transition("draft", "submit", PROPONENT) == "submitted"


def test_the_proponent_resubmits_a_returned_report():
    assert check_transition("returned", "submit", PROPONENT) == ReportStatus.SUBMITTED


def test_the_proponent_can_withdraw_a_submitted_report_back_to_draft():
    assert check_transition("submitted", "withdraw", PROPONENT) == "draft"


def test_the_champion_of_the_goal_validates_a_submitted_report():
    assert check_transition("submitted", "validate", CHAMPION) == "validated"


def test_the_champion_returns_a_submitted_report_with_a_note():
    assert check_transition("submitted", "return", CHAMPION, note="Budget figures missing") == "returned"


def test_the_secretariat_returns_a_validated_report_with_a_note():
    assert check_transition("validated", "return", SECRETARIAT, note="Evidence link broken") == "returned"


def test_the_secretariat_accepts_a_validated_report():
    assert check_transition("validated", "accept", SECRETARIAT) == "accepted"


def test_a_proponent_cannot_accept_and_is_told_who_can():
    assert refusal("validated", "accept", PROPONENT) == (
        "A proponent cannot accept a report; only the ASEAN Secretariat accepts validated reports."
    )


def test_a_proponent_cannot_validate_their_own_report():
    message = refusal("submitted", "validate", PROPONENT)
    assert message.startswith("A proponent cannot validate a report;")
    assert "Country Champion of the line's goal validates submitted reports" in message


def test_the_secretariat_cannot_return_a_report_the_champion_has_not_yet_validated():
    message = refusal("submitted", "return", SECRETARIAT)
    assert message.startswith("The ASEAN Secretariat cannot return a submitted report;")
    assert "the Country Champion of the line's goal returns submitted reports" in message
    assert "the ASEAN Secretariat returns validated reports" in message


def test_the_champion_cannot_accept():
    assert refusal("validated", "accept", CHAMPION).startswith("A Country Champion cannot accept a report;")


def test_returning_without_a_note_is_refused():
    assert "A note is required to return a report" in refusal("submitted", "return", CHAMPION)


def test_a_blank_note_counts_as_no_note():
    assert "A note is required" in refusal("validated", "return", SECRETARIAT, note="   ")


def test_an_accepted_report_is_final():
    message = refusal("accepted", "return", SECRETARIAT, note="Wrong figures")
    assert message == (
        "An accepted report is final and cannot be changed; corrections go into the next round's report."
    )


def test_a_report_cannot_be_submitted_twice():
    assert refusal("submitted", "submit", PROPONENT) == (
        "A submitted report cannot be submitted; only draft or returned reports can be submitted."
    )


def test_a_draft_cannot_be_validated():
    assert refusal("draft", "validate", CHAMPION) == (
        "A draft report cannot be validated; only submitted reports can be validated."
    )


def test_a_validated_report_cannot_be_withdrawn_by_the_proponent():
    assert "only submitted reports can be withdrawn" in refusal("validated", "withdraw", PROPONENT)


def test_someone_with_no_role_is_refused_in_words():
    assert refusal("submitted", "validate", set()).startswith(
        "Someone with no role on this line cannot validate a report;"
    )


def test_one_of_several_roles_is_enough():
    assert check_transition("submitted", "validate", {"proponent_of_line", "champion_of_goal"}) == "validated"


def test_a_misspelt_role_is_an_error_not_a_silent_refusal():
    with pytest.raises(ValueError, match="Unknown role 'champion'"):
        check_transition("submitted", "validate", {"champion"})


def test_an_unknown_status_or_action_is_an_error():
    with pytest.raises(ValueError):
        check_transition("archived", "submit", PROPONENT)
    with pytest.raises(ValueError):
        check_transition("draft", "publish", PROPONENT)


def test_refusals_are_value_errors_so_forms_can_show_them():
    assert issubclass(TransitionRefused, ValueError)


def test_buttons_shown_to_the_champion_on_a_submitted_report():
    assert allowed_actions("submitted", CHAMPION) == [Action.VALIDATE, Action.RETURN]


def test_nobody_has_buttons_on_an_accepted_report():
    assert allowed_actions("accepted", {r.value for r in Role}) == []


def test_the_full_happy_path_ends_accepted():
    status = "draft"
    for action, roles in [("submit", PROPONENT), ("validate", CHAMPION), ("accept", SECRETARIAT)]:
        status = check_transition(status, action, roles)
    assert status == "accepted"


def test_a_returned_report_goes_round_again():
    status = check_transition("validated", "return", SECRETARIAT, note="Add evidence")
    status = check_transition(status, "submit", PROPONENT)
    assert status == "submitted"


def test_each_status_and_action_has_at_most_one_rule():
    keys = [(t.action, t.source) for t in TRANSITIONS]
    assert len(keys) == len(set(keys))


@given(
    st.sampled_from(list(ReportStatus)),
    st.sampled_from(list(Action)),
    st.sets(st.sampled_from([r.value for r in Role])),
)
def test_check_transition_agrees_with_the_buttons(status, action, roles):
    note = "A reason"
    try:
        check_transition(status, action, roles, note=note)
        allowed = True
    except TransitionRefused as refused:
        allowed = False
        assert str(refused).endswith(".")
    assert allowed == (action in allowed_actions(status, roles))

"""Who may move a report through the workflow: every persona against every step, on Malaysia's B-2-1.3 report."""

import pytest
from django.core.exceptions import PermissionDenied

from sapsmed.core.workflow import TransitionRefused
from sapsmed.progress.models import ReportTransition
from sapsmed.progress.tests.conftest import make_report, move

pytestmark = pytest.mark.django_db

PERSONAS = ["secretariat", "champion_b", "champion_a", "proponent_mys", "focal_mys", "viewer", "outsider"]
# How to bring the report to each status, and who may take each step from there.
PATH_TO = {
    "draft": [],
    "submitted": [("proponent_mys", "submit")],
    "validated": [("proponent_mys", "submit"), ("champion_b", "validate")],
}
STEPS = [
    ("draft", "submit", {"proponent_mys"}),
    ("submitted", "withdraw", {"proponent_mys"}),
    ("submitted", "validate", {"champion_b"}),
    ("submitted", "return", {"champion_b"}),
    ("validated", "return", {"secretariat"}),
    ("validated", "accept", {"secretariat"}),
]


def report_in(status, personas, rnd):
    report = make_report(personas["proponent_mys"], rnd)
    for who, action in PATH_TO[status]:
        report = move(report, personas[who], action)
    return report


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("status", "action", "allowed"), STEPS)
def test_each_persona_may_take_only_its_own_steps(personas, open_round, persona, status, action, allowed):
    report = report_in(status, personas, open_round)
    if persona in allowed:
        moved = move(report, personas[persona], action, note="Please add the committed figures.")
        assert moved.workflow_status != status
        last = ReportTransition.objects.filter(report=report).last()
        assert (last.action, last.from_status, last.by) == (action, status, personas[persona])
    else:
        with pytest.raises(TransitionRefused):
            move(report, personas[persona], action, note="Please add the committed figures.")
        report.refresh_from_db()
        assert report.workflow_status == status


def test_a_proponent_cannot_accept_its_own_report(personas, open_round):
    report = report_in("validated", personas, open_round)
    with pytest.raises(TransitionRefused, match="A proponent cannot accept a report; only the ASEAN Secretariat"):
        move(report, personas["proponent_mys"], "accept")


def test_the_champion_of_goal_a_cannot_validate_a_goal_b_report(personas, open_round):
    report = report_in("submitted", personas, open_round)
    with pytest.raises(TransitionRefused, match="cannot validate"):
        move(report, personas["champion_a"], "validate")
    report.refresh_from_db()
    assert report.workflow_status == "submitted"


def test_the_secretariat_cannot_accept_a_report_nobody_validated(personas, open_round):
    report = report_in("submitted", personas, open_round)
    with pytest.raises(TransitionRefused, match="A submitted report cannot be accepted; only validated reports"):
        move(report, personas["secretariat"], "accept")


def test_returning_needs_a_note_saying_what_to_fix(personas, open_round):
    report = report_in("submitted", personas, open_round)
    with pytest.raises(TransitionRefused, match="A note is required to return a report"):
        move(report, personas["champion_b"], "return", note="  ")


def test_an_accepted_report_is_final(personas, open_round):
    report = move(report_in("validated", personas, open_round), personas["secretariat"], "accept")
    with pytest.raises(TransitionRefused, match="final"):
        move(report, personas["secretariat"], "return", note="Oops")


def test_malaysia_cannot_write_the_report_laos_owes_on_the_same_line(personas, open_round):
    with pytest.raises(PermissionDenied):
        make_report(personas["proponent_mys"], open_round, iso3="LAO")


def test_a_report_missing_its_narrative_is_not_submitted_and_says_why(personas, open_round):
    from sapsmed.progress.services import NotSubmittable

    report = make_report(personas["proponent_mys"], open_round, narrative="", percent_complete=None)
    with pytest.raises(NotSubmittable) as refused:
        move(report, personas["proponent_mys"], "submit")
    assert {field for field, _ in refused.value.problems} == {"narrative", "percent_complete"}
    report.refresh_from_db()
    assert report.workflow_status == "draft"


def test_every_step_is_recorded_with_who_when_and_the_note(personas, open_round):
    report = report_in("submitted", personas, open_round)
    move(report, personas["champion_b"], "return", note="Budget committed is missing.")
    move(report, personas["proponent_mys"], "submit")
    move(report, personas["champion_b"], "validate")
    move(report, personas["secretariat"], "accept")
    steps = list(ReportTransition.objects.filter(report=report).values_list("action", "from_status", "to_status",
                                                                            "by__username", "note"))
    assert steps == [
        ("submit", "draft", "submitted", "proponent_mys", ""),
        ("return", "submitted", "returned", "champion_b", "Budget committed is missing."),
        ("submit", "returned", "submitted", "proponent_mys", ""),
        ("validate", "submitted", "validated", "champion_b", ""),
        ("accept", "validated", "accepted", "secretariat", ""),
    ]
    report.refresh_from_db()
    assert report.first_submitted_at < report.submitted_at
    assert report.history.count() >= 6  # created, then one record per step

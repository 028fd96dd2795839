"""Rounds: the Secretariat opens and locks them; a locked round refuses changes and says why, unless excepted."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from sapsmed.progress import rules
from sapsmed.progress.models import ReportingRound
from sapsmed.progress.services import ProgressError, RoundLocked, exception_grant, round_lock, round_open
from sapsmed.progress.tests.conftest import make_report, move

pytestmark = pytest.mark.django_db


def test_only_the_secretariat_opens_a_round(personas, today):
    for persona in ["champion_b", "proponent_mys", "focal_mys", "viewer", "outsider"]:
        with pytest.raises(PermissionDenied):
            round_open(by=personas[persona], name="X", opens_on=today, due_on=today, locks_on=today)
    assert not ReportingRound.objects.filter(name="X").exists()


def test_a_round_with_its_dates_out_of_order_is_refused_in_words(personas, today):
    with pytest.raises(ProgressError, match="The lock date .* is before the due date"):
        round_open(by=personas["secretariat"], name="2026-H2", opens_on=today, due_on=today + timedelta(days=5),
                   locks_on=today + timedelta(days=1))


def test_a_round_locked_by_date_refuses_changes_and_says_when_it_closed(personas, today):
    rnd = round_open(by=personas["secretariat"], name="2024-H1", opens_on=date(2024, 3, 1), due_on=date(2024, 5, 1),
                     locks_on=date(2024, 5, 15))
    with pytest.raises(RoundLocked) as refused:
        make_report(personas["proponent_mys"], rnd)
    assert str(refused.value) == "Round 2024-H1 closed on 15 May 2024; ask the ASEAN Secretariat for an exception."


def test_a_round_locked_by_the_secretariat_gives_its_reason(personas, open_round, draft):
    round_lock(by=personas["secretariat"], round=open_round, reason="Figures tabled at the 20th ACCMSME meeting.")
    with pytest.raises(RoundLocked, match="locked by the ASEAN Secretariat on .*: Figures tabled at the 20th ACCMSME "
                                          "meeting. Ask the Secretariat for an exception."):
        move(draft, personas["proponent_mys"], "submit")


def test_a_lock_needs_a_reason_and_happens_once(personas, open_round):
    with pytest.raises(ProgressError, match="Say why"):
        round_lock(by=personas["secretariat"], round=open_round, reason=" ")
    round_lock(by=personas["secretariat"], round=open_round, reason="Closed")
    with pytest.raises(ProgressError, match="already locked"):
        round_lock(by=personas["secretariat"], round=open_round, reason="Again")
    with pytest.raises(PermissionDenied):
        round_lock(by=personas["champion_b"], round=open_round, reason="Not mine to close")


def test_champions_and_the_secretariat_still_finish_a_locked_round(personas, open_round, draft):
    move(draft, personas["proponent_mys"], "submit")
    round_lock(by=personas["secretariat"], round=open_round, reason="Closed for the meeting.")
    move(draft, personas["champion_b"], "validate")
    assert move(draft, personas["secretariat"], "accept").workflow_status == "accepted"


def test_an_exception_lets_exactly_one_report_be_changed_after_the_lock(personas, open_round):
    round_lock(by=personas["secretariat"], round=open_round, reason="Closed for the meeting.")
    exception_grant(by=personas["secretariat"], round=open_round, line_code="B-2-1.3", state="MYS",
                    reason="Malaysia's agency was reorganised during the round.")
    report = make_report(personas["proponent_mys"], open_round)
    assert move(report, personas["proponent_mys"], "submit").workflow_status == "submitted"
    with pytest.raises(RoundLocked):
        make_report(personas["proponent_mys"], open_round, code="B-2-1.2")


def test_an_exception_is_granted_only_by_the_secretariat_with_a_reason_for_a_lead_state(personas, open_round):
    with pytest.raises(PermissionDenied):
        exception_grant(by=personas["champion_b"], round=open_round, line_code="B-2-1.3", state="MYS", reason="x")
    with pytest.raises(ProgressError, match="Say why"):
        exception_grant(by=personas["secretariat"], round=open_round, line_code="B-2-1.3", state="MYS", reason="")
    with pytest.raises(ProgressError, match="THA does not lead action line B-2-1.3"):
        exception_grant(by=personas["secretariat"], round=open_round, line_code="B-2-1.3", state="THA", reason="x")
    exception_grant(by=personas["secretariat"], round=open_round, line_code="B-2-1.3", state="MYS", reason="x")
    with pytest.raises(ProgressError, match="already exists"):
        exception_grant(by=personas["secretariat"], round=open_round, line_code="B-2-1.3", state="MYS", reason="y")


def test_a_round_not_open_yet_says_when_it_opens(personas, today):
    rnd = round_open(by=personas["secretariat"], name="2027-H1", opens_on=today + timedelta(days=3),
                     due_on=today + timedelta(days=40), locks_on=today + timedelta(days=50))
    with pytest.raises(RoundLocked, match="Round 2027-H1 opens on"):
        make_report(personas["proponent_mys"], rnd)


@pytest.mark.parametrize(("today", "phase"), [
    (date(2024, 2, 1), rules.UPCOMING), (date(2024, 3, 1), rules.OPEN), (date(2024, 5, 1), rules.OPEN),
    (date(2024, 5, 2), rules.OVERDUE), (date(2024, 5, 15), rules.OVERDUE), (date(2024, 5, 16), rules.LOCKED)])
def test_a_round_moves_from_upcoming_to_open_to_overdue_to_locked(today, phase):
    assert rules.round_phase(opens_on=date(2024, 3, 1), due_on=date(2024, 5, 1), locks_on=date(2024, 5, 15),
                             locked_on=None, today=today) == phase


def test_a_round_the_secretariat_locked_is_locked_before_its_lock_date():
    assert rules.round_phase(opens_on=date(2024, 3, 1), due_on=date(2024, 5, 1), locks_on=date(2024, 5, 15),
                             locked_on=date(2024, 4, 1), today=date(2024, 4, 2)) == rules.LOCKED

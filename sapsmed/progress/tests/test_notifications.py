"""E-mails: submitted reports go to the goal's champions, returned ones to the proponent, accepted ones to both;
reminders go before the due date to proponents still owing reports, once per threshold."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from sapsmed.progress.models import ReminderSent
from sapsmed.progress.tests.conftest import make_report, move

pytestmark = pytest.mark.django_db


def sent_to():
    return [sorted(m.to) for m in mail.outbox]


def test_a_submitted_report_is_mailed_to_the_champions_of_its_goal(personas, draft, emails,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        move(draft, personas["proponent_mys"], "submit")
    assert sent_to() == [["champion_b@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "[SAP SMED] Report to validate: B-2-1.3 (Malaysia), round 2026-H2"
    assert f"/progress/reports/{draft.pk}/" in message.body and "validate it or return it" in message.body


def test_a_returned_report_is_mailed_to_the_proponent_with_the_note(personas, draft, emails,
                                                                    django_capture_on_commit_callbacks):
    move(draft, personas["proponent_mys"], "submit")
    with django_capture_on_commit_callbacks(execute=True):
        move(draft, personas["champion_b"], "return", note="Committed budget is missing.")
    assert sent_to() == [["proponent_mys@example.org"]]
    assert "Committed budget is missing." in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("[SAP SMED] Report returned: B-2-1.3")


def test_an_accepted_report_is_mailed_to_the_proponent_and_the_champions(personas, draft, emails,
                                                                         django_capture_on_commit_callbacks):
    move(draft, personas["proponent_mys"], "submit")
    move(draft, personas["champion_b"], "validate")
    with django_capture_on_commit_callbacks(execute=True):
        move(draft, personas["secretariat"], "accept")
    assert sent_to() == [["champion_b@example.org", "proponent_mys@example.org"]]
    assert "now counts on the dashboards" in mail.outbox[0].body


def test_validating_and_withdrawing_send_nothing(personas, draft, emails, django_capture_on_commit_callbacks):
    move(draft, personas["proponent_mys"], "submit")
    with django_capture_on_commit_callbacks(execute=True):
        move(draft, personas["proponent_mys"], "withdraw")
    assert mail.outbox == []


def test_nothing_is_mailed_when_the_change_is_rolled_back(personas, draft, emails, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        move(draft, personas["proponent_mys"], "submit")
        raise RuntimeError("the request failed after the step")
    assert mail.outbox == []


def test_reminders_go_to_proponents_owing_reports_once_per_threshold(personas, open_round, emails, settings):
    settings.SAPSMED_REMINDER_DAYS = (14, 3)
    due = open_round.due_on
    call_command("send_reminders", date=(due - timedelta(days=20)).isoformat())
    assert mail.outbox == []  # more than 14 days before the due date
    call_command("send_reminders", date=(due - timedelta(days=14)).isoformat())
    assert sent_to() == [["proponent_mys@example.org"]]
    body = mail.outbox[0].body
    assert "Round 2026-H2 is due in 14 days" in body and "B-2-1.3 (Malaysia)" in body and "B-2-1.2 (Malaysia)" in body
    call_command("send_reminders", date=(due - timedelta(days=10)).isoformat())
    assert len(mail.outbox) == 1  # the 14-day reminder is not repeated
    call_command("send_reminders", date=(due - timedelta(days=3)).isoformat())
    assert len(mail.outbox) == 2 and "due in 3 days" in mail.outbox[1].body
    assert ReminderSent.objects.count() == 2


def test_a_submitted_report_is_not_in_the_reminder(personas, open_round, emails):
    report = make_report(personas["proponent_mys"], open_round)
    move(report, personas["proponent_mys"], "submit")
    call_command("send_reminders", date=(open_round.due_on - timedelta(days=1)).isoformat())
    body = mail.outbox[0].body
    assert "B-2-1.2 (Malaysia)" in body and "B-2-1.3 (Malaysia)" not in body and "due tomorrow" in body


def test_no_reminder_after_the_due_date_or_in_a_locked_round(personas, open_round, emails):
    from sapsmed.progress.services import round_lock

    call_command("send_reminders", date=(open_round.due_on + timedelta(days=1)).isoformat())
    round_lock(by=personas["secretariat"], round=open_round, reason="Closed")
    call_command("send_reminders", date=(open_round.due_on - timedelta(days=1)).isoformat())
    assert mail.outbox == []


def test_send_reminders_refuses_a_malformed_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="use YYYY-MM-DD"):
        call_command("send_reminders", date="15/07/2026")

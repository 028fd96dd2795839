"""E-mails of the reporting loop: a report submitted, returned or accepted; reminders before a due date.

Who hears what: the Country Champions of the line's goal when a report is submitted (they validate it);
the proponents of the report (and whoever submitted it) when it is returned, with the note; the
proponents and the champions when it is accepted. Reminders go, before a round's due date, to each
proponent still owing reports, listing them; each is sent once per threshold (settings
SAPSMED_REMINDER_DAYS, default 14 and 3 days before the due date). Users without an e-mail address
are skipped. Called by the background tasks in tasks.py, never inside a web request.
"""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from sapsmed.accounts.models import Role, RoleGrant
from sapsmed.progress import rules
from sapsmed.progress.models import ProgressReport, ReminderSent, ReportingRound, ReportTransition
from sapsmed.progress.selectors import expected_pairs, finished_before, lines_in_force, proponents, round_phase

log = logging.getLogger(__name__)
SUBJECT = "[SAP SMED]"


def site_url(path: str) -> str:
    return getattr(settings, "SAPSMED_SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def reminder_days() -> list[int]:
    return sorted({int(d) for d in getattr(settings, "SAPSMED_REMINDER_DAYS", (14, 3))}, reverse=True)


def _addresses(users) -> list[str]:
    return sorted({u.email for u in users if u.email and u.is_active})


def _send(subject: str, body: str, to: list[str]) -> int:
    if not to:
        log.info("No e-mail address for %r; nothing sent.", subject)
        return 0
    return EmailMessage(f"{SUBJECT} {subject}", body, settings.DEFAULT_FROM_EMAIL, to).send()


def _champions_of(goal: str) -> list:
    return [g.user for g in RoleGrant.objects.filter(role=Role.CHAMPION, goal__code=goal).select_related("user")]


def _proponents_of(report: ProgressReport) -> list:
    users = proponents().of(report.action_line.code, report.member_state.iso3)
    submitters = [t.by for t in report.transitions.select_related("by").filter(action="submit") if t.by]
    return users + submitters


def report_event_send(report_id: int, action: str) -> int:
    """The e-mail for one workflow step; returns the number of messages sent (0 or 1)."""
    report = ProgressReport.objects.select_related(
        "round", "action_line__action__outcome__goal", "member_state").get(pk=report_id)
    goal = report.action_line.action.outcome.goal.code
    what = f"{report.action_line.code} ({report.member_state.name}), round {report.round.name}"
    link = site_url(reverse("progress:report", args=[report.pk]))
    last = ReportTransition.objects.filter(report=report, action=action).select_related("by").order_by("-at").first()
    who = (last.by.get_full_name() or last.by.get_username()) if last and last.by else "someone"
    demo = "\n\nThis is demonstration data, not a real report." if report.is_demo else ""
    if action == "submit":
        to = _addresses(_champions_of(goal))
        subject = f"Report to validate: {what}"
        body = (f"{who} submitted the progress report on action line {what}.\n\nAs Country Champion of goal "
                f"{goal}, please validate it or return it with a note:\n{link}{demo}")
    elif action == "return":
        to = _addresses(_proponents_of(report))
        subject = f"Report returned: {what}"
        note = last.note if last else ""
        body = (f"{who} returned your progress report on action line {what}.\n\nWhat to correct:\n{note}\n\n"
                f"Correct it and submit it again:\n{link}{demo}")
    elif action == "accept":
        to = _addresses(_proponents_of(report) + _champions_of(goal))
        subject = f"Report accepted: {what}"
        body = (f"The ASEAN Secretariat accepted the progress report on action line {what}. It now counts on the "
                f"dashboards and in reviews.\n{link}{demo}")
    else:
        raise ValueError(f"No e-mail is sent for {action!r}.")
    return _send(subject, body, to)


def reminders_send(*, today: date) -> int:
    """Remind proponents of the reports they still owe in open rounds; returns the number of e-mails sent."""
    sent = 0
    days = reminder_days()
    rounds = [r for r in ReportingRound.objects.filter(opens_on__lte=today, due_on__gte=today, locked_at__isnull=True)
              if round_phase(r, today) == rules.OPEN]
    if not rounds:
        return 0
    lines = lines_in_force()
    people = proponents()
    finished = finished_before(rounds)
    for rnd in rounds:
        left = (rnd.due_on - today).days
        eligible = [d for d in days if left <= d]
        if not eligible:
            continue
        reported = {(line_id, state_id) for line_id, state_id, status in rnd.reports.values_list(
            "action_line_id", "member_state_id", "workflow_status") if status not in rules.EDITABLE_STATUSES}
        owed: dict[int, tuple[object, list[str]]] = {}
        for lv, state in expected_pairs(rnd, lines, finished):
            if (lv.action_line_id, state.pk) in reported:
                continue
            for user in people.of(lv.action_line.code, state.iso3):
                owed.setdefault(user.pk, (user, []))[1].append(f"{lv.action_line.code} ({state.name}): {lv.title}")
        already = set(ReminderSent.objects.filter(round=rnd, days_before__in=eligible).values_list("user_id",
                                                                                                    "days_before"))
        for user_pk, (user, owed_lines) in owed.items():
            if (user_pk, min(eligible)) in already:
                continue
            sent += _send_reminder(rnd, user, owed_lines, left)
            ReminderSent.objects.bulk_create(
                [ReminderSent(round=rnd, user=user, days_before=d, is_demo=rnd.is_demo) for d in eligible
                 if (user_pk, d) not in already])
    return sent


def _send_reminder(rnd: ReportingRound, user, owed_lines: list[str], left: int) -> int:
    when = "today" if left == 0 else ("tomorrow" if left == 1 else f"in {left} days")
    listed = "\n".join(f"- {line}" for line in owed_lines)
    body = (f"Round {rnd.name} is due {when}, on {rules.long_date(rnd.due_on)}. These progress reports are not "
            f"submitted yet:\n\n{listed}\n\nWrite and submit them here:\n{site_url(reverse('progress:my_work'))}")
    if rnd.is_demo:
        body += "\n\nThis is a demonstration round, not a real one."
    return _send(f"Reminder: {len(owed_lines)} report(s) due {when} (round {rnd.name})", body,
                 _addresses([user]))

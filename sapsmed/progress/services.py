"""Write path of progress monitoring: rounds, exceptions, report drafts and workflow transitions.

Each service guards its own permission and rules (see rules.py and core.workflow) before it writes,
records who and why in the history, and sends notifications only after the transaction commits.
Two people never silently overwrite each other: every change raises the report's revision, and a save
based on an older revision is refused and kept as a ReportConflict the person can see and re-apply.
"""

import logging
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from sapsmed.accounts.policy import Perm, can
from sapsmed.core.workflow import Action, check_transition
from sapsmed.plan.models import ActionLine, MemberState
from sapsmed.progress import derived, derived_rounds, rules
from sapsmed.progress.access import may_edit, workflow_roles
from sapsmed.progress.models import (
    MILESTONE_BOUNDS,
    REPORT_BOUNDS,
    Milestone,
    ProgressReport,
    ReportConflict,
    ReportingRound,
    ReportTransition,
    RoundException,
)
from sapsmed.progress.selectors import lead_states_of

REPORT_FIELDS = ("status", "percent_complete", "planned_start", "planned_end", "actual_start", "actual_end",
                 "currency", "budget_planned", "budget_committed", "budget_spent", "personnel_planned",
                 "personnel_actual", "quality_rating", "quality_evidence", "risks", "next_steps", "narrative")
# What a new draft takes over from the same line and state's previous report: plans, figures to date, risks.
CARRIED_OVER = ("status", "percent_complete", "planned_start", "planned_end", "actual_start", "actual_end",
                "currency", "budget_planned", "budget_committed", "budget_spent", "personnel_planned",
                "personnel_actual", "risks")
_TEXT_FIELDS = {"status", "currency", "quality_evidence", "risks", "next_steps", "narrative"}


logger = logging.getLogger(__name__)

class ProgressError(Exception):
    """A refused change; the message says why in words a proponent or champion can act on."""


class RoundLocked(ProgressError):
    pass


class NotSubmittable(ProgressError):
    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("The report was not submitted: " + " ".join(text for _, text in problems))


class StaleReport(ProgressError):
    """Someone else changed the report after this person opened it; their version is kept in .conflict."""

    def __init__(self, message: str, conflict: ReportConflict | None = None):
        self.conflict = conflict
        super().__init__(message)


@contextmanager
def derived_rows_written(what: str):
    """Around the recompute of the stored rows a change feeds: if it fails, the change is refused with a sentence
    (the exception leaves the service's transaction, so nothing of the change is kept)."""
    try:
        yield
    except ProgressError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the recompute refuses the change, in words
        logger.exception("Stored progress rows could not be recomputed")
        raise ProgressError(f"Nothing was saved: {what} could not be brought up to date with this change. Try "
                            "again; if it fails again, tell the ASEAN Secretariat.") from exc


def guard(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(f"Your role does not allow you to {what}.")


# Rounds ------------------------------------------------------------------------------------------------

@transaction.atomic
def round_open(*, by, name: str, opens_on: date, due_on: date, locks_on: date, description: str = "",
               is_demo: bool = False) -> ReportingRound:
    guard(can(by, Perm.ROUND_MANAGE), "open a reporting round")
    name = name.strip()
    if not name:
        raise ProgressError("Give the round a name, such as 2024-H1.")
    if ReportingRound.objects.filter(name=name).exists():
        raise ProgressError(f"A round named {name} already exists.")
    if due_on < opens_on:
        raise ProgressError(f"The due date ({rules.long_date(due_on)}) is before the opening date "
                            f"({rules.long_date(opens_on)}).")
    if locks_on < due_on:
        raise ProgressError(f"The lock date ({rules.long_date(locks_on)}) is before the due date "
                            f"({rules.long_date(due_on)}).")
    rnd = ReportingRound(name=name, description=description, opens_on=opens_on, due_on=due_on, locks_on=locks_on,
                         opened_by=by, is_demo=is_demo)
    rnd._change_reason = f"Round {name} opened"
    rnd.save()
    with derived_rows_written("early warning and the round's completeness"):
        derived_rounds.expectations_recompute(rounds=[rnd])
        if opens_on <= timezone.localdate():  # it may now be the round that missing reports are checked against
            derived.streams_recompute()
    return rnd


@transaction.atomic
def round_lock(*, by, round: ReportingRound, reason: str) -> ReportingRound:
    guard(can(by, Perm.ROUND_MANAGE), "lock a reporting round")
    rnd = ReportingRound.objects.select_for_update().get(pk=round.pk)
    if rnd.locked_at is not None:
        raise ProgressError(f"Round {rnd.name} is already locked.")
    if not reason.strip():
        raise ProgressError("Say why the round is locked; proponents will read it.")
    rnd.locked_at, rnd.locked_by, rnd.locked_reason = timezone.now(), by, reason.strip()
    rnd._change_reason = f"Locked: {rnd.locked_reason}"
    rnd.save()
    round.locked_at, round.locked_by, round.locked_reason = rnd.locked_at, by, rnd.locked_reason
    return rnd


@transaction.atomic
def round_reopen(*, by, round: ReportingRound, reason: str) -> ReportingRound:
    """Undo the Secretariat's lock, for a reason kept in the round's history with who reopened it.

    Only a lock the Secretariat made is undone: a round past its lock date stays closed (reopened, it would still
    refuse every change), and each report that must still change gets an exception instead.
    """
    guard(can(by, Perm.ROUND_MANAGE), "reopen a reporting round")
    rnd = ReportingRound.objects.select_for_update().get(pk=round.pk)
    if rnd.locked_at is None:
        raise ProgressError(f"Round {rnd.name} is not locked, so there is nothing to reopen.")
    if not reason.strip():
        raise ProgressError("Say why the round is reopened; the reason is kept in the round's history.")
    if timezone.localdate() > rnd.locks_on:
        raise ProgressError(f"Round {rnd.name} closed on its lock date ({rules.long_date(rnd.locks_on)}), so "
                            "reopening it would change nothing: grant an exception for each report that must "
                            "still change.")
    rnd.locked_at, rnd.locked_by, rnd.locked_reason = None, None, ""
    rnd._change_reason = f"Reopened: {reason.strip()}"
    rnd._history_user = by  # who reopened, even outside a request (the lock keeps its author in locked_by)
    rnd.save()
    round.locked_at, round.locked_by, round.locked_reason = None, None, ""
    return rnd


@transaction.atomic
def exception_grant(*, by, round: ReportingRound, line_code: str, state: str, reason: str) -> RoundException:
    """Let one report (line × state) be changed after the round locked."""
    guard(can(by, Perm.ROUND_MANAGE), "grant an exception")
    if not reason.strip():
        raise ProgressError("Say why the exception is granted.")
    if state not in lead_states_of(line_code):
        raise ProgressError(f"{state} does not lead action line {line_code} in the plan in force, so it owes no "
                            "report on it.")
    line = ActionLine.objects.get(code=line_code)
    member_state = MemberState.objects.get(iso3=state)
    if RoundException.objects.filter(round=round, action_line=line, member_state=member_state).exists():
        raise ProgressError(f"An exception for {line_code} ({state}) in round {round.name} already exists.")
    exc = RoundException(round=round, action_line=line, member_state=member_state, reason=reason.strip(),
                         granted_by=by, is_demo=round.is_demo)
    exc._change_reason = f"Exception granted: {exc.reason}"
    exc.save()
    return exc


def round_block_reason(rnd: ReportingRound, today: date | None = None) -> str | None:
    """Why proponents may not change reports in this round now (not open yet, or locked), before exceptions."""
    today = today or timezone.localdate()
    if today < rnd.opens_on:
        return rules.not_open_message(name=rnd.name, opens_on=rnd.opens_on)
    locked_on = timezone.localdate(rnd.locked_at) if rnd.locked_at else None
    return rules.lock_message(name=rnd.name, locks_on=rnd.locks_on, locked_on=locked_on,
                              locked_reason=rnd.locked_reason, today=today)


def edit_block_reason(rnd: ReportingRound, line_id: int, state_id: int, today: date | None = None) -> str | None:
    """Why a proponent may not change this report now (round not open, or locked without exception)."""
    today = today or timezone.localdate()
    message = round_block_reason(rnd, today)
    # An exception reopens a locked round for one report; it does not open a round before its opening date.
    excepted = RoundException.objects.filter(round=rnd, action_line_id=line_id, member_state_id=state_id)
    if message and today >= rnd.opens_on and excepted.exists():
        return None
    return message


# Reports -----------------------------------------------------------------------------------------------

def _json(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(values: dict, milestones: list[dict]) -> dict:
    """A report's content as JSON, as kept in a refused-edit copy."""
    return {"fields": {k: _json(values.get(k)) for k in REPORT_FIELDS if k in values},
            "milestones": [{k: _json(v) for k, v in m.items()} for m in milestones]}


def report_save(*, by, round: ReportingRound, line: ActionLine, state: MemberState, values: dict,
                milestones: list[dict] | None, revision: int, reason: str = "Draft saved") -> ProgressReport:
    """Create or update a draft; `revision` is the one the person started from (0 for a new report);
    `milestones` None: they stay as they are (an API PATCH that gives none).

    Not one atomic block on purpose: a refused save is recorded in its own committed transaction, so the
    person's version is kept even though the change itself is refused.
    """
    guard(may_edit(by, line=line.code, state=state.iso3), f"edit {state.iso3}'s report on {line.code}")
    round = ReportingRound.objects.get(pk=round.pk)  # the lock as it stands now, not as the caller read it
    block = edit_block_reason(round, line.pk, state.pk)
    if block:
        raise RoundLocked(block)
    problems = bounds_problems(values, milestones or []) or rules.date_order_problems(values)
    if problems:
        raise ProgressError(" ".join(text for _, text in problems))
    for attempt in range(2):
        try:
            return _save_once(by, round, line, state, values, milestones, revision, reason)
        except IntegrityError:
            if attempt:  # the same person twice, or a database constraint the form did not catch
                raise
            # Someone created the same report between our read and our insert: now it is an ordinary conflict.
    raise AssertionError("unreachable")


def bounds_problems(values: dict, milestones: list[dict]) -> list[tuple[str, str]]:
    """The last gate of every write path: what the fields cannot store (sapsmed.core.bounds), named by field."""
    problems = []
    for name, value in values.items():
        if name in REPORT_BOUNDS and (problem := REPORT_BOUNDS[name].problem(value)) is not None:
            problems.append((name, f"{ProgressReport._meta.get_field(name).verbose_name.capitalize()}: {problem}"))
    for number, milestone in enumerate(milestones, start=1):
        for name, bounds in MILESTONE_BOUNDS.items():
            if (problem := bounds.problem(milestone.get(name))) is not None:
                problems.append(("milestones", f"Milestone {number}, {name.replace('_', ' ')}: {problem}"))
    return problems


def _save_once(by, rnd, line, state, values, milestones, revision, reason) -> ProgressReport:
    conflict = None
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update(no_key=True).filter(  # see report_transition
            round=rnd, action_line=line, member_state=state).first()
        if report is not None and report.revision != revision:
            conflict = ReportConflict.objects.create(report=report, by=by, based_on_revision=revision,
                                                     current_revision=report.revision,
                                                     data=snapshot(values, _as_given(report, milestones)),
                                                     is_demo=report.is_demo)
        else:
            if report is not None and report.workflow_status not in rules.EDITABLE_STATUSES:
                raise ProgressError(f"This report is {report.get_workflow_status_display().lower()}; "
                                    "only a draft or a returned report can be changed.")
            created = report is None
            if created:
                report = ProgressReport(round=rnd, action_line=line, member_state=state, created_by=by, revision=0,
                                        is_demo=rnd.is_demo)
            for name in REPORT_FIELDS:
                if name in values:
                    value = values[name]
                    setattr(report, name, (value or "") if name in _TEXT_FIELDS else value)
            report.revision += 1
            report.updated_by = by
            report._change_reason = reason
            report.save()
            if milestones is not None:
                _replace_milestones(report, milestones, created=created)
            if created:  # later saves of a draft change nothing the dashboards or early warning read
                with derived_rows_written("the round's completeness"):
                    derived_rounds.report_changed(report)
    if conflict is not None:
        who = conflict.report.updated_by.get_username() if conflict.report.updated_by else "someone else"
        raise StaleReport(
            f"Your changes were not saved: {who} changed this report after you opened it (you started from "
            f"revision {revision}; it is now at revision {conflict.current_revision}). Both versions are kept: "
            "yours is shown on the report page as a refused edit, which you can compare and apply again.",
            conflict)
    return report


def _as_given(report: ProgressReport, milestones: list[dict] | None) -> list[dict]:
    """The milestones of a save as the person sent them (None: those stored, which they left as they were)."""
    if milestones is not None:
        return milestones
    return list(report.milestones.order_by("position").values("name", "planned_on", "reached_on"))


def _replace_milestones(report: ProgressReport, milestones: list[dict], *, created: bool = False) -> None:
    """Store the report's milestones as given; a save that leaves them as they are (most saves of a draft)
    reads them and writes nothing, and their history stays free of delete-and-recreate noise."""
    wanted = [Milestone(report=report, position=i, name=m["name"], planned_on=m.get("planned_on"),
                        reached_on=m.get("reached_on"), is_demo=report.is_demo)
              for i, m in enumerate(milestones) if (m.get("name") or "").strip()]
    if not created:
        stored = list(report.milestones.order_by("position").values_list("position", "name", "planned_on",
                                                                          "reached_on"))
        if stored == [(m.position, m.name, m.planned_on, m.reached_on) for m in wanted]:
            return
        report.milestones.all().delete()
    Milestone.objects.bulk_create(wanted)


def report_values(report: ProgressReport) -> dict:
    return {name: getattr(report, name) for name in REPORT_FIELDS}


@transaction.atomic
def report_transition(*, by, report_id: int, action: str, note: str = "",
                      revision: int | None = None) -> ProgressReport:
    """Move a report through the workflow (submit, withdraw, validate, return, accept), or refuse and say why."""
    # The report and its round are locked (a round being locked meanwhile waits), not the plan rows joined
    # for reading: the stored-row recompute below locks the lines it rewrites, in key order. NO KEY UPDATE, as
    # an UPDATE takes: the stored rows that reference a report or a round (KEY SHARE) are not kept waiting.
    report = ProgressReport.objects.select_for_update(no_key=True, of=("self", "round")).select_related(
        "round", "action_line__action__outcome__goal", "member_state").get(pk=report_id)
    if revision is not None and report.revision != revision:
        raise StaleReport(f"This report changed after you opened it (revision {revision}, now {report.revision}). "
                          "Read the current version before you act on it.")
    goal = report.action_line.action.outcome.goal.code
    roles = workflow_roles(by, line=report.action_line.code, goal=goal, state=report.member_state.iso3)
    target = check_transition(report.workflow_status, action, roles, note=note)  # raises TransitionRefused
    if action in (Action.SUBMIT, Action.WITHDRAW):
        block = edit_block_reason(report.round, report.action_line_id, report.member_state_id)
        if block:
            raise RoundLocked(block)
    if action == Action.SUBMIT:
        problems = rules.submission_problems(report_values(report))
        if problems:
            raise NotSubmittable(problems)
    now = timezone.now()
    bases = derived.bases_counting(report.workflow_status, target.value)
    ReportTransition.objects.create(report=report, action=action, from_status=report.workflow_status,
                                    to_status=target.value, note=note.strip(), by=by, at=now, is_demo=report.is_demo)
    report.workflow_status = target.value
    report.revision += 1
    report.updated_by = by
    if action == Action.SUBMIT:
        report.submitted_at = now
        report.first_submitted_at = report.first_submitted_at or now
    report._change_reason = f"{Action(action).value.capitalize()}" + (f": {note.strip()}" if note.strip() else "")
    report.save()
    with derived_rows_written("early warning and the round's completeness"):
        derived.report_moved(report, bases)
    if action in (Action.SUBMIT, Action.RETURN, Action.ACCEPT):
        from sapsmed.progress.tasks import report_event_notify

        transaction.on_commit(partial(report_event_notify.enqueue, report.pk, str(action)))
    return report

"""Stored round expectations: each report a round expects and where it stands, written with the reports.

Rules, in words:
- A round expects one report from every lead state of every action line in the plan in force, until an
  accepted report in an earlier round says the line is completed or dropped (selectors.expected_pairs).
- Opening a round writes its expectations. A report's first save and each transition rewrite its own
  (round, line, state) row, and those of the later rounds (an accepted "completed" ends what they expect).
  A change of the plan in force rewrites the rows of the lines it touched, in every round.
- The dashboards count these rows in the database: completeness and timeliness read no report.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sapsmed.core.sequencing import code_text_key
from sapsmed.plan.models import ActionLine, MemberState
from sapsmed.progress import rules
from sapsmed.progress.derived_locks import lock_lines
from sapsmed.progress.derived_models import RoundExpectation
from sapsmed.progress.models import ProgressReport, ReportingRound
from sapsmed.progress.selectors import expected_pairs, finished_before, goal_of, lines_in_force

_COMPARED = ("goal_code", "report_id", "workflow_status", "submitted_on", "accepted_on_time", "is_demo")


def _rows(rounds: list[ReportingRound], line_ids=None, state_id=None, lines=None) -> list[RoundExpectation]:
    lines = lines_in_force(line_ids) if lines is None else lines
    finished = finished_before(rounds, line_ids)
    reports = ProgressReport.objects.filter(round__in=rounds)
    if line_ids is not None:
        reports = reports.filter(action_line_id__in=line_ids)
    if state_id is not None:
        reports = reports.filter(member_state_id=state_id)
    found = {(r["round_id"], r["action_line_id"], r["member_state_id"]): r for r in reports.values(
        "id", "round_id", "action_line_id", "member_state_id", "workflow_status", "first_submitted_at", "is_demo")}
    rows = []
    for rnd in rounds:
        for lv, state in expected_pairs(rnd, lines, finished):
            if state_id is not None and state.pk != state_id:
                continue
            report = found.get((rnd.pk, lv.action_line_id, state.pk))
            first = report and report["first_submitted_at"]
            submitted_on = timezone.localdate(first) if first else None
            status = report["workflow_status"] if report else ""
            rows.append(RoundExpectation(
                round=rnd, action_line_id=lv.action_line_id, member_state_id=state.pk, goal_code=goal_of(lv),
                code_key=code_text_key(lv.action_line.code), report_id=report["id"] if report else None,
                workflow_status=status, submitted_on=submitted_on,
                accepted_on_time=status == "accepted" and rules.on_time(submitted_on, rnd.due_on),
                is_demo=rnd.is_demo or bool(report and report["is_demo"])))
    return rows


@transaction.atomic(savepoint=False)  # a failure rolls back the caller's whole write, as it must
def expectations_recompute(*, rounds=None, line_ids=None, state_id=None, lines=None, locked=False) -> int:
    """Rewrite the expectations of these rounds (None: all), narrowed to these lines and this state if given.

    `lines`: the terms in force of those lines, when the caller has read them; `locked`: the caller has
    taken the lines' locks already (derived.reading).
    """
    if not locked:
        lock_lines(line_ids)  # take turns with another writer of the same rows (derived_locks)
    chosen = list(ReportingRound.objects.all() if rounds is None else rounds)
    rows = _rows(chosen, line_ids, state_id, lines)
    stale = RoundExpectation.objects.filter(round__in=chosen)
    if line_ids is not None:
        stale = stale.filter(action_line_id__in=line_ids)
    if state_id is not None:
        stale = stale.filter(member_state_id=state_id)
    stale.delete()
    RoundExpectation.objects.bulk_create(rows)
    return len(rows)


def report_changed(report: ProgressReport, *, lines=None, rounds=None) -> int:
    """A report was created or moved: its own row, and the same line and state in the rounds after it.

    A caller that has locked the report's line and read its terms (`lines`) and every round passes them.
    """
    if rounds is None:
        later = ReportingRound.objects.filter(opens_on__gte=report.round.opens_on)
    else:
        later = [r for r in rounds if r.opens_on >= report.round.opens_on]
    return expectations_recompute(rounds=later, line_ids={report.action_line_id}, state_id=report.member_state_id,
                                  lines=lines, locked=lines is not None)


def differences() -> list[str]:
    """One sentence per stored expectation that a fresh computation would not give."""
    rounds = list(ReportingRound.objects.all())
    names = {r.pk: r.name for r in rounds}
    codes = dict(ActionLine.objects.values_list("pk", "code"))
    iso3 = dict(MemberState.objects.values_list("pk", "iso3"))
    fresh = {(r.round_id, r.action_line_id, r.member_state_id): r for r in _rows(rounds)}
    stored = {(r.round_id, r.action_line_id, r.member_state_id): r for r in RoundExpectation.objects.all()}
    found = []
    for key in sorted(set(fresh) | set(stored)):
        old, new = stored.get(key), fresh.get(key)
        where = f"Round {names[key[0]]}: {codes[key[1]]} ({iso3[key[2]]})"
        if old is None:
            found.append(f"{where}: expected report not stored.")
        elif new is None:
            found.append(f"{where}: stored as expected, but the round does not expect it.")
        else:
            changed = [f for f in _COMPARED if getattr(old, f) != getattr(new, f)]
            if changed:
                found.append(f"{where}: stored {old.workflow_status or 'nothing written'}, recomputed "
                             f"{new.workflow_status or 'nothing written'}; differs in {', '.join(changed)}.")
    return found

"""Read path of progress monitoring: lines that must be reported, rounds, reports, "my work".

Every selector plans its queries so that a page asks the database a fixed number of times however
many rounds, lines and reports there are. Dashboards and early warning live in dashboards.py.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sapsmed.accounts.models import Role, RoleGrant
from sapsmed.accounts.policy import Perm, can, grants_of, report_scope
from sapsmed.core.sequencing import code_sort_key
from sapsmed.plan.models import ActionLineVersion, ChampionAssignment, PlanVersion
from sapsmed.plan.selectors import current_version
from sapsmed.progress import rules
from sapsmed.progress.access import may_edit, pairs_filter
from sapsmed.progress.derived_models import Basis, RagChoice, StreamAssessment
from sapsmed.progress.models import (
    Milestone,
    ProgressReport,
    ReportingRound,
    ReportTransition,
    RoundException,
    WorkflowStatus,
)

REPORT_RELATED = ("round", "action_line__action__outcome__goal", "member_state")


def lines_in_force(line_ids=None, *, version: PlanVersion | None = None) -> list[ActionLineVersion]:
    """The action lines of the plan version in force (not retired), with goal, lead states and predecessors.

    `line_ids` narrows them to those action lines (None: all). `version`: the version in force, when the
    caller has already read it (a write's recompute reads it once).
    """
    version = version or current_version()
    if version is None:
        return []
    chosen = ActionLineVersion.objects.filter(plan_version=version, retired=False)
    if line_ids is not None:
        chosen = chosen.filter(action_line_id__in=line_ids)
    found = list(
        chosen
        .select_related("action_line__action__outcome__goal")
        .prefetch_related("lead_states", "predecessors")
    )
    return sorted(found, key=lambda lv: code_sort_key(lv.action_line.code))


def visible_reports(user, reports=None):
    """The reports this person may read (accounts.policy.report_scope), as a queryset filter: the same rule the
    report pages ask of one report, used by the API's lists and the exports."""
    reports = ProgressReport.objects.all() if reports is None else reports
    scope = report_scope(user)
    if scope.everything:
        return reports
    in_force = PlanVersion.objects.order_by("-number").values("pk")[:1]
    led = ActionLineVersion.objects.filter(plan_version=Subquery(in_force), lead_states__iso3__in=scope.states)
    return reports.filter(Q(action_line__action__outcome__goal__code__in=scope.goals)
                          | Q(action_line__code__in=scope.lines) | Q(member_state__iso3__in=scope.states)
                          | Q(action_line_id__in=led.values("action_line_id")))


def goal_of(lv: ActionLineVersion) -> str:
    return lv.action_line.action.outcome.goal.code


def champions_by_goal() -> dict[str, tuple[str, ...]]:
    by_goal: dict[str, list[str]] = {}
    for ca in ChampionAssignment.objects.select_related("goal", "member_state").order_by("member_state__iso3"):
        by_goal.setdefault(ca.goal.code, []).append(ca.member_state.iso3)
    return {goal: tuple(states) for goal, states in by_goal.items()}


@dataclass
class Proponents:
    by_state: dict[str, list] = field(default_factory=dict)
    by_line: dict[str, list] = field(default_factory=dict)

    def of(self, code: str, iso3: str) -> list:
        seen, users = set(), []
        for user in self.by_state.get(iso3, []) + self.by_line.get(code, []):
            if user.pk not in seen:
                seen.add(user.pk)
                users.append(user)
        return users


def proponents() -> Proponents:
    """Who files each state's reports: proponent grants by state, and by action line."""
    found = Proponents()
    grants = RoleGrant.objects.filter(role=Role.PROPONENT, user__is_active=True).select_related(
        "user", "member_state", "action_line").order_by("user__username")
    for grant in grants:
        if grant.member_state is not None:
            found.by_state.setdefault(grant.member_state.iso3, []).append(grant.user)
        if grant.action_line is not None:
            found.by_line.setdefault(grant.action_line.code, []).append(grant.user)
    return found


def finished_before(rounds: list[ReportingRound], line_ids=None) -> dict[int, set[tuple[int, int]]]:
    """For each round: (line id, state id) whose latest accepted report before it says completed or dropped.

    One query for all the rounds asked about, so a page listing several rounds asks once; `line_ids` narrows
    it to those action lines.
    """
    if not rounds:
        return {}
    latest_opening = max(r.opens_on for r in rounds)
    accepted = ProgressReport.objects.filter(workflow_status=WorkflowStatus.ACCEPTED,
                                             round__opens_on__lt=latest_opening)
    if line_ids is not None:
        accepted = accepted.filter(action_line_id__in=line_ids)
    rows = (accepted
            .order_by("round__opens_on", "pk")
            .values_list("round__opens_on", "action_line_id", "member_state_id", "status"))
    found: dict[int, set[tuple[int, int]]] = {}
    latest: dict[tuple[int, int], str] = {}
    pending = iter(rows)
    row = next(pending, None)
    for rnd in sorted(rounds, key=lambda r: r.opens_on):
        while row is not None and row[0] < rnd.opens_on:
            latest[(row[1], row[2])] = row[3]
            row = next(pending, None)
        found[rnd.pk] = {pair for pair, status in latest.items() if status in rules.FINISHED_LINE_STATUSES}
    return found


def expected_pairs(rnd: ReportingRound, lines: list[ActionLineVersion],
                   finished: dict[int, set[tuple[int, int]]] | None = None) -> list[tuple[ActionLineVersion, object]]:
    """Each (line terms, lead state) that owes a report in this round, in code order."""
    done = (finished if finished is not None else finished_before([rnd])).get(rnd.pk, set())
    return [(lv, state) for lv in lines for state in sorted(lv.lead_states.all(), key=lambda s: s.iso3)
            if (lv.action_line_id, state.pk) not in done]


def round_get(name: str) -> ReportingRound:
    return get_object_or_404(ReportingRound, name=name)


def round_phase(rnd: ReportingRound, today: date | None = None) -> str:
    today = today or timezone.localdate()
    locked_on = timezone.localdate(rnd.locked_at) if rnd.locked_at else None
    return rules.round_phase(opens_on=rnd.opens_on, due_on=rnd.due_on, locks_on=rnd.locks_on,
                             locked_on=locked_on, today=today)


def round_list() -> list[ReportingRound]:
    """Every round, newest first, with its report counts and its phase today."""
    rounds = list(ReportingRound.objects.annotate(
        n_reports=Count("reports"),
        n_accepted=Count("reports", filter=Q(reports__workflow_status=WorkflowStatus.ACCEPTED)),
        n_exceptions=Count("exceptions", distinct=True),
    ))
    today = timezone.localdate()
    for rnd in rounds:
        rnd.phase = round_phase(rnd, today)
        rnd.phase_label = rules.PHASE_LABELS[rnd.phase]
    return rounds


def exceptions_of(rnd: ReportingRound) -> list[RoundException]:
    return list(rnd.exceptions.select_related("action_line", "member_state", "granted_by"))


def report_page(pk: int) -> ProgressReport:
    """A report with everything its page shows: line, goal, milestones, evidence, transitions, refused edits."""
    return get_object_or_404(
        ProgressReport.objects.select_related(*REPORT_RELATED, "updated_by").prefetch_related(
            "milestones", "attachments__uploaded_by",
            Prefetch("transitions", queryset=ReportTransition.objects.select_related("by")),
            "conflicts__by",
        ),
        pk=pk,
    )


def report_for(rnd: ReportingRound, code: str, iso3: str) -> ProgressReport | None:
    return (ProgressReport.objects.select_related(*REPORT_RELATED).prefetch_related("milestones")
            .filter(round=rnd, action_line__code=code, member_state__iso3=iso3).first())


def previous_report(rnd: ReportingRound, line_id: int, state_id: int) -> ProgressReport | None:
    """The same line and state's report in the latest earlier round: the starting point of a new draft."""
    return (ProgressReport.objects.prefetch_related("milestones")
            .filter(action_line_id=line_id, member_state_id=state_id, round__opens_on__lt=rnd.opens_on)
            .order_by("-round__opens_on").first())


def previous_reports(rnd: ReportingRound) -> dict[tuple[int, int], ProgressReport]:
    """For every (line id, state id), its report in the latest earlier round, with milestones: two queries."""
    latest = (ProgressReport.objects.filter(action_line=OuterRef("action_line"), member_state=OuterRef("member_state"),
                                            round__opens_on__lt=rnd.opens_on)
              .order_by("-round__opens_on", "-pk").values("pk")[:1])
    found = (ProgressReport.objects.filter(round__opens_on__lt=rnd.opens_on, pk=Subquery(latest))
             .select_related("round").prefetch_related("milestones"))
    return {(r.action_line_id, r.member_state_id): r for r in found}


def lead_states_of(code: str) -> set[str]:
    version = current_version()
    if version is None:
        return set()
    return set(ActionLineVersion.objects.filter(plan_version=version, action_line__code=code)
               .values_list("lead_states__iso3", flat=True)) - {None}


def last_return_note(report: ProgressReport) -> ReportTransition | None:
    returns = [t for t in report.transitions.all() if t.action == "return"]
    return returns[-1] if returns else None


@dataclass
class WorkItem:
    round: ReportingRound
    line: ActionLineVersion
    state: object
    report: ProgressReport | None

    @property
    def editable(self) -> bool:
        return self.report is None or self.report.workflow_status in rules.EDITABLE_STATUSES


@dataclass
class RoundWork:
    round: ReportingRound
    items: list[WorkItem]
    days_left: int
    excepted: bool  # locked, open only for the reports the Secretariat excepted

    @property
    def due_phrase(self) -> str:
        d = self.days_left
        if d > 1:
            return f"in {d} days"
        if d in (0, 1):
            return ("today", "tomorrow")[d]
        return f"overdue by {-d} day{'s' if d < -1 else ''}"


def rounds_for_proponents(today: date) -> list[ReportingRound]:
    """Rounds a proponent may be working in: open or past due and not locked, or locked with an exception."""
    rounds = ReportingRound.objects.filter(opens_on__lte=today).filter(
        Q(locked_at__isnull=True, locks_on__gte=today) | Q(exceptions__isnull=False)).distinct()
    return list(rounds.order_by("due_on", "name"))


def my_work(user) -> dict:
    """What this person has to do: reports to write, reports returned in locked rounds, reports to validate,
    reports to accept."""
    today = timezone.localdate()
    result = {"rounds": [], "returned_locked": [], "to_validate": [], "to_accept": [], "has_demo": False,
              "today": today, "may_accept": can(user, Perm.REPORT_ACCEPT)}
    states, granted_lines = pairs_filter(user)
    if states or granted_lines:
        result["rounds"] = _rounds_to_report(user, today)
        result["returned_locked"] = _returned_in_locked_rounds(states, granted_lines, today)
    queue = ProgressReport.objects.select_related(*REPORT_RELATED).order_by("round__due_on", "action_line__code")
    goals = grants_of(user).champion_goals
    if goals:
        result["to_validate"] = list(queue.filter(workflow_status=WorkflowStatus.SUBMITTED,
                                                  action_line__action__outcome__goal__code__in=goals))
    if result["may_accept"]:
        result["to_accept"] = list(queue.filter(workflow_status=WorkflowStatus.VALIDATED))
    items = [i for rw in result["rounds"] for i in rw.items]
    shown = ([i.report for i in items if i.report] + result["returned_locked"] + result["to_validate"]
             + result["to_accept"])
    result["has_demo"] = any(r.is_demo for r in shown) or any(rw.round.is_demo for rw in result["rounds"])
    return result


def _rounds_to_report(user, today: date) -> list[RoundWork]:
    rounds = rounds_for_proponents(today)
    if not rounds:
        return []
    lines = lines_in_force()
    exceptions = set(RoundException.objects.filter(round__in=rounds).values_list(
        "round_id", "action_line_id", "member_state_id"))
    reports = {(r.round_id, r.action_line_id, r.member_state_id): r for r in ProgressReport.objects.filter(
        round__in=rounds).select_related("member_state").prefetch_related(
        Prefetch("transitions", queryset=ReportTransition.objects.select_related("by")))}
    finished = finished_before(rounds)
    found = []
    for rnd in rounds:
        locked = _lock_reason(rnd, today) is not None
        items = []
        for lv, state in expected_pairs(rnd, lines, finished):
            if not may_edit(user, line=lv.action_line.code, state=state.iso3):
                continue
            if locked and (rnd.pk, lv.action_line_id, state.pk) not in exceptions:
                continue
            report = reports.get((rnd.pk, lv.action_line_id, state.pk))
            if report is not None:
                report.return_note = last_return_note(report) if report.workflow_status == "returned" else None
            items.append(WorkItem(rnd, lv, state, report))
        if items:
            found.append(RoundWork(rnd, items, (rnd.due_on - today).days, locked))
    return found


def _returned_in_locked_rounds(states, lines, today: date) -> list[ProgressReport]:
    """Reports returned to this proponent in rounds now locked, with no exception for them: they can no longer be
    corrected, yet they stay on the proponent's list, with the note and the lock, until the Secretariat grants an
    exception (the report then reappears among its round's reports to write)."""
    excepted = RoundException.objects.filter(round=OuterRef("round"), action_line=OuterRef("action_line"),
                                             member_state=OuterRef("member_state"))
    reports = list(ProgressReport.objects
                   .filter(Q(member_state__iso3__in=states) | Q(action_line__code__in=lines),
                           Q(round__locked_at__isnull=False) | Q(round__locks_on__lt=today),
                           workflow_status=WorkflowStatus.RETURNED)
                   .exclude(Exists(excepted))
                   .select_related(*REPORT_RELATED)
                   .prefetch_related(Prefetch("transitions", queryset=ReportTransition.objects.select_related("by")))
                   .order_by("round_opens_on", "action_line__code", "member_state__iso3"))
    for report in reports:
        report.return_note = last_return_note(report)
        report.lock_message = _lock_reason(report.round, today)
    return reports


def _lock_reason(rnd: ReportingRound, today: date) -> str | None:
    locked_on = timezone.localdate(rnd.locked_at) if rnd.locked_at else None
    return rules.lock_message(name=rnd.name, locks_on=rnd.locks_on, locked_on=locked_on,
                              locked_reason=rnd.locked_reason, today=today)


def milestones_of(report: ProgressReport | None) -> list[Milestone]:
    return list(report.milestones.all()) if report is not None else []


def public_line_statuses(codes: Collection[str] | None = None) -> dict[str, tuple[str, str, bool]]:
    """Action-line code → (status, status in words, drawn from demonstration data), from accepted reports only.

    `codes` narrows the answer to those lines (a page of the roadmap reads its own lines only).

    What the public may see of progress: each line's worst stream among its lead states, from the stored
    accepted-basis assessments (sapsmed.progress.derived), in one query ("grey" where one lead state has an
    accepted report and another has none). Lines with no accepted report at all, or no lead state, have none.
    """
    worst: dict[str, tuple[int, str, bool]] = {}
    accepted: set[str] = set()
    rows = StreamAssessment.objects.filter(basis=Basis.ACCEPTED)
    if codes is not None:
        rows = rows.filter(action_line__code__in=list(codes))
    rows = rows.values_list("action_line__code", "rag_rank", "rag", "is_demo")
    for code, rank, rag, demo in rows:
        if rag != RagChoice.GREY:
            accepted.add(code)
        kept = worst.get(code)
        if kept is None or rank < kept[0]:
            worst[code] = (rank, rag, demo or bool(kept and kept[2]))
        elif demo:
            worst[code] = (kept[0], kept[1], True)
    labels = dict(RagChoice.choices)
    grey = "Grey: no accepted report yet"
    return {code: (rag, grey if rag == RagChoice.GREY else labels[rag], demo)
            for code, (_rank, rag, demo) in worst.items() if code in accepted}

"""Demonstration data: a synthetic, deterministic history of half-year rounds 2016-2025 for the loaded lines.

Real progress reports are not public, so this shows how the platform behaves with a history. Every row
it writes has is_demo=True; pages and exports say "Demonstration data" wherever such rows appear, and
demo_remove() deletes them all. The same plan always gives the same history. Each (action line, lead
state) follows its line's scenario, taken in turn from SCENARIOS, so the lines show every case: on track,
delayed, cost overrun, staffing gap, completed (on time and early), dropped, past its end, and missing
reports. Rows are written directly rather than through the services: they are not anyone's action and
must not e-mail anyone.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sapsmed.progress import derived
from sapsmed.progress.models import (
    Attachment,
    Milestone,
    ProgressReport,
    ReportingRound,
    ReportTransition,
    RoundException,
)
from sapsmed.progress.selectors import goal_of, lines_in_force

FIRST_YEAR, LAST_YEAR = 2016, 2025
SCENARIOS = ("past_end", "completed", "overrun", "dropped", "missing", "delayed", "on_track", "staffing",
             "completed_early")
# The last round's reports are still moving through the workflow, one scenario at a time.
LAST_ROUND_STATUS = {"on_track": "submitted", "overrun": "validated", "staffing": "returned", "delayed": "accepted",
                     "past_end": "accepted"}
CHAMPION_USERS = {"A": "champion.tha", "B": "champion.mys"}


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class RoundDates:
    name: str
    opens_on: date
    due_on: date
    locks_on: date


def demo_rounds() -> list[RoundDates]:
    """H1 reports open on 1 June and are due on 15 July; H2 reports open on 1 December, due 15 January."""
    found = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        found.append(RoundDates(f"{year}-H1", date(year, 6, 1), date(year, 7, 15), date(year, 7, 31)))
        found.append(RoundDates(f"{year}-H2", date(year, 12, 1), date(year + 1, 1, 15), date(year + 1, 1, 31)))
    return found


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@dataclass
class Plan:
    """A stream's planned terms and how it unfolds."""

    scenario: str
    start: date
    end: date
    budget: Decimal
    staff: Decimal
    index: int
    lag: int  # co-leads of a line move at slightly different paces, so their curves do not coincide


def _plan(scenario: str, target_year: int | None, index: int, lag: int) -> Plan:
    target = target_year or LAST_YEAR
    start = date(max(FIRST_YEAR, min(target, LAST_YEAR) - 3), 1, 1)
    end = date(target, 12, 31)
    if scenario in ("on_track", "overrun", "staffing", "delayed"):
        end = date(2027, 6, 30) if scenario in ("on_track", "overrun") else date(2026, 12, 31)  # extended timelines
    budget = Decimal(100_000 + (index * 37_000) % 400_000)
    staff = Decimal(4 + index % 9)
    return Plan(scenario, start, end, budget, staff, index, lag)


def _elapsed(plan: Plan, day: date) -> float:
    span = (plan.end - plan.start).days
    return max(0.0, min(1.0, (day - plan.start).days / span))


def _figures(plan: Plan, due: date, round_no: int) -> dict | None:
    """One round's report of this stream, or None when no report is filed (not started, finished, missing)."""
    if due < plan.start:
        return None
    e = _elapsed(plan, due)
    s = plan.scenario
    status, pct = "on_track", round(e * 100 - 3 * (round_no % 3) - plan.lag)
    spent_ratio, staff_ratio, quality = 1.0, 1.0, 4
    if s == "delayed":
        pct, status = round(e * 100 * 0.85) - plan.lag, "delayed" if e > 0.3 else "on_track"
    elif s == "overrun":
        spent_ratio = 1.25
    elif s == "staffing":
        staff_ratio, quality, pct = 0.4, 2, round(e * 100 * 0.85) - plan.lag
    elif s == "past_end":
        pct = min(80, round(e * 100 * 0.8))
        status = "delayed" if due > plan.end else "on_track"
    elif s == "missing" and (due.year >= 2024 or round_no % 4 == 3):
        return None
    elif s in ("completed", "completed_early"):
        finish = plan.end if s == "completed" else plan.end - timedelta(days=365)
        if due > finish + timedelta(days=200):
            return None
        if due >= finish:
            status, pct = "completed", 100
        else:
            pct = round(min(1.0, (due - plan.start).days / max(1, (finish - plan.start).days)) * 100)
    elif s == "dropped":
        drop_on = plan.start + (plan.end - plan.start) / 2
        if due > drop_on + timedelta(days=200):
            return None
        if due >= drop_on:
            status = "dropped"
    pct = max(0, min(100, pct))
    if pct == 0 and status == "on_track":
        status = "not_started"
    spent = min(plan.budget * Decimal("1.05"), plan.budget * Decimal(pct) / 100 * Decimal(str(spent_ratio)))
    return {"status": status, "percent_complete": Decimal(pct), "budget_spent": spent.quantize(Decimal("1")),
            "budget_committed": min(plan.budget * Decimal("1.6"), spent * Decimal("1.2")).quantize(Decimal("1")),
            "personnel_actual": (plan.staff * Decimal(str(staff_ratio))).quantize(Decimal("0.1")),
            "quality_rating": quality}


NARRATIVE = {
    "on_track": "Activities proceeded as planned in this period.",
    "not_started": "Preparations only; the activities have not started.",
    "delayed": "Work continues, but procurement and the national consultations took longer than planned.",
    "completed": "All planned outputs were delivered and the final report was circulated to member states.",
    "dropped": "The working group agreed to discontinue this action line; its scope moved to another line.",
}


def _milestones(plan: Plan, pct: int, scenario: str) -> list[tuple[str, date, date | None]]:
    third = (plan.end - plan.start) / 3
    steps = (("Inception report", plan.start + third / 2, 10), ("Main activity completed", plan.start + 2 * third, 66),
             ("Final report", plan.end, 100))
    late = timedelta(days=200 if scenario in ("delayed", "past_end") else 0)
    return [(name, planned, planned + late if pct >= need else None) for name, planned, need in steps]


def _workflow(status: str, submitted: datetime, users: dict, goal: str, state: str):
    """(action, from, to, at, by) steps that bring a report to this status."""
    proponent = users.get("proponent.mys") if state == "MYS" else None  # the only demo proponent is Malaysia's
    submit = ("submit", "draft", "submitted", submitted, proponent)
    champion = users.get(CHAMPION_USERS.get(goal, ""))
    validate = ("validate", "submitted", "validated", submitted + timedelta(days=7), champion)
    steps = {"draft": [], "submitted": [submit], "validated": [submit, validate],
             "returned": [submit, ("return", "submitted", "returned", submitted + timedelta(days=5), champion)],
             "accepted": [submit, validate, ("accept", "validated", "accepted", submitted + timedelta(days=14),
                                             users.get("secretariat"))]}
    return steps[status]


def demo_loaded() -> bool:
    return ReportingRound.objects.filter(is_demo=True).exists()


@transaction.atomic
def demo_load() -> dict[str, int]:
    """Create the demonstration history (once; a second call changes nothing)."""
    if demo_loaded():
        return {"rounds": 0, "reports": 0, "transitions": 0, "milestones": 0}
    taken = set(ReportingRound.objects.values_list("name", flat=True))
    rounds = [ReportingRound(name=r.name, description="Demonstration round (synthetic data)", opens_on=r.opens_on,
                             due_on=r.due_on, locks_on=r.locks_on, is_demo=True)
              for r in demo_rounds() if r.name not in taken]
    ReportingRound.objects.bulk_create(rounds)
    rounds = list(ReportingRound.objects.filter(is_demo=True).order_by("opens_on"))
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["proponent.mys", "secretariat", *CHAMPION_USERS.values()])}
    reports, extras = [], []
    streams = [(n, k, lv, state) for n, lv in enumerate(lines_in_force())
               for k, state in enumerate(sorted(lv.lead_states.all(), key=lambda s: s.iso3))]
    for index, (line_no, co_lead, lv, state) in enumerate(streams):
        scenario = SCENARIOS[line_no % len(SCENARIOS)]
        plan = _plan(scenario, lv.target_year, index, lag=4 * co_lead)
        for round_no, rnd in enumerate(rounds):
            figures = _figures(plan, rnd.due_on, round_no)
            if figures is None:
                continue
            last = rnd is rounds[-1]
            wf = LAST_ROUND_STATUS.get(scenario, "accepted") if last else "accepted"
            late = (index + round_no) % 5 == 0  # one report in five comes after the due date
            submitted = _moment(rnd.due_on + timedelta(days=9 if late else -4))
            report = ProgressReport(
                round=rnd, round_opens_on=rnd.opens_on, action_line=lv.action_line, member_state=state,
                workflow_status=wf,
                planned_start=plan.start, planned_end=plan.end,
                actual_start=None if figures["status"] == "not_started" else plan.start + timedelta(days=30),
                actual_end=plan.end if figures["status"] == "completed" else None, currency="USD",
                budget_planned=plan.budget, personnel_planned=plan.staff,
                quality_evidence="Demonstration: rating from the synthetic peer review.",
                risks="Demonstration risk: availability of national experts." if scenario != "on_track" else "",
                next_steps="Continue as planned." if figures["status"] != "completed" else "",
                narrative=NARRATIVE.get(figures["status"], NARRATIVE["on_track"]),
                submitted_at=submitted if wf != "draft" else None,
                first_submitted_at=submitted if wf != "draft" else None, revision=1, is_demo=True, **figures)
            reports.append(report)
            extras.append((plan, scenario, goal_of(lv), submitted, state.iso3))
    ProgressReport.objects.bulk_create(reports)
    transitions, milestones = [], []
    for report, (plan, scenario, goal, submitted, iso3) in zip(reports, extras, strict=True):
        for action, source, target, at, by in _workflow(report.workflow_status, submitted, users, goal, iso3):
            note = "Demonstration: please give the figures for committed funds." if action == "return" else ""
            transitions.append(ReportTransition(report=report, action=action, from_status=source, to_status=target,
                                                at=at, by=by, note=note, is_demo=True))
        for position, (name, planned, reached) in enumerate(_milestones(plan, int(report.percent_complete),
                                                                         scenario)):
            if reached is not None and reached > report.round.due_on:
                reached = None
            milestones.append(Milestone(report=report, position=position, name=name, planned_on=planned,
                                        reached_on=reached, is_demo=True))
    ReportTransition.objects.bulk_create(transitions)
    Milestone.objects.bulk_create(milestones)
    derived.recompute_all()
    return {"rounds": len(rounds), "reports": len(reports), "transitions": len(transitions),
            "milestones": len(milestones)}


@transaction.atomic
def demo_remove() -> dict[str, int]:
    """Delete every demonstration row, with its history; real rows are never touched."""
    real_in_demo = ProgressReport.objects.filter(round__is_demo=True, is_demo=False).count()
    if real_in_demo:
        raise DemoError(f"{real_in_demo} real report(s) were written in demonstration rounds; move or delete them "
                        "in the admin first. Nothing was removed.")
    counts = {}
    for attachment in Attachment.objects.filter(is_demo=True):
        attachment.file.delete(save=False)
    for model in (ReportTransition, Milestone, Attachment, ProgressReport, RoundException, ReportingRound):
        deleted, _ = model.objects.filter(is_demo=True).delete()
        counts[model._meta.verbose_name_plural] = deleted
        history = getattr(model, "history", None)
        if history is not None:
            history.model.objects.filter(is_demo=True).delete()
    derived.recompute_all()
    return counts

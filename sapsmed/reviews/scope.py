"""A review's scope read from the database: its rounds, the version in force at its cut-off, the form's proposals."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from sapsmed.core import review_scope as rs
from sapsmed.plan.models import Plan, PlanVersion
from sapsmed.progress.models import ReportingRound


def _scope_rounds(rounds) -> list[rs.ScopeRound]:
    return [rs.ScopeRound(r.name, r.opens_on) for r in rounds]


def decision_date(amendment) -> date:
    """The day an amendment was decided: as recorded, else the day it was approved on the platform (local time)."""
    if amendment.decided_on:
        return amendment.decided_on
    return timezone.localdate(amendment.approved_at or amendment.recorded_at)


def version_decisions(plan: Plan) -> list[rs.VersionDecision]:
    """Each version of the plan with the date of the decision that made it (the endorsed version: none)."""
    found = []
    for v in PlanVersion.objects.filter(plan=plan).select_related("amendment"):
        amendment = getattr(v, "amendment", None)
        found.append(rs.VersionDecision(v.number, decision_date(amendment) if amendment is not None else None))
    return found


def version_on(plan: Plan, day: date) -> PlanVersion | None:
    """The version of the plan in force on that day."""
    number = rs.version_in_force(version_decisions(plan), day)
    return PlanVersion.objects.filter(plan=plan, number=number).first() if number is not None else None


def rounds_of(review) -> list[ReportingRound]:
    """The reporting rounds the review covers, in the order they opened."""
    every = list(ReportingRound.objects.order_by("opens_on", "name"))
    names = set(rs.rounds_between(_scope_rounds(every), review.first_round and review.first_round.name,
                                  review.last_round and review.last_round.name))
    return [r for r in every if r.name in names]


def scope_of(review) -> rs.ReviewScope:
    """The review's scope: every sentence of its header and sections is generated from this."""
    version = review.plan_version
    in_force = rs.version_in_force(version_decisions(version.plan), review.cut_off) or version.number
    return rs.ReviewScope(
        kind_label=review.get_kind_display(), cut_off=review.cut_off, plan_version=version.number,
        plan_version_label=version.label, kpi_years=(review.kpi_year_from, review.kpi_year_to),
        rounds=tuple(r.name for r in rounds_of(review)), version_in_force=in_force)


def proposals(kind: str, plan: Plan | None = None) -> dict:
    """What the new-review form proposes for a kind of review of the plan: title, years, cut-off, version
    in force on the cut-off, and the rounds that opened within the years."""
    plan = plan or Plan.objects.order_by("-start_year").first()
    if plan is None:
        return {"kind": kind}
    years = rs.proposed_years(kind, plan.start_year, plan.end_year)
    cut_off = date(years[1], 12, 31)
    kind_label = {"mid_term": "Mid-term review", "final": "Final review"}.get(kind, "Review")
    title = f"{kind_label} of the {plan.short_title}"
    if str(plan.start_year) not in plan.short_title:
        title += f" {plan.start_year}–{plan.end_year}"
    found = {"kind": kind, "title": title,
             "cut_off": cut_off, "kpi_year_from": years[0], "kpi_year_to": years[1],
             "plan_version": version_on(plan, cut_off)}
    every = list(ReportingRound.objects.all())
    chosen = rs.proposed_rounds(_scope_rounds(every), years)
    if chosen:
        by_name = {r.name: r for r in every}
        found["first_round"], found["last_round"] = by_name[chosen[0]], by_name[chosen[1]]
    return found

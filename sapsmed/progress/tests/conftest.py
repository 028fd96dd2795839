"""Fixtures of the progress tests: an open round, reports on B-2-1.3 (led by Malaysia and Laos), e-mail addresses."""

from datetime import timedelta

import pytest
from django.utils import timezone

GOOD = {
    "status": "on_track", "percent_complete": 40, "planned_start": None, "planned_end": None, "currency": "USD",
    "budget_planned": 100000, "budget_spent": 30000, "personnel_planned": 5, "personnel_actual": 5,
    "quality_rating": 4, "quality_evidence": "Peer review by two member states", "narrative": "Platform designed.",
}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def open_round(personas, today):
    from sapsmed.progress.services import round_open

    return round_open(by=personas["secretariat"], name="2026-H2", opens_on=today - timedelta(days=10),
                      due_on=today + timedelta(days=20), locks_on=today + timedelta(days=30))


@pytest.fixture
def emails(personas):
    """Give every persona an address, as real users have; personas are created without one."""
    for name, user in personas.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return {name: f"{name}@example.org" for name in personas}


@pytest.fixture
def draft(personas, open_round):
    """Malaysia's complete draft on B-2-1.3 in the open round, ready to submit."""
    return make_report(personas["proponent_mys"], open_round)


def make_report(user, rnd, code="B-2-1.3", iso3="MYS", **changes):
    from sapsmed.plan.models import ActionLine, MemberState
    from sapsmed.progress.services import report_save

    values = {**GOOD, **changes}
    return report_save(by=user, round=rnd, line=ActionLine.objects.get(code=code),
                       state=MemberState.objects.get(iso3=iso3), values=values,
                       milestones=[{"name": "Design", "planned_on": None, "reached_on": None}], revision=0)


def move(report, user, action, note=""):
    from sapsmed.progress.services import report_transition

    return report_transition(by=user, report_id=report.pk, action=action, note=note)

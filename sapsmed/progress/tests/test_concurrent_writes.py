"""Two proponents saving the same report at the same moment: one is saved, the other told it is stale.

The rule itself (a save based on an old revision is refused and kept as a conflict) is tested one save
after the other in test_concurrency.py, on SQLite and PostgreSQL; here both saves really run at once.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from sapsmed.plan.tests.racing import ON_POSTGRES, committed_database, meeting_point, race, wrap_after
from sapsmed.progress.models import ProgressReport, ReportConflict
from sapsmed.progress.services import StaleReport, report_save

from .conftest import GOOD, make_report


@pytest.fixture
def committed_db(derived_mended, django_db_setup, django_db_blocker):  # the test database, with the plan, created
    yield from committed_database(django_db_blocker)


def person(username: str, role: str, **scope):
    from sapsmed.accounts.services import role_grant, user_create
    from sapsmed.plan.models import MemberState

    user, _ = user_create(username=username, password="race-password-1")  # noqa: S106 - test only
    state = MemberState.objects.get(iso3=scope["state"]) if "state" in scope else None
    role_grant(user=user, role=role, member_state=state)
    return user


@pytest.mark.django_db
def test_a_proponent_refused_as_stale_saves_once_they_reopen_the_report(open_round, draft, personas):
    bala = person("bala", "proponent", state="MYS")
    opened = draft.revision

    def save(user, narrative, revision):
        return report_save(by=user, round=open_round, line=draft.action_line, state=draft.member_state,
                           values={**GOOD, "narrative": narrative}, milestones=[], revision=revision)

    save(personas["proponent_mys"], "Alice's narrative", opened)
    with pytest.raises(StaleReport):
        save(bala, "Bala's narrative", opened)
    reopened = ProgressReport.objects.get(pk=draft.pk).revision
    assert save(bala, "Bala's narrative, after reading Alice's", reopened).revision == reopened + 1


@ON_POSTGRES
def test_of_two_proponents_saving_the_same_report_at_once_one_is_saved_and_the_other_told(committed_db):
    from sapsmed.progress.services import round_open

    today = timezone.localdate()
    rnd = round_open(by=person("race-secretariat", "secretariat"), name="race-round",
                     opens_on=today - timedelta(days=10), due_on=today + timedelta(days=20),
                     locks_on=today + timedelta(days=30))
    alice, bala = person("race-alice", "proponent", state="MYS"), person("race-bala", "proponent", state="MYS")
    draft = make_report(alice, rnd)
    opened = draft.revision

    def save(user, narrative):
        return lambda: report_save(by=user, round=rnd, line=draft.action_line, state=draft.member_state,
                                   values={**GOOD, "narrative": narrative}, milestones=[], revision=opened)

    results = race(save(alice, "Alice's narrative"), save(bala, "Bala's narrative"))
    assert sorted(type(r).__name__ for r in results) == ["ProgressReport", "StaleReport"], results
    saved, refused = (0, 1) if isinstance(results[0], ProgressReport) else (1, 0)
    winner = ("Alice's narrative", "Bala's narrative")[saved]
    report = ProgressReport.objects.get(pk=draft.pk)
    assert report.narrative == winner and report.revision == opened + 1
    assert "Your changes were not saved" in str(results[refused])
    kept = ReportConflict.objects.get(report=report)  # the refused person's version is kept to re-apply
    assert kept.by == (alice, bala)[refused] and kept.based_on_revision == opened



@ON_POSTGRES
def test_two_transitions_at_once_on_a_line_and_the_line_waiting_for_it_store_what_both_did(committed_db, monkeypatch):
    """Reports of two goals, two states and two rounds (nothing else makes the transitions take turns): Laos
    drops B-2-1.2 while Thailand submits A-1-2.1, which waits for it."""
    from sapsmed.plan.models import ActionLine, ActionLineVersion
    from sapsmed.progress import derived, warning
    from sapsmed.progress.models import Basis, StreamAssessment
    from sapsmed.progress.services import report_transition, round_open

    today = timezone.localdate()
    secretariat = person("race-secretariat", "secretariat")
    rounds = [round_open(by=secretariat, name=f"race-round-{n}", opens_on=today - timedelta(days=10 + n),
                         due_on=today + timedelta(days=20), locks_on=today + timedelta(days=30)) for n in (1, 2)]
    ActionLineVersion.objects.get(action_line__code="A-1-2.1").predecessors.add(ActionLine.objects.get(code="B-2-1.2"))
    derived.streams_recompute()
    lao, tha = person("race-lao", "proponent", state="LAO"), person("race-tha", "proponent", state="THA")
    dropped = make_report(lao, rounds[0], code="B-2-1.2", iso3="LAO", status="dropped")
    waiting = make_report(tha, rounds[1], code="A-1-2.1", iso3="THA")
    # Both read the facts, then both write, unless the recompute makes them take turns.
    wrap_after(warning, "compute", monkeypatch, meeting_point(2))
    results = race(lambda: report_transition(by=lao, report_id=dropped.pk, action="submit"),
                   lambda: report_transition(by=tha, report_id=waiting.pk, action="submit"))
    assert [type(r).__name__ for r in results] == ["ProgressReport", "ProgressReport"], results
    row = StreamAssessment.objects.get(action_line__code="A-1-2.1", member_state__iso3="THA", basis=Basis.SUBMITTED)
    assert "Predecessor dropped: B-2-1.2 (LAO), which this line waits for, has been dropped." in [
        f["reason"] for f in row.flags]
    assert derived.differences() == []

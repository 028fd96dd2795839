"""The policy module reads role grants with their scope, and the Secretariat role opens the admin."""

import pytest

from sapsmed.accounts.models import Role
from sapsmed.accounts.policy import Perm, can, grants_of
from sapsmed.accounts.services import role_grant, role_revoke

pytestmark = pytest.mark.django_db


def test_a_champion_grant_carries_its_goal_and_state(personas):
    grants = grants_of(personas["champion_b"])
    assert grants.champion_goals == {"B"} and grants.champion_states == {"MYS"}
    assert not grants.is_secretariat


def test_a_user_may_hold_several_grants(personas):
    # Thailand reached through champion_a's grant: accounts' tests import no plan module (plan sits above).
    thailand = personas["champion_a"].role_grants.get().member_state
    user = personas["focal_mys"]
    role_grant(user=user, role=Role.FOCAL_POINT, member_state=thailand)
    assert grants_of(user).focal_point_states == {"MYS", "THA"}


def test_granting_and_revoking_the_secretariat_role_opens_and_closes_the_admin(personas):
    user = personas["viewer"]
    grant = role_grant(user=user, role=Role.SECRETARIAT)
    user.refresh_from_db()
    assert user.is_staff and can(user, Perm.USE_ADMIN)
    role_revoke(grant=grant)
    user.refresh_from_db()
    assert not user.is_staff and not can(user, Perm.USE_ADMIN)


def test_anonymous_users_read_the_plan_but_see_no_history():
    from django.contrib.auth.models import AnonymousUser

    assert can(AnonymousUser(), Perm.VIEW_PLAN)
    assert not can(AnonymousUser(), Perm.VIEW_HISTORY)
    assert not can(AnonymousUser(), Perm.EDIT_PLAN)


def test_a_grant_without_its_scope_is_refused_by_the_database(personas):
    from django.db import IntegrityError, transaction

    from sapsmed.accounts.models import RoleGrant

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=personas["outsider"], role=Role.CHAMPION)


@pytest.mark.parametrize(("persona", "state", "allowed"), [
    ("focal_mys", "MYS", True), ("focal_mys", "THA", False), ("secretariat", "THA", True),
    ("champion_b", "MYS", False), ("viewer", "MYS", False), ("outsider", "MYS", False),
])
def test_only_the_states_focal_point_or_the_secretariat_edits_its_kpi_values(personas, persona, state, allowed):
    assert can(personas[persona], Perm.KPI_EDIT, state=state) == allowed


@pytest.mark.parametrize(("persona", "goal", "allowed"), [
    ("champion_b", "B", True), ("champion_a", "B", False), ("champion_a", "A", True),
    ("secretariat", "B", False), ("proponent_mys", "B", False),
])
def test_only_the_champion_of_the_lines_goal_validates(personas, persona, goal, allowed):
    assert can(personas[persona], Perm.REPORT_VALIDATE, goal=goal) == allowed


@pytest.mark.parametrize(("persona", "lead_states", "allowed"), [
    ("proponent_mys", {"MYS", "LAO"}, True), ("proponent_mys", {"THA", "VNM"}, False),
    ("champion_b", {"MYS"}, False), ("secretariat", {"MYS"}, False),
])
def test_a_proponent_edits_reports_only_on_lines_its_state_leads(personas, persona, lead_states, allowed):
    assert can(personas[persona], Perm.REPORT_EDIT, line="X-1-1.1", lead_states=lead_states) == allowed


@pytest.mark.parametrize(("persona", "goal", "lead_states", "allowed"), [
    ("viewer", "C", {"SGP"}, True), ("champion_b", "B", {"MYS"}, True), ("champion_b", "C", {"SGP"}, False),
    ("focal_mys", "C", {"MYS"}, True), ("focal_mys", "C", {"SGP"}, False), ("outsider", "B", {"MYS"}, False),
])
def test_who_reads_a_progress_report(personas, persona, goal, lead_states, allowed):
    assert can(personas[persona], Perm.REPORT_VIEW, goal=goal, line="C-1-1.2", lead_states=lead_states) == allowed

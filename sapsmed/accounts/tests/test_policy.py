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
    from sapsmed.plan.models import MemberState

    user = personas["focal_mys"]
    role_grant(user=user, role=Role.FOCAL_POINT, member_state=MemberState.objects.get(iso3="SGP"))
    assert grants_of(user).focal_point_states == {"MYS", "SGP"}


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

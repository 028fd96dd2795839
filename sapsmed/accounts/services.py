"""Write path for users and role grants: every change goes through these functions."""

from django.contrib.auth import get_user_model
from django.db import transaction

from sapsmed.accounts.models import Role, RoleGrant
from sapsmed.accounts.policy import forget_grants


@transaction.atomic
def role_grant(*, user, role: Role, goal=None, member_state=None, action_line=None,
               organisation: str = "") -> RoleGrant:
    """Grant a role (idempotent); the Secretariat role also opens the admin site (is_staff)."""
    grant, _ = RoleGrant.objects.get_or_create(
        user=user, role=role, goal=goal, member_state=member_state, action_line=action_line,
        organisation=organisation,
    )
    staff_sync(user)
    forget_grants(user)
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant) -> None:
    user = grant.user
    grant.delete()
    staff_sync(user)
    forget_grants(user)


def staff_sync(user) -> None:
    """Make is_staff follow the grants (called by every path that changes grants, admin included)."""
    # is_staff is derived from the grants, never set by hand, so the two cannot disagree.
    staff = user.is_superuser or RoleGrant.objects.filter(user=user, role=Role.SECRETARIAT).exists()
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    forget_grants(user)


def user_create(*, username: str, password: str, email: str = "", first_name: str = "", last_name: str = ""):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": email, "first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(password)
        user.save()
    return user, created

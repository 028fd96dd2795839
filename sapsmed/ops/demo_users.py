"""Create the demo users (sapsmed/accounts/demo.py) with their grants over the loaded plan's rows."""

from sapsmed.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from sapsmed.accounts.services import role_grant, user_create
from sapsmed.plan.models import ActionLine, MemberState, StrategicGoal


def demo_users_create() -> list[tuple[str, str, bool]]:
    """Create the demo users if missing (idempotent); return (username, description, created)."""
    out = []
    for username, full_name, role, goal, iso3, line, description in DEMO_USERS:
        first, _, last = full_name.partition(" ")
        user, created = user_create(username=username, password=DEMO_PASSWORD, first_name=first, last_name=last,
                                    email=f"{username}@demo.invalid")
        role_grant(
            user=user, role=role,
            goal=StrategicGoal.objects.get(code=goal) if goal else None,
            member_state=MemberState.objects.get(iso3=iso3) if iso3 else None,
            action_line=ActionLine.objects.get(code=line) if line else None,
        )
        out.append((username, description, created))
    return out

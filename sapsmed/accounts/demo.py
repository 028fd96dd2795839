"""Demo users, one per role, for local demonstration only (never created in production)."""

from sapsmed.accounts.models import Role
from sapsmed.accounts.services import role_grant, user_create
from sapsmed.plan.models import ActionLine, MemberState, StrategicGoal

DEMO_PASSWORD = "demo-sapsmed-2025"  # noqa: S105 - printed on purpose: these accounts are for local demos only

# (username, full name, role, goal code, state ISO3, action-line code, what the account shows)
DEMO_USERS = [
    ("secretariat", "Demo Secretariat analyst", Role.SECRETARIAT, None, None, None,
     "ASEAN Secretariat analyst: manages the plan, rounds and users; uses the admin"),
    ("champion.mys", "Demo Champion (Malaysia, goal B)", Role.CHAMPION, "B", "MYS", None,
     "Country Champion of goal B (Access to Finance) for Malaysia"),
    ("champion.tha", "Demo Champion (Thailand, goal A)", Role.CHAMPION, "A", "THA", None,
     "Country Champion of goal A (Productivity, Technology and Innovation) for Thailand"),
    ("proponent.mys", "Demo Proponent (Malaysia)", Role.PROPONENT, None, "MYS", None,
     "Project proponent: Malaysia, for the action lines it leads"),
    ("focal.mys", "Demo Focal point (Malaysia)", Role.FOCAL_POINT, None, "MYS", None,
     "National focal point of Malaysia: enters Malaysia's KPI values"),
    ("viewer", "Demo Viewer (donor)", Role.VIEWER, None, None, None,
     "Viewer (donor or dialogue partner): reads everything"),
]


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

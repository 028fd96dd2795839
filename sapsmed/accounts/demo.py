"""Demo users, one per role, for local demonstration only (never created in production): who they are.

Their scopes are named by code; sapsmed/ops/demo_users.py creates them against the loaded plan (plan sits
above accounts, so resolving a code to a plan row is not done here).
"""

from sapsmed.accounts.models import Role

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

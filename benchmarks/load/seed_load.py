"""Fill the load test's own database with the full data and write what the locust users need to a JSON file.

Run by run_load.py in a subprocess (SAPSMED_ENV=local, DATABASE_URL pointing at the load database,
SECRET_KEY the one the server will use, so that the sessions written here are valid there). Data:
migrate; the real plan, KPI values and MSME definitions; the demo users; 300 SYNTHETIC action lines
(benchmarks/roadmap/bench_roadmap.py's seeding); then the demonstration progress history, which
covers every line in force, so the synthetic lines have 20 rounds of reports too.
Signed-in users get server-side sessions (as if they had signed in earlier) and API clients a token:
signing in is not what the budget measures, and PBKDF2 at login would only add noise.
Usage: python benchmarks/load/seed_load.py OUT.json [--lines 300]
"""

import argparse
import importlib.util
import json
import os
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SIGNED_IN = ("secretariat", "champion.mys", "champion.tha", "viewer")
API_USERS = ("viewer", "secretariat")


def synthetic_lines(n: int) -> None:
    """The roadmap benchmark's seeding, reused as it is."""
    spec = importlib.util.spec_from_file_location("bench_roadmap", ROOT / "benchmarks/roadmap/bench_roadmap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.synthetic_lines(n)


def session_for(user) -> str:
    """A stored session signed in as this user, as django.contrib.auth.login() would leave it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--lines", type=int, default=300)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from sapsmed.kpis.models import Kpi
    from sapsmed.plan.models import ActionLineVersion, StrategicGoal
    from sapsmed.progress.models import ProgressReport, ReportingRound

    started = time.perf_counter()
    quiet = StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    for command in ("load_plan", "load_observations", "load_msme_definitions", "create_demo_users"):
        call_command(command, stdout=quiet)
    synthetic_lines(args.lines)
    call_command("load_demo_progress", stdout=quiet)

    users = get_user_model().objects.in_bulk(field_name="username")
    fixture = {
        "sessions": {name: session_for(users[name]) for name in SIGNED_IN},
        "tokens": {name: Token.objects.get_or_create(user=users[name])[0].key for name in API_USERS},
        "kpis": sorted(Kpi.objects.values_list("code", flat=True)),
        "goals": sorted(StrategicGoal.objects.values_list("code", flat=True)),
        "rounds": list(ReportingRound.objects.order_by("-opens_on").values_list("name", flat=True)[:4]),
        "counts": {"action_lines": ActionLineVersion.objects.count(), "reports": ProgressReport.objects.count(),
                   "kpis": Kpi.objects.count()},
    }
    Path(args.out).write_text(json.dumps(fixture, indent=1))
    print(f"seeded in {time.perf_counter() - started:.0f} s: {fixture['counts']}")


if __name__ == "__main__":
    main()

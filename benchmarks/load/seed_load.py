"""Fill a benchmark database with the full data and the writers' round, and write what its users need to JSON.

Run by run_load.py and benchmarks/growth in a subprocess, with the checked-out code under test (--repo,
its own .venv's Python), SAPSMED_ENV=local, DATABASE_URL pointing at the benchmark's database and the
SECRET_KEY the server will use (so the sessions written here are valid there). Data: migrate; the real
plan, KPI values and MSME definitions; the demo users; --lines SYNTHETIC action lines (the roadmap
benchmark's seeding: 300 gives today's 312 lines, 3,108 ten times that); the demonstration progress
history, which covers every line in force; `refresh_assessments` where the code has it (stored derived
values), as its daily task would have run.
For the writers: one open round ("SYNTHETIC-open") with drafts saved through progress.services by one
proponent per member state (--drafts per state, spread over the lines each leads), and two focal points
with the latest value of each of their state's KPIs to correct. Every user the load test plays gets a
session (signed in earlier) or an API token, so PBKDF2 at login is not in the figures.
Usage: python benchmarks/load/seed_load.py OUT.json [--lines 300] [--drafts 30] [--repo PATH]
"""

import argparse
import importlib.util
import json
import os
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
OPEN_ROUND = "SYNTHETIC-open"
SIGNED_IN = ("secretariat", "champion.mys", "champion.tha", "viewer")
API_USERS = ("viewer", "secretariat")
FOCAL_STATES = 2


def synthetic_lines(repo: Path, n: int) -> None:
    """The roadmap benchmark's seeding, reused as it is: the checkout's own copy, which matches its models."""
    script = repo / "benchmarks/roadmap/bench_roadmap.py"
    if not script.exists():
        script = HERE.parent / "roadmap/bench_roadmap.py"
    spec = importlib.util.spec_from_file_location("bench_roadmap", script)
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


def token_for(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def draft_values(lv, i: int) -> tuple[dict, list[dict]]:
    """A complete draft (it could be submitted as it is), with the line's own planned years."""
    start = date(lv.start_year or 2021, 1, 1)
    end = max(start + timedelta(days=365), date(lv.target_year or 2025, 12, 31))
    values = {"status": "on_track", "percent_complete": Decimal(20 + i % 60), "planned_start": start,
              "planned_end": end, "actual_start": start + timedelta(days=30), "actual_end": None, "currency": "USD",
              "budget_planned": Decimal(200_000), "budget_committed": Decimal(90_000), "budget_spent": Decimal(80_000),
              "personnel_planned": Decimal(6), "personnel_actual": Decimal(5), "quality_rating": 4,
              "quality_evidence": "SYNTHETIC: load-test peer review.", "risks": "", "next_steps": "Continue.",
              "narrative": "SYNTHETIC load-test draft."}
    milestones = [{"name": "Inception report", "planned_on": start + timedelta(days=90),
                   "reached_on": start + timedelta(days=100)},
                  {"name": "Final report", "planned_on": end, "reached_on": None}]
    return values, milestones


def seed_writers(drafts_per_state: int) -> dict:
    """The open round with drafts, one proponent per state (token) and two focal points (token, values)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.utils import timezone

    from sapsmed.accounts.models import Role
    from sapsmed.accounts.services import role_grant, user_create
    from sapsmed.kpis.models import Observation
    from sapsmed.plan.models import ActionLineVersion, MemberState, PlanVersion
    from sapsmed.progress import services
    from sapsmed.progress.models import ReportingRound

    today = timezone.localdate()
    secretariat = get_user_model().objects.get(username="secretariat")
    rnd = ReportingRound.objects.filter(name=OPEN_ROUND).first() or services.round_open(
        by=secretariat, name=OPEN_ROUND, opens_on=today - timedelta(days=7), due_on=today + timedelta(days=45),
        locks_on=today + timedelta(days=60), description="SYNTHETIC benchmark round: open, with drafts",
        is_demo=True)
    version = PlanVersion.objects.order_by("-number").first()
    lines = list(ActionLineVersion.objects.filter(plan_version=version, retired=False)
                 .select_related("action_line").prefetch_related("lead_states").order_by("action_line__code"))
    proponents, drafts = [], 0
    for state in MemberState.objects.order_by("iso3"):
        user, _ = user_create(username=f"proponent.load.{state.iso3.lower()}", password=None)
        role_grant(user=user, role=Role.PROPONENT, member_state=state)
        proponents.append([user.username, token_for(user), state.iso3])
        led = [lv for lv in lines if state in lv.lead_states.all()]
        step = max(1, len(led) // max(1, drafts_per_state))  # spread over the goals, not the first action only
        for i, lv in enumerate(led[::step][:drafts_per_state]):
            values, milestones = draft_values(lv, i)
            services.report_save(by=user, round=rnd, line=lv.action_line, state=state, values=values,
                                 milestones=milestones, revision=0, reason="SYNTHETIC benchmark draft")
            drafts += 1
    # The focal points of the two states with the most values: they correct their latest value of each KPI.
    busiest = (Observation.objects.values("state__iso3").annotate(n=Count("id")).order_by("-n", "state__iso3")
               .values_list("state__iso3", flat=True)[:FOCAL_STATES])
    focal_points = []
    for iso3 in busiest:
        user, _ = user_create(username=f"focal.load.{iso3.lower()}", password=None)
        role_grant(user=user, role=Role.FOCAL_POINT, member_state=MemberState.objects.get(iso3=iso3))
        latest = {}
        for obs in (Observation.objects.filter(state__iso3=iso3).select_related("kpi").order_by("kpi__code", "year")):
            latest[obs.kpi.code] = [obs.kpi.code, obs.year, str(obs.value),
                                    None if obs.kpi.value_min is None else str(obs.kpi.value_min),
                                    None if obs.kpi.value_max is None else str(obs.kpi.value_max)]
        focal_points.append({"user": user.username, "token": token_for(user), "state": iso3,
                             "values": list(latest.values())})
    return {"round": rnd.name, "proponents": proponents, "focal_points": focal_points, "drafts": drafts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--lines", type=int, default=300, help="SYNTHETIC action lines added to the real plan")
    parser.add_argument("--drafts", type=int, default=30, help="drafts per member state in the open round")
    parser.add_argument("--repo", type=Path, default=HERE.parents[1], help="the checkout whose code seeds")
    args = parser.parse_args()
    repo = args.repo.resolve()
    sys.path.insert(0, str(repo))  # the code under test, never this script's checkout by accident
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command, get_commands
    from django.db import connection

    from sapsmed.kpis.models import Kpi
    from sapsmed.plan.models import ActionLineVersion, StrategicGoal
    from sapsmed.progress.models import ProgressReport, ReportingRound

    started = time.perf_counter()
    quiet = StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    for command in ("load_plan", "load_observations", "load_msme_definitions", "create_demo_users"):
        call_command(command, stdout=quiet)
    synthetic_lines(repo, args.lines)
    call_command("load_demo_progress", stdout=quiet)
    refreshed = "refresh_assessments" in get_commands()  # stored derived values: the new code only
    if refreshed:
        call_command("refresh_assessments", stdout=quiet)
    writers = seed_writers(args.drafts)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them on a running server: a
        cursor.execute("ANALYZE")  # bulk-loaded table without them is planned as if empty (seen: 2x on a list)

    users = get_user_model().objects.in_bulk(field_name="username")
    demo_rounds = ReportingRound.objects.filter(is_demo=True).exclude(name=OPEN_ROUND).order_by("-opens_on")
    fixture = {
        "repo": str(repo),
        "sessions": {name: session_for(users[name]) for name in SIGNED_IN},
        "tokens": {name: token_for(users[name]) for name in API_USERS},
        "kpis": sorted(Kpi.objects.values_list("code", flat=True)),
        "goals": sorted(StrategicGoal.objects.values_list("code", flat=True)),
        "rounds": list(ReportingRound.objects.order_by("-opens_on").values_list("name", flat=True)[:4]),
        "latest_closed_round": demo_rounds.values_list("name", flat=True).first(),
        "writers": writers,
        "counts": {"action_lines": ActionLineVersion.objects.count(), "reports": ProgressReport.objects.count(),
                   "kpis": Kpi.objects.count(), "open_round_drafts": writers["drafts"],
                   "refresh_assessments": refreshed},
    }
    Path(args.out).write_text(json.dumps(fixture, indent=1))
    print(f"seeded in {time.perf_counter() - started:.0f} s: {fixture['counts']}")


if __name__ == "__main__":
    main()

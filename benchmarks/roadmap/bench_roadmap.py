"""Benchmark: the roadmap timeline page with 300 action lines, against peers measured in the same run.

Method:
- A throw-away test database (Django's test-database machinery, so the real database is never
  touched) is migrated, the real plan is loaded (12 action lines) and SYNTHETIC action lines are
  added (default 300, spread over every action of the plan, with spans, leads, proponents, measures
  and a predecessor chain). The synthetic lines are labelled "SYNTHETIC benchmark line" in their titles.
- Each page is requested in-process with Django's test client (no network, no web server), as an
  anonymous visitor: a warm-up request, then --runs timed requests; median and 95th percentile are
  reported. A separate untimed request counts its SQL queries.
- Pages timed: the timeline (/roadmap/), the same page without the progress app's status hook
  (sapsmed.progress.selectors.latest_status_by_line, which assesses every line of the plan), a filtered
  timeline (champion Malaysia, period 2021-2025), its Excel export and its A3 PDF.
- Peers, measured in the same run on the same data:
  * "naive": the same template, filled from an unplanned queryset (no select_related, no
    prefetch_related; each row reads its goal, leads, proponents and predecessors lazily). It shows
    what planning the queries buys; it is written in this script, not an independent product.
  * "admin": Django's admin changelist of the same action-line terms, as shipped (100 rows per page,
    5 columns, signed in as the Secretariat). It is a familiar yardstick of a plain Django list page,
    doing less work than the timeline.

Usage: SAPSMED_ENV=test .venv/bin/python benchmarks/roadmap/bench_roadmap.py [--lines 300] [--runs 30]
       (DATABASE_URL=postgres://... to run on PostgreSQL; a test_ database is created and dropped)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SAPSMED_ENV", "test")


def synthetic_lines(n: int) -> None:
    from sapsmed.plan.models import (
        Action,
        ActionLine,
        ActionLineVersion,
        MemberState,
        Organisation,
        Pathway,
        PlanVersion,
        TypeOfMeasure,
    )

    version = PlanVersion.objects.get(number=1)
    actions = list(Action.objects.order_by("code"))
    states = list(MemberState.objects.order_by("iso3"))
    measures = list(TypeOfMeasure.objects.order_by("number"))
    pathways = list(Pathway.objects.order_by("code"))
    organisation = Organisation.objects.get(code="ASEC")
    times = ["quick-win", "medium-term", "long-term", ""]
    previous: dict[int, ActionLine] = {}
    for i in range(n):
        action = actions[i % len(actions)]
        number = 100 + i
        line = ActionLine.objects.create(action=action, code=f"{action.code}.{number}", line_no=number)
        start = 2016 + i % 9
        lv = ActionLineVersion.objects.create(
            action_line=line, plan_version=version, title=f"SYNTHETIC benchmark line {number} of action {action.code}",
            source="SYNTHETIC benchmark data", confidence="unverified", start_year=start,
            target_year=min(2025, start + i % 4), required_time=times[i % 4], pathway=pathways[i % 2],
            implementation_level="regional" if i % 2 else "national", cross_cutting_theme=f"Theme {i % 3}")
        lv.lead_states.set([states[i % 10], states[(i + 3) % 10]])
        lv.proponent_states.set([states[(i + 5) % 10]])
        if i % 3 == 0:
            lv.proponent_organisations.set([organisation])
        lv.types_of_measure.set([measures[i % 7]])
        if action.pk in previous:
            lv.predecessors.set([previous[action.pk]])
        previous[action.pk] = line


def naive_page(request):
    """Peer: the timeline template filled from an unplanned queryset (N+1 queries)."""
    from django.shortcuts import render

    from sapsmed.core.roadmap_rules import line_years
    from sapsmed.plan import roadmap_selectors as rs
    from sapsmed.plan.models import ActionLineVersion, Period, PlanVersion

    version = PlanVersion.objects.order_by("-number").first()
    plan = version.plan
    periods = list(Period.objects.filter(plan=plan).order_by("start_year"))
    span = range(plan.start_year, plan.end_year + 1)
    starts = {p.start_year for p in periods[1:]}
    groups: dict[str, rs.GoalGroup] = {}
    for lv in ActionLineVersion.objects.filter(plan_version=version, retired=False).order_by("action_line__code"):
        goal = lv.action_line.action.outcome.goal
        years = line_years({"start_year": lv.start_year, "target_year": lv.target_year})
        proponents = [s.name for s in lv.proponent_states.all()] + [o.name for o in lv.proponent_organisations.all()]
        row = rs.TimelineRow(lv, lv.action_line.code, years, rs._cells(years, lv.target_year, span, starts), None,
                             [p.code for p in lv.predecessors.all()], sorted(s.name for s in lv.lead_states.all()),
                             proponents)
        groups.setdefault(goal.code, rs.GoalGroup(goal.code, goal.title, [])).rows.append(row)
    heads = [{"period": p, "index": i, "span": p.end_year - p.start_year + 1} for i, p in enumerate(periods, 1)]
    ctx = {"version": version, "plan": plan, "periods": periods, "period_heads": heads, "years": list(span),
           "groups": [groups[c] for c in sorted(groups)], "count": sum(len(g.rows) for g in groups.values()),
           "columns": len(span) + 4, "has_status": False, "filters": {}, "latest": version,
           "choices": {"versions": [version], "goals": [], "actions": [], "states": [], "champions": [],
                       "organisations": [], "pathways": [], "measures": [], "themes": [], "periods": periods,
                       "levels": []}}
    return render(request, "plan/roadmap/timeline.html", ctx)


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # read now: later requests clear the connection's query log
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[max(0, int(round(0.95 * len(times))) - 1)],
            "queries": queries, "kb": len(response.content) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import path

    setup_test_environment()
    # As Django's own test cases do: keep one connection across requests, so that queries can be counted.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from sapsmed.accounts.models import Role
        from sapsmed.accounts.services import role_grant, user_create
        from sapsmed.ops.loading import plan_load
        from sapsmed.plan.models import ActionLineVersion

        plan_load()
        synthetic_lines(args.lines)
        total = ActionLineVersion.objects.count()
        secretariat, _ = user_create(username="bench-secretariat", password=None)
        role_grant(user=secretariat, role=Role.SECRETARIAT)

        import config.urls

        urls = type("Urls", (), {"urlpatterns": [path("naive-roadmap/", naive_page), *config.urls.urlpatterns]})
        sys.modules["bench_urls"] = urls
        with override_settings(ROOT_URLCONF="bench_urls"):
            anonymous, admin = Client(), Client()
            admin.force_login(secretariat)
            rows = [
                ("sapsmed timeline /roadmap/", anonymous, "/roadmap/", args.runs),
                ("sapsmed timeline, filtered (champion MYS, 2021-2025)", anonymous,
                 "/roadmap/?champion=MYS&period=P2", args.runs),
                ("peer: same template, naive queryset", anonymous, "/naive-roadmap/", args.runs),
                ("peer: Django admin changelist (100 rows/page)", admin, "/admin/plan/actionlineversion/", args.runs),
                ("sapsmed roadmap Excel export", anonymous, "/roadmap/roadmap.xlsx", max(3, args.runs // 5)),
                ("sapsmed roadmap PDF (A3, WeasyPrint)", anonymous, "/roadmap/roadmap.pdf", 3),
            ]
            results = [(label, url, measure(client, url, runs)) for label, client, url, runs in rows]
            # The same page without the progress app's status hook, to show what each part costs.
            from sapsmed.plan import roadmap_selectors

            hook = roadmap_selectors.latest_statuses
            roadmap_selectors.latest_statuses = lambda: ({}, {})
            try:
                results.insert(1, ("sapsmed timeline without the progress status hook", "/roadmap/",
                                   measure(anonymous, "/roadmap/", args.runs)))
            finally:
                roadmap_selectors.latest_statuses = hook
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    load = os.getloadavg()
    print(f"{total} action lines ({args.lines} SYNTHETIC); database {engine}; Python {platform.python_version()}; "
          f"{os.cpu_count()} CPUs; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    base = results[0][2]["median"]
    print("| page | median ms | p95 ms | SQL queries | KB | × timeline |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, _url, r in results:
        print(f"| {label} | {r['median']:.1f} | {r['p95']:.1f} | {r['queries']} | {r['kb']:.0f} | "
              f"{r['median'] / base:.2f} |")


if __name__ == "__main__":
    main()

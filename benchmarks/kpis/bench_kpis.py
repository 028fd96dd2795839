"""Benchmark: the KPI import at its largest and the KPI pages with the real data, in a throw-away test database.

Method:
- Django's test-database machinery creates (and afterwards drops) a test_ database; the real plan and
  the real shipped KPI data (load_observations) are loaded.
- Import: a long-format CSV holding a value for EVERY KPI, member state and year the platform accepts
  (11 KPIs x 10 states x 2000..this year; one value per KPI, state and year, so no valid KPI import can
  be larger). Values are SYNTHETIC (a fixed pattern within each KPI's bounds) and the file says so in
  its Source column; the database is thrown away afterwards. Timed: check (read + validate + plan
  against stored values), then commit (one transaction, bulk writes with history). Peak Python memory
  is measured with tracemalloc.
- Pages: scorecard, the KPI page of female labour force participation, its chart JSON and SVG, and the
  full CSV export, requested in-process as an anonymous visitor: one warm-up, then --runs timed requests
  (median and 95th percentile), plus the SQL query count of one untimed request.
- Peer: the same scorecard data fetched naively (one query per KPI and state) to show what planning
  the queries buys; written in this script, not an independent product.

Usage: .venv/bin/python benchmarks/kpis/bench_kpis.py [--runs 20]   (DATABASE_URL=postgres://... for PostgreSQL)
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SAPSMED_ENV", "test")


def largest_import() -> bytes:
    from sapsmed.kpis import rules
    from sapsmed.kpis.models import Kpi
    from sapsmed.plan.models import MemberState

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["KPI", "State", "Year", "Value", "Source", "Note"])
    for kpi in Kpi.objects.all():
        for state in MemberState.objects.order_by("iso3"):
            for year in range(rules.YEAR_MIN, rules.year_max() + 1):
                writer.writerow([kpi.code, state.iso3, year, 10 + (year % 7) * 1.5, "SYNTHETIC benchmark value", ""])
    return out.getvalue().encode()


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        assert response.status_code == 200, url
        return b"".join(response.streaming_content) if response.streaming else response.content

    get()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        get()
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as ctx:
        get()
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(ctx.captured_queries)


def naive_scorecard() -> int:
    """The scorecard's data, one query per cell: what an unplanned page would do."""
    from sapsmed.kpis.models import Kpi, Observation
    from sapsmed.plan.models import MemberState

    count = 0
    for kpi in Kpi.objects.all():
        for state in MemberState.objects.all():
            count += len(list(Observation.objects.filter(kpi=kpi, state=state)))
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from django.test import Client

        from sapsmed.kpis.import_services import import_commit, import_prepare
        from sapsmed.kpis.importing import check_upload
        from sapsmed.kpis.shipped import shipped_load
        from sapsmed.ops.loading import plan_load

        plan_load()
        shipped_load()
        content = largest_import()
        tracemalloc.start()
        start = time.perf_counter()
        check = check_upload(content=content, file_name="largest.csv", user=None)
        checked = time.perf_counter() - start
        batch = import_prepare(content=content, file_name="largest.csv", reason="benchmark", user=None)
        start = time.perf_counter()
        import_commit(batch=batch, user=None)
        committed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.2f}; "
              f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        print(f"import of every KPI x state x year ({len(check.planned)} rows, {len(content) // 1024} KiB): "
              f"check {checked:.2f} s, commit {committed:.2f} s, peak Python memory {peak / 2**20:.0f} MiB")
        client = Client()
        for url in ["/kpis/", "/kpis/KPI-E2/", "/kpis/KPI-E2/chart.json", "/kpis/KPI-E2/chart.svg", "/kpis/export.csv"]:
            median, p95, queries = timed(client, url, args.runs)
            print(f"{url:28} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  {queries} queries")
        start = time.perf_counter()
        naive_scorecard()
        naive = (time.perf_counter() - start) * 1000
        print(f"peer (naive scorecard data, one query per KPI and state): {naive:.1f} ms")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()

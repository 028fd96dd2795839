"""Benchmark: a 1,000,000-row KPI workbook uploaded to the import page is refused or previewed fast and small.

Budget (issue 15): refused or previewed in <= 10 s, the server's peak memory <= 500 MB, and the import page
under 200 ms afterwards.

Method: each case runs in a process of its own (the "server"), so its peak resident memory (ru_maxrss) is
its own: Django set up, a throw-away SQLite test database on disk (migrated, with the real plan and KPI
data loaded as `make serve` does), a Secretariat user signed in with the test client, then
- upload: POST /kpis/import/ with the workbook (a multipart body; Django spools it to a temporary file as
  the server does), then GET the preview it redirects to: "refused or previewed" is the sum;
- the import page (GET /kpis/import/, which lists the recent imports) 20 times after that: median and max.
Peak RSS is the process's ru_maxrss; "baseline" is the RSS before the upload (Django, the app and the
database loaded), so peak - baseline is what the import cost.
Cases in the same run: the 1,000,000-row workbook (19 MB; it passes the decompression check); the
largest valid KPI file (2,970 rows: every KPI x state x year); a 50,000-row file at the cap, with an error
in every tenth row (5,000 problems, so the error cap and the preview's first 200 are exercised); and the
peer, the code before the caps at a tenth of the size (100,000 rows, no row cap and no error cap: how the
1,000,000-row file took 44 s + 88 s and 4.6 GB). Workbooks are built once into var/bench-imports/ by
big_workbook.py (SYNTHETIC values).

Usage: .venv/bin/python benchmarks/imports/bench_big_import.py [--cases big,valid,cap,peer]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OUT = ROOT / "var" / "bench-imports"
CASES = {  # name: (rows in the file, every value valid, caps on)
    "big": (1_000_000, False, True),
    "valid": (2_971, True, True),
    "cap": (50_000, False, True),
    "peer": (100_000, False, False),
}


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def serve_case(name: str) -> dict:
    """One case in this process; prints its figures as JSON."""
    rows, valid, capped = CASES[name]
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["SAPSMED_ENV"] = "test"
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-import-{name}-", dir=OUT))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    import big_workbook
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import get_runner, setup_test_environment

    settings.DATABASES["default"]["TEST"]["NAME"] = str(workdir / "test.sqlite3")  # on disk, as a server
    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from sapsmed.accounts.services import role_grant, user_create
        from sapsmed.kpis import importing
        from sapsmed.kpis.models import Kpi
        from sapsmed.kpis.shipped import shipped_load
        from sapsmed.ops.loading import plan_load
        from sapsmed.plan.models import MemberState

        plan_load()  # the real plan and KPI data, as `make serve` loads them
        shipped_load()
        kpis = list(Kpi.objects.order_by("code").values_list("code", flat=True))
        states = list(MemberState.objects.order_by("iso3").values_list("iso3", flat=True))
        path = OUT / f"kpi-{rows}{'-valid' if valid else ''}.xlsx"
        if not path.exists():
            big_workbook.build(path, rows, valid=valid, kpis=kpis, states=states)
        if not capped:  # the code before the caps: every row read, every problem kept and shown
            importing.ROW_CAP = None
            importing.MAX_ERRORS = None
        user, _ = user_create(username="bench.secretariat", password=None)
        role_grant(user=user, role="secretariat")
        client = Client()
        client.force_login(user)
        client.get("/kpis/import/")  # the page's one-off set-up, as a running server has paid it
        content = path.read_bytes()
        baseline = rss_mb()
        start = time.perf_counter()
        response = client.post("/kpis/import/", {"file": SimpleUploadedFile(path.name, content), "reason": "bench"})
        uploaded = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        del content
        start = time.perf_counter()
        preview = client.get(response["Location"])
        previewed = time.perf_counter() - start
        assert preview.status_code == 200
        page = preview.content.decode()
        times = []
        for _ in range(20):
            start = time.perf_counter()
            assert client.get("/kpis/import/").status_code == 200
            times.append(time.perf_counter() - start)
        from sapsmed.kpis.models import ObservationImport

        batch = ObservationImport.objects.defer("content").get(created_by=user)
        first = batch.errors[0]["message"] if batch.errors else ""
        return {
            "case": name, "rows": rows, "file_mb": round(path.stat().st_size / 2**20, 1), "capped": capped,
            "upload_s": round(uploaded, 2), "preview_s": round(previewed, 2),
            "total_s": round(uploaded + previewed, 2), "preview_kb": round(len(page) / 1024),
            "status": batch.status, "errors_kept": len(batch.errors),
            "error_total": batch.summary.get("error_total", len(batch.errors)), "first_error": first[:110],
            "page_median_ms": round(statistics.median(times) * 1000, 1), "page_max_ms": round(max(times) * 1000, 1),
            "baseline_mb": round(baseline), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    finally:
        runner.teardown_databases(old)
        for leftover in sorted(workdir.rglob("*"), reverse=True):
            leftover.unlink() if leftover.is_file() else leftover.rmdir()
        workdir.rmdir()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default="big,valid,cap,peer")
    parser.add_argument("--serve-case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_case:
        print(json.dumps(serve_case(args.serve_case)))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GB"
    except ImportError:
        memory = "memory unknown"
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, {memory}, "
          f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}")
    failed = False
    for name in args.cases.split(","):
        done = subprocess.run([sys.executable, __file__, "--serve-case", name],  # noqa: S603 - this very script
                              capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode:
            print(f"{name}: failed\n{done.stderr[-3000:]}")
            failed = True
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{r['case']:5} {r['rows']:>9,} rows ({r['file_mb']} MB, caps {'on' if r['capped'] else 'off'}): "
              f"upload {r['upload_s']} s + preview {r['preview_s']} s = {r['total_s']} s; preview page "
              f"{r['preview_kb']} kB; {r['status']}, {r['error_total']:,} problems ({r['errors_kept']:,} kept); "
              f"import page median {r['page_median_ms']} ms, max {r['page_max_ms']} ms; RSS baseline "
              f"{r['baseline_mb']} MB, peak {r['peak_mb']} MB")
        print(f"      first problem: {r['first_error']}")
        if r["capped"] and (r["total_s"] > 10 or r["peak_mb"] > 500 or r["page_median_ms"] > 200):
            print("      OVER BUDGET (<= 10 s, <= 500 MB, import page < 200 ms)")
            failed = True
    print(f"load after: {os.getloadavg()[0]:.2f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""Load test: seed a database of its own, serve it with gunicorn on 127.0.0.1, run locust against it, judge.

Steps: drop and recreate the PostgreSQL database `sapsmed_load` (127.0.0.1:5432, user postgres); fill
it with the full data (seed_load.py); collect the static files; start gunicorn with production
settings (DEBUG off, SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, persistent database connections) on a free
port of 127.0.0.1; warm each worker up; run `locust --headless` for the given time with CSV output;
stop gunicorn whatever happens. Prints p50/p95/p99 per endpoint and overall, and the failures; exits 1
if any request failed or any endpoint's p95 is over the budget. Every request goes to 127.0.0.1 only.
Usage: .venv/bin/python benchmarks/load/run_load.py [--users 50 --spawn-rate 10 --run-time 2m]
       [--workers 4] [--reuse-db] [--no-memo]   (see --help; the whole run takes about 7 minutes)
"""

import argparse
import csv
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from paths import api_lists, roadmap_filters  # beside this script

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list, env: dict, timeout: int) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, timeout=timeout)  # noqa: S603 - our own commands


def recreate_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return f"{os.cpu_count()} CPUs ({cpu}), {ram / 1024 ** 2:.0f} GB RAM, Python {platform.python_version()}"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def get(port: int, path: str, headers: dict, timeout: float = 30) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https",
                                                                              **headers})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1 only
        response.read()
        return response.status


def wait_ready(port: int, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if get(port, "/static/css/sapsmed.css", {}, timeout=2) == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port} within {seconds} s")


def warm_up(port: int, fixture: dict, workers: int) -> None:
    """Each worker draws every page and list the users read before the clock starts, as a running server has.

    A worker's first request of an endpoint pays its one-off costs (imports done on first use, class and
    template set-up): 100-400 ms, which would otherwise land in the p95 of the lists read a dozen times.
    """
    session = {"Cookie": f"sessionid={fixture['sessions']['secretariat']}"}
    token = {"Authorization": f"Token {fixture['tokens']['secretariat']}"}
    root = json.loads(urllib.request.urlopen(urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
        f"http://127.0.0.1:{port}/api/", headers={"X-Forwarded-Proto": "https", **token}), timeout=60).read())
    lists, filters = api_lists(root), roadmap_filters(fixture["goals"])
    pages = ([("/kpis/", {}), ("/roadmap/", {}), ("/progress/early-warning/", session), ("/progress/rounds/", session)]
             + [(f"/roadmap/?{f}", {}) for f in filters] + [(f"/kpis/{code}/", {}) for code in fixture["kpis"]]
             + [(f"/progress/rounds/{name}/", session) for name in fixture["rounds"]] + [(p, token) for p in lists])
    for _ in range(workers * 2):
        for path, headers in pages:
            get(port, path, headers, timeout=60)


def server_cpu_seconds(group: int) -> float:
    """CPU time used so far by the gunicorn master and workers (one process group): contention does not move it."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def report(rows: list[dict], budget: float) -> tuple[str, bool]:
    """A Markdown table of the run, and whether it met the budget with no failure."""
    lines = ["| endpoint | requests | failures | p50 ms | p95 ms | p99 ms | max ms | req/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    ok = True
    for row in rows:
        name = "**all requests**" if row["Name"] == "Aggregated" else row["Name"]
        p95 = float(row["95%"])
        over = p95 > budget
        ok = ok and not over and int(row["Failure Count"]) == 0
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
                     f"{'**' + row['95%'] + '** (over)' if over else row['95%']} | {row['99%']} | "
                     f"{float(row['Max Response Time']):.0f} | {float(row['Requests/s']):.1f} |")
    return "\n".join(lines), ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="2m")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4: 2 cores x 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread workers)")
    parser.add_argument("--lines", type=int, default=300, help="SYNTHETIC action lines added to the real plan")
    parser.add_argument("--budget-ms", type=float, default=150.0, help="p95 budget per endpoint (DESIGN.md)")
    parser.add_argument("--database", default="sapsmed_load")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "load")
    parser.add_argument("--reuse-db", action="store_true", help="keep the database seeded by an earlier run")
    parser.add_argument("--no-memo", action="store_true",
                        help="serve with SAPSMED_MEMO_DERIVED=0: the pages as they were before the cache")
    args = parser.parse_args()

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    fixture_file, secret_file = out / "fixture.json", out / "secret-key.txt"
    base_env = {**os.environ, "DATABASE_URL": f"{args.server}/{args.database}", "SAPSMED_VAR_DIR": str(out / "var"),
                "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    if not (args.reuse_db and fixture_file.exists() and secret_file.exists()):
        secret_file.write_text(secrets.token_urlsafe(50))
        recreate_database(args.server, args.database)
        seed_env = {**base_env, "SAPSMED_ENV": "local", "SECRET_KEY": secret_file.read_text()}
        run([PYTHON, HERE / "seed_load.py", fixture_file, "--lines", str(args.lines)], seed_env, timeout=900)
    fixture = json.loads(fixture_file.read_text())
    env = {**base_env, "SAPSMED_ENV": "production", "SECRET_KEY": secret_file.read_text(),
           "ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
           "SAPSMED_MEMO_DERIVED": "0" if args.no_memo else "1"}
    if not (out / "var" / "static" / "staticfiles.json").exists():
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env, timeout=600)

    port = free_port()
    worker = ["--workers", str(args.workers)] + (
        ["--worker-class", "gthread", "--threads", str(args.threads)] if args.threads > 1 else [])
    server_cmd = [BIN / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", *worker,
                  "--timeout", "60", "--error-logfile", str(out / "gunicorn-error.log")]
    prefix = out / ("locust-no-memo" if args.no_memo else "locust")
    print("$", " ".join(str(c) for c in server_cmd), flush=True)
    server = subprocess.Popen(server_cmd, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
    try:
        wait_ready(port, server)
        warm_up(port, fixture, args.workers)
        load_before, cpu_before = load(), server_cpu_seconds(server.pid)
        locust = [BIN / "locust", "-f", HERE / "locustfile.py", "--headless", "--host", f"http://127.0.0.1:{port}",
                  "-u", str(args.users), "-r", str(args.spawn_rate), "--run-time", args.run_time,
                  "--stop-timeout", "5", "--csv", prefix, "--loglevel", "WARNING", "--only-summary"]
        print("$", " ".join(str(c) for c in locust), flush=True)
        # locust exits 1 when a request failed: judged below from its CSV, so its code is not checked.
        subprocess.run(locust, env={**os.environ, "LOAD_FIXTURE": str(fixture_file)}, cwd=ROOT,  # noqa: S603
                       timeout=1800)
        load_after, cpu_used = load(), server_cpu_seconds(server.pid) - cpu_before
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    rows = read_stats(prefix)
    table, ok = report(rows, args.budget_ms)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    failures, requests = int(total["Failure Count"]), int(total["Request Count"])
    summary = "\n".join([
        f"Load test {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {args.users} users, spawn rate "
        f"{args.spawn_rate:g}/s, {args.run_time}, think time 1-3 s; gunicorn {args.workers} "
        f"{'gthread x' + str(args.threads) if args.threads > 1 else 'sync'} workers; "
        f"derived-value cache {'off' if args.no_memo else 'on'}",
        f"Data: {fixture['counts']}", f"Machine: {machine()}",
        f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
        f"Server CPU: {cpu_used:.1f} s for {requests} requests = {1000 * cpu_used / max(requests, 1):.1f} ms of CPU "
        f"per request (gunicorn master and workers; other work on the machine does not change it)", "", table, "",
        f"Failures: {failures}. Budget p95 <= {args.budget_ms:g} ms per endpoint: {'met' if ok else 'NOT met'}. "
        f"Whole run {time.monotonic() - started:.0f} s.",
    ])
    (Path(f"{prefix}-summary.md")).write_text(summary + "\n")
    print(summary)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

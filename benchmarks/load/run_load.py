"""Load test: seed a database of its own, serve it with gunicorn on 127.0.0.1, run locust against it, judge.

Steps: drop and recreate the PostgreSQL database (127.0.0.1:5432, user postgres; `sapsmed_load`, or
`sapsmed_load_<checkout>` for another checkout); fill it with the full data and the writers' open round
(seed_load.py); collect the static files; start gunicorn with production settings (DEBUG off, SECRET_KEY,
ALLOWED_HOSTS=127.0.0.1, persistent database connections) on a free port of 127.0.0.1; warm each worker
up; run `locust --headless` once per mix, on the same server and data: read-only (50 readers) and mixed
(38 readers, 10 proponents saving drafts, 2 focal points entering KPI values); stop gunicorn whatever
happens. Prints p50/p95/p99 per endpoint and overall, the failures and the server's CPU per request of
each mix; exits 1 if any request failed or any endpoint's p95 is over the budget. Every request goes to
127.0.0.1 only, and each mix is bounded by --run-time.
--repo PATH measures another checkout (its own .venv) the same way, such as the code before a change
(the peer); --scale 10 seeds ten times today's lines and reports (database `..._10x`). --no-memo serves
with SAPSMED_MEMO_DERIVED=0 where the checkout's settings still have it, and is ignored elsewhere.
Usage: .venv/bin/python benchmarks/load/run_load.py [--mix both|read-only|mixed] [--users 50 --run-time 2m]
       [--workers 4] [--reuse-db] [--repo PATH] [--no-memo]   (see --help; about 10 minutes with both mixes)
"""

import argparse
import csv
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from paths import api_lists, roadmap_filters  # beside this script

HERE = Path(__file__).resolve().parent
OWN_CHECKOUT = HERE.parents[1]
READERS = ["PublicReader", "SignedIn", "ApiClient"]
WRITERS = ["Proponent", "FocalPoint"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list, env: dict, cwd: Path, timeout: int) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, env=env, cwd=cwd, check=True, timeout=timeout)  # noqa: S603 - our own commands


def recreate_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def checkout_label(repo: Path) -> str:
    """A name for another checkout's databases and outputs, so that nothing collides with this one's."""
    return "" if repo == OWN_CHECKOUT else re.sub(r"\W+", "_", repo.name).strip("_").lower()


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return f"{os.cpu_count()} CPUs ({cpu}), {ram / 1024 ** 2:.0f} GB RAM, Python {platform.python_version()}"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def call(port: int, path: str, headers: dict, method: str = "GET", body: dict | None = None,
         timeout: float = 30) -> tuple[int, bytes]:
    """One request to the server under test (127.0.0.1 only); (status, body), an error status included."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers={
        "X-Forwarded-Proto": "https", **({"Content-Type": "application/json"} if data else {}), **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_ready(port: int, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if call(port, "/static/css/sapsmed.css", {}, timeout=2)[0] == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port} within {seconds} s")


def warm_writes(port: int, fixture: dict, times: int) -> list[tuple[str, dict]]:
    """A proponent's draft saved, submitted and withdrawn and a focal point's value entered `times` times; the
    reads the writers make.

    Done before any read is warmed: the old code's per-process memo is invalidated by a write, and the
    read-only mix must start from pages each worker has drawn since the last write.
    """
    writers = fixture["writers"]
    _user, token, state = writers["proponents"][0]
    proponent = {"Authorization": f"Token {token}"}
    mine = f"/api/progress-reports/?round__name={writers['round']}&member_state__iso3={state}&page_size=100"
    rows = json.loads(call(port, mine, proponent, timeout=60)[1])["results"]
    draft = next((r for r in rows if r["workflow_status"] in ("draft", "returned")), None)
    if draft is None:
        raise RuntimeError(f"warm-up: {state} has no draft left in {writers['round']}: run without --reuse-db")
    revision = draft["revision"]
    focal = writers["focal_points"][0]
    kpi, year, value = focal["values"][0][:3]
    for _ in range(times):
        status, body = call(port, f"/api/progress-reports/{draft['id']}/", proponent, "PATCH",
                            {"revision": revision, "narrative": "SYNTHETIC load-test draft (warm-up)."}, timeout=60)
        if status != 200:
            raise RuntimeError(f"warm-up: saving a draft answered {status}: {body[:300]!r}")
        revision = json.loads(body)["revision"]
        for step in ("submit", "withdraw"):  # a workflow step recomputes early warning: its first use costs too
            status, body = call(port, f"/api/progress-reports/{draft['id']}/{step}/", proponent, "POST",
                                {"revision": revision}, timeout=60)
            if status != 200:
                raise RuntimeError(f"warm-up: {step} answered {status}: {body[:300]!r}")
            revision = json.loads(body)["revision"]
        status, body = call(port, "/api/observations/", {"Authorization": f"Token {focal['token']}"}, "POST",
                            {"kpi": kpi, "state": focal["state"], "year": year, "value": value,
                             "source": "SYNTHETIC load-test entry", "reason": "SYNTHETIC load test"}, timeout=60)
        if status not in (200, 201):
            raise RuntimeError(f"warm-up: entering a value answered {status}: {body[:300]!r}")
    return [(mine, proponent), (f"/api/progress-reports/{draft['id']}/", proponent),
            (f"/api/observations/?kpi={kpi}&state={focal['state']}", {"Authorization": f"Token {focal['token']}"})]


def warm_up(port: int, fixture: dict, workers: int, writes: bool) -> None:
    """Each worker draws every page and list the users read before the clock starts, as a running server has.

    A worker's first request of an endpoint pays its one-off costs (imports done on first use, class and
    template set-up): 100-400 ms, which would otherwise land in the p95 of the lists read a dozen times.
    """
    session = {"Cookie": f"sessionid={fixture['sessions']['secretariat']}"}
    token = {"Authorization": f"Token {fixture['tokens']['secretariat']}"}
    lists, filters = api_lists(json.loads(call(port, "/api/", token, timeout=60)[1])), roadmap_filters(fixture["goals"])
    pages = ([("/kpis/", {}), ("/roadmap/", {}), ("/progress/early-warning/", session), ("/progress/rounds/", session)]
             + [(f"/roadmap/?{f}", {}) for f in filters] + [(f"/kpis/{code}/", {}) for code in fixture["kpis"]]
             + [(f"/progress/rounds/{name}/", session) for name in fixture["rounds"]] + [(p, token) for p in lists])
    if writes:
        pages += warm_writes(port, fixture, workers * 2)
    for _ in range(workers * 2):
        for path, headers in pages:
            status, _body = call(port, path, headers, timeout=60)
            if status != 200:
                raise RuntimeError(f"warm-up: {path} answered {status}")


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
        if row.get("Type") not in ("GET", "", None):
            name = f"{row['Type']} {name}"
        p95 = float(row["95%"])
        over = p95 > budget
        ok = ok and not over and int(row["Failure Count"]) == 0
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
                     f"{'**' + row['95%'] + '** (over)' if over else row['95%']} | {row['99%']} | "
                     f"{float(row['Max Response Time']):.0f} | {float(row['Requests/s']):.1f} |")
    return "\n".join(lines), ok


def run_mix(args, mix: str, port: int, server_pid: int, prefix: Path, fixture_file: Path) -> dict:
    """One locust run of a mix against the running server: its table, verdict and server CPU per request."""
    # A writer class left out when its count is 0: locust would otherwise spawn it by weight.
    counts = {"Proponent": args.proponents, "FocalPoint": args.focal_points}
    classes = READERS + ([c for c in WRITERS if counts[c]] if mix == "mixed" else [])
    writer_log = Path(f"{prefix}-writers.json")
    writer_log.unlink(missing_ok=True)
    env = {**os.environ, "LOAD_FIXTURE": str(fixture_file), "LOAD_WRITER_LOG": str(writer_log),
           "LOAD_PROPONENTS": str(args.proponents), "LOAD_FOCAL_POINTS": str(args.focal_points),
           "LOAD_PROPONENT_ACCOUNTS": str(args.proponent_accounts)}
    load_before, cpu_before = load(), server_cpu_seconds(server_pid)
    locust = [Path(sys.executable).parent / "locust", "-f", HERE / "locustfile.py", *classes, "--headless",
              "--host", f"http://127.0.0.1:{port}", "-u", str(args.users), "-r", str(args.spawn_rate),
              "--run-time", args.run_time, "--stop-timeout", "10", "--csv", prefix, "--loglevel", "WARNING",
              "--only-summary"]
    print("$", " ".join(str(c) for c in locust), flush=True)
    # locust exits 1 when a request failed: judged below from its CSV, so its code is not checked.
    subprocess.run(locust, env=env, cwd=HERE, timeout=7200)  # noqa: S603 - our own command
    cpu_used, load_after = server_cpu_seconds(server_pid) - cpu_before, load()
    rows = read_stats(prefix)
    table, ok = report(rows, args.budget_ms)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    writers = f"{args.proponents} proponents and {args.focal_points} focal points among them" if mix == "mixed" \
        else "readers only"
    conflicts = json.loads(writer_log.read_text()) if writer_log.exists() else {}
    return {"mix": mix, "ok": ok, "table": table, "requests": requests, "failures": int(total["Failure Count"]),
            "p50": total["50%"], "p95": total["95%"], "cpu_ms": 1000 * cpu_used / max(requests, 1),
            "text": "\n".join([
                f"### {mix}: {args.users} users ({writers}), {args.run_time}",
                f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
                f"Server CPU: {cpu_used:.1f} s for {requests} requests = {1000 * cpu_used / max(requests, 1):.1f} ms "
                "of CPU per request (gunicorn master and workers; other work on the machine does not change it)",
                *([f"Writers: {', '.join(f'{k}: {v}' for k, v in conflicts.items())}"] if mix == "mixed" else []),
                "", table, "", f"Failures: {total['Failure Count']}. Budget p95 <= {args.budget_ms:g} ms per endpoint: "
                f"{'met' if ok else 'NOT met'}."])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mix", choices=["both", "read-only", "mixed"], default="both",
                        help="both (default): read-only, then mixed, on the same server and data")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--proponents", type=int, default=10, help="of --users, in the mixed run")
    parser.add_argument("--focal-points", type=int, default=2, help="of --users, in the mixed run")
    parser.add_argument("--proponent-accounts", type=int, default=0,
                        help="proponent accounts the proponents share (default 0: one each, up to one per "
                             "state); fewer than proponents makes them edit the same drafts (409s)")
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="2m", help="per mix")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4: 2 cores x 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (>1: gthread workers)")
    parser.add_argument("--scale", type=int, default=1, help="times today's lines and reports (10: 3,120 lines)")
    parser.add_argument("--lines", type=int, help="SYNTHETIC action lines added to the 12 real ones (default: "
                                                  "300 at scale 1, 312 x scale - 12 otherwise)")
    parser.add_argument("--drafts", type=int, default=30, help="drafts per member state in the open round")
    parser.add_argument("--budget-ms", type=float, default=150.0, help="p95 budget per endpoint (DESIGN.md)")
    parser.add_argument("--repo", type=Path, default=OWN_CHECKOUT, help="the checkout to serve (its own .venv)")
    parser.add_argument("--database", help="default sapsmed_load, or sapsmed_load_<checkout> for another checkout")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--out", type=Path, help="default var/load of the checkout served")
    parser.add_argument("--reuse-db", action="store_true", help="keep the database seeded by an earlier run")
    parser.add_argument("--no-memo", action="store_true",
                        help="serve with SAPSMED_MEMO_DERIVED=0 (the pages before the cache); ignored where the "
                             "checkout's settings no longer have it")
    args = parser.parse_args()
    repo = args.repo.resolve()
    label = checkout_label(repo)
    database = args.database or ("sapsmed_load_" + label if label else "sapsmed_load") + (
        f"_{args.scale}x" if args.scale != 1 else "")
    lines = args.lines if args.lines is not None else 312 * args.scale - 12
    python, bin_dir = repo / ".venv/bin/python", repo / ".venv/bin"
    has_memo = "SAPSMED_MEMO_DERIVED" in (repo / "config/settings.py").read_text()
    if args.no_memo and not has_memo:
        print("--no-memo ignored: this checkout's settings have no SAPSMED_MEMO_DERIVED", flush=True)
    no_memo = args.no_memo and has_memo
    if args.users <= args.proponents + args.focal_points and args.mix != "read-only":
        parser.error("--users must leave readers beside the proponents and focal points")

    out = args.out or repo / "var" / "load"
    out.mkdir(parents=True, exist_ok=True)
    fixture_file, secret_file = out / f"fixture-{database}.json", out / "secret-key.txt"
    base_env = {**os.environ, "DATABASE_URL": f"{args.server}/{database}", "SAPSMED_VAR_DIR": str(out / "var"),
                "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(repo)}
    started = time.monotonic()
    if not (args.reuse_db and fixture_file.exists() and secret_file.exists()):
        secret_file.write_text(secrets.token_urlsafe(50))
        recreate_database(args.server, database)
        seed_env = {**base_env, "SAPSMED_ENV": "local", "DEBUG": "0", "SECRET_KEY": secret_file.read_text()}
        run([python, HERE / "seed_load.py", fixture_file, "--lines", str(lines), "--drafts", str(args.drafts),
             "--repo", repo], seed_env, repo, timeout=3600)
    fixture = json.loads(fixture_file.read_text())
    if args.mix != "read-only" and not fixture.get("writers"):
        parser.error(f"{fixture_file} was seeded without writers: run once without --reuse-db")
    env = {**base_env, "SAPSMED_ENV": "production", "SECRET_KEY": secret_file.read_text(),
           "ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
           **({"SAPSMED_MEMO_DERIVED": "0" if no_memo else "1"} if has_memo else {})}
    if not (out / "var" / "static" / "staticfiles.json").exists():
        run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env, repo, timeout=600)

    port = free_port()
    worker = ["--workers", str(args.workers)] + (
        ["--worker-class", "gthread", "--threads", str(args.threads)] if args.threads > 1 else [])
    server_cmd = [bin_dir / "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", *worker,
                  "--timeout", "60", "--error-logfile", str(out / "gunicorn-error.log")]
    mixes = ["read-only", "mixed"] if args.mix == "both" else [args.mix]
    print("$", " ".join(str(c) for c in server_cmd), flush=True)
    server = subprocess.Popen(server_cmd, env=env, cwd=repo, start_new_session=True)  # noqa: S603
    results = []
    try:
        wait_ready(port, server)
        warm_up(port, fixture, args.workers, writes="mixed" in mixes)
        for mix in mixes:
            prefix = out / f"locust-{database}-{mix}{'-no-memo' if no_memo else ''}"
            results.append(run_mix(args, mix, port, server.pid, prefix, fixture_file))
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    ok = all(r["ok"] for r in results)
    compare = [f"- {r['mix']}: {r['requests']} requests, {r['failures']} failures, all requests p50 {r['p50']} ms, "
               f"p95 {r['p95']} ms, server CPU {r['cpu_ms']:.1f} ms per request" for r in results]
    if len(results) == 2 and results[0]["cpu_ms"]:
        ratio = results[1]["cpu_ms"] / results[0]["cpu_ms"]
        compare.append(f"- mixed / read-only, server CPU per request: {ratio:.2f}x")
    commit = subprocess.run(["git", "-C", repo, "rev-parse", "--short", "HEAD"],  # noqa: S603, S607
                            capture_output=True, text=True).stdout.strip()
    summary = "\n".join([
        f"Load test {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: checkout {repo} ({commit}), "
        f"database {database}; spawn rate {args.spawn_rate:g}/s, think time 1-3 s; gunicorn {args.workers} "
        f"{'gthread x' + str(args.threads) if args.threads > 1 else 'sync'} workers; "
        + ("derived-value cache " + ("off" if no_memo else "on") if has_memo else "no per-process memo in this code"),
        f"Data: {fixture['counts']}", f"Machine: {machine()}", "", *compare, "",
        *(r["text"] + "\n" for r in results),
        f"Budget (zero errors, p95 <= {args.budget_ms:g} ms per endpoint, every mix): {'met' if ok else 'NOT met'}. "
        f"Whole run {time.monotonic() - started:.0f} s.",
    ])
    Path(out / f"locust-{database}-summary.md").write_text(summary + "\n")
    print(summary)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

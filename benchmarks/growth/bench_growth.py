"""Benchmark: what the busiest pages cost as the data grows to 3x and 10x today's lines and reports.

Method: one PostgreSQL database per size (databases.py: 312 lines and about 7,400 reports at 1x, ten
times both at 10x), seeded once and kept (--reuse-db). For each size, a process of the checkout's own
Python requests each page in-process through Django's test client (no network), with local settings,
DEBUG off and a persistent connection: two warm-up requests, one request whose SQL queries are counted
(CaptureQueriesContext), then --runs timed requests. It reports the median wall time, the median CPU
time of the process (Python's share, which other work on this shared machine does not inflate; the
database's share is in the wall time only) and the query count; the verdict is on wall time, and on a
busy machine the CPU ratio beside it says more. Pages: early warning, the roadmap, the KPI scorecard,
the latest closed round's dashboard and the first page of /api/progress-reports/, as the Secretariat
(signed in: every page computes its answer), and the roadmap and scorecard as the public (what a
whole-page cache may serve). The per-process memo of the old code is off unless --memo: a memo hit is not what
a page costs. Budget (DESIGN.md): at 10x, at most 1.5x the time of 1x, and the same number of queries.
The peer is the code before the change, measured the same way in the same run: --peer PATH (a
worktree with its own .venv); sizes are measured in turn for each checkout, smallest first.
Usage: .venv/bin/python benchmarks/growth/bench_growth.py [--sizes 1,3,10] [--runs 7] [--reuse-db]
       [--repo PATH] [--peer PATH] [--memo]   (seeding 10x takes a long while; --reuse-db keeps it)
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from databases import OWN_CHECKOUT, Checkout, parse_sizes, summary_header, worker_setup

BUDGET_RATIO = 1.5

# (label, path or a key of the fixture, who asks): the pages issue 14 names, then the public's two.
PAGES = [
    ("early warning", "/progress/early-warning/", "secretariat"),
    ("roadmap", "/roadmap/", "secretariat"),
    ("KPI scorecard", "/kpis/", "secretariat"),
    ("round dashboard (latest closed round)", "/progress/rounds/{latest_closed_round}/", "secretariat"),
    ("API progress reports, first page", "/api/progress-reports/", "secretariat"),
    ("roadmap, public", "/roadmap/", None),
    ("KPI scorecard, public", "/kpis/", None),
]


def measure_pages(fixture: dict, runs: int) -> dict:
    """In the worker: each page's median wall and CPU time and its query count, as JSON-ready numbers."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    secretariat = Client()
    secretariat.force_login(get_user_model().objects.get(username="secretariat"))
    clients = {"secretariat": secretariat, None: Client()}
    pages = {}
    for label, template, who in PAGES:
        url, client = template.format(**fixture), clients[who]
        for _ in range(2):  # warm-up: imports, template compilation, first-use set-up
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        queries = len(ctx.captured_queries)
        wall, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        pages[label] = {"url": url, "ms": statistics.median(wall), "min_ms": min(wall), "max_ms": max(wall),
                        "cpu_ms": statistics.median(cpu), "queries": queries, "kb": len(response.content) / 1024}
    return pages


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    fixture = json.loads(args.worker.read_text())
    worker_setup(fixture["repo"])
    print(json.dumps({"counts": fixture["counts"], "pages": measure_pages(fixture, args.runs)}))


def table(label: str, sizes: list[int], results: dict) -> tuple[list[str], bool]:
    """One checkout's table: time and queries per page per size, the largest/smallest ratios, the verdict."""
    small, big = sizes[0], sizes[-1]
    lines = [f"### {label}", "",
             "| page | " + " | ".join(f"{s}x ms (CPU ms)" for s in sizes) + f" | {big}x/{small}x time | "
             f"{big}x/{small}x CPU | " + " | ".join(f"{s}x queries" for s in sizes) + " | KB | budget |",
             "|---|" + "---:|" * (2 * len(sizes) + 3) + "---|"]
    ok = True
    for page, *_ in PAGES:
        row = [results[s]["pages"][page] for s in sizes]
        ratio = row[-1]["ms"] / row[0]["ms"]
        same = len({r["queries"] for r in row}) == 1
        met = ratio <= BUDGET_RATIO and same
        ok = ok and met
        lines.append(f"| {page} | " + " | ".join(f"{r['ms']:.1f} ({r['cpu_ms']:.1f})" for r in row)
                     + f" | **{ratio:.2f}x** | {row[-1]['cpu_ms'] / row[0]['cpu_ms']:.2f}x | "
                     + " | ".join(str(r["queries"]) for r in row) + " | " + "/".join(f"{r['kb']:.0f}" for r in row)
                     + f" | {'met' if met else 'NOT met'} |")
    lines += ["", "KB: the answer's size per size (a page that lists every line or report grows with them)."]
    for s in sizes:
        r = results[s]
        lines.append(f"- {s}x: {r['counts']}; load average before {r['load_before']}, after {r['load_after']}")
    return lines, ok


def main() -> int:
    if "--worker" in sys.argv:
        worker(sys.argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,3,10", help="multiples of today's data (default 1,3,10)")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page (median reported)")
    parser.add_argument("--repo", type=Path, default=OWN_CHECKOUT, help="the checkout measured (its own .venv)")
    parser.add_argument("--peer", type=Path, help="a second checkout measured the same way, such as the old code")
    parser.add_argument("--label", help="the databases' name for --repo (default: main, or the checkout's folder)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse-db", action="store_true", help="keep databases seeded by an earlier run")
    parser.add_argument("--drafts", type=int, default=30, help="drafts per member state in the open round")
    parser.add_argument("--memo", action="store_true", help="keep the old code's per-process memo on")
    args = parser.parse_args()
    sizes = parse_sizes(args.sizes)
    checkouts = [Checkout(args.repo, args.server, args.label)]
    if args.peer:
        checkouts.append(Checkout(args.peer, args.server))
    if len({c.label for c in checkouts}) < len(checkouts):
        parser.error("the two checkouts would share databases: give --label")

    results: dict[str, dict[int, dict]] = {c.label: {} for c in checkouts}
    for size in sizes:
        for c in checkouts:
            c.ensure(size, args.reuse_db, args.drafts)
    for size in sizes:  # measured after all seeding, so that seeding does not load the machine meanwhile
        for c in checkouts:
            results[c.label][size] = c.measure(Path(__file__).resolve(), size, args.memo, ["--runs", str(args.runs)])

    out = [*summary_header("Cost growth", checkouts, args.memo),
           f"Median of {args.runs} warm requests per page (Django test client, in-process, PostgreSQL); "
           f"budget: {sizes[-1]}x costs <= {BUDGET_RATIO}x the time of {sizes[0]}x, same query count.", ""]
    verdicts = []
    for c in checkouts:
        lines, ok = table(c.label, sizes, results[c.label])
        out += [*lines, ""]
        verdicts.append(f"{c.label}: {'met' if ok else 'NOT met'}")
    if len(checkouts) == 2:
        new, old = (results[c.label][sizes[-1]]["pages"] for c in checkouts)
        out += [f"### {checkouts[0].label} against {checkouts[1].label} at {sizes[-1]}x", "",
                f"| page | {checkouts[0].label} ms | {checkouts[1].label} ms | {checkouts[1].label} / "
                f"{checkouts[0].label} |", "|---|---:|---:|---:|"]
        out += [f"| {page} | {new[page]['ms']:.1f} | {old[page]['ms']:.1f} | {old[page]['ms'] / new[page]['ms']:.1f}x |"
                for page, *_ in PAGES]
        out.append("")
    out.append("Budget: " + "; ".join(verdicts))
    text = "\n".join(out)
    checkouts[0].out.mkdir(parents=True, exist_ok=True)
    (checkouts[0].out / "growth-summary.md").write_text(text + "\n")
    print(text)
    return 0 if all(v.endswith(": met") for v in verdicts[:1]) else 1


if __name__ == "__main__":
    sys.exit(main())

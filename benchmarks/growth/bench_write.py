"""Benchmark: what one write costs, with the derived rows it changes, at 1x and 10x the data.

Method: the growth benchmark's databases (databases.py; seeded once, kept with --reuse-db), each with an
open round of drafts saved by one proponent per member state. In a process of the checkout's own Python,
calling the services as the pages and the API do (sapsmed.progress.services), each call timed from the
call to its return, its transaction committed:
- save a draft (report_save: the proponent changes % complete and the narrative, milestones kept), --saves
  times over the round's drafts in turn, the revision read fresh before each (untimed); the budget row;
- submit, then withdraw the same report (report_transition), --cycles times: each report ends a draft again;
- validate (the goal's Country Champion) and accept (the Secretariat) a submitted report, --accepts times:
  the change the stored early-warning rows must follow. Accepted reports stay accepted, so each run
  takes --accepts drafts out of the round (30 per state are seeded: many runs before they run out).
The median, the slowest and the median number of SQL statements of a call are reported per size, with
the largest/smallest ratio. Budget (DESIGN.md): saving one report, with the derived rows it changes,
<= 50 ms median at 10x. The peer (--peer PATH, the old code) writes no derived rows: its figure is the
floor of the same write.
Usage: .venv/bin/python benchmarks/growth/bench_write.py [--sizes 1,10] [--saves 50] [--reuse-db]
       [--repo PATH] [--peer PATH]
"""

import argparse
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from databases import OWN_CHECKOUT, Checkout, parse_sizes, summary_header, worker_setup

BUDGET_MS = 50.0
CHAMPIONS = {"A": "champion.tha", "B": "champion.mys"}  # the demo champions: goal A (Thailand), B (Malaysia)


def timed(fn, **kwargs) -> tuple[float, int]:
    """Milliseconds of one call, commit included, and its SQL statements (counted by a wrapper that adds
    one function call per statement, unlike the debug cursor, which formats each one)."""
    from django.db import connection

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        start = time.perf_counter()
        fn(**kwargs)
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed, count[0]


def measure_writes(fixture: dict, saves: int, cycles: int, accepts: int) -> dict:
    """In the worker: the timings of each kind of write, as JSON-ready numbers."""
    from django.contrib.auth import get_user_model

    from sapsmed.progress import services
    from sapsmed.progress.models import ProgressReport

    users = get_user_model().objects.in_bulk(field_name="username")
    proponents = {iso3: users[name] for name, _token, iso3 in fixture["writers"]["proponents"]}
    mine = (ProgressReport.objects.filter(round__name=fixture["writers"]["round"], workflow_status__in=["draft",
                                                                                                      "returned"])
            .select_related("round", "action_line__action__outcome__goal", "member_state").order_by("pk"))
    drafts = list(mine)

    def save(report: ProgressReport, n: int) -> dict:
        fresh = ProgressReport.objects.get(pk=report.pk)  # the revision as it stands, as a client reads it
        values = services.report_values(fresh)
        values["percent_complete"] = Decimal(1 + n % 99)
        values["narrative"] = f"SYNTHETIC benchmark draft, save {n}."
        milestones = [{"name": m.name, "planned_on": m.planned_on, "reached_on": m.reached_on}
                      for m in fresh.milestones.order_by("position")]
        return {"by": proponents[report.member_state.iso3], "round": report.round, "line": report.action_line,
                "state": report.member_state, "values": values, "milestones": milestones,
                "revision": fresh.revision, "reason": "SYNTHETIC benchmark save"}

    def transition(report: ProgressReport, action: str, by) -> dict:
        revision = ProgressReport.objects.values_list("revision", flat=True).get(pk=report.pk)
        return {"by": by, "report_id": report.pk, "action": action, "revision": revision}

    # Reports taken to accepted are on goals A and B, whose demo champions validate; the rest are saved.
    chosen = [r for r in drafts if r.action_line.action.outcome.goal.code in CHAMPIONS][:accepts]
    pool = [r for r in drafts if r not in chosen]
    if len(chosen) < accepts or not pool:
        raise SystemExit(f"only {len(drafts)} drafts left in the open round: seed again (without --reuse-db)")
    rows = {"save a draft": [timed(services.report_save, **save(pool[n % len(pool)], n)) for n in range(saves)]}
    submit, withdraw = [], []
    for n in range(cycles):
        report = pool[n % len(pool)]
        by = proponents[report.member_state.iso3]
        submit.append(timed(services.report_transition, **transition(report, "submit", by)))
        withdraw.append(timed(services.report_transition, **transition(report, "withdraw", by)))
    rows["submit"], rows["withdraw"] = submit, withdraw
    validate, accept = [], []
    for report in chosen:
        champion = users[CHAMPIONS[report.action_line.action.outcome.goal.code]]
        services.report_transition(**transition(report, "submit", proponents[report.member_state.iso3]))
        validate.append(timed(services.report_transition, **transition(report, "validate", champion)))
        accept.append(timed(services.report_transition, **transition(report, "accept", users["secretariat"])))
    rows["validate (champion)"], rows["accept (Secretariat)"] = validate, accept
    return {name: {"median_ms": statistics.median(ms for ms, _ in calls), "max_ms": max(ms for ms, _ in calls),
                   "n": len(calls), "queries": statistics.median(q for _, q in calls)}
            for name, calls in rows.items() if calls}


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", type=Path, required=True)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--accepts", type=int, default=5)
    args = parser.parse_args(argv)
    fixture = json.loads(args.worker.read_text())
    worker_setup(fixture["repo"])
    print(json.dumps({"counts": fixture["counts"], "writes": measure_writes(fixture, args.saves, args.cycles,
                                                                            args.accepts)}))


def main() -> int:
    if "--worker" in sys.argv:
        worker(sys.argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10", help="multiples of today's data (default 1,10)")
    parser.add_argument("--saves", type=int, default=50, help="timed draft saves per size (median reported)")
    parser.add_argument("--cycles", type=int, default=10, help="timed submit + withdraw pairs per size")
    parser.add_argument("--accepts", type=int, default=5, help="reports taken to accepted per size (timed)")
    parser.add_argument("--repo", type=Path, default=OWN_CHECKOUT, help="the checkout measured (its own .venv)")
    parser.add_argument("--peer", type=Path, help="a second checkout measured the same way, such as the old code")
    parser.add_argument("--label", help="the databases' name for --repo (default: main, or the checkout's folder)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse-db", action="store_true", help="keep databases seeded by an earlier run")
    parser.add_argument("--drafts", type=int, default=30, help="drafts per member state when seeding")
    args = parser.parse_args()
    sizes = parse_sizes(args.sizes)
    checkouts = [Checkout(args.repo, args.server, args.label)]
    if args.peer:
        checkouts.append(Checkout(args.peer, args.server))
    if len({c.label for c in checkouts}) < len(checkouts):
        parser.error("the two checkouts would share databases: give --label")

    options = ["--saves", str(args.saves), "--cycles", str(args.cycles), "--accepts", str(args.accepts)]
    for size in sizes:
        for c in checkouts:
            c.ensure(size, args.reuse_db, args.drafts)
    results = {c.label: {size: c.measure(Path(__file__).resolve(), size, False, options) for size in sizes}
               for c in checkouts}

    out = [*summary_header("Write cost", checkouts, memo=False),
           f"Service calls in-process on PostgreSQL, each with its commit; budget: saving a draft <= {BUDGET_MS:g} ms "
           f"median at {sizes[-1]}x.", ""]
    verdict = None
    for c in checkouts:
        res = results[c.label]
        names = list(res[sizes[0]]["writes"])
        out += [f"### {c.label}", "", "| write | " + " | ".join(f"{s}x median ms (max)" for s in sizes)
                + f" | {sizes[-1]}x/{sizes[0]}x | queries (median; per size) | calls per size |",
                "|---|" + "---:|" * (len(sizes) + 3)]
        for name in names:
            cells = [res[s]["writes"][name] for s in sizes]
            out.append(f"| {name} | " + " | ".join(f"{w['median_ms']:.1f} ({w['max_ms']:.0f})" for w in cells)
                       + f" | {cells[-1]['median_ms'] / cells[0]['median_ms']:.2f}x | "
                       + "/".join(f"{w['queries']:g}" for w in cells)
                       + f" | {cells[0]['n']} |")
        out += [""] + [f"- {s}x: {res[s]['counts']}; load average before {res[s]['load_before']}, after "
                       f"{res[s]['load_after']}" for s in sizes] + [""]
        if verdict is None:
            median = res[sizes[-1]]["writes"]["save a draft"]["median_ms"]
            verdict = median <= BUDGET_MS
            out.append(f"Budget for {c.label}: saving a draft at {sizes[-1]}x, median {median:.1f} ms: "
                       f"{'met' if verdict else 'NOT met'}.\n")
    text = "\n".join(out)
    checkouts[0].out.mkdir(parents=True, exist_ok=True)
    (checkouts[0].out / "write-summary.md").write_text(text + "\n")
    print(text)
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: sapsmed's survey estimator against R's survey package and PyPI svy on synthetic microdata.

Method:
- The data are SYNTHETIC enterprise microdata from sapsmed.core.survey.synthetic (stratified cluster
  design with FPC), written once to Parquet (and to CSV for R, which here has no Parquet reader).
- The workload: by state (10 domains), a mean (revenue), a total (employees), a proportion
  (has_overseas_investment) and a ratio (revenue/employees), each with SE and design effect, over a
  design with strata, PSUs and FPC.
- Each engine runs in its own subprocess; the parent takes its wall time and, from wait4, its peak
  resident memory (ru_maxrss). Engines also report their own load and compute times.
- R's svyby takes minutes at 10 million rows, so by default it runs on a smaller sample (--r-rows)
  and its time is extrapolated linearly to --rows; the output says so. Memory is shown as measured.
- sapsmed's results on the R sample are compared with R's numbers, and on the full data with svy's,
  so the engines are known to compute the same thing.

Usage: .venv/bin/python benchmarks/survey/bench_survey.py [--rows N] [--r-rows N] [--svy-python PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.gettempdir())
ROOT = Path(__file__).resolve().parents[2]
# Run as a script from a checkout: the project itself is not an installed package.
sys.path.insert(0, str(ROOT))

BY = "state"
DESIGN = {"weight": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc"}
WORK = {"means": ("revenue",), "totals": ("employees",), "props": ("has_overseas_investment",),
        "ratios": (("revenue", "employees"),)}
COLUMNS = ["state", "stratum", "psu", "fpc", "weight", "revenue", "employees", "has_overseas_investment"]

R_SCRIPT = r"""
suppressPackageStartupMessages({library(survey); library(data.table)})
t0 <- Sys.time()
d <- as.data.frame(fread(commandArgs(TRUE)[1], na.strings = c("", "NA"), select = COLUMNS))
t1 <- Sys.time()
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc, nest = TRUE, data = d)
res <- list(
  mean = svyby(~revenue, ~state, des, svymean, deff = TRUE, na.rm = TRUE),
  total = svyby(~employees, ~state, des, svytotal, deff = TRUE, na.rm = TRUE),
  proportion = svyby(~has_overseas_investment, ~state, des, svymean, deff = TRUE, na.rm = TRUE),
  ratio = svyby(~revenue, ~state, des, svyratio, denominator = ~employees, deff = TRUE, na.rm = TRUE))
t2 <- Sys.time()
rows <- unlist(lapply(names(res), function(s) { r <- res[[s]]
  sprintf('{"statistic":"%s","domain":"%s","estimate":%.17g,"se":%.17g}', s, r[[1]], r[[2]], r[[3]]) }))
cat(sprintf('{"load_s":%.6f,"compute_s":%.6f,"rows":%d,"results":[%s]}\n',
  as.numeric(t1 - t0, units = "secs"), as.numeric(t2 - t1, units = "secs"), nrow(d),
  paste(rows, collapse = ",")))
"""


def engine_sapsmed(path: str) -> dict:
    from sapsmed.core.survey import run_estimates

    start = time.perf_counter()
    rows = run_estimates(path, **DESIGN, by=(BY,), **WORK)
    elapsed = time.perf_counter() - start
    return {"load_s": 0.0, "compute_s": elapsed, "results": [
        {"statistic": r.statistic, "domain": r.domain[0][1], "estimate": r.estimate, "se": r.se} for r in rows
    ]}


def engine_svy(path: str) -> dict:
    import polars as pl
    import svy

    start = time.perf_counter()
    sample = svy.Sample(pl.read_parquet(path, columns=COLUMNS),
                        svy.Design(stratum="stratum", psu="psu", wgt="weight", pop_size="fpc"))
    loaded = time.perf_counter()
    est = sample.estimation
    found = {
        "mean": est.mean("revenue", by=BY, deff="wor", drop_nulls=True),
        "total": est.total("employees", by=BY, deff="wor"),
        "proportion": est.prop("has_overseas_investment", by=BY, deff="wor"),
        "ratio": est.ratio("revenue", "employees", by=BY, deff="wor", drop_nulls=True),
    }
    done = time.perf_counter()
    results = []
    for statistic, estimate in found.items():
        for row in estimate.to_polars().to_dicts():
            if statistic == "proportion" and str(row.get("has_overseas_investment")) != "1":
                continue
            results.append({"statistic": statistic, "domain": row[BY], "estimate": row["est"], "se": row["se"]})
    return {"load_s": loaded - start, "compute_s": done - loaded, "results": results}


def run_engine(command: list[str]) -> dict:
    """Run one engine in a subprocess: its JSON report plus wall time and peak RSS from wait4."""
    start = time.perf_counter()
    # The commands are built by this script from its own paths and options.
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{err[-2000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    report["wall_s"] = wall
    return report


def measured(command: list[str]) -> list[str]:
    """Wrap a command so that a fresh interpreter reaps it with wait4 and prints its peak RSS."""
    wrapper = (
        "import json, os, subprocess, sys\n"
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)\n"
        "out = p.stdout.read()\n"
        "_, status, usage = os.wait4(p.pid, 0)\n"
        "report = json.loads(out.strip().splitlines()[-1])\n"
        "report['peak_rss_mb'] = usage.ru_maxrss / 1024\n"
        "print(json.dumps(report))\n"
        "sys.exit(os.waitstatus_to_exitcode(status))\n"
    )
    return [sys.executable, "-c", wrapper, *command]


def prepare(workdir: Path, rows: int, seed: int, csv: bool) -> Path:
    from sapsmed.core.survey import synthetic

    path = workdir / f"synthetic_{rows}_{seed}.parquet"
    if not path.exists():
        synthetic.write_parquet(path, rows, seed=seed)
    if csv and not path.with_suffix(".csv").exists():
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        with pcsv.CSVWriter(path.with_suffix(".csv"), pq.read_schema(path).remove_metadata()) as writer:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=500_000):
                writer.write_batch(batch)
    return path


def max_relative_difference(a: list[dict], b: list[dict]) -> float:
    index = {(r["statistic"], r["domain"]): r for r in b}
    worst = 0.0
    for r in a:
        other = index[(r["statistic"], r["domain"])]
        for key in ("estimate", "se"):
            worst = max(worst, abs(r[key] - other[key]) / abs(other[key]))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--r-rows", type=int, default=1_000_000, help="rows for R (time extrapolated)")
    parser.add_argument("--svy-rows", type=int, default=None, help="rows for svy (default: --rows)")
    parser.add_argument("--svy-python", default=str(TMP / "svyvenv" / "bin" / "python"))
    parser.add_argument("--repeat", type=int, default=3, help="sapsmed runs (median reported)")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--workdir", type=Path, default=TMP / "sapsmed-survey-bench")
    parser.add_argument("--engine", choices=["sapsmed", "svy"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        print(json.dumps((engine_sapsmed if args.engine == "sapsmed" else engine_svy)(args.data)))
        return

    args.workdir.mkdir(parents=True, exist_ok=True)
    svy_rows = args.svy_rows or args.rows
    print(f"preparing SYNTHETIC data in {args.workdir} ...", flush=True)
    full = prepare(args.workdir, args.rows, args.seed, csv=args.r_rows == args.rows)
    r_data = prepare(args.workdir, args.r_rows, args.seed, csv=True).with_suffix(".csv")
    svy_data = full if svy_rows == args.rows else prepare(args.workdir, svy_rows, args.seed, csv=False)
    here = str(Path(__file__).resolve())

    runs = [run_engine(measured([sys.executable, here, "--engine", "sapsmed", "--data", str(full)]))
            for _ in range(args.repeat)]
    ours = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]  # the median run
    ours_on_r = run_engine(measured([sys.executable, here, "--engine", "sapsmed", "--data", str(r_data)]))

    script = args.workdir / "bench.R"
    script.write_text(R_SCRIPT.replace("COLUMNS", "c(" + ", ".join(f'"{c}"' for c in COLUMNS) + ")"))
    r = run_engine(measured(["Rscript", "--vanilla", str(script), str(r_data)]))

    peers = {"R survey": (r, args.r_rows)}
    if Path(args.svy_python).exists():
        svy = run_engine(measured([args.svy_python, here, "--engine", "svy", "--data", str(svy_data)]))
        peers["svy (PyPI)"] = (svy, svy_rows)
    else:
        print(f"svy not found at {args.svy_python}: skipped")

    print(f"\nWorkload: {args.rows:,} rows, by state (10 domains): mean, total, proportion, ratio, "
          f"each with SE, 95% CI and deff; strata + PSU + FPC.")
    print(f"{'engine':<12}{'rows run':>12}{'wall s':>9}{'load s':>9}{'compute s':>11}{'peak MB':>9} "
          f"{'wall s @' + format(args.rows, ','):>17}{'× sapsmed':>11}")
    base = ours["wall_s"]
    print(f"{'sapsmed':<12}{args.rows:>12,}{ours['wall_s']:>9.2f}{ours['load_s']:>9.2f}{ours['compute_s']:>11.2f}"
          f"{ours['peak_rss_mb']:>9.0f}{ours['wall_s']:>18.2f}{1.0:>11.1f}")
    ratios = {}
    for name, (report, rows) in peers.items():
        scaled = report["wall_s"] * args.rows / rows
        ratios[name] = scaled / base
        note = " (extrapolated)" if rows != args.rows else ""
        print(f"{name:<12}{rows:>12,}{report['wall_s']:>9.2f}{report['load_s']:>9.2f}"
              f"{report['compute_s']:>11.2f}{report['peak_rss_mb']:>9.0f}{scaled:>18.2f}{ratios[name]:>11.1f}{note}")
    print(f"\nsapsmed runs (wall s): {', '.join(f'{x['wall_s']:.2f}' for x in runs)}; "
          f"on the R sample: {ours_on_r['wall_s']:.2f}")
    print(f"max relative difference, sapsmed vs R on {args.r_rows:,} rows (estimates and SEs): "
          f"{max_relative_difference(ours_on_r['results'], r['results']):.1e}")
    if "svy (PyPI)" in peers and svy_rows == args.rows:
        print(f"max relative difference, sapsmed vs svy on {args.rows:,} rows: "
              f"{max_relative_difference(ours['results'], peers['svy (PyPI)'][0]['results']):.1e}")
    checks = {
        "sapsmed <= 3 s": ours["wall_s"] <= 3.0,
        "sapsmed <= 1.5 GB": ours["peak_rss_mb"] <= 1536,
        **{f">= 5x faster than {n}": v >= 5 for n, v in ratios.items()},
    }
    print("budget: " + "; ".join(f"{k}: {'PASS' if v else 'FAIL'}" for k, v in checks.items()))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average at the end {load}")


if __name__ == "__main__":
    main()

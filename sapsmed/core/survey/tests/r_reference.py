"""Reference numbers from R's survey package: one Rscript run computes every test case.

Method:
- Each case names a CSV file, a design, `by` columns, statistics and the deff variant. The script
  builds `svydesign(ids=, strata=, weights=, fpc=, nest=TRUE)`, sets `options(survey.lonely.psu=)` and
  calls `svyby(~y, ~by, design, svymean | svytotal | svyratio, deff=, na.rm=TRUE)` (or the statistic
  alone without `by`), then `coef`, `SE`, `confint` and the DEff column.
- A proportion of a categorical level is R's svymean of the indicator column (level == value, NA kept),
  which is the column R's model matrix builds for `svymean(~factor(x))`.
- Numbers come back printed with 17 significant digits, so they survive the text round trip.
- A missing Rscript or survey package is a test failure with a message, never a silent skip.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from sapsmed.core.survey.design import Design, Kind, Statistic
from sapsmed.core.survey.estimate import DeffBase


@dataclass(frozen=True)
class RCase:
    name: str
    csv: Path
    design: Design
    by: tuple[str, ...]
    stats: tuple[Statistic, ...]
    deff_base: DeffBase = DeffBase.WITHOUT_REPLACEMENT


@dataclass(frozen=True)
class RResult:
    key: tuple[str, ...]
    statistic: str
    variable: str
    estimate: float
    se: float
    deff: float
    ci_low: float
    ci_high: float


def _r_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _formula(columns: tuple[str, ...]) -> str:
    return "~" + "+".join(f"`{c}`" for c in columns)


def _case_script(case: RCase) -> str:
    d = case.design
    lines = [
        f"d <- read.csv({_r_string(str(case.csv))}, stringsAsFactors = FALSE, na.strings = c('NA', ''))",
        f"options(survey.lonely.psu = {_r_string(d.lonely_psu.value)})",
    ]
    columns = {}
    for i, stat in enumerate(case.stats):
        if stat.level is not None:
            col = f"level_{i}"
            lines.append(
                f"d${col} <- ifelse(is.na(d$`{stat.column}`), NA, "
                f"as.numeric(as.character(d$`{stat.column}`) == {_r_string(stat.level)}))"
            )
            columns[i] = col
        else:
            columns[i] = stat.column
    lines.append(
        "des <- svydesign("
        f"ids = {_formula((d.psu,)) if d.psu else '~1'}, "
        f"strata = {_formula((d.strata,)) if d.strata else 'NULL'}, "
        f"weights = {_formula((d.weight,))}, "
        f"fpc = {_formula((d.fpc,)) if d.fpc else 'NULL'}, nest = TRUE, data = d)"
    )
    deff = "TRUE" if case.deff_base is DeffBase.WITHOUT_REPLACEMENT else '"replace"'
    for i, stat in enumerate(case.stats):
        y = _formula((columns[i],))
        if stat.kind is Kind.TOTAL:
            fun, extra = "svytotal", ""
        elif stat.kind is Kind.RATIO:
            fun, extra = "svyratio", f", denominator = {_formula((stat.denominator or '',))}"
        else:
            fun, extra = "svymean", ""
        label = _r_string(f"{stat.kind.value}:{stat.label}")
        if case.by:
            call = f"svyby({y}, {_formula(case.by)}, des, {fun}{extra}, deff = {deff}, na.rm = TRUE)"
            lines.append(f"emit_by({_r_string(case.name)}, {label}, {call}, {len(case.by)})")
        else:
            if stat.kind is Kind.RATIO:
                call = f"svyratio({y}{extra}, des, deff = {deff}, na.rm = TRUE)"
            else:
                call = f"{fun}({y}, des, deff = {deff}, na.rm = TRUE)"
            lines.append(f"emit_one({_r_string(case.name)}, {label}, {call})")
    body = "\n  ".join(lines)
    return f"tryCatch({{\n  {body}\n}}, error = function(e) emit_error({_r_string(case.name)}, e))\n"


PRELUDE = r"""
suppressPackageStartupMessages(library(survey))
num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
out <- file(OUT, "w")
emit <- function(case, var, key, est, se, deff, ci) {
  writeLines(paste(case, var, key, num(est), num(se), num(deff), num(ci[, 1]), num(ci[, 2]), sep = "\t"), out)
}
emit_by <- function(case, var, r, nby) {
  key <- do.call(paste, c(lapply(r[seq_len(nby)], as.character), sep = "|"))
  emit(case, var, key, r[[nby + 1]], r[[nby + 2]], r[[nby + 3]], confint(r))
}
emit_one <- function(case, var, r) {
  emit(case, var, "", coef(r), SE(r), deff(r), confint(r))
}
emit_error <- function(case, e) {
  writeLines(paste(case, "ERROR", gsub("[\t\n]", " ", conditionMessage(e)), sep = "\t"), out)
}
"""


def run_r(cases: list[RCase], workdir: Path) -> tuple[dict[str, list[RResult]], dict[str, str]]:
    """R's results per case name, and R's error message per case it could not compute."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.fail(
            "Rscript is not installed, so the survey estimates cannot be checked against R: "
            "install r-cran-survey (listed in scripts/test-apt-packages.txt)",
            pytrace=False,
        )
    out = workdir / "r_results.tsv"
    script = workdir / "reference.R"
    script.write_text(f"OUT <- {_r_string(str(out))}\n{PRELUDE}\n" + "\n".join(map(_case_script, cases)))
    done = subprocess.run([rscript, "--vanilla", str(script)], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"Rscript failed (is r-cran-survey installed?):\n{done.stderr[-3000:]}", pytrace=False)
    results: dict[str, list[RResult]] = {case.name: [] for case in cases}
    errors: dict[str, str] = {}
    with out.open() as f:
        for fields in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if fields[1] == "ERROR":
                errors[fields[0]] = fields[2]
                continue
            case, label, key, *numbers = fields
            kind, var = label.split(":", 1)
            est, se, deff, lo, hi = (math.nan if x == "NA" else float(x) for x in numbers)
            key_values = tuple(key.split("|")) if key else ()
            results[case].append(RResult(key_values, kind, var, est, se, deff, lo, hi))
    return results, errors

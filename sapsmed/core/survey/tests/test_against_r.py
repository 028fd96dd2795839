"""Estimates, SEs, confidence intervals and design effects agree with R's survey package to 1e-9."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from sapsmed.core.survey import synthetic
from sapsmed.core.survey.design import Design, LonelyPsu, statistics
from sapsmed.core.survey.estimate import DeffBase, EstimateRow, estimate
from sapsmed.core.survey.tests.r_reference import RCase, RResult, run_r

RELATIVE = 1e-9
ZERO_SE = 1e-12

STATS = statistics(
    means=("revenue", "exports_share"),
    totals=("employees", "revenue"),
    props=("has_overseas_investment", ("owner_sex", "F"), ("size_class", "small")),
    ratios=(("revenue", "employees"),),
)


def _replace(table: pa.Table, name: str, values: pa.Array | np.ndarray) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, pa.array(values))


def _per_stratum(table: pa.Table, column: str, distinct: bool) -> np.ndarray:
    """For each row, the number of rows (or distinct PSUs) in its stratum."""
    strata = table.column("stratum").to_numpy(zero_copy_only=False)
    keys = table.column(column).to_numpy() if distinct else np.arange(table.num_rows)
    labels, of = np.unique(strata, return_inverse=True)
    pairs = np.unique(np.stack([of, keys]), axis=1)
    return np.bincount(pairs[0], minlength=len(labels))[of]


def _tables() -> dict[str, pa.Table]:
    base = synthetic.generate_table(2400, seed=7, rows_per_psu=15)
    n_psu = _per_stratum(base, "psu", distinct=True)
    base = base.append_column("fpc_fraction", pa.array(n_psu / base.column("fpc").to_numpy()))
    base = base.append_column("fpc_rows", pa.array(_per_stratum(base, "psu", distinct=False) * 20.0))

    state = base.column("state").to_pylist()
    by_missing = _replace(base, "state", [None if 100 <= i < 110 else s for i, s in enumerate(state)])

    # Lonely PSUs: three strata reduced to one PSU each. Region is a PSU-level domain, so in strata
    # with two PSUs it often reaches only one of them (a lonely PSU within the domain only).
    strata = base.column("stratum").to_numpy(zero_copy_only=False)
    psu = base.column("psu").to_numpy().copy()
    for name in ("BRN-agriculture", "BRN-construction", "SGP-agriculture"):
        psu[strata == name] = psu[strata == name].min()
    lonely = _replace(base, "psu", psu)
    lonely = lonely.append_column("region", pa.array(np.where(psu % 2 == 1, "north", "south")))

    single = strata.astype(object)
    single[0] = "single-row"
    rows_lonely = _replace(base, "stratum", single)

    # An empty domain: no observed revenue in BRN; LAO has only zero weights, so R drops it.
    revenue = pc.if_else(pc.equal(base.column("state"), "BRN"), pa.scalar(None, pa.float64()),
                         base.column("revenue"))
    weight = pc.if_else(pc.equal(base.column("state"), "LAO"), 0.0, base.column("weight"))
    empty = _replace(_replace(base, "revenue", revenue), "weight", weight)
    return {"base": base, "by_missing": by_missing, "lonely": lonely, "rows_lonely": rows_lonely,
            "empty": empty}


W, H, P = "weight", "stratum", "psu"
WOR, WR = DeffBase.WITHOUT_REPLACEMENT, DeffBase.WITH_REPLACEMENT
CASES: dict[str, tuple[str, Design, tuple[str, ...], DeffBase, str]] = {
    "weights_only": ("base", Design(W), ("state",), WOR, "arrow"),
    "strata_only": ("base", Design(W, strata=H), ("sector",), WOR, "csv"),
    "psu_only": ("base", Design(W, psu=P), ("size_class",), WOR, "parquet"),
    "strata_psu_two_by_with_missing_by": (
        "by_missing", Design(W, strata=H, psu=P), ("state", "size_class"), WOR, "csv"),
    "strata_psu_fpc_counts": (
        "base", Design(W, strata=H, psu=P, fpc="fpc"), ("owner_sex",), WOR, "parquet"),
    "strata_psu_fpc_fractions": (
        "base", Design(W, strata=H, psu=P, fpc="fpc_fraction"), ("state",), WOR,
        "arrow"),
    "strata_rows_fpc": ("base", Design(W, strata=H, fpc="fpc_rows"), ("state",), WOR,
                        "arrow"),
    "lonely_certainty": (
        "lonely", Design(W, strata=H, psu=P, lonely_psu=LonelyPsu.CERTAINTY), ("state",),
        WOR, "parquet"),
    "lonely_adjust": (
        "lonely", Design(W, strata=H, psu=P, lonely_psu=LonelyPsu.ADJUST), ("state",),
        WOR, "arrow"),
    "lonely_adjust_fpc": (
        "lonely", Design(W, strata=H, psu=P, fpc="fpc", lonely_psu=LonelyPsu.ADJUST), ("sector",),
        WOR, "arrow"),
    "lonely_within_domain_only": (
        "lonely", Design(W, strata=H, psu=P, lonely_psu=LonelyPsu.ADJUST), ("region",),
        WOR, "csv"),
    "single_row_stratum_adjust": (
        "rows_lonely", Design(W, strata=H, lonely_psu=LonelyPsu.ADJUST), ("state",),
        WOR, "arrow"),
    "single_row_stratum_certainty": (
        "rows_lonely", Design(W, strata=H, lonely_psu=LonelyPsu.CERTAINTY), ("sector",),
        WOR, "parquet"),
    "empty_and_zero_weight_domains": (
        "empty", Design(W, strata=H, psu=P), ("state",), WOR, "csv"),
    "whole_sample": ("base", Design(W, strata=H, psu=P, fpc="fpc"), (), WOR, "arrow"),
    "deff_with_replacement": (
        "base", Design(W, strata=H, psu=P), ("state",), WR, "arrow"),
    "deff_with_replacement_rows": ("base", Design(W), ("sector",), WR, "arrow"),
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    workdir = tmp_path_factory.mktemp("r_reference")
    tables = _tables()
    files = {}
    for name, table in tables.items():
        pcsv.write_csv(table, workdir / f"{name}.csv")
        pq.write_table(table, workdir / f"{name}.parquet")
        files[name] = {"arrow": table, "csv": workdir / f"{name}.csv", "parquet": workdir / f"{name}.parquet"}
    cases = [RCase(name, workdir / f"{data}.csv", design, by, STATS, deff)
             for name, (data, design, by, deff, _) in CASES.items()]
    results, errors = run_r(cases, workdir)
    return {"files": files, "results": results, "errors": errors}


def _key(row: EstimateRow) -> tuple[tuple[str, ...], str, str]:
    return tuple(str(v) for _, v in row.domain), row.statistic, row.variable


def _agree(ours: float | None, theirs: float) -> bool:
    if ours is None:
        return False
    if theirs == 0:
        return abs(ours) <= RELATIVE
    return abs(ours - theirs) <= RELATIVE * abs(theirs)


def _mismatches(ours: EstimateRow, r: RResult) -> list[str]:
    if ours.statistic != "total" and (ours.n == 0 or math.isnan(r.estimate)):
        # A mean over no observed value: R sums over no rows and reports 0 with SE 0 (or NaN when the
        # weights sum to zero); here it has no estimate at all.
        none = ours.estimate is None and ours.se is None and ours.deff is None
        r_empty = r.estimate == 0 or math.isnan(r.estimate)
        return [] if none and r_empty else [f"expected no estimate: {ours}"]
    pairs = {"estimate": (ours.estimate, r.estimate), "ci_low": (ours.ci_low, r.ci_low),
             "ci_high": (ours.ci_high, r.ci_high)}
    bad = []
    if r.se < ZERO_SE * abs(r.estimate):
        # The variance is zero in exact arithmetic (e.g. the share of small firms among small firms); R
        # leaves rounding noise there, and a deff of noise over noise.
        if ours.se is None or ours.se >= ZERO_SE * abs(r.estimate):
            bad.append(f"se: ours {ours.se!r}, R {r.se!r} (zero up to rounding)")
    else:
        pairs["se"] = (ours.se, r.se)
        if math.isnan(r.deff):
            bad += [] if ours.deff is None else [f"deff: R has none, ours {ours.deff}"]
        else:
            pairs["deff"] = (ours.deff, r.deff)
    return bad + [f"{name}: ours {a!r}, R {b!r}" for name, (a, b) in pairs.items() if not _agree(a, b)]


@pytest.mark.parametrize("case", list(CASES))
def test_estimates_match_r(case: str, reference: dict) -> None:
    data, design, by, deff_base, source = CASES[case]
    if case in reference["errors"]:
        pytest.fail(f"R could not compute {case}: {reference['errors'][case]}")
    ours = estimate(reference["files"][data][source], design, STATS, by, deff_base=deff_base)
    theirs = {(r.key, r.statistic, r.variable): r for r in reference["results"][case]}

    assert {_key(row) for row in ours} == set(theirs), "the domains and statistics reported differ from R's"
    problems = {k: p for row in ours if (p := _mismatches(row, theirs[k := _key(row)]))}
    assert not problems, f"{len(problems)} estimates differ from R, e.g. {next(iter(problems.items()))}"


def test_special_cases_really_occur(reference: dict) -> None:
    """The lonely, empty and zero-weight cases above exercise what their names say."""
    results = reference["results"]
    empty = {(r.key, r.statistic, r.variable): r for r in results["empty_and_zero_weight_domains"]}
    assert empty[(("BRN",), "mean", "revenue")].estimate == 0  # R's artefact for "no observed value"
    assert not any(key == ("LAO",) for key, _, _ in empty)
    certainty = {r.key for r in results["lonely_certainty"]}
    assert ("BRN",) in certainty and ("SGP",) in certainty
    adjust = {(r.key, r.statistic, r.variable): r.se for r in results["lonely_adjust"]}
    certain = {(r.key, r.statistic, r.variable): r.se for r in results["lonely_certainty"]}
    assert adjust[(("BRN",), "total", "employees")] > certain[(("BRN",), "total", "employees")]

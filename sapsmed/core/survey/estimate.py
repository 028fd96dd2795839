"""Design-based estimates by domain: totals, means, proportions and ratios with SE, 95% CI and deff.

Method:
- One SQL aggregation (see sql.py), run by DuckDB over the Parquet/CSV file or Arrow table, reduces
  the microdata to sums per (domain, stratum, PSU); the variance step (variance.py) runs in NumPy on
  that small table. Results match R's `svyby(..., svymean/svytotal/svyratio, deff=TRUE, na.rm=TRUE)`.
- Domains are the combinations of the `by` columns present in the data. As in R's svyby, a domain is
  reported only if it has a row with a non-zero weight, and rows with a missing `by` value belong to no
  domain (they still count in the design). With no `by` column there is one domain, the whole sample.
- The 95% confidence interval is estimate ± 1.959963984540054 × SE (the normal quantile that R's
  confint uses for svyby and svystat).
- The design effect is R's: the design variance over the variance under simple random sampling of
  the same number of observed rows with non-zero weight (n), with the weighted element variance
  s² = n/(n-1) Σw(y-ȳ)²/Σw. By default this is R's `deff=TRUE`, sampling without replacement from a
  population of size N = Σw: Var_srs(mean) = s² (N-n)/(N n), and N² times that for a total (for a mean,
  no deff when N < n). With `deff_base="with_replacement"` it is R's `deff="replace"`: s²/n. A ratio's
  deff is that of the total of its linearised values (y - R x)/X, as R's svyratio. With fewer than 2
  observations, or when all values are equal (s² is zero up to rounding), the deff is undefined.
- `n` is the number of rows in the domain with observed values of the statistic's column(s).
- Undefined numbers (a mean, proportion or ratio over a domain with no observed value or a zero
  weight sum, an undefined deff) are None. R reports such a mean as 0 with SE 0 when there is no
  observed value (its sums run over no rows) and as NaN when the weights sum to zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, TYPE_CHECKING

import numpy as np

from sapsmed.core.survey.design import Design, Kind, LonelyPsu, Statistic, connect
from sapsmed.core.survey.sql import Aggregation, StatSums, build_aggregation
from sapsmed.core.survey.variance import (
    StrataInfo,
    fpc_factor,
    linearisation_weights,
    psu_variance,
    row_variance,
)
from sapsmed.core.tables.safe_text import CsvWriter

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from sapsmed.core.survey.design import Source

Z_975 = 1.959963984540054
# Relative size under which a difference of second moments is rounding noise (as in variance.py).
_NOISE = 1e-12


class DeffBase(StrEnum):
    WITHOUT_REPLACEMENT = "without_replacement"
    WITH_REPLACEMENT = "with_replacement"


@dataclass(frozen=True)
class EstimateRow:
    domain: tuple[tuple[str, object], ...]
    statistic: str
    variable: str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    deff: float | None
    n: int


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[object]]:
    """Integer codes (-1 for missing) and the distinct values of a result column."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.where(encoded.is_null().to_numpy(zero_copy_only=False), -1, codes).astype(np.int64)
    return codes, encoded.dictionary.to_pylist()


def _domains(table: pa.Table, agg: Aggregation) -> tuple[np.ndarray, list[tuple[object, ...]]]:
    """Domain code per group (-1 where a by value is missing) and the domains' values, sorted."""
    if not agg.domains:
        return np.zeros(table.num_rows, dtype=np.int64), [()]
    key = np.zeros(table.num_rows, dtype=np.int64)
    missing = np.zeros(table.num_rows, dtype=bool)
    levels = []
    for name in agg.domains:
        codes, values = _codes(table.column(name))
        missing |= codes < 0
        key = key * (len(values) + 1) + codes
        levels.append((codes, values))
    uniq, inverse = np.unique(np.where(missing, -1, key), return_inverse=True)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse[::-1]] = np.arange(table.num_rows)[::-1]
    kept = np.flatnonzero(uniq >= 0)
    values = {j: tuple(vals[codes[first[j]]] for codes, vals in levels) for j in kept}
    order = sorted(kept, key=lambda j: values[j])
    remap = np.full(len(uniq), -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    return remap[inverse], [values[j] for j in order]


def _strata(table: pa.Table, agg: Aggregation) -> tuple[np.ndarray, list[object]]:
    if not agg.has_strata:
        return np.zeros(table.num_rows, dtype=np.int64), [None]
    return _codes(table.column("h"))


def _strata_info(
    table: pa.Table, agg: Aggregation, stratum: np.ndarray, n_strata: int
) -> tuple[StrataInfo, np.ndarray | None, np.ndarray | None]:
    """PSUs and FPC factor per stratum, with the FPC range per stratum for the design checks."""
    n_rows = table.column("n_rows").to_numpy().astype(np.int64)
    if agg.has_psu:
        psu, _ = _codes(table.column("p"))
        radix = int(psu.max()) + 2
        pairs = np.unique(stratum * radix + psu)
        n_psu = np.bincount(pairs // radix, minlength=n_strata)
    else:
        n_psu = np.bincount(stratum, weights=n_rows, minlength=n_strata).astype(np.int64)
    if not agg.has_fpc:
        return StrataInfo(n_psu=n_psu, f=fpc_factor(n_psu, None)), None, None
    fpc_min, fpc_max = np.full(n_strata, np.inf), np.full(n_strata, -np.inf)
    np.fmin.at(fpc_min, stratum, _col(table, "fpc_min"))
    np.fmax.at(fpc_max, stratum, _col(table, "fpc_max"))
    return StrataInfo(n_psu=n_psu, f=fpc_factor(n_psu, fpc_max)), fpc_min, fpc_max


def _col(table: pa.Table, name: str | None) -> np.ndarray:
    """A result column as floats; NULL (a sum over no observed row) is 0."""
    import pyarrow.compute as pc

    assert name is not None
    return pc.fill_null(table.column(name), 0).to_numpy().astype(float)


def _deff(
    sums: StatSums, table: pa.Table, dom: np.ndarray, nd: int, r: np.ndarray, var: np.ndarray,
    base: DeffBase,
) -> np.ndarray:
    def dsum(name: str | None) -> np.ndarray:
        return np.bincount(dom, weights=_col(table, name), minlength=nd)

    w = dsum(sums.w)
    nobs = dsum(sums.n_pos)
    a, q_aa = dsum(sums.s_a), dsum(sums.q_aa)
    kind = sums.statistic.kind
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind is Kind.RATIO:
            b = dsum(sums.s_b)
            first = (a - r * b) / b
            cross, square = 2 * r * dsum(sums.q_ab), r**2 * dsum(sums.q_bb)
            second = (q_aa - cross + square) / b**2
            size = (q_aa + np.abs(cross) + square) / b**2
        else:
            first, second, size = a, q_aa, q_aa
        spread = second - first**2 / w
        # All values equal (a share of 0 or 1, say): the spread is rounding noise and the deff undefined.
        spread = np.where(spread > _NOISE * size, spread, 0.0)
        s2 = nobs / (nobs - 1) * spread / w
        if base is DeffBase.WITH_REPLACEMENT:
            vsrs = s2 / nobs
        else:
            vsrs = s2 * (w - nobs) / (w * nobs)
            if kind in (Kind.MEAN, Kind.PROPORTION):
                vsrs = np.where(w < nobs, np.nan, vsrs)
        if kind is not Kind.MEAN and kind is not Kind.PROPORTION:
            vsrs = vsrs * w**2
        return np.where(nobs >= 2, var / vsrs, np.nan)


def _number(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def estimate(
    source: Source,
    design: Design,
    stats: Iterable[Statistic],
    by: Iterable[str] = (),
    *,
    deff_base: DeffBase | str = DeffBase.WITHOUT_REPLACEMENT,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[EstimateRow]:
    """Estimates per domain and statistic; the source is assumed to have passed validate()."""
    from sapsmed.core.survey.validate import raise_if, strata_errors

    by, stats, base = tuple(by), tuple(stats), DeffBase(deff_base)
    agg = build_aggregation(design, by, stats)
    con = con if con is not None else connect(source)
    table = con.sql(agg.sql).to_arrow_table()

    dom, domains = _domains(table, agg)
    stratum, stratum_values = _strata(table, agg)
    strata, fpc_min, fpc_max = _strata_info(table, agg, stratum, len(stratum_values))
    raise_if(strata_errors(design, stratum_values, strata.n_psu, fpc_min, fpc_max))

    nd = len(domains)
    in_domain = dom >= 0
    reported = np.bincount(dom[in_domain], weights=_col(table, "n_weighted")[in_domain], minlength=nd) > 0
    table, dom, stratum = table.filter(in_domain), dom[in_domain], stratum[in_domain]

    per_stat = []
    for sums in agg.sums:
        kind = sums.statistic.kind
        s_a = _col(table, sums.s_a)
        s_b = _col(table, sums.s_b) if sums.s_b else None
        a_dom = np.bincount(dom, weights=s_a, minlength=nd)
        b_dom = np.bincount(dom, weights=s_b, minlength=nd) if s_b is not None else None
        est, c1, c2 = linearisation_weights(kind is Kind.TOTAL, a_dom, b_dom)
        with np.errstate(invalid="ignore"):
            u = c1[dom] * s_a + (c2[dom] * s_b if s_b is not None else 0.0)
            if agg.has_psu:
                var = psu_variance(dom, stratum, u, strata, design.lonely_psu, nd)
            else:
                c1g, c2g = c1[dom], c2[dom]
                u_sq = size = c1g**2 * _col(table, sums.p_aa)
                if s_b is not None:
                    cross, square = 2 * c1g * c2g * _col(table, sums.p_ab), c2g**2 * _col(table, sums.p_bb)
                    u_sq, size = u_sq + cross + square, size + np.abs(cross) + square
                var = row_variance(dom, stratum, u, u_sq, size, strata, design.lonely_psu, nd)
        deff = _deff(sums, table, dom, nd, est, var, base)
        n = np.bincount(dom, weights=_col(table, sums.n_ok), minlength=nd)
        per_stat.append((sums.statistic, est, np.sqrt(var), deff, n))

    rows = []
    for d, values in enumerate(domains):
        if not reported[d]:
            continue
        domain = tuple(zip(by, values, strict=True))
        for stat, est, se, deff, n in per_stat:
            e = _number(est[d])
            s = _number(se[d]) if e is not None else None
            rows.append(
                EstimateRow(
                    domain=domain,
                    statistic=stat.kind.value,
                    variable=stat.label,
                    estimate=e,
                    se=s,
                    ci_low=None if e is None or s is None else e - Z_975 * s,
                    ci_high=None if e is None or s is None else e + Z_975 * s,
                    deff=_number(deff[d]) if e is not None else None,
                    n=int(n[d]),
                )
            )
    return rows


def run_estimates(
    path: Source,
    *,
    weight: str,
    strata: str | None = None,
    psu: str | None = None,
    fpc: str | None = None,
    by: Iterable[str] = (),
    means: Iterable[str] = (),
    totals: Iterable[str] = (),
    props: Iterable[str | tuple[str, str]] = (),
    ratios: Iterable[tuple[str, str]] = (),
    lonely_psu: LonelyPsu | str = LonelyPsu.FAIL,
    deff_base: DeffBase | str = DeffBase.WITHOUT_REPLACEMENT,
) -> list[EstimateRow]:
    """Validate the data against the design, then estimate; raises SurveyDataError listing all errors.

    Proportions are given as a 0/1 column name, `("column", "level")` or `"column=level"`.
    """
    from sapsmed.core.survey.design import statistics
    from sapsmed.core.survey.validate import raise_if, validate

    design = Design(weight=weight, strata=strata, psu=psu, fpc=fpc, lonely_psu=LonelyPsu(lonely_psu))
    stats = statistics(means=tuple(means), totals=tuple(totals), props=tuple(props), ratios=tuple(ratios))
    by = tuple(by)
    con = connect(path)
    raise_if(validate(path, design, stats, by, con=con))
    return estimate(path, design, stats, by, deff_base=deff_base, con=con)


CSV_FIELDS = ("statistic", "variable", "estimate", "se", "ci_low", "ci_high", "deff", "n")


def write_csv(rows: Iterable[EstimateRow], out: IO[str], by: Iterable[str] = ()) -> None:
    """One line per domain and statistic: the by columns, then CSV_FIELDS; None is an empty cell."""
    writer = CsvWriter(out, lineterminator="\n")  # a domain value such as "=1+2" is written as safe text
    by = tuple(by)
    writer.writerow([*by, *CSV_FIELDS])
    for row in rows:
        values = dict(row.domain)
        # csv writes a float as its repr (every digit) and CsvWriter writes None as an empty cell.
        writer.writerow([*(values.get(b) for b in by), *(getattr(row, f) for f in CSV_FIELDS)])

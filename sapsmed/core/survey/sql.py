"""The one SQL aggregation that reduces enterprise microdata to the few sums the variance step needs.

Method:
- An inner SELECT renames the design columns (domain columns d0, d1, ..., stratum h, PSU p, weight w,
  fpc, and wnz = 1 where the weight is not zero) and turns each analysis column into a DOUBLE value
  v0, v1, ..., NaN read as missing. A categorical level becomes the indicator "column equals level"
  (missing when the column is missing).
- Every statistic is a ratio of two weighted sums or a plain weighted sum: its numerator value `a`
  (the column), its denominator value `b` (1 for a mean or proportion, the denominator column for a
  ratio, none for a total), over the rows where it is observed (its columns are not missing). A value
  is made NULL where the statistic is not observed, and SUM and COUNT skip NULLs.
- The outer query groups by (domain, stratum, PSU) and sums w·a and w·b (the PSU totals that Taylor
  linearisation needs), w (observed rows), w·a², w·a·b, w·b² and the counts of observed rows and of
  observed rows with a non-zero weight (for the design effect), plus COUNT(*) and the FPC range.
- Without a PSU column every row is its own PSU, so a PSU-level table would be as large as the data.
  The query then groups by (domain, stratum) and also sums w²·a², w²·a·b and w²·b², the second moments
  from which the within-stratum sum of squares of the row-level linearised values follows.
- Identical sums requested by several statistics are computed once.
- A group where a statistic has no observed row gives NULL for its sums, read as 0.
- The SQL is plain (nested SELECT, CASE, SUM, COUNT, MIN, MAX, GROUP BY, CAST AS DOUBLE/VARCHAR,
  double-quoted identifiers) over a table or view called `survey_source`, written to run unchanged
  on Trino and on Spark SQL with spark.sql.ansi.enabled and spark.sql.ansi.doubleQuotedIdentifiers.
  It is tested here on DuckDB only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sapsmed.core.survey.design import SOURCE_VIEW, Design, Kind, Statistic, literal, quote


@dataclass(frozen=True)
class StatSums:
    """Result-column names holding one statistic's sums (None where the statistic needs no such sum)."""

    statistic: Statistic
    s_a: str
    s_b: str | None
    w: str
    q_aa: str
    q_ab: str | None
    q_bb: str | None
    p_aa: str | None
    p_ab: str | None
    p_bb: str | None
    n_ok: str
    n_pos: str


@dataclass(frozen=True)
class Aggregation:
    sql: str
    domains: tuple[str, ...]
    has_strata: bool
    has_psu: bool
    has_fpc: bool
    sums: tuple[StatSums, ...]


class _Columns:
    """Aggregate expressions, each given one alias however many statistics ask for it."""

    def __init__(self) -> None:
        self.by_expr: dict[str, str] = {}

    def alias(self, expr: str) -> str:
        if expr not in self.by_expr:
            self.by_expr[expr] = f"s{len(self.by_expr)}"
        return self.by_expr[expr]

    def sum(self, *factors: str) -> str:
        return self.alias(f"SUM({' * '.join(factors)})")

    def count(self, expr: str) -> str:
        return self.alias(f"COUNT({expr})")


# A finite-range test is the portable way to read NaN as missing (NaN fails every comparison on
# Trino and sorts above every number on DuckDB and Spark); validation reports infinite values.
FINITE = "BETWEEN -1.7976931348623157E308 AND 1.7976931348623157E308"


def _value_expr(column: str, level: str | None) -> str:
    col = quote(column)
    if level is None:
        return f"CASE WHEN CAST({col} AS DOUBLE) {FINITE} THEN CAST({col} AS DOUBLE) END"
    return (
        f"CASE WHEN {col} IS NULL THEN NULL "
        f"WHEN CAST({col} AS VARCHAR) = {literal(level)} THEN 1.0 ELSE 0.0 END"
    )


def build_aggregation(design: Design, by: tuple[str, ...], stats: tuple[Statistic, ...]) -> Aggregation:
    values: dict[tuple[str, str | None], str] = {}

    def value(column: str, level: str | None = None) -> str:
        return values.setdefault((column, level), f"v{len(values)}")

    inner = [f"{quote(col)} AS d{i}" for i, col in enumerate(by)]
    keys = [f"d{i}" for i in range(len(by))]
    if design.strata is not None:
        inner.append(f"{quote(design.strata)} AS h")
        keys.append("h")
    if design.psu is not None:
        inner.append(f"{quote(design.psu)} AS p")
        keys.append("p")
    inner.append(f"CAST({quote(design.weight)} AS DOUBLE) AS w")
    if design.fpc is not None:
        inner.append(f"CAST({quote(design.fpc)} AS DOUBLE) AS fpc")

    inner.append(f"CASE WHEN CAST({quote(design.weight)} AS DOUBLE) <> 0 THEN 1.0 END AS wnz")
    cols = _Columns()
    row_level = design.psu is None
    sums = []
    for stat in stats:
        v = value(stat.column, stat.level)
        # x + 0 * y equals x where y is observed and is NULL where it is not, which SUM and COUNT
        # skip: statistics keep only their observed rows without a CASE per sum, which is several
        # times slower on DuckDB. Validation rules out the infinities for which 0 * y is not 0.
        if stat.kind is Kind.RATIO:
            assert stat.denominator is not None
            d = value(stat.denominator)
            a, b, one = f"({v} + 0 * {d})", f"({d} + 0 * {v})", f"(0 * {v} + 0 * {d} + 1)"
        else:
            a, b, one = v, None, f"(0 * {v} + 1)"
        s_a, w = cols.sum("w", a), cols.sum("w", one)
        common = {"statistic": stat, "s_a": s_a, "w": w, "n_ok": cols.count(a),
                  "n_pos": cols.count(f"{a} * wnz")}
        if stat.kind is Kind.TOTAL:
            sums.append(StatSums(**common, s_b=None, q_aa=cols.sum("w", a, a), q_ab=None, q_bb=None,
                                 p_aa=cols.sum("w", "w", a, a) if row_level else None, p_ab=None, p_bb=None))
        elif stat.kind is Kind.RATIO:
            assert b is not None
            sums.append(StatSums(
                **common, s_b=cols.sum("w", b),
                q_aa=cols.sum("w", a, a), q_ab=cols.sum("w", a, b), q_bb=cols.sum("w", b, b),
                p_aa=cols.sum("w", "w", a, a) if row_level else None,
                p_ab=cols.sum("w", "w", a, b) if row_level else None,
                p_bb=cols.sum("w", "w", b, b) if row_level else None,
            ))
        else:
            # The denominator of a mean is the observed indicator, so its sums are ones already asked
            # for; a proportion's value is 0 or 1, so its squares are the values themselves.
            p_ab = cols.sum("w", "w", a) if row_level else None
            zero_one = stat.kind is Kind.PROPORTION
            sums.append(StatSums(
                **common, s_b=w, q_aa=s_a if zero_one else cols.sum("w", a, a), q_ab=s_a, q_bb=w,
                p_aa=(p_ab if zero_one else cols.sum("w", "w", a, a)) if row_level else None,
                p_ab=p_ab, p_bb=cols.sum("w", "w", one) if row_level else None,
            ))
    for (column, level), alias in values.items():
        inner.append(f"{_value_expr(column, level)} AS {alias}")

    outer = [*keys, "COUNT(*) AS n_rows", "COUNT(wnz) AS n_weighted"]
    if design.fpc is not None:
        outer += ["MIN(fpc) AS fpc_min", "MAX(fpc) AS fpc_max"]
    outer += [f"{expr} AS {alias}" for expr, alias in cols.by_expr.items()]
    select_outer, select_inner = ",\n  ".join(outer), ",\n    ".join(inner)
    sql = f"SELECT\n  {select_outer}\nFROM (\n  SELECT\n    {select_inner}\n  FROM {SOURCE_VIEW}\n) AS t"
    if keys:
        sql += f"\nGROUP BY {', '.join(keys)}"
    return Aggregation(
        sql=sql,
        domains=tuple(f"d{i}" for i in range(len(by))),
        has_strata=design.strata is not None,
        has_psu=design.psu is not None,
        has_fpc=design.fpc is not None,
        sums=tuple(sums),
    )

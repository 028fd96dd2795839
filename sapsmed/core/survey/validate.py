"""Check survey microdata against a design before estimating, collecting every error, not just the first.

Rules:
- Every design column (weight, strata, PSU, FPC), domain (`by`) column and analysis column must exist.
- The weight, the FPC and the columns of totals, means, ratios and 0/1 proportions must be numeric
  (text that reads as numbers is accepted; the rows holding other text are named). A categorical
  proportion's column may be of any type.
- Weights must be present, finite and not negative (zero is allowed: such a row counts in the design
  but adds nothing). Strata, PSU and FPC values must be present.
- Analysis values may be missing (left out of that statistic) but not infinite; a 0/1 proportion
  column holds only 0 and 1.
- The FPC must be the same within a stratum, all counts (some above 1, none below 1) or all sampling
  fractions (none above 1), and a count must not be below the stratum's number of sampled PSUs.
- Under the lonely-PSU rule `fail`, a stratum with a single PSU is an error that names the strata.
- An error gives the column, the number of rows concerned and the first row numbers (1-based data rows,
  not counting a CSV header line), so a user can find them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sapsmed.core.survey.design import SOURCE_VIEW, Design, Kind, LonelyPsu, Statistic, connect, quote
from sapsmed.core.survey.sql import FINITE

if TYPE_CHECKING:
    import duckdb

    from sapsmed.core.survey.design import Source

FIRST_ROWS = 5
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "BOOLEAN")


@dataclass(frozen=True)
class DataError:
    column: str | None
    message: str
    row_count: int = 0
    rows: tuple[int, ...] = ()


class SurveyDataError(ValueError):
    def __init__(self, errors: Sequence[DataError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(e.message for e in self.errors))


def raise_if(errors: Sequence[DataError]) -> None:
    if errors:
        raise SurveyDataError(errors)


def _names(values: Iterable[object], limit: int = 10) -> str:
    values = list(values)
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def strata_errors(
    design: Design,
    stratum_values: Sequence[object],
    n_psu: np.ndarray,
    fpc_min: np.ndarray | None,
    fpc_max: np.ndarray | None,
) -> list[DataError]:
    """Errors visible once the data are reduced to strata: lonely PSUs under `fail`, inconsistent FPC."""
    errors = []
    unit = "PSU" if design.psu is not None else "row"
    if design.lonely_psu is LonelyPsu.FAIL:
        lonely = [stratum_values[i] for i in np.flatnonzero(n_psu == 1)]
        if lonely:
            where = f"strata {_names(lonely)}" if design.strata is not None else "the sample"
            errors.append(DataError(
                design.strata or design.psu,
                f"{where} {'have' if len(lonely) > 1 else 'has'} a single {unit}, so no variance can be "
                f"estimated there: choose the lonely-PSU rule 'certainty' or 'adjust', or merge strata",
            ))
    if fpc_min is None or fpc_max is None or design.fpc is None or not len(fpc_min):
        return errors
    varying = [stratum_values[i] for i in np.flatnonzero(fpc_min != fpc_max)]
    if varying:
        errors.append(DataError(design.fpc, f"the FPC varies within strata {_names(varying)}"))
    if np.any(fpc_max > 1) and np.any(fpc_min < 1):
        errors.append(DataError(design.fpc, "the FPC mixes population counts (above 1) and sampling "
                                            "fractions (below 1): use one or the other"))
    elif np.any(fpc_max > 1):
        small = [stratum_values[i] for i in np.flatnonzero(fpc_min < n_psu)]
        if small:
            errors.append(DataError(design.fpc, f"the FPC (population count of {unit}s) is below the number "
                                                f"of sampled {unit}s in strata {_names(small)}"))
    return errors


class _Checks:
    """Row conditions counted in one grouped query, then located by row number where they occur."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, column: str, condition: str, message: str) -> None:
        self.items.append((column, condition, message))


def _first_rows(con: duckdb.DuckDBPyConnection, condition: str) -> tuple[int, ...]:
    # row_number() OVER () follows the file order while DuckDB preserves insertion order (its default).
    # Conditions are built here from quote()d identifiers only, never from user text.
    found = con.execute(
        f"SELECT rn FROM (SELECT row_number() OVER () AS rn, * FROM {SOURCE_VIEW}) AS t "  # noqa: S608
        f"WHERE {condition} ORDER BY rn LIMIT {FIRST_ROWS}"
    ).fetchall()
    return tuple(int(r[0]) for r in found)


def validate(
    source: Source,
    design: Design,
    stats: Iterable[Statistic] = (),
    by: Iterable[str] = (),
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[DataError]:
    stats, by = tuple(stats), tuple(by)
    con = con if con is not None else connect(source)
    described = con.execute(f"DESCRIBE SELECT * FROM {SOURCE_VIEW}").fetchall()  # noqa: S608
    types = {name: str(kind) for name, kind, *_ in described}
    errors: list[DataError] = []

    wanted: dict[str, str] = {c: "design" for c in design.columns}
    wanted |= {c: "domain" for c in by if c not in wanted}
    wanted |= {c: "analysis" for s in stats for c in s.columns if c not in wanted}
    for column, role in wanted.items():
        if column not in types:
            errors.append(DataError(column, f"{role} column '{column}' is not in the data"))

    checks = _Checks()
    analysis = (c for s in stats for c in s.numeric_columns)
    numeric = list(dict.fromkeys([design.weight, *([design.fpc] if design.fpc else []), *analysis]))
    usable = set()
    for column in numeric:
        if column not in types:
            continue
        kind = types[column]
        if kind.startswith(_NUMERIC):
            usable.add(column)
        elif kind == "VARCHAR":
            q = quote(column)
            checks.add(column, f"{q} IS NOT NULL AND TRY_CAST({q} AS DOUBLE) IS NULL",
                       f"column '{column}' must be numeric but holds text that is not a number")
            usable.add(column)
        else:
            errors.append(DataError(column, f"column '{column}' must be numeric but is {kind}"))

    if design.weight in usable:
        w = f"TRY_CAST({quote(design.weight)} AS DOUBLE)"
        checks.add(design.weight, f"{w} IS NULL OR NOT ({w} {FINITE})",
                   f"weight column '{design.weight}' is missing or not a finite number")
        checks.add(design.weight, f"{w} < 0", f"weight column '{design.weight}' is negative")
    for column, role in ((design.strata, "stratum"), (design.psu, "PSU"), (design.fpc, "FPC")):
        if column is not None and column in types:
            checks.add(column, f"{quote(column)} IS NULL", f"{role} column '{column}' is missing")
    if design.fpc in usable:
        checks.add(design.fpc, f"TRY_CAST({quote(design.fpc)} AS DOUBLE) < 0",
                   f"FPC column '{design.fpc}' is negative")
    zero_one = {s.column for s in stats if s.kind is Kind.PROPORTION and s.level is None}
    for column in (c for c in numeric if c in usable and c not in (design.weight, design.fpc)):
        v = f"TRY_CAST({quote(column)} AS DOUBLE)"
        checks.add(column, f"{v} IN ('Infinity'::DOUBLE, '-Infinity'::DOUBLE)",
                   f"column '{column}' holds an infinite value")
        if column in zero_one:
            checks.add(column, f"{v} {FINITE} AND {v} NOT IN (0, 1)",
                       f"proportion column '{column}' must hold only 0 and 1")

    design_ok = all(c in types for c in design.columns) and design.fpc in (None, *usable)
    keys = [quote(c) for c in (design.strata, design.psu) if c is not None] if design_ok else []
    counts = [f"COUNT(CASE WHEN {cond} THEN 1 END)" for _, cond, _ in checks.items]
    fpc = f"TRY_CAST({quote(design.fpc)} AS DOUBLE)" if design_ok and design.fpc else None
    select = [*keys, "COUNT(*)", *counts, *([f"MIN({fpc})", f"MAX({fpc})"] if fpc else [])]
    group = f" GROUP BY {', '.join(keys)}" if keys else ""
    result = con.execute(f"SELECT {', '.join(select)} FROM {SOURCE_VIEW}{group}").fetchall()  # noqa: S608

    k = len(keys)
    for i, (column, condition, message) in enumerate(checks.items):
        count = sum(int(r[k + 1 + i]) for r in result)
        if count:
            rows = _first_rows(con, condition)
            where = ", ".join(str(r) for r in rows) + (", ..." if count > len(rows) else "")
            noun = "row" if count == 1 else "rows"
            errors.append(DataError(column, f"{message} in {count} {noun} ({noun} {where})", count, rows))

    if design_ok and result and result[0][k] > 0:
        errors += _strata_from_groups(design, result, k, fpc is not None)
    return errors


def _strata_from_groups(design: Design, result: list[tuple], k: int, has_fpc: bool) -> list[DataError]:
    """Strata errors from per-(stratum, PSU) groups of the validation query."""
    # Rows without a stratum or PSU are reported already; they would only add a false lonely PSU.
    result = [r for r in result if all(key is not None for key in r[:k])]
    index: dict[object, int] = {}
    stratum = np.array([index.setdefault(r[0] if design.strata else None, len(index)) for r in result])
    if design.psu is not None:
        n_psu = np.bincount(stratum, minlength=len(index))
    else:
        n_psu = np.bincount(stratum, weights=[r[k] for r in result], minlength=len(index)).astype(int)
    fpc_min = fpc_max = None
    if has_fpc:
        lo = np.array([np.nan if r[-2] is None else r[-2] for r in result], dtype=float)
        hi = np.array([np.nan if r[-1] is None else r[-1] for r in result], dtype=float)
        fpc_min, fpc_max = np.full(len(index), np.inf), np.full(len(index), -np.inf)
        np.fmin.at(fpc_min, stratum, lo)
        np.fmax.at(fpc_max, stratum, hi)
    return strata_errors(design, list(index), n_psu, fpc_min, fpc_max)

"""The survey design and the statistics asked of it, as plain values shared by validation and estimation.

Rules:
- A design names a weight column (required) and optionally a strata column, a PSU (cluster) column and
  an FPC column. Without a PSU column every row is its own PSU; without a strata column the whole
  sample is one stratum. PSU identifiers are read as nested within strata (R's `nest=TRUE`): PSU 7 in
  stratum A and PSU 7 in stratum B are two different PSUs.
- The FPC column follows R's `svydesign(fpc=)`: when any value is above 1, the values are population
  counts of PSUs in the stratum (every value must then be at least 1 and at least the number of sampled
  PSUs); when all values are at most 1 they are sampling fractions, and the population count is the
  number of sampled PSUs divided by the fraction. The value must be the same for every row of a stratum.
- A stratum with a single PSU (a "lonely PSU") is handled by the lonely-PSU rule, as R's
  `options(survey.lonely.psu=)`: `fail` refuses the design and names the strata; `certainty` gives the
  stratum zero variance; `adjust` measures its one PSU's linearised total from zero instead of from the
  stratum mean, as R's `adjust` does (for means, proportions and ratios zero is the grand mean of the
  linearised values). Only strata with one PSU in the whole sample are lonely: a
  stratum with several PSUs of which a domain reaches only one is not, as R's default
  `survey.adjust.domain.lonely=FALSE`.
- Statistics are totals, means, proportions and ratios. A proportion is the mean of a 0/1 column, or of
  the indicator "column equals level" for a categorical column. A ratio is total(numerator) divided by
  total(denominator). Rows with a missing value of a statistic's column(s) are left out of that
  statistic only (R's `na.rm=TRUE`), which is domain estimation, not a smaller design.
- A source is a Parquet or CSV path (CSV cells that are empty or "NA" are missing) or an in-memory
  Arrow table; DuckDB reads it as a view named `survey_source`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    Source = str | os.PathLike[str] | pa.Table

SOURCE_VIEW = "survey_source"


class LonelyPsu(StrEnum):
    FAIL = "fail"
    CERTAINTY = "certainty"
    ADJUST = "adjust"


@dataclass(frozen=True)
class Design:
    weight: str
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None
    lonely_psu: LonelyPsu = LonelyPsu.FAIL

    def __post_init__(self) -> None:
        object.__setattr__(self, "lonely_psu", LonelyPsu(self.lonely_psu))

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.weight, self.strata, self.psu, self.fpc) if c is not None)


class Kind(StrEnum):
    TOTAL = "total"
    MEAN = "mean"
    PROPORTION = "proportion"
    RATIO = "ratio"


@dataclass(frozen=True)
class Statistic:
    kind: Kind
    column: str
    level: str | None = None
    denominator: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))
        if (self.kind is Kind.RATIO) != (self.denominator is not None):
            raise ValueError("a ratio, and only a ratio, has a denominator")
        if self.level is not None and self.kind is not Kind.PROPORTION:
            raise ValueError("only a proportion has a level")

    @property
    def label(self) -> str:
        if self.kind is Kind.RATIO:
            return f"{self.column}/{self.denominator}"
        if self.level is not None:
            return f"{self.column}={self.level}"
        return self.column

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.column,) if self.denominator is None else (self.column, self.denominator)

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        """Columns that must hold numbers (a categorical level may be of any type)."""
        return () if self.level is not None else self.columns


def proportion(spec: str | tuple[str, str]) -> Statistic:
    """A proportion from `"col"` (a 0/1 column), `("col", "level")` or `"col=level"`."""
    if isinstance(spec, tuple):
        column, level = spec
        return Statistic(Kind.PROPORTION, column, level=str(level))
    if "=" in spec:
        column, level = spec.split("=", 1)
        return Statistic(Kind.PROPORTION, column, level=level)
    return Statistic(Kind.PROPORTION, spec)


def statistics(
    *,
    means: tuple[str, ...] | list[str] = (),
    totals: tuple[str, ...] | list[str] = (),
    props: tuple[str | tuple[str, str], ...] | list[str | tuple[str, str]] = (),
    ratios: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
) -> tuple[Statistic, ...]:
    return (
        *(Statistic(Kind.MEAN, c) for c in means),
        *(Statistic(Kind.TOTAL, c) for c in totals),
        *(proportion(p) for p in props),
        *(Statistic(Kind.RATIO, n, denominator=d) for n, d in ratios),
    )


def quote(identifier: str) -> str:
    """ANSI double-quoted identifier, so column names with spaces or capitals survive every engine."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def open_source(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Make `source` readable as the view `survey_source` on this connection."""
    if not isinstance(source, str | os.PathLike):
        con.register(SOURCE_VIEW, source)
        return
    path = os.fspath(source)
    name = Path(path).name.lower()
    if name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        reader = f"read_csv({literal(path)}, header = true, nullstr = ['', 'NA'])"
    elif name.endswith((".parquet", ".pq")) or Path(path).is_dir() or "*" in path:
        target = str(Path(path) / "*.parquet") if Path(path).is_dir() else path
        reader = f"read_parquet({literal(target)})"
    else:
        raise ValueError(f"cannot tell the format of {path}: name it .parquet or .csv")
    if "*" not in path and not Path(path).exists():
        raise FileNotFoundError(path)
    # The path enters the SQL only through literal(), which doubles quotes.
    con.execute(f"CREATE OR REPLACE TEMP VIEW {SOURCE_VIEW} AS SELECT * FROM {reader}")  # noqa: S608


def connect(source: Source) -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect()
    open_source(con, source)
    return con

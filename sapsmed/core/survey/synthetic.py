"""Synthetic enterprise survey microdata, deterministic from a seed and labelled SYNTHETIC everywhere.

Rules:
- The same (rows, seed) always gives the same data, whatever the machine: every random draw comes from
  a NumPy generator seeded with (seed, part), and rows are made in fixed-size parts.
- The design is a stratified cluster sample: strata are state × sector (the 10 ASEAN states by ISO3
  code, 5 sectors), each with at least 2 PSUs (area clusters) nested in it, PSUs sized about
  `rows_per_psu`. Weights are unequal: the inverse PSU selection probability within the stratum, times
  the inverse enterprise selection probability within the PSU, times a non-response adjustment. The
  `fpc` column is the population count of PSUs in the stratum.
- Enterprise columns: size_class, employees, revenue (thousand USD, about 1% missing as item
  non-response), exports_share (0 for most, more exporters among larger firms), has_overseas_investment
  (0/1), owner_sex (F/M).
- Every row carries `synthetic = true`, and the Parquet file carries the key-value metadata
  `sapsmed.synthetic = true` and `sapsmed.label`, so the data can never be taken for a real survey.
- Parquet is written part by part (one row group each), so 10 million rows stay well under 1 GB of RAM.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

STATES = ("BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM")
# Sample share by state: loosely follows the number of enterprises, with a floor for small states.
STATE_SHARE = (0.02, 0.07, 0.30, 0.03, 0.09, 0.08, 0.14, 0.04, 0.11, 0.12)
SECTORS = ("agriculture", "manufacturing", "construction", "trade", "services")
SECTOR_SHARE = (0.12, 0.18, 0.08, 0.37, 0.25)
SIZE_CLASSES = ("micro", "small", "medium")
LABEL = "SYNTHETIC: generated enterprise survey microdata for testing; not real data"
METADATA = {b"sapsmed.synthetic": b"true", b"sapsmed.label": LABEL.encode()}
PART_ROWS = 500_000

SCHEMA = pa.schema(
    [
        ("enterprise_id", pa.int64()),
        ("state", pa.string()),
        ("sector", pa.string()),
        ("stratum", pa.string()),
        ("psu", pa.int64()),
        ("fpc", pa.float64()),
        ("weight", pa.float64()),
        ("size_class", pa.string()),
        ("employees", pa.int64()),
        ("revenue", pa.float64()),
        ("exports_share", pa.float64()),
        ("has_overseas_investment", pa.int8()),
        ("owner_sex", pa.string()),
        ("synthetic", pa.bool_()),
    ],
    metadata=METADATA,
)


@dataclass(frozen=True)
class SampleFrame:
    """The drawn design: per PSU its stratum, first row and weight factor; per stratum its FPC."""

    psu_stratum: np.ndarray
    psu_start: np.ndarray
    psu_weight: np.ndarray
    stratum_fpc: np.ndarray
    n_rows: int


def _rng(seed: int, part: int) -> np.random.Generator:
    """Part 0 draws the design; part k + 1 draws the rows of part k."""
    return np.random.default_rng(np.random.SeedSequence([seed, part]))


def sample_frame(n_rows: int, seed: int, rows_per_psu: int = 200) -> SampleFrame:
    n_strata = len(STATES) * len(SECTORS)
    if n_rows < 2 * n_strata * 2:
        raise ValueError(f"need at least {4 * n_strata} rows: 2 PSUs of 2 rows in each of {n_strata} strata")
    rng = _rng(seed, 0)
    share = np.outer(STATE_SHARE, SECTOR_SHARE).ravel()
    share /= share.sum()
    n_psu = np.maximum(2, np.round(share * max(n_rows // rows_per_psu, 1)).astype(np.int64))
    if 2 * n_psu.sum() > n_rows:
        raise ValueError(f"{n_rows} rows cannot fill {n_psu.sum()} PSUs of 2 rows: raise rows_per_psu")
    psu_stratum = np.repeat(np.arange(n_strata), n_psu)
    # Each PSU gets at least 2 rows; the rest go to strata in proportion to their share.
    extra = rng.multinomial(n_rows - 2 * len(psu_stratum), (share / n_psu)[psu_stratum])
    psu_rows = 2 + extra
    psu_start = np.concatenate([[0], np.cumsum(psu_rows)[:-1]])
    stratum_fpc = (n_psu * rng.uniform(3, 40, n_strata)).round()
    within = rng.uniform(2, 30, len(psu_stratum))
    psu_weight = (stratum_fpc / n_psu)[psu_stratum] * within
    return SampleFrame(psu_stratum, psu_start, psu_weight, stratum_fpc, n_rows)


def _part(frame: SampleFrame, start: int, stop: int, rng: np.random.Generator) -> pa.RecordBatch:
    n = stop - start
    rows = np.arange(start, stop)
    psu = np.searchsorted(frame.psu_start, rows, side="right") - 1
    stratum = frame.psu_stratum[psu]
    state, sector = stratum // len(SECTORS), stratum % len(SECTORS)

    size = rng.choice(3, size=n, p=(0.80, 0.15, 0.05))
    low, high = np.array([1, 10, 50])[size], np.array([9, 49, 199])[size]
    employees = np.minimum(high, low + np.floor(rng.exponential(0.35 * (high - low + 1)))).astype(np.int64)
    productivity = np.array([8.0, 25.0, 15.0, 20.0, 18.0])[sector] * np.array(
        [3.0, 0.6, 1.2, 0.4, 1.5, 0.5, 0.8, 4.0, 1.0, 0.7]
    )[state]
    revenue = employees * productivity * rng.lognormal(0.0, 0.8, n)
    revenue = np.where(rng.random(n) < 0.01, np.nan, revenue.round(3))
    exporter = rng.random(n) < np.array([0.05, 0.20, 0.45])[size]
    exports_share = np.where(exporter, rng.beta(2.0, 5.0, n), 0.0).round(4)
    overseas = (rng.random(n) < np.array([0.01, 0.05, 0.15])[size]).astype(np.int8)
    female = rng.random(n) < np.array([0.40, 0.55, 0.35, 0.25, 0.45, 0.30, 0.50, 0.30, 0.45, 0.50])[state]
    weight = frame.psu_weight[psu] * rng.uniform(0.8, 1.25, n)

    columns = {
        "enterprise_id": rows + 1,
        "state": np.array(STATES, dtype=object)[state],
        "sector": np.array(SECTORS, dtype=object)[sector],
        "stratum": np.array([f"{st}-{se}" for st in STATES for se in SECTORS], dtype=object)[stratum],
        "psu": psu + 1,
        "fpc": frame.stratum_fpc[stratum],
        "weight": weight.round(6),
        "size_class": np.array(SIZE_CLASSES, dtype=object)[size],
        "employees": employees,
        "revenue": pa.array(revenue, from_pandas=True),
        "exports_share": exports_share,
        "has_overseas_investment": overseas,
        "owner_sex": np.where(female, "F", "M").astype(object),
        "synthetic": np.ones(n, dtype=bool),
    }
    return pa.RecordBatch.from_pydict(columns, schema=SCHEMA)


def parts(n_rows: int, seed: int = 2016, rows_per_psu: int = 200) -> Iterator[pa.RecordBatch]:
    """The data as record batches of at most PART_ROWS rows, in row order."""
    frame = sample_frame(n_rows, seed, rows_per_psu)
    for part, start in enumerate(range(0, n_rows, PART_ROWS)):
        yield _part(frame, start, min(start + PART_ROWS, n_rows), _rng(seed, part + 1))


def generate_table(n_rows: int, seed: int = 2016, rows_per_psu: int = 200) -> pa.Table:
    """In-memory synthetic data (for tests and small samples), labelled like the Parquet output."""
    return pa.Table.from_batches(list(parts(n_rows, seed, rows_per_psu)), schema=SCHEMA)


def write_parquet(
    path: str | os.PathLike[str], n_rows: int, seed: int = 2016, rows_per_psu: int = 200
) -> None:
    """Write synthetic data to a Parquet file, one row group per part."""
    schema = SCHEMA.with_metadata(METADATA | {b"sapsmed.seed": str(seed).encode(),
                                              b"sapsmed.rows": str(n_rows).encode()})
    with pq.ParquetWriter(path, schema) as writer:
        for batch in parts(n_rows, seed, rows_per_psu):
            writer.write_batch(batch.replace_schema_metadata(schema.metadata))


def is_labelled_synthetic(path: str | os.PathLike[str]) -> bool:
    """True if a Parquet file carries the SYNTHETIC metadata label."""
    metadata = pq.read_schema(path).metadata or {}
    return metadata.get(b"sapsmed.synthetic") == b"true"

"""Synthetic microdata are deterministic, labelled SYNTHETIC, and have a realistic survey design."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from sapsmed.core.survey import synthetic


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = synthetic.generate_table(1200, seed=42, rows_per_psu=10)
    assert a.equals(synthetic.generate_table(1200, seed=42, rows_per_psu=10))
    assert not a.equals(synthetic.generate_table(1200, seed=43, rows_per_psu=10))


def test_every_row_and_the_file_say_synthetic(tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    synthetic.write_parquet(path, 800, seed=1, rows_per_psu=8)
    table = pq.read_table(path)
    assert table.column("synthetic").to_pylist() == [True] * 800
    metadata = pq.read_schema(path).metadata
    assert metadata[b"sapsmed.synthetic"] == b"true"
    assert metadata[b"sapsmed.label"].startswith(b"SYNTHETIC")
    assert metadata[b"sapsmed.seed"] == b"1"
    assert synthetic.is_labelled_synthetic(path)
    assert synthetic.generate_table(400, seed=1).schema.metadata[b"sapsmed.synthetic"] == b"true"


def test_an_unlabelled_file_is_not_taken_for_synthetic(tmp_path: Path) -> None:
    path = tmp_path / "real.parquet"
    pq.write_table(synthetic.generate_table(400, seed=1).replace_schema_metadata({}), path)
    assert not synthetic.is_labelled_synthetic(path)


def test_written_in_parts_equals_the_table_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthetic, "PART_ROWS", 300)
    path = tmp_path / "parts.parquet"
    synthetic.write_parquet(path, 1000, seed=9, rows_per_psu=10)
    assert pq.ParquetFile(path).num_row_groups == 4
    assert pq.read_table(path).equals(synthetic.generate_table(1000, seed=9, rows_per_psu=10)
                                      .replace_schema_metadata(pq.read_schema(path).metadata))


def test_the_design_is_a_stratified_cluster_sample_with_unequal_weights() -> None:
    table = synthetic.generate_table(5000, seed=3, rows_per_psu=20).to_pydict()
    strata = np.array(table["stratum"])
    psu = np.array(table["psu"])
    assert set(table["state"]) == {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"}
    assert len(set(strata)) == 50
    assert all(s == f"{st}-{se}" for s, st, se in zip(strata, table["state"], table["sector"], strict=True))
    for stratum in set(strata):
        in_stratum = strata == stratum
        psus = set(psu[in_stratum])
        assert len(psus) >= 2
        assert set(np.array(table["fpc"])[in_stratum]) == {table["fpc"][int(np.argmax(in_stratum))]}
        assert table["fpc"][int(np.argmax(in_stratum))] >= len(psus)
    assert all(len(set(strata[psu == p])) == 1 for p in set(psu))  # PSUs nested in strata
    weights = np.array(table["weight"])
    assert weights.min() > 0 and weights.max() / weights.min() > 10


def test_enterprise_columns_are_plausible() -> None:
    table = synthetic.generate_table(4000, seed=8).to_pydict()
    employees = np.array(table["employees"])
    size = np.array(table["size_class"])
    assert employees[size == "micro"].max() <= 9 and employees[size == "medium"].min() >= 50
    revenue = np.array([np.nan if r is None else r for r in table["revenue"]])
    assert 0 < np.isnan(revenue).mean() < 0.03 and np.nanmin(revenue) > 0
    assert set(table["has_overseas_investment"]) == {0, 1}
    assert set(table["owner_sex"]) == {"F", "M"}
    shares = np.array(table["exports_share"])
    assert shares.min() == 0 and shares.max() < 1 and (shares > 0).mean() < 0.5


def test_too_few_rows_for_the_design_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 200 rows"):
        synthetic.generate_table(150, seed=1)

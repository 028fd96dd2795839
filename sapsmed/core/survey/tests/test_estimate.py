"""What a user of run_estimates sees beyond agreement with R: sources, invariances, CSV, SQL, errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sapsmed.core.survey import synthetic
from sapsmed.core.survey.design import Design, LonelyPsu, statistics
from sapsmed.core.survey.estimate import EstimateRow, estimate, run_estimates, write_csv
from sapsmed.core.survey.sql import build_aggregation
from sapsmed.core.survey.validate import SurveyDataError

STATS = statistics(
    means=("y",), totals=("y",), props=("flag", ("group", "b")), ratios=(("y", "x"),)
)
NUMBERS = ("estimate", "se", "ci_low", "ci_high", "deff")


def _close(a: list[EstimateRow], b: list[EstimateRow], rel: float = 1e-9) -> bool:
    """Same rows and numbers to `rel`; SEs that are both zero up to rounding count as equal (and then
    their deffs, noise over noise, are not compared)."""
    if [(r.domain, r.statistic, r.variable, r.n) for r in a] != [
        (r.domain, r.statistic, r.variable, r.n) for r in b
    ]:
        return False
    for ra, rb in zip(a, b, strict=True):
        noise = rel * (1 + abs(rb.estimate or 0))
        zero_se = ra.se is not None and rb.se is not None and max(ra.se, rb.se) < noise
        for name in NUMBERS:
            x, y = getattr(ra, name), getattr(rb, name)
            if zero_se and name == "deff":
                continue
            if (x is None) != (y is None):
                return False
            if x is None:
                continue
            tolerance = noise if zero_se and name != "estimate" else rel * abs(y)
            if abs(x - y) > tolerance:
                return False
    return True


@st.composite
def samples(draw: st.DrawFn) -> pa.Table:
    n = draw(st.integers(4, 30))
    floats = st.floats(-1e3, 1e3, allow_nan=False).map(lambda v: round(v, 3))
    return pa.table({
        "stratum": draw(st.lists(st.sampled_from("PQR"), min_size=n, max_size=n)),
        "dom": draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
        "weight": draw(st.lists(st.floats(0.5, 50).map(lambda v: round(v, 2)), min_size=n, max_size=n)),
        "y": draw(st.lists(st.one_of(floats, st.none()), min_size=n, max_size=n)),
        "x": draw(st.lists(st.floats(1, 100).map(lambda v: round(v, 2)), min_size=n, max_size=n)),
        "flag": draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n)),
        "group": draw(st.lists(st.sampled_from(["a", "b", None]), min_size=n, max_size=n)),
        "row": list(range(n)),
    })


@settings(max_examples=40, deadline=None)
@given(samples())
def test_rows_as_psus_give_the_same_answer_by_either_path(table: pa.Table) -> None:
    """Without a PSU column the variance comes from second moments; with one PSU per row, from PSU sums."""
    for lonely in (LonelyPsu.CERTAINTY, LonelyPsu.ADJUST):
        moments = estimate(table, Design("weight", "stratum", lonely_psu=lonely), STATS, ("dom",))
        psus = estimate(table, Design("weight", "stratum", "row", lonely_psu=lonely), STATS, ("dom",))
        assert _close(moments, psus, rel=1e-7)


@settings(max_examples=25, deadline=None)
@given(samples(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter_and_weight_scale_only_scales_totals(table: pa.Table, rnd) -> None:
    design = Design("weight", "stratum", lonely_psu=LonelyPsu.CERTAINTY)
    base = estimate(table, design, STATS, ("dom",))
    order = list(range(table.num_rows))
    rnd.shuffle(order)
    assert _close(estimate(table.take(order), design, STATS, ("dom",)), base)

    scaled = table.set_column(2, "weight", pa.array(np.asarray(table.column("weight")) * 8.0))
    for a, b in zip(estimate(scaled, design, STATS, ("dom",)), base, strict=True):
        factor = 8.0 if a.statistic == "total" else 1.0
        for name in ("estimate", "se"):
            x, y = getattr(a, name), getattr(b, name)
            assert (x is None and y is None) or x == pytest.approx(factor * y, rel=1e-9, abs=1e-12)


@pytest.fixture(scope="module")
def enterprises(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    table = synthetic.generate_table(2000, seed=11, rows_per_psu=12)
    folder = tmp_path_factory.mktemp("enterprises")
    pq.write_table(table, folder / "e.parquet")
    pcsv.write_csv(table, folder / "e.csv")
    return {"arrow": table, "parquet": folder / "e.parquet", "csv": folder / "e.csv"}


ARGS = {
    "weight": "weight", "strata": "stratum", "psu": "psu", "fpc": "fpc", "by": ("state", "owner_sex"),
    "means": ("revenue",), "totals": ("employees",), "props": ("has_overseas_investment", "size_class=micro"),
    "ratios": (("revenue", "employees"),),
}


def test_parquet_csv_and_arrow_give_the_same_estimates(enterprises: dict) -> None:
    arrow = run_estimates(enterprises["arrow"], **ARGS)
    assert len(arrow) == 10 * 2 * 5
    assert _close(run_estimates(enterprises["parquet"], **ARGS), arrow)
    assert _close(run_estimates(str(enterprises["csv"]), **ARGS), arrow)


def test_rows_come_sorted_by_domain_with_counts(enterprises: dict) -> None:
    rows = run_estimates(enterprises["arrow"], **ARGS)
    domains = [r.domain for r in rows]
    assert domains == sorted(domains)
    assert domains[0] == (("state", "BRN"), ("owner_sex", "F"))
    table = enterprises["arrow"].to_pylist()
    brn_f = [r for r in table if r["state"] == "BRN" and r["owner_sex"] == "F"]
    counts = {r.variable: r.n for r in rows[:5]}
    assert counts["employees"] == len(brn_f)
    assert counts["revenue"] == sum(r["revenue"] is not None for r in brn_f)


def test_nan_is_read_as_missing() -> None:
    table = synthetic.generate_table(600, seed=5, rows_per_psu=5)
    revenue = np.asarray(table.column("revenue").to_numpy(zero_copy_only=False), dtype=float)
    as_nan = table.set_column(table.schema.get_field_index("revenue"), "revenue", pa.array(revenue))
    args = {"weight": "weight", "strata": "stratum", "psu": "psu", "by": ("state",), "means": ("revenue",)}
    assert np.isnan(revenue).any()
    assert _close(run_estimates(as_nan, **args), run_estimates(table, **args))


def test_lonely_psus_are_refused_under_fail_even_without_validation() -> None:
    table = pa.table({"h": ["A", "A", "B", "C"], "p": [1, 2, 3, 4], "w": [1.0] * 4, "y": [1.0, 2, 3, 4]})
    with pytest.raises(SurveyDataError, match="strata B, C have a single PSU"):
        estimate(table, Design("w", "h", "p"), statistics(means=("y",)))
    rows = estimate(table, Design("w", "h", "p", lonely_psu="certainty"), statistics(totals=("y",)))
    assert rows[0].se == pytest.approx(np.sqrt(2 * 0.5**2 * 2))


def test_domain_with_zero_weight_only_is_not_reported_and_empty_means_have_no_estimate() -> None:
    table = pa.table({"d": ["a", "a", "b", "b", "c", "c"], "w": [1.0, 2.0, 0.0, 0.0, 1.0, 1.0],
                      "y": [1.0, 3.0, 5.0, 6.0, None, None]})
    rows = estimate(table, Design("w"), statistics(means=("y",), totals=("y",)), ("d",))
    assert [(r.domain, r.statistic) for r in rows] == [
        ((("d", "a"),), "mean"), ((("d", "a"),), "total"), ((("d", "c"),), "mean"), ((("d", "c"),), "total")
    ]
    empty_mean, empty_total = rows[2], rows[3]
    assert (empty_mean.estimate, empty_mean.se, empty_mean.ci_low, empty_mean.n) == (None, None, None, 0)
    assert (empty_total.estimate, empty_total.se) == (0.0, 0.0)


def test_csv_output_has_one_line_per_domain_and_statistic(enterprises: dict) -> None:
    rows = run_estimates(enterprises["arrow"], **ARGS)
    out = io.StringIO()
    write_csv(rows, out, by=ARGS["by"])
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(lines[0]) == ["state", "owner_sex", "statistic", "variable", "estimate", "se", "ci_low",
                              "ci_high", "deff", "n"]
    assert len(lines) == len(rows)
    first = lines[0]
    assert (first["state"], first["owner_sex"], first["statistic"], first["variable"]) == (
        "BRN", "F", "mean", "revenue")
    assert float(first["se"]) == rows[0].se and int(first["n"]) == rows[0].n


def test_csv_writes_undefined_numbers_as_empty_cells() -> None:
    row = EstimateRow((("state", "LAO"),), "mean", "revenue", None, None, None, None, None, 0)
    out = io.StringIO()
    write_csv([row], out, by=("state",))
    assert out.getvalue().splitlines()[1] == "LAO,mean,revenue,,,,,,0"


def test_the_aggregation_is_one_plain_sql_query() -> None:
    design = Design("weight", "stratum", "psu", "fpc")
    stats = statistics(means=("revenue",), props=(("owner_sex", "F"),), ratios=(("revenue", "employees"),))
    sql = build_aggregation(design, ("state",), stats).sql
    assert sql.count("GROUP BY") == 1 and sql.count("SELECT") == 2
    # Nothing DuckDB-only: no ::casts, FILTER, GROUP BY ALL, isnan, TRY_CAST, lateral column aliases.
    assert not re.search(r"::|FILTER|GROUP BY ALL|isnan|TRY_CAST|QUALIFY", sql, re.IGNORECASE)
    assert 'FROM survey_source' in sql and '"owner_sex"' in sql


def test_missing_file_and_unknown_format_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        run_estimates(tmp_path / "none.parquet", weight="w", means=("y",))
    (tmp_path / "data.xlsx").write_text("x")
    with pytest.raises(ValueError, match="name it .parquet or .csv"):
        run_estimates(tmp_path / "data.xlsx", weight="w", means=("y",))

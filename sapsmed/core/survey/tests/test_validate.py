"""Validation names every problem in the data, with the column, how many rows and which rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from sapsmed.core.survey import synthetic
from sapsmed.core.survey.design import Design, LonelyPsu, statistics
from sapsmed.core.survey.estimate import run_estimates
from sapsmed.core.survey.validate import SurveyDataError, validate

STATS = statistics(means=("revenue",), props=("exporter",), ratios=(("revenue", "employees"),))


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(text)
    return path


def _table(**overrides: list) -> pa.Table:
    columns = {
        "stratum": ["A", "A", "A", "A", "B", "B", "B", "B"],
        "psu": [1, 1, 2, 2, 3, 3, 4, 4],
        "weight": [10.0, 12.0, 9.0, 11.0, 20.0, 18.0, 22.0, 19.0],
        "fpc": [40.0] * 4 + [30.0] * 4,
        "revenue": [5.0, 7.0, 6.0, 9.0, 3.0, 4.0, 2.0, 8.0],
        "employees": [2, 3, 2, 4, 1, 2, 1, 3],
        "exporter": [0, 1, 0, 0, 1, 0, 0, 1],
    }
    return pa.table(columns | overrides)


DESIGN = Design("weight", strata="stratum", psu="psu", fpc="fpc")


def test_clean_data_has_no_errors() -> None:
    assert validate(_table(), DESIGN, STATS) == []


def test_all_missing_columns_are_named_at_once() -> None:
    design = Design("wt", strata="region", psu="psu")
    stats = statistics(means=("turnover",), props=("exporter",))
    errors = validate(_table(), design, stats, by=("province",))
    assert {(e.column, e.message) for e in errors} == {
        ("wt", "design column 'wt' is not in the data"),
        ("region", "design column 'region' is not in the data"),
        ("province", "domain column 'province' is not in the data"),
        ("turnover", "analysis column 'turnover' is not in the data"),
    }


def test_missing_and_negative_weights_give_counts_and_first_rows(tmp_path: Path) -> None:
    rows = ["stratum,psu,weight,revenue"]
    weights = ["5", "", "5", "-2", "5", "NA", "5", "-1", "5", "5"]
    rows += [f"S,{i // 2},{w},1.5" for i, w in enumerate(weights)]
    errors = validate(_csv(tmp_path, "\n".join(rows) + "\n"), Design("weight", "stratum", "psu"),
                      statistics(means=("revenue",)))
    by_message = {e.message.split(" in ")[0]: e for e in errors}
    missing = by_message["weight column 'weight' is missing or not a finite number"]
    negative = by_message["weight column 'weight' is negative"]
    assert (missing.column, missing.row_count, missing.rows) == ("weight", 2, (2, 6))
    assert (negative.row_count, negative.rows) == (2, (4, 8))
    assert negative.message == "weight column 'weight' is negative in 2 rows (rows 4, 8)"


def test_first_rows_are_capped_at_five_and_say_there_are_more() -> None:
    weights = [None] * 7 + [1.0]
    (error,) = validate(_table(weight=weights), DESIGN, STATS)
    assert error.row_count == 7 and error.rows == (1, 2, 3, 4, 5)
    assert error.message.endswith("in 7 rows (rows 1, 2, 3, 4, 5, ...)")


def test_text_in_a_numeric_column_names_the_rows(tmp_path: Path) -> None:
    text = "stratum,psu,weight,revenue,employees,exporter\n" + "".join(
        f"S,{i // 2},1,{'n/a' if i in (3, 4) else i},1,0\n" for i in range(8)
    )
    (error,) = validate(_csv(tmp_path, text), Design("weight", "stratum", "psu"), STATS)
    assert error.column == "revenue" and error.rows == (4, 5)
    assert "must be numeric but holds text that is not a number" in error.message


def test_a_non_numeric_type_is_an_error() -> None:
    table = _table(revenue=pa.array([1, 2, 3, 4, 5, 6, 7, 8], pa.date32()))
    errors = validate(table, DESIGN, STATS)
    assert [(e.column, e.message) for e in errors] == [
        ("revenue", "column 'revenue' must be numeric but is DATE")
    ]


def test_categorical_levels_may_be_text_and_missing_analysis_values_are_allowed() -> None:
    table = _table(owner_sex=["F", "M", None, "F", "M", "M", "F", "F"],
                   revenue=[5.0, None, 6.0, 9.0, 3.0, 4.0, float("nan"), 8.0])
    stats = statistics(means=("revenue",), props=(("owner_sex", "F"),))
    assert validate(table, DESIGN, stats) == []


def test_proportion_columns_hold_only_zero_and_one_and_values_are_finite() -> None:
    table = _table(exporter=[0, 1, 2, 0, 1, 0, 0, 1], revenue=[5.0, float("inf"), 6, 9, 3, 4, 2, 8])
    errors = {e.column: e for e in validate(table, DESIGN, STATS)}
    assert errors["exporter"].rows == (3,)
    assert errors["exporter"].message.startswith("proportion column 'exporter' must hold only 0 and 1")
    assert errors["revenue"].rows == (2,) and "infinite" in errors["revenue"].message


def test_missing_design_values_are_errors() -> None:
    table = _table(stratum=["A", None, "A", "A", "B", "B", "B", "B"], psu=[1, 1, 2, 2, 3, None, 4, 4])
    errors = {e.column: e.rows for e in validate(table, DESIGN, STATS)}
    assert errors["stratum"] == (2,) and errors["psu"] == (6,)


def test_single_psu_strata_fail_only_under_the_fail_rule() -> None:
    table = _table(stratum=["A", "A", "A", "A", "B", "B", "C", "C"], fpc=[40.0] * 4 + [30.0] * 2 + [8.0] * 2)
    (error,) = validate(table, DESIGN, STATS)
    assert error.column == "stratum"
    assert error.message.startswith("strata B, C have a single PSU")
    assert validate(table, Design("weight", "stratum", "psu", "fpc", LonelyPsu.CERTAINTY), STATS) == []
    assert validate(table, Design("weight", "stratum", "psu", "fpc", LonelyPsu.ADJUST), STATS) == []


def test_without_psu_a_single_row_stratum_is_lonely() -> None:
    table = _table(stratum=["A", "A", "A", "A", "B", "B", "B", "C"])
    (error,) = validate(table, Design("weight", strata="stratum"), STATS)
    assert error.message.startswith("strata C has a single row")


def test_fpc_must_be_constant_in_a_stratum_and_not_below_the_sample() -> None:
    varying = _table(fpc=[40.0, 40.0, 41.0, 40.0] + [30.0] * 4)
    assert [e.message for e in validate(varying, DESIGN, STATS)] == ["the FPC varies within strata A"]
    too_small = _table(fpc=[40.0] * 4 + [1.0] * 4)
    assert [e.message for e in validate(too_small, DESIGN, STATS)] == [
        "the FPC (population count of PSUs) is below the number of sampled PSUs in strata B"
    ]
    mixed = _table(fpc=[40.0] * 4 + [0.5] * 4)
    assert "mixes population counts" in validate(mixed, DESIGN, STATS)[0].message


def test_fractions_are_accepted_as_fpc() -> None:
    assert validate(_table(fpc=[0.1] * 4 + [0.25] * 4), DESIGN, STATS) == []


def test_run_estimates_refuses_bad_data_listing_every_error() -> None:
    table = _table(weight=[1.0, -1.0, 1.0, 1.0, 1.0, 1.0, None, 1.0], exporter=[0, 1, 0, 0, 1, 0, 0, 5])
    with pytest.raises(SurveyDataError) as raised:
        run_estimates(table, weight="weight", strata="stratum", psu="psu", props=("exporter",))
    assert {e.column for e in raised.value.errors} == {"weight", "exporter"}
    assert len(raised.value.errors) == 3
    assert "negative in 1 row (row 2)" in str(raised.value)


def test_synthetic_data_validates_clean() -> None:
    table = synthetic.generate_table(1500, seed=3, rows_per_psu=10)
    stats = statistics(
        means=("revenue", "exports_share"),
        totals=("employees",),
        props=("has_overseas_investment", ("owner_sex", "F")),
        ratios=(("revenue", "employees"),),
    )
    assert validate(table, DESIGN, stats, by=("state", "sector")) == []

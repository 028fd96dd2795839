"""The statisticians' command line gives the core's numbers; the generator writes labelled synthetic data."""

import csv
import io
from io import StringIO

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from sapsmed.core.survey import run_estimates, write_csv
from sapsmed.core.survey.synthetic import LABEL, is_labelled_synthetic

from .conftest import csv_bytes, real_like

FIELDS = ("estimate", "se", "ci_low", "ci_high", "deff", "n")


def estimate(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("estimate_survey", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_writes_exactly_the_cores_csv(real_csv):
    text, _ = estimate(real_csv, "--weight", "weight", "--strata", "stratum", "--psu", "psu", "--fpc", "fpc",
                       "--by", "state", "owner_sex", "--mean", "employees", "--total", "employees",
                       "--prop", "has_overseas_investment", "--prop", "sector=trade", "--ratio", "revenue/employees",
                       "--lonely-psu", "fail")
    expected = io.StringIO()
    rows = run_estimates(real_csv, weight="weight", strata="stratum", psu="psu", fpc="fpc", by=["state", "owner_sex"],
                         means=["employees"], totals=["employees"], props=["has_overseas_investment", "sector=trade"],
                         ratios=[("revenue", "employees")])
    write_csv(rows, expected, ["state", "owner_sex"])
    # Same columns and labels; numbers to a relative 1e-12 (DuckDB's parallel sums may differ in the last bit).
    got, want = list(csv.reader(io.StringIO(text))), list(csv.reader(io.StringIO(expected.getvalue())))
    assert got[0] == want[0] and len(got) == len(want)
    for g, w in zip(got[1:], want[1:], strict=True):
        for a, b in zip(g, w, strict=True):
            try:
                assert float(a) == pytest.approx(float(b), rel=1e-12, abs=1e-12)
            except ValueError:
                assert a == b
    header = text.splitlines()[0]
    assert header == "state,owner_sex,statistic,variable,estimate,se,ci_low,ci_high,deff,n"
    assert len(text.splitlines()) == 1 + 20 * 5


def test_the_command_reads_parquet_and_writes_to_a_file(tmp_path, synthetic_table):
    import pyarrow.parquet as pq_write

    path = tmp_path / "enterprises.parquet"
    pq_write.write_table(real_like(synthetic_table), path)
    out = tmp_path / "estimates.csv"
    _, err = estimate(path, "--weight", "weight", "--psu", "psu", "--mean", "revenue", "--out", out)
    assert "Wrote 1 estimates" in err
    line = next(csv.DictReader(out.open()))
    reference = run_estimates(path, weight="weight", psu="psu", means=["revenue"])[0]
    assert [float(line[f]) for f in FIELDS] == [getattr(reference, f) for f in FIELDS]


def test_output_from_synthetic_data_says_so_on_every_line(synthetic_parquet):
    text, err = estimate(synthetic_parquet, "--weight", "weight", "--by", "state", "--mean", "employees")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert len(lines) == 10 and all(line["data"] == LABEL for line in lines)
    assert "SYNTHETIC" in err


def test_bad_data_stops_the_command_with_every_problem(tmp_path, synthetic_table):
    table = real_like(synthetic_table)
    weights = table["weight"].to_pylist()
    weights[0] = -2.0
    table = table.set_column(table.schema.get_field_index("weight"), "weight", pa.array(weights))
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(table))
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("estimate_survey", str(path), "--weight", "weight", "--strata", "stratum", "--mean", "turnover",
                     stderr=err)
    assert "bad.csv: weight column 'weight' is negative in 1 row (row 1)" in err.getvalue()
    assert "analysis column 'turnover' is not in the data" in err.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (["missing.csv", "--weight", "w", "--mean", "x"], "the file does not exist"),
    (["{csv}", "--weight", "weight"], "ask for at least one statistic"),
    (["{csv}", "--weight", "weight", "--ratio", "revenue"], "write NUMERATOR/DENOMINATOR"),
    (["{csv}", "--weight", "weight", "--strata", "stratum", "--psu", "psu", "--mean", "employees", "--lonely-psu",
      "centre"], "invalid choice"),
])
def test_a_wrong_invocation_says_what_to_do(real_csv, args, message):
    args = [a.replace("{csv}", str(real_csv)) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("estimate_survey", *args)


def test_the_generator_writes_labelled_synthetic_microdata(tmp_path):
    out = tmp_path / "demo.parquet"
    text = StringIO()
    call_command("generate_synthetic_survey", "--rows", "400", "--out", str(out), "--seed", "3", stdout=text)
    assert "SYNTHETIC" in text.getvalue()
    table = pq.read_table(out)
    assert table.num_rows == 400 and all(table["synthetic"].to_pylist())
    assert is_labelled_synthetic(out)
    again = tmp_path / "again.parquet"
    call_command("generate_synthetic_survey", "--rows", "400", "--out", str(again), "--seed", "3", stdout=StringIO())
    assert pq.read_table(again).equals(table)


@pytest.mark.parametrize(("args", "message"), [
    (["--rows", "10", "--out", "{dir}/x.parquet"], "need at least"),
    (["--rows", "400", "--out", "{dir}/x.csv"], "name the output .parquet"),
    (["--rows", "400", "--out", "{dir}/nowhere/x.parquet"], "the folder does not exist"),
])
def test_the_generator_refuses_what_it_cannot_do(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_synthetic_survey", *[a.replace("{dir}", str(tmp_path)) for a in args])

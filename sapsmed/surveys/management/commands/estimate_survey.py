"""`manage.py estimate_survey FILE --weight COL ...`: design-based estimates from a CSV or Parquet file.

One CSV line per domain and statistic: the --by columns, then statistic, variable, estimate, se, ci_low,
ci_high, deff, n (sapsmed.core.survey.write_csv; the same numbers as the web pages). Output from
SYNTHETIC data carries a `data` column saying so on every line.
"""

import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sapsmed.core.survey import LonelyPsu, SurveyDataError, run_estimates, write_csv
from sapsmed.core.survey.synthetic import LABEL
from sapsmed.core.tables import CsvWriter


def _ratio(text: str) -> tuple[str, str]:
    num, sep, den = text.partition("/")
    if not sep or not num or not den:
        raise CommandError(f"--ratio {text!r}: write NUMERATOR/DENOMINATOR, such as revenue/employees")
    return num, den


def _synthetic(path: Path) -> bool:
    import duckdb

    from sapsmed.core.survey.design import connect
    from sapsmed.core.survey.synthetic import is_labelled_synthetic

    if path.suffix.lower() in (".parquet", ".pq") and is_labelled_synthetic(path):
        return True
    con = connect(path)
    names = {row[0] for row in con.execute("DESCRIBE SELECT * FROM survey_source").fetchall()}
    if "synthetic" not in names:
        return False
    try:
        sql = "SELECT COUNT(*) FROM survey_source WHERE CAST(\"synthetic\" AS VARCHAR) IN ('true', '1')"
        return con.execute(sql).fetchone()[0] > 0
    except duckdb.Error:
        return False


def _labelled(text: str) -> str:
    """The CSV with a `data` column saying SYNTHETIC on every line."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = CsvWriter(out, lineterminator="\n")  # csv_cell leaves cells write_csv already made safe as they are
    writer.writerow([*rows[0], "data"])
    for row in rows[1:]:
        writer.writerow([*row, LABEL])
    return out.getvalue()


class Command(BaseCommand):
    help = "Estimate totals, means, proportions and ratios by domain with SE, 95% CI, deff and n (R survey's method)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the microdata: .csv or .parquet")
        parser.add_argument("--weight", required=True, help="sampling weight column")
        parser.add_argument("--strata", help="strata column")
        parser.add_argument("--psu", help="PSU (cluster) column, nested in strata")
        parser.add_argument("--fpc", help="finite population correction column (PSU counts or sampling fractions)")
        parser.add_argument("--by", nargs="+", action="extend", default=[], metavar="COL", help="domain columns")
        parser.add_argument("--mean", nargs="+", action="extend", default=[], metavar="COL")
        parser.add_argument("--total", nargs="+", action="extend", default=[], metavar="COL")
        parser.add_argument("--prop", nargs="+", action="extend", default=[], metavar="COL",
                            help="a 0/1 column, or COL=LEVEL for a category")
        parser.add_argument("--ratio", nargs="+", action="extend", default=[], metavar="NUM/DEN")
        parser.add_argument("--lonely-psu", choices=[r.value for r in LonelyPsu], default=LonelyPsu.FAIL.value,
                            help="strata with a single PSU: fail (default), certainty or adjust")
        parser.add_argument("--out", type=Path, help="write the CSV here instead of to standard output")

    def handle(self, *args, file: Path, weight, strata, psu, fpc, by, mean, total, prop, ratio, lonely_psu, out,
               **options):
        if not file.exists():
            raise CommandError(f"{file}: the file does not exist")
        if file.suffix.lower() not in (".csv", ".parquet", ".pq"):
            raise CommandError(f"{file}: give a .csv or .parquet file")
        if not (mean or total or prop or ratio):
            raise CommandError("ask for at least one statistic: --mean, --total, --prop or --ratio")
        ratios = [_ratio(r) for r in ratio]
        try:
            rows = run_estimates(file, weight=weight, strata=strata, psu=psu, fpc=fpc, by=by, means=mean,
                                 totals=total, props=prop, ratios=ratios, lonely_psu=lonely_psu)
        except SurveyDataError as exc:
            for error in exc.errors:
                self.stderr.write(f"  {file.name}: {error.message}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {file.name}; no estimates were made.") from exc
        buffer = io.StringIO()
        write_csv(rows, buffer, by)
        text = buffer.getvalue()
        if _synthetic(file):
            text = _labelled(text)
            self.stderr.write(f"{LABEL}.")
        if out is None:
            self.stdout.write(text, ending="")
            return
        out.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {len(rows)} estimates to {out}.")

"""`manage.py generate_synthetic_survey --rows N --out FILE.parquet [--seed S]`: labelled synthetic microdata."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sapsmed.core.survey import synthetic


class Command(BaseCommand):
    help = ("Write SYNTHETIC enterprise survey microdata (strata by state and sector, PSUs, unequal weights) to "
            "a Parquet file labelled synthetic in its metadata and in a `synthetic` column.")

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, required=True, help="number of enterprises (rows)")
        parser.add_argument("--out", type=Path, required=True, help="the Parquet file to write")
        parser.add_argument("--seed", type=int, default=2016, help="the same seed gives the same data (2016)")
        parser.add_argument("--rows-per-psu", type=int, default=200, help="average enterprises per PSU (200)")

    def handle(self, *args, rows: int, out: Path, seed: int, rows_per_psu: int, **options):
        if out.suffix.lower() not in (".parquet", ".pq"):
            raise CommandError(f"{out}: name the output .parquet")
        if rows <= 0 or rows_per_psu <= 0:
            raise CommandError("--rows and --rows-per-psu must be positive")
        if not out.parent.exists():
            raise CommandError(f"{out.parent}: the folder does not exist")
        try:
            synthetic.write_parquet(out, rows, seed=seed, rows_per_psu=rows_per_psu)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {rows:,} rows to {out} (seed {seed}). {synthetic.LABEL}."))

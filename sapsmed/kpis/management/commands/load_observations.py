"""`manage.py load_observations`: load the real KPI data shipped in data/kpis/, all or nothing, safe to repeat."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sapsmed.core.plan_data import PlanDataError
from sapsmed.kpis.shipped import KPI_DATA_DIR, shipped_load


class Command(BaseCommand):
    help = ("Load the KPI reference-sheet details, per-state profiles, World Bank WDI values and national MSME "
            "statistics shipped in data/kpis/ (all or nothing; run load_plan first).")

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=KPI_DATA_DIR, help="folder holding the KPI data files")

    def handle(self, *args, data_dir: Path, **options):
        try:
            report, skipped = shipped_load(data_dir=data_dir)
        except PlanDataError as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            problems = f"{len(exc.errors)} problem(s) in the files under {data_dir}"
            raise CommandError(f"{problems}; nothing was loaded.") from exc
        for line in report.lines():
            self.stdout.write(f"  {line}")
        for line in skipped:
            self.stdout.write(f"  not loaded: {line}")
        self.stdout.write(self.style.SUCCESS("KPI data loaded."))

"""`manage.py load_plan`: load the plan, member states and KPI definitions from data/, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sapsmed.core.plan_data import PlanDataError
from sapsmed.ops.loading import plan_load
from sapsmed.plan.loading import DATA_DIR


class Command(BaseCommand):
    help = "Load the SAP SMED plan, the member states and the KPI definitions from data/ (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder holding the data files")

    def handle(self, *args, data_dir: Path, **options):
        try:
            report = plan_load(data_dir=data_dir)
        except PlanDataError as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(
                f"{len(exc.errors)} problem(s) in the data files under {data_dir}; nothing was loaded."
            ) from exc
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Plan data loaded."))

"""`manage.py load_msme_definitions`: load the national MSME definitions from data/, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sapsmed.core.msme import DEFAULT_PATH, DefinitionError
from sapsmed.surveys.definitions import msme_definitions_load


class Command(BaseCommand):
    help = "Load the national MSME definitions of the ten member states (all or nothing; safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_PATH, help="the definitions file (YAML)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, change nothing")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            report = msme_definitions_load(path=file, dry_run=dry_run)
        except FileNotFoundError as exc:
            raise CommandError(f"{file}: the file does not exist; nothing was loaded.") from exc
        except DefinitionError as exc:
            self.stderr.write(f"  {exc}")
            raise CommandError(f"a problem in {file}; nothing was loaded.") from exc
        for line in report.lines():
            self.stdout.write(f"  {line}")
        done = "checked (dry run, nothing changed)" if dry_run else "loaded"
        self.stdout.write(self.style.SUCCESS(f"MSME definitions {done}."))

"""`manage.py backup [--out FILE]`: one zip with every row and every uploaded file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from sapsmed.ops.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database (any engine) and the uploaded files into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help="where to write the zip (default: var/backups/...)")

    def handle(self, *args, out=None, **options):
        out = out or Path(settings.VAR_DIR) / "backups" / f"sapsmed-{timezone.now():%Y%m%d-%H%M%S}.zip"
        manifest = backup_create(out)
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Backup written to {out}: {rows} rows in {len(manifest['counts'])} tables, "
            f"{len(manifest['files'])} files ({manifest['engine']})."
        ))

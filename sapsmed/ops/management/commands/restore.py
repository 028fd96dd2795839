"""`manage.py restore FILE [--replace]`: bring back every row and file of a backup, verified."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sapsmed.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup zip into a migrated database (empty, or wiped first with --replace)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--replace", action="store_true", help="wipe the current data first")

    def handle(self, *args, file: Path, replace: bool, **options):
        try:
            manifest = backup_restore(file, replace=replace)
        except BackupError as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored {sum(manifest['counts'].values())} rows and {len(manifest['files'])} files "
            f"from the backup of {manifest['created_at']}; every count and checksum verified."
        ))

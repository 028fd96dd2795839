"""`manage.py import_observations FILE [--dry-run] [--user USERNAME]`: import KPI values, all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from sapsmed.kpis.import_services import import_commit, import_prepare
from sapsmed.kpis.importing import check_upload


class Command(BaseCommand):
    help = ("Import KPI values from an Excel or CSV file in long format (KPI, State, Year, Value, Source, Note) "
            "or from a World Bank WDI CSV download (API_<code>_DS2_...csv). Nothing is written if any row is wrong.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        parser.add_argument("--user", help="import as this user (a focal point may import its own state only); "
                                           "without it the import acts for the platform")
        parser.add_argument("--reason", default="", help="why these values are imported (kept in the history)")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, reason: str, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: cannot be read ({exc.strerror}).") from exc
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"There is no user named '{user}'.")
        check = check_upload(content=content, file_name=file.name, user=account)
        for error in check.errors:
            self.stderr.write(f"  {error}")
        if not check.ok:
            raise CommandError(f"{len(check.errors)} problem(s) in {file.name}; nothing was imported.")
        for line in check.skipped:
            self.stdout.write(f"  {line}")
        counts = (f"{check.count('new')} new, {check.count('correction')} corrected, "
                  f"{check.count('source')} with a new source, {check.count('unchanged')} unchanged")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run: {len(check.planned)} values checked ({counts}); "
                                                 "nothing was written."))
            return
        try:
            batch = import_prepare(content=content, file_name=file.name, user=account,
                                   reason=reason or f"Imported from {file.name} (import_observations)")
            import_commit(batch=batch, user=account)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Import {batch.pk}: {len(check.planned)} values ({counts})."))

"""`manage.py import_roadmap FILE [--dry-run]`: the roadmap workbook import of the web page, on the command line."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sapsmed.core.roadmap_fields import present_diff
from sapsmed.plan.roadmap_check import check_workbook
from sapsmed.plan.roadmap_selectors import lookups, version_numbered, version_snapshot
from sapsmed.plan.roadmap_services import RoadmapRefused, roadmap_import_commit, roadmap_import_upload


class Command(BaseCommand):
    help = ("Check a roadmap workbook (.xlsx or .csv) against the version in force, show what it would add and "
            "change, and save it all or nothing (unless --dry-run).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the workbook, with the sheet 'Action lines'")
        parser.add_argument("--dry-run", action="store_true", help="check and show the changes; save nothing")
        parser.add_argument("--user", default="", help="username recorded as the importer (required to save)")

    def handle(self, *args, file: Path, dry_run: bool, user: str, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        content = file.read_bytes()
        found = lookups()
        result = check_workbook(content, file.name, lookups=found, current=version_snapshot(version_numbered(None)))
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(f"{len(result.errors)} problem(s) in {file.name}; nothing was saved.")
        self._show(result, found)
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Dry run: nothing was saved."))
            return
        if not result.new_terms:
            self.stdout.write(self.style.SUCCESS("The workbook changes nothing; nothing to save."))
            return
        importer = self._user(user)
        upload, _ = roadmap_import_upload(user=importer, filename=file.name, content=content)
        try:
            written = roadmap_import_commit(upload=upload, user=importer)
        except RoadmapRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Saved: {written} action line(s) written (upload {upload.pk})."))

    def _show(self, result, found) -> None:
        titles = {code: terms["title"] for code, terms in result.new_terms.items()}
        changes = present_diff(result.diff, titles, found.names())
        for line in changes["added"]:
            self.stdout.write(f"  + {line['code']}  {line['title']}")
        for line in changes["dropped"]:
            self.stdout.write(f"  - {line['code']}  {line['title']} (retired)")
        for line in changes["changed"]:
            self.stdout.write(f"  ~ {line['code']}")
            for f in line["fields"]:
                self.stdout.write(f"      {f['label']}: {f['before']} -> {f['after']}")
        for warning in result.warnings:
            self.stdout.write(f"  ! {warning}")
        self.stdout.write(f"{len(changes['added'])} added, {len(changes['changed'])} changed, "
                          f"{len(changes['dropped'])} dropped, {changes['unchanged']} unchanged, "
                          f"{result.left_alone} not in the workbook (left alone).")

    def _user(self, username: str):
        users = get_user_model().objects
        if not username:
            raise CommandError("Give --user USERNAME: the change history records who imported the roadmap.")
        found = users.filter(username=username).first()
        if found is None:
            raise CommandError(f"There is no user '{username}'.")
        return found

"""`manage.py send_reminders`: queue the reminder e-mails to proponents with reports missing before a due date."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sapsmed.progress.tasks import reminders_send


class Command(BaseCommand):
    help = ("Queue a background task that e-mails each proponent the reports it still owes in open rounds, "
            "before their due date (once per threshold in SAPSMED_REMINDER_DAYS). Run it daily, e.g. from cron.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD); for tests and catch-up")

    def handle(self, *args, date: str | None = None, **options):
        if date:
            try:
                _check(date)
            except ValueError as exc:
                raise CommandError(f"--date {date!r}: use YYYY-MM-DD.") from exc
        result = reminders_send.enqueue(date)
        self.stdout.write(f"Reminders queued as task {result.id} ({result.status}); the worker (db_worker) sends them.")


def _check(text: str) -> None:
    date.fromisoformat(text)

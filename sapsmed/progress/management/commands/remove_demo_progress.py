"""`manage.py remove_demo_progress`: delete every demonstration round, report and related row."""

from django.core.management.base import BaseCommand, CommandError

from sapsmed.progress.demo import DemoError, demo_remove


class Command(BaseCommand):
    help = "Delete all demonstration progress data (rows flagged is_demo); real data is never touched."

    def handle(self, *args, **options):
        try:
            counts = demo_remove()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        listed = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demonstration progress data removed: {listed}."))

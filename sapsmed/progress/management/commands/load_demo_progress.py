"""`manage.py load_demo_progress`: a synthetic history of reporting rounds 2016-2025, labelled as demonstration data."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sapsmed.progress.demo import demo_load, demo_loaded


class Command(BaseCommand):
    help = ("Create a synthetic, deterministic history of half-year reporting rounds 2016-2025 for the loaded "
            "action lines, flagged as demonstration data (remove it with remove_demo_progress).")

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Demonstration data is never loaded with production settings.")
        if demo_loaded():
            self.stdout.write("Demonstration progress data is already loaded; nothing changed.")
            return
        counts = demo_load()
        if not counts["reports"]:
            self.stdout.write(self.style.WARNING("No action line with a lead state is loaded; run load_plan first."))
        self.stdout.write(self.style.SUCCESS(
            f"Demonstration progress data loaded: {counts['rounds']} rounds, {counts['reports']} reports, "
            f"{counts['transitions']} workflow steps, {counts['milestones']} milestones. Every page and export "
            "that shows it says \"Demonstration data\"."))

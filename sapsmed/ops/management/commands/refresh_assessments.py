"""`manage.py refresh_assessments`: recompute every stored derived value for today (idempotent)."""

from django.core.management.base import BaseCommand

from sapsmed.ops import derived


class Command(BaseCommand):
    help = ("Recompute the stored early-warning assessments and KPI scorecard cells as of today (what changes "
            "with the date alone: planned ends and due dates passing). Safe to repeat. --schedule also books "
            "the daily background refresh, which the background worker (`db_worker`) then runs every day.")

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="Book the daily refresh if none is waiting.")

    def handle(self, *args, **options):
        changed = derived.refresh()
        listed = ", ".join(f"{name}: {n} row(s) changed" for name, n in changed.items())
        self.stdout.write(self.style.SUCCESS(f"Derived values refreshed ({listed})."))
        if options["schedule"]:
            booked = derived.daily_book()
            when = derived.next_run().strftime("%d %B %Y %H:%M")
            self.stdout.write("Daily refresh booked for " + when + "." if booked
                              else "A daily refresh is already booked.")

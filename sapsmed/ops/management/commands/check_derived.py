"""`manage.py check_derived`: recompute every stored derived value from the facts and list every difference."""

from django.core.management.base import BaseCommand, CommandError

from sapsmed.ops import derived


class Command(BaseCommand):
    help = ("Recompute the stored early-warning assessments, round expectations, KPI scorecard cells and search "
            "documents from the facts, without writing, and list every stored row that differs (none expected). "
            "Exits 1 if any differs.")

    def handle(self, *args, **options):
        found = derived.differences()
        for line in found:
            self.stdout.write(line)
        if found:
            raise CommandError(f"{len(found)} stored derived row(s) differ from the facts; "
                               "`manage.py refresh_assessments` recomputes them.")
        self.stdout.write(self.style.SUCCESS("Every stored derived value matches a recomputation from the facts."))

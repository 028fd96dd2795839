"""`manage.py create_demo_users`: one demo user per role, printed with the demo password."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sapsmed.accounts.demo import DEMO_PASSWORD
from sapsmed.ops.demo_users import demo_users_create


class Command(BaseCommand):
    help = "Create one demo user per role (local demonstration only) and print their names and password."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo users are for local demonstration only; refusing in production.")
        rows = demo_users_create()
        self.stdout.write("")
        self.stdout.write(self.style.WARNING("Demo users — FOR LOCAL DEMONSTRATION ONLY, never in production:"))
        for username, description, created in rows:
            self.stdout.write(f"  {username:<15} {description}{'' if created else ' (already there)'}")
        self.stdout.write(f"  password for all of them: {DEMO_PASSWORD}")
        self.stdout.write("")

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from diplomacy.demo import DemoDataError, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo outlets, organizations, people, meetings and articles (all published). "
        "Safe to run again: records are matched by slug or name and only changed ones are saved."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created or updated, then roll everything back.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        log = self.stdout.write if verbosity >= 2 else None
        try:
            with transaction.atomic():
                tally = load_demo(log=log)
                if dry_run:
                    transaction.set_rollback(True)
        except DemoDataError as error:
            raise CommandError(f"The demo data could not be loaded: {error}") from error

        if verbosity >= 1:
            summary = tally.summary()
            if dry_run:
                summary = f"Dry run, nothing saved. {summary}"
            self.stdout.write(self.style.SUCCESS(summary))

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from diplomacy.record import RecordError, import_records


class Command(BaseCommand):
    help = (
        "Import record files written by export_record (JSON Lines, docs/record-format.md). "
        "All files are imported in one transaction: on any error nothing is changed, and the "
        "message names the file and the line. Objects are matched by their slug, code or "
        "name, so importing the same record again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="+",
            metavar="FILE",
            help="Record files, imported in the order given; '-' reads standard input.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report what would change, then roll it all back.",
        )

    def handle(self, *args, files, dry_run=False, verbosity=1, **options):
        log = self.stdout.write if verbosity >= 2 else None
        try:
            with transaction.atomic():
                tally = import_records(self.sources(files), log=log)
                if dry_run:
                    transaction.set_rollback(True)
        except RecordError as error:
            raise CommandError(f"Nothing was imported. {error}") from error

        if verbosity >= 1:
            count = f"{len(files)} file{'s' if len(files) != 1 else ''}"
            if dry_run:
                message = f"Dry run, nothing saved. {count} would give: {tally.summary()}"
            else:
                message = f"Imported {count}: {tally.summary()}"
            self.stdout.write(self.style.SUCCESS(message))

    def sources(self, files):
        """(name, binary stream) of each file, opened only when its turn comes."""
        for path in files:
            if path == "-":
                yield "<stdin>", sys.stdin.buffer
                continue
            try:
                stream = open(path, "rb")  # closed below, once imported
            except OSError as error:
                raise RecordError(f"cannot read: {error.strerror or error}", path) from None
            with stream:
                yield path, stream

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diplomacy.record import KINDS, RecordError, export_record


class Command(BaseCommand):
    help = (
        "Write the whole record (countries' names, outlets, topics, organizations, people, "
        "meetings and articles) as JSON Lines, the format of docs/record-format.md, to FILE "
        "or to standard output (the default, or '-'). import_record reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default="-",
            metavar="FILE",
            help="The file to write (replaced only once the export is complete); '-' or "
            "nothing for standard output.",
        )

    def handle(self, *args, file="-", verbosity=1, **options):
        try:
            if file == "-":
                counts = export_record(self.stdout.write)
            else:
                counts = self.write_file(Path(file))
        except RecordError as error:
            raise CommandError(f"The record could not be exported: {error}") from error

        summary = "Exported " + ", ".join(
            f"{counts[kind.type]} {kind.model._meta.verbose_name_plural}" for kind in KINDS
        )
        if file != "-" and verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"{summary} to {file}."))
        elif verbosity >= 2:
            # Standard output holds the record itself: the summary goes to standard error.
            self.stderr.write(f"{summary}.", style_func=lambda text: text)

    def write_file(self, path):
        """Write next to `path` and rename, so a failed export never leaves half a file."""
        try:
            handle, temporary = tempfile.mkstemp(
                dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp"
            )
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}") from None
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                counts = export_record(out.write)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return counts

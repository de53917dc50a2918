import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from diplomacy.suggest import suggest
from diplomacy.suggest.files import UnreadableFile, read_article


def as_record(path, date, suggestions):
    return {
        "file": path,
        "date": date.isoformat() if date else None,
        "countries": [entity.key for entity in suggestions.countries],
        "people": [entity.label for entity in suggestions.people],
        "organizations": [entity.label for entity in suggestions.organizations],
        "candidates": [
            {"name": c.name, "title": c.title, "country": c.country} for c in suggestions.candidates
        ],
    }


class Command(BaseCommand):
    help = (
        "Suggest the countries, people and organizations that plain-text article files name, "
        "and people named after a title who are not known yet. Reads UTF-8 files (an optional "
        "first line 'date YYYY-MM-DD' gives the date) and writes nothing to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Article text files.")
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=["text", "json"],
            default="text",
            help="text (default): a readable summary per file; json: one object per file.",
        )

    def handle(self, *args, files, output_format="text", **options):
        articles, failed = [], []
        for path in files:
            try:
                date, text = read_article(path)
            except UnreadableFile as error:
                failed.append(path)
                self.stderr.write(f"{path}: cannot read: {error}")
                continue
            articles.append((path, date, text))

        # Suggesting only reads; the rollback makes sure of it.
        with transaction.atomic():
            results = [(path, date, suggest(text)) for path, date, text in articles]
            transaction.set_rollback(True)

        if output_format == "json":
            records = [as_record(path, date, found) for path, date, found in results]
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
        else:
            for index, (path, date, found) in enumerate(results):
                if index:
                    self.stdout.write("")
                self.write_text(path, date, found)

        if failed:
            raise CommandError(
                f"{len(failed)} of {len(files)} files could not be read: {', '.join(failed)}"
            )

    def write_text(self, path, date, found):
        self.stdout.write(self.style.MIGRATE_HEADING(path))
        self.stdout.write(f"  Date:          {date.isoformat() if date else 'none given'}")

        def entities(items, show_key=False):
            if not items:
                return "none"
            return ", ".join(
                (f"{e.label} ({e.key})" if show_key else e.label)
                + (f" ×{e.count}" if e.count > 1 else "")
                for e in items
            )

        self.stdout.write(f"  Countries:     {entities(found.countries, show_key=True)}")
        self.stdout.write(f"  People:        {entities(found.people)}")
        self.stdout.write(f"  Organizations: {entities(found.organizations)}")
        if found.candidates:
            self.stdout.write("  Not known yet:")
            for candidate in found.candidates:
                country = f", {candidate.country}" if candidate.country else ""
                self.stdout.write(f"    {candidate.name} ({candidate.title}{country})")
        for ambiguity in found.ambiguous:
            options = " or ".join(f"{label} ({kind})" for kind, _key, label in ambiguity.options)
            self.stdout.write(f"  Ambiguous:     “{ambiguity.text}” could be {options}")

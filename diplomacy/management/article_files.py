"""What the commands that read plain-text article files share (`suggest_entities`,
`draft_meetings`): the arguments, reading the files (an unreadable one is named and the
others still read), working in a transaction that is rolled back, and the two formats."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from diplomacy.suggest.files import UnreadableFile, read_article


class ArticleFilesCommand(BaseCommand):
    """handle(): `read(text, date)` each file that can be read, then print `as_record(path,
    date, result)` of each as one JSON array, or `write_text(path, date, result)`."""

    text_help = "text (default): a readable summary per file"
    json_help = "json: one object per file"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Article text files.")
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=["text", "json"],
            default="text",
            help=f"{self.text_help}; {self.json_help}.",
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

        # Reading only; the rollback makes sure of it.
        with transaction.atomic():
            results = [(path, date, self.read(text, date)) for path, date, text in articles]
            transaction.set_rollback(True)

        if output_format == "json":
            records = [self.as_record(path, date, result) for path, date, result in results]
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
        else:
            for index, (path, date, result) in enumerate(results):
                if index:
                    self.stdout.write("")
                self.write_text(path, date, result)

        if failed:
            raise CommandError(
                f"{len(failed)} of {len(files)} files could not be read: {', '.join(failed)}"
            )

    def read(self, text, date):
        raise NotImplementedError

    def as_record(self, path, date, result):
        raise NotImplementedError

    def write_text(self, path, date, result):
        raise NotImplementedError

"""What the commands that score against the labelled seed articles share
(`evaluate_suggestions`, `evaluate_drafts`): the options, reading `truth.json` and the
article files, a throwaway database, and loading or forgetting the labelled people."""

import json
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from diplomacy.models import Country, Participant, Person, Position

DEFAULT_SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


@contextmanager
def rolled_back():
    """Everything written inside is undone."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def load_labelled_people(truth):
    """The labelled people of every article, as known people."""
    countries = set(Country.objects.values_list("code", flat=True))
    for article in truth["articles"]:
        for person in article["persons"]:
            Person.objects.get_or_create(
                name=person["name"],
                defaults={
                    "name_ascii": person.get("name_ascii", ""),
                    "country_id": person["country"] if person["country"] in countries else None,
                },
            )


def forget_people():
    """No people at all: every person an article names is a new-person candidate."""
    Participant.objects.all().delete()
    Position.objects.all().delete()
    Person.objects.all().delete()


class LabelledArticlesCommand(BaseCommand):
    """handle(): read the labelled articles, `score(articles, truth)` them (in a throwaway
    database with --fresh-db), `report(result)`, and with --check fail when
    `below_target(result)` names anything."""

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
        parser.add_argument(
            "--fresh-db",
            action="store_true",
            help="Run in a new, throwaway test database instead of the configured one.",
        )
        parser.add_argument("--check", action="store_true", help="Exit 1 below the targets.")

    def handle(self, *args, seeds, fresh_db, check, **options):
        self.verbosity = options["verbosity"]
        truth_file = seeds / "truth.json"
        if not truth_file.is_file():
            self.stdout.write(f"No labelled articles at {seeds}; nothing to score.")
            return
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        articles = [(seeds / item["file"], item) for item in truth["articles"]]
        missing = [str(path) for path, _ in articles if not path.is_file()]
        if missing:
            raise CommandError(f"Article files missing: {', '.join(missing)}")

        old_name = None
        if fresh_db:
            old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
        try:
            result = self.score(articles, truth)
        finally:
            if fresh_db:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        self.report(result)
        if check:
            failed = self.below_target(result)
            if failed:
                raise CommandError(f"Below target: {', '.join(failed)}")

    def score(self, articles, truth):
        raise NotImplementedError

    def report(self, result):
        raise NotImplementedError

    def below_target(self, result):
        raise NotImplementedError

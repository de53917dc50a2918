"""Score the entity-suggestion engine on labelled articles.

    python manage.py evaluate_suggestions [--seeds DIR] [--fresh-db] [--check]

DIR holds plain-text articles and `truth.json` (the countries, people and organizations of
each article, labelled by hand). Three scores, micro-averaged over the articles:

- countries: the ISO codes suggested against those labelled;
- people: with the labelled people (and organizations) in the database, the people
  suggested against those labelled;
- candidates: with no people in the database, the new-person candidates against the
  labelled people (a candidate matches a person by name or ASCII name).

Everything the command writes is rolled back. `--check` exits non-zero below the targets.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from diplomacy.models import Country, Organization, Participant, Person, Position
from diplomacy.suggest import Gazetteer, suggest
from diplomacy.suggest.files import read_article
from diplomacy.suggest.normalize import fold_key

TARGETS = {
    "countries": (0.95, 0.95),
    "people": (0.95, 0.95),
    "candidates": (0.8, 0.8),
}
DEFAULT_SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


class Rollback(Exception):
    pass


class Score:
    def __init__(self):
        self.true_positives = self.false_positives = self.false_negatives = 0
        self.misses = []

    def add(self, name, predicted, expected):
        predicted, expected = set(predicted), set(expected)
        self.true_positives += len(predicted & expected)
        self.false_positives += len(predicted - expected)
        self.false_negatives += len(expected - predicted)
        if predicted != expected:
            self.misses.append((name, sorted(predicted - expected), sorted(expected - predicted)))

    @property
    def precision(self):
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self):
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0


class Command(BaseCommand):
    help = "Score entity suggestions (precision and recall) on labelled articles."

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
            scores = self.score(articles, truth)
        finally:
            if fresh_db:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        self.report(scores)
        if check:
            failed = [
                name
                for name, (precision, recall) in TARGETS.items()
                if scores[name].precision < precision or scores[name].recall < recall
            ]
            if failed:
                raise CommandError(f"Below target: {', '.join(failed)}")

    def score(self, articles, truth):
        scores = {name: Score() for name in TARGETS}
        texts = {path: read_article(path)[1] for path, _ in articles}
        try:
            with transaction.atomic():
                self.load_labelled_entities(truth)
                gazetteer = Gazetteer.from_database()
                for path, item in articles:
                    found = suggest(texts[path], gazetteer=gazetteer)
                    scores["countries"].add(
                        path.name, [m.key for m in found.countries], item["countries"]
                    )
                    scores["people"].add(
                        path.name,
                        [m.label for m in found.people],
                        [p["name"] for p in item["persons"]],
                    )

                Participant.objects.all().delete()
                Position.objects.all().delete()
                Person.objects.all().delete()
                gazetteer = Gazetteer.from_database()
                for path, item in articles:
                    found = suggest(texts[path], gazetteer=gazetteer)
                    scores["candidates"].add(
                        path.name,
                        [self.candidate_name(c.name, item["persons"]) for c in found.candidates],
                        [p["name"] for p in item["persons"]],
                    )
                raise Rollback
        except Rollback:
            pass
        return scores

    def load_labelled_entities(self, truth):
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
            for organization in article["organizations"]:
                Organization.objects.get_or_create(
                    name=organization["name"],
                    defaults={"acronym": organization.get("acronym") or ""},
                )

    @staticmethod
    def candidate_name(name, people):
        """The labelled name a candidate stands for, or the candidate's own name."""
        key = fold_key(name)
        for person in people:
            if key in {fold_key(person["name"]), fold_key(person.get("name_ascii") or "")}:
                return person["name"]
        return name

    def report(self, scores):
        for name, score in scores.items():
            target_p, target_r = TARGETS[name]
            self.stdout.write(f"{name}_precision {score.precision:.3f} ratio")
            self.stdout.write(f"{name}_recall {score.recall:.3f} ratio")
            verdict = (
                "meets" if score.precision >= target_p and score.recall >= target_r else "BELOW"
            )
            self.stdout.write(
                f"  {verdict} target P>={target_p} R>={target_r} "
                f"({score.true_positives} right, {score.false_positives} extra, "
                f"{score.false_negatives} missed)"
            )
            if self.verbosity >= 1:
                for file, extra, missed in score.misses:
                    self.stdout.write(f"    {file}: extra {extra} missed {missed}")

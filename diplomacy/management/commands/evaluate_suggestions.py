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

from diplomacy.management.labelled import (
    LabelledArticlesCommand,
    forget_people,
    load_labelled_people,
    rolled_back,
)
from diplomacy.models import Organization
from diplomacy.suggest import Gazetteer, suggest
from diplomacy.suggest.files import read_article
from diplomacy.suggest.normalize import fold_key

TARGETS = {
    "countries": (0.95, 0.95),
    "people": (0.95, 0.95),
    "candidates": (0.8, 0.8),
}


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


class Command(LabelledArticlesCommand):
    help = "Score entity suggestions (precision and recall) on labelled articles."

    def below_target(self, scores):
        return [
            name
            for name, (precision, recall) in TARGETS.items()
            if scores[name].precision < precision or scores[name].recall < recall
        ]

    def score(self, articles, truth):
        scores = {name: Score() for name in TARGETS}
        texts = {path: read_article(path)[1] for path, _ in articles}
        with rolled_back():
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

            forget_people()
            gazetteer = Gazetteer.from_database()
            for path, item in articles:
                found = suggest(texts[path], gazetteer=gazetteer)
                scores["candidates"].add(
                    path.name,
                    [self.candidate_name(c.name, item["persons"]) for c in found.candidates],
                    [p["name"] for p in item["persons"]],
                )
        return scores

    def load_labelled_entities(self, truth):
        load_labelled_people(truth)
        for article in truth["articles"]:
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

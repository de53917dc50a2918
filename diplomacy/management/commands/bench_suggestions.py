import math
import random
import re
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from diplomacy.models import Country
from diplomacy.suggest import Gazetteer, suggest
from diplomacy.suggest.naive import NaiveMatcher
from diplomacy.text import fold, to_ascii

# How much the article mentions, whatever the size of the gazetteer.
MENTIONED_PEOPLE = 20
MENTIONED_ORGANIZATIONS = 10
MENTIONED_COUNTRIES = 8
# The naive matcher gets this many seconds of repeated runs (at least 3 runs).
NAIVE_BUDGET_SECONDS = 15

# Three syllable sets, for people, organizations and filler prose, so that generated words
# of one kind rarely coincide with another; `Generator.vocabulary` drops those that do.
PERSON_SYLLABLES = (
    "an ba bao chi da den ha hai ka kim lan le li lo ma mai mi min na nam ngo pha quan ra "
    "ri sa son ta tam thi to tra tu va vi xu ya yen zo"
).split()
ORGANIZATION_SYLLABLES = "kor val mes tir dan bel os ung ar eth im quel ros sten gal vor".split()
FILLER_SYLLABLES = "pel fu gor wis bre ston ple cra mun dor vel trin sko ful gen lop nek ow".split()
FUNCTION_WORDS = "the of and to in with on for that by at as from was said their".split()
TITLES = [
    "Foreign Minister",
    "President",
    "Ambassador",
    "Deputy Prime Minister",
    "Minister of Trade",
    "Prime Minister",
    "Special Envoy",
]
INSTITUTIONS = (
    "Council Agency Commission Institute Bank Forum Union Authority Foundation Academy "
    "Organization Fund Centre Office Alliance"
).split()
FIELDS = (
    "Regional Maritime Development Trade Energy Research Security Health Cultural "
    "Investment Agricultural Monetary Education Coastal Digital Peace"
).split()
DIACRITICS = {"a": "áàảãạăâ", "e": "éèêẹ", "o": "óòôơọ", "u": "úùưụ", "i": "íìị", "y": "ý"}
# Marks a mention among the filler words while the sentences are put together.
MARK = "\0"
SIMPLE_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*$")


def name_key(text):
    """A name as the engine compares it, near enough: folded, hyphens as spaces."""
    return " ".join(fold(text).replace("-", " ").split())


def words_of(*texts):
    return {word for text in texts for word in name_key(text).split()}


class Generator:
    """A reproducible synthetic gazetteer and an article that mentions part of it."""

    def __init__(self, seed, countries):
        self.rng = random.Random(seed)
        self.countries = countries
        country_words = words_of(*(form for c in countries for form in self.forms(c)))
        self.reserved = (
            country_words
            | {word + "s" for word in country_words}
            | words_of(*FUNCTION_WORDS, *TITLES, *INSTITUTIONS, *FIELDS, "delegation")
        )
        self.person_parts = self.vocabulary(PERSON_SYLLABLES, 1, 2, 1200)
        self.organization_words = self.vocabulary(ORGANIZATION_SYLLABLES, 2, 3, 600)
        self.filler = self.vocabulary(FILLER_SYLLABLES, 1, 3, 400) + FUNCTION_WORDS * 8

    @staticmethod
    def forms(country):
        code, name, other_names, demonyms = country
        return [name, *other_names, *demonyms]

    def vocabulary(self, syllables, shortest, longest, size):
        words = {}
        for _ in range(size * 20):
            word = "".join(self.rng.choices(syllables, k=self.rng.randint(shortest, longest)))
            if word not in self.reserved:
                words[word] = None
            if len(words) == size:
                break
        # Later vocabularies never reuse a word of an earlier one.
        self.reserved |= set(words)
        return list(words)

    def accented(self, part):
        positions = [i for i, char in enumerate(part) if char in DIACRITICS]
        if not positions:
            return part
        i = self.rng.choice(positions)
        return part[:i] + self.rng.choice(DIACRITICS[part[i]]) + part[i + 1 :]

    def people(self, count):
        """(pk, name, name_ascii, aliases): unique names, and no name is a run of words of
        another, so a mentioned person can only be matched as themselves."""
        taken, inside, people = set(), set(), []
        for _ in range(count * 50):
            size = self.rng.choices([2, 3, 4], weights=[55, 35, 10])[0]
            parts = tuple(self.rng.choices(self.person_parts, k=size))
            runs = {parts[i:j] for i in range(size) for j in range(i + 2, size + 1)} - {parts}
            if parts in taken or parts in inside or runs & taken:
                continue
            taken.add(parts)
            inside |= runs
            if self.rng.random() < 0.25:
                name = " ".join(self.accented(part).capitalize() for part in parts)
            else:
                name = " ".join(part.capitalize() for part in parts)
            people.append((len(people) + 1, name, to_ascii(name), []))
            if len(people) == count:
                return people
        raise CommandError(f"Could not generate {count} distinct names; ask for fewer people.")

    def organizations(self, count):
        """(pk, name, acronym) with unique names and acronyms."""
        names, acronyms, organizations = set(), set(), []
        for _ in range(count * 50):
            place = [w.capitalize() for w in self.rng.sample(self.organization_words, 2)]
            place = place[: self.rng.choice([1, 1, 2])]
            field = self.rng.choice(FIELDS)
            institution = self.rng.choice(INSTITUTIONS)
            if self.rng.random() < 0.5:
                words = [*place, field, institution]
                name = " ".join(words)
            else:
                words = [institution, *place, field]
                name = f"{institution} for {' '.join(place)} {field}"
            acronym = "".join(word[0] for word in words).upper()
            if name in names or acronym in acronyms or fold(acronym) in self.reserved:
                continue
            names.add(name)
            acronyms.add(acronym)
            organizations.append((len(organizations) + 1, name, acronym))
            if len(organizations) == count:
                return organizations
        raise CommandError(
            f"Could not generate {count} distinct organizations; ask for fewer organizations."
        )

    def country_mentions(self, count):
        """(code, form) for countries named by a name or demonym no other country uses, that
        neither contains nor is contained in another country's name."""
        owners = {}
        for country in self.countries:
            for form in self.forms(country):
                owners.setdefault(name_key(form), set()).add(country[0])
        runs = {}
        for key, codes in owners.items():
            words = tuple(key.split())
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    runs.setdefault(words[i:j], set()).update(codes)
        choices = []
        for country in self.countries:
            code = country[0]
            safe = []
            for form in self.forms(country):
                words = tuple(name_key(form).split())
                contained = any(
                    owners.get(" ".join(words[i:j]), {code}) != {code}
                    for i in range(len(words))
                    for j in range(i + 1, len(words) + 1)
                )
                if (
                    SIMPLE_NAME.match(form)
                    and not form.isupper()
                    and runs[words] == {code}
                    and not contained
                ):
                    safe.append(form)
            if safe:
                choices.append((code, safe))
        picked = self.rng.sample(choices, min(count, len(choices)))
        return [(code, self.rng.choice(forms)) for code, forms in picked]

    def article(self, words, people, organizations, countries):
        """About `words` words of filler prose mentioning the given entities."""
        mentions = []
        for _pk, name, name_ascii, _aliases in people:
            name = self.rng.choice([name, name_ascii])
            if self.rng.random() < 0.6:
                name = f"{self.rng.choice(TITLES)} {name}"
            mentions.append(name)
        for _pk, name, acronym in organizations:
            mentions.append(f"the {name} ({acronym})" if self.rng.random() < 0.5 else name)
        for _code, form in countries:
            mentions.append(f"the {form} delegation" if self.rng.random() < 0.3 else form)
        self.rng.shuffle(mentions)

        mention_words = sum(len(mention.split()) for mention in mentions)
        filler_words = max(words - mention_words, 4 * len(mentions))
        sentence_count = max(1, round(words / 14), math.ceil(len(mentions) / 2))
        sentences = [[] for _ in range(sentence_count)]
        for index in range(filler_words):
            sentences[index % sentence_count].append(self.rng.choice(self.filler))
        for index, mention in enumerate(mentions):
            sentence = sentences[index % sentence_count]
            # Never first, never next to another mention: filler words keep them apart.
            slots = [
                i
                for i in range(1, len(sentence) + 1)
                if not sentence[i - 1].startswith(MARK)
                and (i == len(sentence) or not sentence[i].startswith(MARK))
            ]
            position = self.rng.choice(slots) if slots else len(sentence)
            sentence.insert(position, MARK + mention)

        prose = []
        for sentence in sentences:
            tokens = [token.removeprefix(MARK) for token in sentence]
            tokens[0] = tokens[0][:1].upper() + tokens[0][1:]
            prose.append(" ".join(tokens) + ".")
        paragraphs = []
        while prose:
            size = self.rng.randint(3, 6)
            paragraphs.append(" ".join(prose[:size]))
            prose = prose[size:]
        return "\n\n".join(paragraphs)


def timed(function, runs):
    """Milliseconds of each run."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def recall(found, expected):
    return round(len(found & expected) / len(expected), 3) if expected else 1.0


class Command(BaseCommand):
    help = (
        "Benchmark the entity suggestions against a synthetic gazetteer (generated people and "
        "organizations, the real countries from the database) and a naive regex matcher. "
        "Prints one figure per line: name value unit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=50_000, help="Generated people. Default: 50000."
        )
        parser.add_argument(
            "--organizations",
            type=int,
            default=5_000,
            help="Generated organizations. Default: 5000.",
        )
        parser.add_argument(
            "--words", type=int, default=1_000, help="Length of the article. Default: 1000."
        )
        parser.add_argument(
            "--runs", type=int, default=50, help="Timed runs of the engine. Default: 50."
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data. Default: 1.")
        parser.add_argument(
            "--fresh-db",
            action="store_true",
            help="Run against a new, migrated test database, destroyed afterwards.",
        )

    def handle(self, *args, fresh_db=False, **options):
        for name in ("people", "organizations", "words", "runs"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if not fresh_db:
            return self.bench(**options)

        from django.test.utils import setup_databases, teardown_databases

        old_config = setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set()
        )
        try:
            return self.bench(**options)
        finally:
            teardown_databases(old_config, verbosity=0)

    def bench(self, *, people, organizations, words, runs, seed, **options):
        try:
            countries = [
                (c.code, c.name, c.other_name_list, c.demonym_list)
                for c in Country.objects.order_by("code")
            ]
        except DatabaseError as error:
            raise CommandError(
                f"The countries come from the database ({error}): run `manage.py migrate` "
                "or pass --fresh-db."
            ) from error
        if not countries:
            raise CommandError("No countries in the database: run `manage.py migrate` first.")

        generator = Generator(seed, countries)
        people = generator.people(people)
        organizations = generator.organizations(organizations)
        mentioned_people = generator.rng.sample(people, min(MENTIONED_PEOPLE, len(people)))
        mentioned_organizations = generator.rng.sample(
            organizations, min(MENTIONED_ORGANIZATIONS, len(organizations))
        )
        mentioned_countries = generator.country_mentions(MENTIONED_COUNTRIES)
        text = generator.article(
            words, mentioned_people, mentioned_organizations, mentioned_countries
        )

        self.figure("gazetteer_people", len(people), "count")
        self.figure("gazetteer_organizations", len(organizations), "count")
        self.figure("gazetteer_countries", len(countries), "count")
        self.figure("article_words", len(text.split()), "count")
        self.figure("article_people", len(mentioned_people), "count")
        self.figure("article_organizations", len(mentioned_organizations), "count")
        self.figure("article_countries", len(mentioned_countries), "count")

        started = time.perf_counter()
        gazetteer = Gazetteer.from_entries(
            countries=countries, people=people, organizations=organizations
        )
        self.figure("suggest_build_seconds", f"{time.perf_counter() - started:.3f}", "s")

        first = timed(lambda: suggest(text, gazetteer=gazetteer), 1)[0]
        found = suggest(text, gazetteer=gazetteer)
        times = timed(lambda: suggest(text, gazetteer=gazetteer), runs)
        suggest_median = statistics.median(times)
        self.figure("suggest_first_ms", f"{first:.3f}", "ms")
        self.figure("suggest_runs", runs, "count")
        self.figure("suggest_median_ms", f"{suggest_median:.3f}", "ms")
        self.figure("suggest_p95_ms", f"{percentile(times, 0.95):.3f}", "ms")

        started = time.perf_counter()
        naive = NaiveMatcher.from_entries(
            countries=countries, people=people, organizations=organizations
        )
        self.figure("naive_build_seconds", f"{time.perf_counter() - started:.3f}", "s")
        naive_times = timed(lambda: naive.find(text), 1)
        budget_runs = int(NAIVE_BUDGET_SECONDS * 1000 / max(naive_times[0], 0.001))
        naive_times += timed(lambda: naive.find(text), max(3, min(runs, budget_runs)) - 1)
        naive_found = naive.find(text)
        naive_median = statistics.median(naive_times)
        self.figure("naive_runs", len(naive_times), "count")
        self.figure("naive_median_ms", f"{naive_median:.3f}", "ms")
        self.figure("speedup_vs_naive", f"{naive_median / max(suggest_median, 1e-9):.1f}", "x")

        expected = {
            "people": {pk for pk, *_ in mentioned_people},
            "organizations": {pk for pk, *_ in mentioned_organizations},
            "countries": {code for code, _ in mentioned_countries},
        }
        missed_people = []
        for kind, keys in expected.items():
            engine_keys = {entity.key for entity in getattr(found, kind)}
            self.figure(f"suggest_recall_{kind}", recall(engine_keys, keys), "ratio")
            self.figure(f"suggest_extra_{kind}", len(engine_keys - keys), "count")
            if kind == "people":
                missed_people = [p for p in mentioned_people if p[0] not in engine_keys]
        # Every mentioned person is known, so any candidate is a false one.
        self.figure("suggest_candidates", len(found.candidates), "count")
        naive_people = {entity.key for entity in naive_found.people}
        self.figure("naive_recall_people", recall(naive_people, expected["people"]), "ratio")

        if missed_people:
            names = ", ".join(name for _pk, name, *_ in missed_people)
            raise CommandError(
                f"The engine missed {len(missed_people)} of the {len(mentioned_people)} people "
                f"the article mentions: {names}"
            )

    def figure(self, name, value, unit):
        self.stdout.write(f"{name} {value} {unit}")

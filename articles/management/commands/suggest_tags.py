import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch

from articles.models import Article
from diplomacy.models import Country, Organization, Person, Status
from diplomacy.suggest import suggest_for_article

# (relation on Article and Suggestions, singular, plural)
KINDS = [
    ("countries", "country", "countries"),
    ("people", "person", "people"),
    ("organizations", "organization", "organizations"),
]
CHUNK_SIZE = 200


def counted(number, singular, plural):
    return f"{number} {singular if number == 1 else plural}"


def shorten(text, length=60):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class Command(BaseCommand):
    help = (
        "Suggest countries, people and organizations for articles from their text, and with "
        "--apply tag them (tags are only added, never removed). Without --apply this is a "
        "dry run that reports what would be added."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--apply", action="store_true", help="Add the suggested tags to the articles."
        )
        mode.add_argument(
            "--dry-run", action="store_true", help="Only report; the default without --apply."
        )
        parser.add_argument(
            "--status",
            choices=[*Status.values, "all"],
            default="all",
            help="Which articles, by workflow status (a scheduled article counts as "
            "published). Default: all.",
        )
        parser.add_argument("--ids", nargs="+", type=int, metavar="ID", help="Only these articles.")
        parser.add_argument(
            "--only-untagged",
            action="store_true",
            help="Skip articles that already have a country, person or organization.",
        )

    def handle(self, *args, apply, status, ids, only_untagged, verbosity=1, **options):
        articles = self.select(status, ids, only_untagged)
        total = articles.count()
        progress_inline = verbosity == 0 and self.stdout.isatty()
        started = time.perf_counter()
        added = dict.fromkeys((relation for relation, _, _ in KINDS), 0)
        changed = candidates = ambiguous = 0

        for index, article in enumerate(articles.iterator(chunk_size=CHUNK_SIZE), start=1):
            found = suggest_for_article(article)
            new = {}
            for relation, _, _ in KINDS:
                current = {tagged.pk for tagged in getattr(article, relation).all()}
                new[relation] = [e for e in getattr(found, relation) if e.key not in current]
            if apply and any(new.values()):
                with transaction.atomic():
                    for relation, entities in new.items():
                        if entities:
                            getattr(article, relation).add(*(e.key for e in entities))

            changed += any(new.values())
            candidates += len(found.candidates)
            ambiguous += len(found.ambiguous)
            for relation, entities in new.items():
                added[relation] += len(entities)

            if verbosity >= 1:
                self.report(index, total, article, new, found, verbosity)
            elif progress_inline:
                self.stdout.write(f"\r[{index}/{total}]", ending="")
                self.stdout.flush()

        if progress_inline and total:
            self.stdout.write("")
        self.stdout.write(
            self.summary(total, added, changed, candidates, ambiguous, apply, started)
        )

    def select(self, status, ids, only_untagged):
        articles = Article.objects.order_by("pk").prefetch_related(
            Prefetch("countries", queryset=Country.objects.only("pk")),
            Prefetch("people", queryset=Person.objects.only("pk")),
            Prefetch("organizations", queryset=Organization.objects.only("pk")),
        )
        if status != "all":
            articles = articles.filter(status=status)
        if ids:
            articles = articles.filter(pk__in=ids)
            found = Article.objects.filter(pk__in=ids).values_list("pk", flat=True)
            missing = set(ids) - set(found)
            if missing:
                listed = ", ".join(str(pk) for pk in sorted(missing))
                self.stderr.write(f"No article with id {listed}.")
        if only_untagged:
            for relation, _, _ in KINDS:
                through = getattr(Article, relation).through
                articles = articles.filter(~Exists(through.objects.filter(article=OuterRef("pk"))))
        return articles

    def report(self, index, total, article, new, found, verbosity):
        parts = [
            f"+{counted(len(new[relation]), singular, plural)}"
            for relation, singular, plural in KINDS
            if new[relation]
        ]
        if found.candidates:
            parts.append(counted(len(found.candidates), "candidate", "candidates"))
        line = f"[{index}/{total}] {shorten(article.headline)}: {', '.join(parts) or 'nothing new'}"
        self.stdout.write(line)
        if verbosity < 2:
            return
        for relation, singular, _ in KINDS:
            for entity in new[relation]:
                key = f" ({entity.key})" if relation == "countries" else ""
                self.stdout.write(f"    + {singular}: {entity.label}{key}")
        for candidate in found.candidates:
            details = ", ".join(filter(None, [candidate.title, candidate.country]))
            self.stdout.write(f"    ? not known yet: {candidate.name} ({details})")
        for ambiguity in found.ambiguous:
            options = " or ".join(label for _kind, _key, label in ambiguity.options)
            self.stdout.write(f"    ? ambiguous: “{ambiguity.text}” could be {options}")

    def summary(self, total, added, changed, candidates, ambiguous, apply, started):
        tags = ", ".join(
            counted(added[relation], singular, plural) for relation, singular, plural in KINDS
        )
        verb = "added" if apply else "would add"
        text = (
            f"Processed {counted(total, 'article', 'articles')} in "
            f"{time.perf_counter() - started:.1f} s"
            f"{'' if apply else ' (dry run, nothing saved)'}: "
            f"{verb} {tags} to {counted(changed, 'article', 'articles')}; "
            f"{counted(candidates, 'candidate', 'candidates')} not known yet; "
            f"{counted(ambiguous, 'ambiguous name', 'ambiguous names')}."
        )
        return self.style.SUCCESS(text)

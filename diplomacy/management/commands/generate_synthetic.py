import argparse
import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from diplomacy.synthetic import SYNTHETIC_DOMAIN, SyntheticDataExists, generate


def whole_number(minimum):
    def parse(value):
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number.") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum of {minimum}.")
        return number

    return parse


def day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic, made-up data at scale: people with their positions, "
        "organizations, topics, meetings (with participants, countries and parent events) and "
        "the articles reporting them, for trying the site with realistic volumes. Everything "
        "is written in one transaction. Refuses to run when the database already holds "
        f"synthetic data (outlets on {SYNTHETIC_DOMAIN}) unless --append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--meetings",
            type=whole_number(1),
            default=100_000,
            help="Meetings to create. The other sizes scale with it. Default: 100000.",
        )
        parser.add_argument(
            "--people",
            type=whole_number(1),
            help="People to create, each with 1-3 positions. Default: a fifth of --meetings, "
            "and at least one per country while --meetings allows.",
        )
        parser.add_argument(
            "--articles",
            type=whole_number(0),
            help="Articles to create. Default: half of --meetings.",
        )
        parser.add_argument(
            "--organizations",
            type=whole_number(0),
            help="Organizations to create. Default: one per 200 meetings, at least 20.",
        )
        parser.add_argument(
            "--topics",
            type=whole_number(0),
            help="Topics to use (existing topics of the same name are reused). "
            "Default: one per 100 meetings, from 12 to 60.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Seed of the random generator: the same seed, sizes and --as-of give the "
            "same data. Default: 1.",
        )
        parser.add_argument(
            "--as-of",
            type=day,
            metavar="YYYY-MM-DD",
            help="Generate the data as of this day: meetings run up to the day before, "
            "scheduled items are published after it. Default: today.",
        )
        parser.add_argument(
            "--batch-size",
            type=whole_number(1),
            default=5000,
            help="Rows written per bulk_create call (on SQLite Django splits them further "
            "to stay within 999 parameters a statement). Default: 5000.",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to the synthetic data already in the database instead of refusing.",
        )

    def handle(self, *args, verbosity=1, **options):
        started = time.monotonic()

        def progress(stage, done, total):
            self.stdout.write(f"{stage} {done}/{total}")

        try:
            counts = generate(
                meetings=options["meetings"],
                people=options["people"],
                articles=options["articles"],
                organizations=options["organizations"],
                topics=options["topics"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                append=options["append"],
                as_of=options["as_of"],
                progress=progress if verbosity >= 1 else None,
            )
        except (SyntheticDataExists, ValueError) as error:
            raise CommandError(str(error)) from error

        if verbosity >= 1:
            elapsed = time.monotonic() - started
            summary = ", ".join(
                f"{number} {kind.replace('_', ' ')}" for kind, number in counts.items()
            )
            self.stdout.write(self.style.SUCCESS(f"Created {summary} in {elapsed:.1f} s."))

from django.core.management.base import BaseCommand, CommandError

from diplomacy.merging import merge, plan_merge
from diplomacy.models import Organization, Person, Topic

KINDS = {"people": Person, "organizations": Organization, "topics": Topic}


class Command(BaseCommand):
    help = (
        "Merge duplicate people, organizations or topics into one record, named by slugs: "
        "the first is kept, the others are merged into it and deleted. Prints what moves "
        "(meetings, positions, articles' tags, aliases, conflicts); --dry-run only prints it. "
        "All or nothing: on any error nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="What to merge.")
        parser.add_argument("survivor", metavar="SURVIVOR", help="Slug of the record to keep.")
        parser.add_argument(
            "duplicates", nargs="+", metavar="DUPLICATE", help="Slugs of the records to merge."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what the merge would do and change nothing.",
        )

    def handle(self, *args, kind, survivor, duplicates, dry_run=False, verbosity=1, **options):
        model = KINDS[kind]
        slugs = [survivor, *duplicates]
        found = {obj.slug: obj for obj in model._default_manager.filter(slug__in=slugs)}
        missing = [slug for slug in dict.fromkeys(slugs) if slug not in found]
        if missing:
            raise CommandError(
                f"No {model._meta.verbose_name} with the slug {', '.join(missing)}; "
                "nothing was changed."
            )
        survivor, duplicates = found[survivor], [found[slug] for slug in duplicates]

        try:
            plan = plan_merge(survivor, duplicates) if dry_run else merge(survivor, duplicates)
        except ValueError as error:
            raise CommandError(f"{error} Nothing was changed.") from error

        if verbosity >= 1:
            for line in plan.lines():
                self.stdout.write(line)
        if dry_run:
            if plan.blockers:
                raise CommandError("These records cannot be merged; nothing was changed.")
            if verbosity >= 1:
                self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
        elif verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(plan.summary()))

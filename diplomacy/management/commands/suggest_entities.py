from diplomacy.management.article_files import ArticleFilesCommand
from diplomacy.suggest import suggest


class Command(ArticleFilesCommand):
    help = (
        "Suggest the countries, people and organizations that plain-text article files name, "
        "and people named after a title who are not known yet. Reads UTF-8 files (an optional "
        "first line 'date YYYY-MM-DD' gives the date) and writes nothing to the database."
    )

    def read(self, text, date):
        return suggest(text)

    def as_record(self, path, date, suggestions):
        return {
            "file": path,
            "date": date.isoformat() if date else None,
            "countries": [entity.key for entity in suggestions.countries],
            "people": [entity.label for entity in suggestions.people],
            "organizations": [entity.label for entity in suggestions.organizations],
            "candidates": [
                {"name": c.name, "title": c.title, "country": c.country}
                for c in suggestions.candidates
            ],
        }

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

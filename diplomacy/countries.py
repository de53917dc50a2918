"""The preloaded country list: ISO 3166-1 codes and English names, with other names and
demonyms, kept in `diplomacy/data/countries.json` (the names come from django-countries)."""

import json
from pathlib import Path

from diplomacy.text import fold

DATA_FILE = Path(__file__).resolve().parent / "data" / "countries.json"


def country_rows():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def sync_countries(country_model):
    """Create or update every country from the data file.

    Takes the model as an argument so a migration can pass its historical model. Names an
    editor added are kept: the file's names are merged into the existing lists.
    """
    existing = {c.code: c for c in country_model.objects.all()}
    for row in country_rows():
        country = existing.get(row["code"]) or country_model(code=row["code"])
        if not country.name:
            country.name = row["name"]
        country.other_names = _merge_lines(country.other_names, row.get("other_names", []))
        country.demonyms = _merge_lines(country.demonyms, row.get("demonyms", []))
        country.search_text = fold(
            "\n".join([country.name, country.code, country.other_names, country.demonyms])
        )
        country.save()


def _merge_lines(text, extra):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for item in extra:
        if item not in lines:
            lines.append(item)
    return "\n".join(lines)

"""The preloaded country list: ISO 3166-1 codes and English names, with other names and
demonyms, kept in `diplomacy/data/countries.json` (the names come from django-countries)."""

import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django_countries import countries

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


# django-countries' Vietnamese names that are mistranslated (Iceland as "Ai-len", Jersey as
# "Áo", Niger as "Nigeria", Réunion as "Đoàn tụ"), catalogue-style ("Palestine, Bang") or
# old transcriptions the Vietnamese press no longer uses.
CORRECTIONS = {
    "vi": {
        "AE": "Các Tiểu vương quốc Ả Rập Thống nhất",
        "AO": "Angola",
        "BJ": "Benin",
        "BS": "Bahamas",
        "BY": "Belarus",
        "CD": "Cộng hòa Dân chủ Congo",
        "CG": "Cộng hòa Congo",
        "CL": "Chile",
        "CZ": "Cộng hòa Séc",
        "FM": "Micronesia",
        "IS": "Iceland",
        "JE": "Jersey",
        "KP": "Triều Tiên",
        "LY": "Libya",
        "MD": "Moldova",
        "MF": "Saint Martin (thuộc Pháp)",
        "MR": "Mauritania",
        "MW": "Malawi",
        "NE": "Niger",
        "OM": "Oman",
        "PS": "Palestine",
        "RE": "Réunion",
        "RO": "Romania",
        "SH": "Saint Helena",
        "SN": "Senegal",
        "SO": "Somalia",
        "SX": "Sint Maarten (thuộc Hà Lan)",
        "SZ": "Eswatini",
        "TD": "Chad",
        "UA": "Ukraine",
        "US": "Hoa Kỳ",
        "VA": "Vatican",
        "YE": "Yemen",
    },
}


def _language():
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


def local_country_name(country):
    """The name of `country` (a Country or an ISO 3166-1 alpha-2 code) in the active language:
    the record's own (English) name in English, else django-countries' translation, corrected
    where it is wrong or not what that language's press writes."""
    if not country:
        return ""
    code = str(getattr(country, "code", country)).upper()
    record_name = getattr(country, "name", "") or code
    language = _language()
    if language == settings.LANGUAGE_CODE.split("-")[0]:
        return record_name
    corrected = CORRECTIONS.get(language, {}).get(code)
    if corrected:
        return corrected
    return countries.name(code) or record_name

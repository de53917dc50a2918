"""Names in the reader's language: countries, and the interface languages in their own.

`Country.name` is the record's English name, which editors may change. In any other interface
language the name comes from django-countries' translations, corrected where they are wrong or
not what the press of that language writes; a code django-countries does not know keeps the
record's name.

    {% load i18n_names %}
    {{ country|local_name }}                      a Country, or an ISO code: "DE" -> "Đức"
    {% for country in countries|by_local_name %}  sorted by the name the reader sees
    {% interface_languages as languages %}        (code, name) pairs for the switcher
"""

import unicodedata

from django import template
from django.conf import settings
from django.utils.translation import get_language
from django_countries import countries

from diplomacy.text import fold

register = template.Library()

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


@register.simple_tag
def interface_languages():
    """The languages of the interface, each in its own name, as settings.LANGUAGES writes them
    ({% get_available_languages %} would translate "English" into the current language)."""
    return [(code, unicodedata.normalize("NFC", name)) for code, name in settings.LANGUAGES]


@register.filter
def local_name(country):
    """The name of `country` (a Country or an ISO 3166-1 alpha-2 code) in the active language."""
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


@register.filter
def by_local_name(country_list):
    """The countries sorted by their name in the active language, ignoring diacritics."""
    return sorted(country_list, key=lambda country: fold(local_name(country)))

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

from diplomacy.countries import local_country_name
from diplomacy.text import fold

register = template.Library()


@register.simple_tag
def interface_languages():
    """The languages of the interface, each in its own name, as settings.LANGUAGES writes them
    ({% get_available_languages %} would translate "English" into the current language)."""
    return [(code, unicodedata.normalize("NFC", name)) for code, name in settings.LANGUAGES]


@register.filter
def local_name(country):
    """The name of `country` (a Country or an ISO 3166-1 alpha-2 code) in the active language."""
    return local_country_name(country)


@register.filter
def by_local_name(country_list):
    """The countries sorted by their name in the active language, ignoring diacritics."""
    return sorted(country_list, key=lambda country: fold(local_name(country)))

"""The gazetteer: every name of every known country, person and organization, in one
Aho-Corasick automaton, so an article is scanned once whatever the number of names.

Built once per process and shared by its threads (it is read-only after building). When a
country, person or organization is saved or deleted, a version number in the cache changes
(after the transaction commits) and every process rebuilds on its next use. Across
processes this needs a shared cache (Redis in production); with the default local-memory
cache each process sees only its own changes.
"""

import threading
import uuid
from dataclasses import dataclass

import ahocorasick
from django.core.cache import cache
from django.db import transaction

from diplomacy.suggest.normalize import fold_key
from diplomacy.suggest.types import COUNTRY, ORGANIZATION, PERSON
from diplomacy.text import to_ascii

FULL = "full"  # a name, alias, acronym or demonym
SHORT = "short"  # the last part of a person's name ("Sơn", "Guterres")
DEMONYM = "demonym"  # "Vietnamese", "Palestinians": a mention of the country

VERSION_KEY = "suggest:gazetteer-version"

# Short forms shorter than this are too likely to be ordinary words or initials.
MIN_SHORT_FORM = 3


@dataclass(frozen=True)
class Entry:
    kind: str
    key: object
    label: str
    form: str = FULL
    # For acronyms ("UN", "US"): the exact spelling the text must use.
    exact: str | None = None


class Group:
    """The entries of one folded name, sorted by the spelling the text must have:
    `free` match however written, `capitalised` only with a capital first letter (one-word
    names: "Turkey", not "turkey"; a bare last name), `exact` only as spelt ("UN")."""

    __slots__ = ("length", "free", "capitalised", "exact", "kinds")

    def __init__(self, length, free, capitalised, exact):
        self.length, self.free, self.capitalised, self.exact = length, free, capitalised, exact
        # Most groups hold entries of one kind: the kinds of any subset are then known.
        everything = [*free, *capitalised, *(e for items in exact.values() for e in items)]
        kinds = {entry.kind for entry in everything}
        self.kinds = frozenset(kinds) if len(kinds) == 1 else None

    @classmethod
    def of(cls, key, entries):
        one_word = " " not in key
        free, capitalised, exact = [], [], {}
        for entry in entries:
            if entry.exact is not None:
                exact.setdefault(entry.exact, []).append(entry)
            elif one_word or entry.form == SHORT:
                capitalised.append(entry)
            else:
                free.append(entry)
        exact = {spelling: tuple(items) for spelling, items in exact.items()}
        return cls(len(key), tuple(free), tuple(capitalised), exact)

    def entries_for(self, surface):
        """The entries the text's spelling of the name allows."""
        entries = self.free
        if self.capitalised and surface[:1].isupper():
            entries = entries + self.capitalised
        if self.exact:
            exact = self.exact.get(surface) or self.exact.get(to_ascii(surface))
            if exact:
                entries = entries + exact
        return entries


def is_acronym(name):
    """Short all-capital names match case-sensitively: "UN" is not "un-"."""
    letters = name.replace(".", "").replace("&", "")
    return 1 < len(letters) <= 6 and letters.isalnum() and letters.isupper()


class Gazetteer:
    def __init__(self, entries):
        """`entries` is an iterable of (surface name, Entry)."""
        groups = {}
        for name, entry in entries:
            key = fold_key(name)
            if not key or not any(char.isalnum() for char in key):
                continue
            if entry.exact is None and is_acronym(name):
                entry = Entry(entry.kind, entry.key, entry.label, entry.form, exact=name)
            group = groups.setdefault(key, {})
            # One entry per entity and form under a key; a name and its ASCII form fold alike.
            group.setdefault((entry.kind, entry.key, entry.form, entry.exact), entry)
        self.automaton = ahocorasick.Automaton()
        for key, group in groups.items():
            self.automaton.add_word(key, Group.of(key, group.values()))
        self.size = len(groups)
        if self.size:
            self.automaton.make_automaton()

    def iter_matches(self, folded):
        """(start, end, Group) of every name occurring in the folded text at word bounds."""
        if not self.size:
            return
        length = len(folded)
        for last, group in self.automaton.iter(folded):
            start, end = last - group.length + 1, last + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if end < length and folded[end].isalnum():
                continue
            yield start, end, group

    @classmethod
    def from_entries(cls, countries=(), people=(), organizations=()):
        """countries: (code, name, other names, demonyms); people: (pk, name, name_ascii,
        aliases); organizations: (pk, name, acronym)."""
        return cls(_entries(countries, people, organizations))

    @classmethod
    def from_database(cls):
        from diplomacy.models import Country, Organization, Person

        countries = (
            (c.code, c.name, c.other_name_list, c.demonym_list)
            for c in Country.objects.only("code", "name", "other_names", "demonyms")
        )
        people = (
            (p.pk, p.name, p.name_ascii, p.alias_list)
            for p in Person.objects.only("pk", "name", "name_ascii", "aliases").iterator()
        )
        organizations = Organization.objects.values_list("pk", "name", "acronym").iterator()
        return cls.from_entries(countries, people, organizations)


def _entries(countries, people, organizations):
    for code, name, other_names, demonyms in countries:
        label = name
        for surface in (name, *other_names):
            yield surface, Entry(COUNTRY, code, label)
        for demonym in demonyms:
            yield demonym, Entry(COUNTRY, code, label, DEMONYM)
            if not demonym.endswith("s") and not is_acronym(demonym):
                yield demonym + "s", Entry(COUNTRY, code, label, DEMONYM)  # "Palestinians"
    for pk, name, name_ascii, aliases in people:
        for surface in {name, name_ascii or name, *aliases}:
            yield surface, Entry(PERSON, pk, name)
        for surface in {name, name_ascii or name}:
            parts = fold_key(surface).split()
            if len(parts) > 1 and len(parts[-1]) >= MIN_SHORT_FORM:
                yield surface.replace("-", " ").split()[-1], Entry(PERSON, pk, name, SHORT)
    for pk, name, acronym in organizations:
        yield name, Entry(ORGANIZATION, pk, name)
        if acronym:
            yield acronym, Entry(ORGANIZATION, pk, name)


# The shared, cached instance -----------------------------------------------------------

_lock = threading.Lock()
# (version, gazetteer), replaced as a whole so readers never see a mismatched pair.
_cached = (None, None)


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def get_gazetteer():
    global _cached
    version = current_version()
    cached_version, gazetteer = _cached
    if gazetteer is not None and cached_version == version:
        return gazetteer
    with _lock:
        cached_version, gazetteer = _cached
        if gazetteer is None or cached_version != version:
            gazetteer = Gazetteer.from_database()
            _cached = (version, gazetteer)
        return gazetteer


def invalidate_gazetteer():
    """Make every process rebuild the gazetteer, once the current transaction commits."""

    def bump():
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)

    transaction.on_commit(bump)

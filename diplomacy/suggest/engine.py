"""Find the countries, people and organizations an article names.

One pass of the gazetteer's automaton over the folded text finds every name; then:

- case and diacritics do not matter ("viet nam", "BÙI THANH SƠN"), except that a one-word
  name must be capitalised ("Turkey", not "turkey") and an acronym spelt exactly ("UN", not
  "un-"); names match only at word boundaries ("Oman" is not in "woman");
- where names overlap, the longest wins ("United Nations Human Rights Council" over "United
  Nations"), except that a country inside an organization's name still counts as a mention
  of the country ("Communist Party of Vietnam");
- a bare last name ("Sơn") counts only for a person whose full name is in the same article;
- a name several known entities share is reported as ambiguous, never guessed.
"""

from bisect import bisect_right

from diplomacy.suggest.candidates import find_candidates
from diplomacy.suggest.gazetteer import SHORT, get_gazetteer
from diplomacy.suggest.normalize import FoldedText
from diplomacy.suggest.types import (
    COUNTRY,
    ORGANIZATION,
    PERSON,
    Ambiguity,
    EntityMatch,
    Mention,
    Suggestions,
)

ARTICLE_FIELDS = ("headline", "standfirst", "body")
SEPARATOR = "\n\n"


class Hit:
    """A name found in the joined text, with the entities it may refer to."""

    __slots__ = ("start", "end", "entries", "kinds")

    def __init__(self, start, end, entries, kinds=None):
        self.start, self.end, self.entries = start, end, entries
        self.kinds = kinds or {entry.kind for entry in entries}

    def contains(self, other):
        return self.start <= other.start and other.end <= self.end and self != other

    def overlaps(self, other):
        return self.start < other.end and other.start < self.end


def suggest(text_or_fields, *, gazetteer=None):
    """Suggestions for a string, or for a dict of named fields of one article."""
    if isinstance(text_or_fields, str):
        fields = {"text": text_or_fields}
    else:
        fields = {name: value or "" for name, value in text_or_fields.items()}
    gazetteer = gazetteer if gazetteer is not None else get_gazetteer()

    text, field_starts = _join(fields)
    hits = _resolve_overlaps(_find_hits(text, gazetteer))
    suggestions = _classify(hits, text, field_starts)
    suggestions.candidates = find_candidates(
        text, hits, lambda s, e: _mention(text, field_starts, s, e)
    )
    return suggestions


def suggest_for_article(article, *, gazetteer=None):
    return suggest({name: getattr(article, name) for name in ARTICLE_FIELDS}, gazetteer=gazetteer)


def _join(fields):
    """One text for one scan; each field's start offset, to map mentions back."""
    starts, parts, position = [], [], 0
    for name, value in fields.items():
        starts.append((position, name))
        parts.append(value)
        position += len(value) + len(SEPARATOR)
    return SEPARATOR.join(parts), starts


def _mention(text, field_starts, start, end):
    index = bisect_right([offset for offset, _ in field_starts], start) - 1
    offset, name = field_starts[index]
    return Mention(name, start - offset, end - offset, text[start:end])


def _find_hits(text, gazetteer):
    folded = FoldedText(text)
    hits = []
    for start, end, group in gazetteer.iter_matches(folded.folded):
        start, end = folded.original_span(start, end)
        entries = group.entries_for(text[start:end])
        if entries:
            hits.append(Hit(start, end, entries, group.kinds))
    return hits


def _resolve_overlaps(hits):
    """Longest names first; a shorter name inside or across a kept one is dropped, except a
    country inside an organization's name."""
    kept, nested = [], []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, h.start)):
        blocker = next((k for k in kept if k.overlaps(hit)), None)
        if blocker is None:
            kept.append(hit)
        elif COUNTRY in hit.kinds and blocker.kinds == {ORGANIZATION} and blocker.contains(hit):
            countries = tuple(e for e in hit.entries if e.kind == COUNTRY)
            nested.append(Hit(hit.start, hit.end, countries))
    return sorted(kept + nested, key=lambda h: h.start)


def _classify(hits, text, field_starts):
    def mention(hit):
        return _mention(text, field_starts, hit.start, hit.end)

    found = {}  # (kind, key) -> EntityMatch, in order of first mention
    ambiguous = {}  # folded surface -> Ambiguity
    short_hits = []

    def add(entry, hit):
        match = found.get((entry.kind, entry.key))
        if match is None:
            match = found[(entry.kind, entry.key)] = EntityMatch(entry.kind, entry.key, entry.label)
        match.mentions.append(mention(hit))

    def report_ambiguous(entries, hit):
        surface = text[hit.start : hit.end]
        item = ambiguous.get(surface.casefold())
        if item is None:
            options = sorted({(e.kind, e.key, e.label) for e in entries}, key=lambda o: o[2])
            item = ambiguous[surface.casefold()] = Ambiguity(surface, options)
        item.mentions.append(mention(hit))

    for hit in hits:
        full = [entry for entry in hit.entries if entry.form != SHORT]
        if not full:
            short_hits.append(hit)
            continue
        entities = {(entry.kind, entry.key): entry for entry in full}
        if len(entities) == 1:
            add(full[0], hit)
        else:
            report_ambiguous(entities.values(), hit)

    # A last name alone counts only for people whose full name the article gives.
    named = {key for kind, key in found if kind == PERSON}
    for hit in short_hits:
        people = {entry.key: entry for entry in hit.entries if entry.key in named}
        if len(people) == 1:
            add(next(iter(people.values())), hit)
        elif len(people) > 1:
            report_ambiguous(people.values(), hit)

    suggestions = Suggestions(ambiguous=list(ambiguous.values()))
    for match in found.values():
        match.mentions.sort(key=lambda m: (_field_rank(field_starts, m.field), m.start))
        suggestions.by_kind(match.kind).append(match)
    for matches in (suggestions.countries, suggestions.people, suggestions.organizations):
        matches.sort(
            key=lambda m: (_field_rank(field_starts, m.mentions[0].field), m.mentions[0].start)
        )
    return suggestions


def _field_rank(field_starts, name):
    return next(i for i, (_, field) in enumerate(field_starts) if field == name)

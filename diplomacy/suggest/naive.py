"""A deliberately simple matcher, the baseline the suggestion benchmark compares against.

One compiled regular expression per name, each run over the whole text in turn: the
obvious first implementation. It knows none of the engine's rules (no folding of
diacritics, no ambiguity, no candidates); in plain ASCII text it finds the same names.

    matcher = NaiveMatcher.from_entries(countries=..., people=..., organizations=...)
    matcher.find("Foreign Minister Bui Thanh Son met ...")  # a Suggestions
"""

import re

from diplomacy.suggest.types import COUNTRY, ORGANIZATION, PERSON, EntityMatch, Mention, Suggestions


class NaiveMatcher:
    def __init__(self, names):
        """`names`: (kind, key, label, name, case_sensitive) for every name to look for."""
        self.patterns = []
        for kind, key, label, name, case_sensitive in names:
            if not name.strip():
                continue
            # Lookarounds rather than \b, so names that start or end with punctuation work.
            pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
            flags = 0 if case_sensitive else re.IGNORECASE
            self.patterns.append((kind, key, label, re.compile(pattern, flags)))

    @classmethod
    def from_entries(cls, countries=(), people=(), organizations=()):
        """The same entries as `Gazetteer.from_entries`."""
        names = []
        for code, name, other_names, demonyms in countries:
            for each in [name, *other_names, *demonyms]:
                names.append((COUNTRY, code, name, each, False))
        for pk, name, name_ascii, aliases in people:
            for each in dict.fromkeys([name, name_ascii, *aliases]):
                names.append((PERSON, pk, name, each, False))
        for pk, name, acronym in organizations:
            names.append((ORGANIZATION, pk, name, name, False))
            if acronym:
                # "WHO" is an acronym, "who" is not.
                names.append((ORGANIZATION, pk, name, acronym, True))
        return cls(names)

    def find(self, text):
        found = {}
        for kind, key, label, pattern in self.patterns:
            for match in pattern.finditer(text):
                entity = found.setdefault((kind, key), EntityMatch(kind, key, label))
                entity.mentions.append(Mention("text", match.start(), match.end(), match[0]))
        result = Suggestions()
        for entity in sorted(found.values(), key=lambda e: min(m.start for m in e.mentions)):
            entity.mentions.sort(key=lambda m: m.start)
            result.by_kind(entity.kind).append(entity)
        return result

    def __len__(self):
        return len(self.patterns)

"""Folding text for matching while remembering where each folded character came from.

Matching happens on a folded copy of the text: ASCII, lower case, hyphens and dashes as
spaces, curly apostrophes straight, British "-isation"/"defence" spelt the American way. A
name matches whatever diacritics, case or hyphenation the article uses:
"Bùi Thanh Sơn" = "Bui Thanh Son", "Amir-Abdollahian" = "Amir Abdollahian".
"""

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from anyascii import anyascii

DASHES = "-‐‑‒–—―−"
APOSTROPHES = "’‘ʼ`´"

# Same-length respellings, so offsets stay valid after the substitution.
SPELLINGS = [
    (re.compile(r"isation"), "ization"),
    (re.compile(r"defence"), "defense"),
]


@lru_cache(maxsize=4096)
def fold_char(char):
    if char in DASHES or char.isspace():
        return " "
    if char in APOSTROPHES:
        return "'"
    if char.isascii():
        return char.lower()
    folded = anyascii(char).lower()
    # Transliterations of symbols can hold spaces or dashes; keep words together.
    return folded.replace("-", " ")


def fold_key(text):
    """The folded form of a name, as stored in the matcher (single spaces, no ends)."""
    folded = "".join(fold_char(char) for char in text)
    for pattern, replacement in SPELLINGS:
        folded = pattern.sub(replacement, folded)
    return " ".join(folded.split())


class FoldedText:
    """`folded` is the text folded character by character; `original_span` maps a span of
    it back to the original text."""

    __slots__ = ("original", "folded", "_ends")

    def __init__(self, text):
        self.original = text
        folded = text.translate(_FOLD_TABLE)
        self._ends = None  # None: one folded character per original character
        if len(folded) != len(text) or _FOLD_TABLE.changes_length(text):
            self._ends = list(accumulate(len(_FOLD_TABLE[ord(char)]) for char in text))
        for pattern, replacement in SPELLINGS:
            folded = pattern.sub(replacement, folded)
        self.folded = folded

    def original_index(self, folded_index):
        """The original character that produced folded character `folded_index`."""
        if self._ends is None:
            return folded_index
        return bisect_right(self._ends, folded_index)

    def original_span(self, start, end):
        if self._ends is None:
            return start, end
        return self.original_index(start), self.original_index(end - 1) + 1


class _FoldTable(dict):
    """str.translate table: code point -> folded string, filled in as characters are seen."""

    def __missing__(self, code):
        folded = self[code] = fold_char(chr(code))
        if len(folded) != 1:
            self.uneven.add(chr(code))
        return folded

    def changes_length(self, text):
        """Whether any character of `text` folds to other than one character."""
        return not self.uneven.isdisjoint(text) if self.uneven else False


_FOLD_TABLE = _FoldTable()
_FOLD_TABLE.uneven = set()

"""New-person candidates: people named right after a title, who are not known yet.

    "Indonesian Foreign Minister Retno Marsudi"       -> Retno Marsudi, Foreign Minister, ID
    "Special Envoy ... of Palestine Riad Malki"        -> Riad Malki, Special Envoy ..., PS
    "US Trade Representative Ambassador Jamieson Greer" -> Jamieson Greer, ..., US

From each title word ("Minister", "Envoy", "counterpart", ...) the scan reads on over the
rest of the title (title words, organization words, known countries and organizations,
"of", "the", "and", "for") to the run of capitalised words that follows: the name is what
comes after the last title or organization word of that run, two to four words long. The
title starts at the capitalised words just before the title word. The first country named
in the title, or a demonym before it, is the candidate's country.
"""

import re

from diplomacy.suggest.gazetteer import DEMONYM
from diplomacy.suggest.normalize import fold_key
from diplomacy.suggest.types import COUNTRY, ORGANIZATION, PERSON, Candidate

TOKEN = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W_])?|\d+|\n|[^\w\s]")

TITLE_WORDS = {
    word.casefold()
    for word in """
    Minister President Secretary Secretary-General Under-Secretary-General Envoy Ambassador
    Representative Chairman Chairwoman Chairperson Chair Speaker Premier Governor Mayor
    Director Director-General Commissioner King Queen Prince Princess Emir Sultan Chancellor
    Advisor Adviser Counsellor Counselor Spokesperson Spokesman Spokeswoman Leader Chief
    Senator Consul Consul-General Member Founder Head Commander Vice-President Vice-Chairman
    Vice-Chairwoman Vice-Premier Rector Delegate Counterpart Sheikh Mr Mrs Ms Dr Madam
    """.split()
}
# Title words that also count in lower case ("his Iranian counterpart Hossein ...").
LOWER_TITLE_WORDS = {
    "counterpart",
    "founder",
    "leader",
    "envoy",
    "ambassador",
    "minister",
    "president",
    "spokesperson",
    "spokesman",
    "chairman",
    "chief",
}
# Capitalised words that belong to titles and organization names, never to a person's name.
OFFICE_WORDS = {
    word.casefold()
    for word in """
    Deputy Vice First Second Third Prime Senior Special Acting Permanent Chief Executive High
    State Foreign Affairs Trade Defence Defense Finance Justice Interior Home Security National
    Assembly General Council Committee Party Central Politburo Political Bureau Standing Senate
    Parliament Parliamentary Congress Government Ministry Office Department Agency Commission
    Union Nations United Organization Organisation Republic People's People’s International
    Cooperation Relations External Economic Development Human Rights Assistant Under Associate
    Plenipotentiary Extraordinary Delegation Mission Embassy Secretariat Court Bank Fund Forum
    Movement Socialist Democratic Federal Federation Kingdom Royal Supreme Presidential
    Education Health Industry Agriculture Culture Tourism Information Communications Science
    Technology Environment Energy Transport Labour Labor Planning Investment Commerce Public
    Military Army Navy Air Armed Forces Police Provincial City Municipal Legislative Judicial
    Affairs Overseas Religious Ethnic Women's Youth Front Fatherland Council's Assembly's
    Conference Summit Session Board Institute Academy University Council Group Bloc
    Cabinet Refugees Migration Counterterrorism Terrorism Climate Disarmament Humanitarian
    Social Welfare Veterans Housing Water Resources Natural Mines Oil Gas Petroleum Fisheries
    Maritime Ocean Oceans Space Aviation Railways Roads Post Telecommunications Digital
    Innovation Research Higher Sport Sports Arts Heritage Foreign-Affairs Policy Strategy
    Intelligence Emergency Disaster Relief Aid Affairs' Peace Peacekeeping Operations
    Political-Military Legal Protocol Consular Press Media Spokesperson's Secretary's
    """.split()
}
CONNECTORS = {"of", "the", "for", "and", "on", "to"}
NAME_PARTICLES = {
    "bin",
    "bint",
    "ibn",
    "al",
    "el",
    "de",
    "da",
    "do",
    "dos",
    "del",
    "van",
    "von",
    "der",
    "la",
    "le",
}
DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "our", "at", "with", "by"}
MONTHS_AND_DAYS = {
    word.casefold()
    for word in """
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    """.split()
}
MAX_SCAN = 18
# Characters of context read before and after a title word.
WINDOW_BEFORE = 100
WINDOW_AFTER = 240
TITLE_WORD = re.compile(
    r"\b(?:"
    + "|".join(
        sorted((re.escape(w) for w in TITLE_WORDS | LOWER_TITLE_WORDS), key=len, reverse=True)
    )
    + r")",
    re.IGNORECASE,
)


class Token:
    __slots__ = ("text", "start", "end", "kind", "possessive")

    def __init__(self, match, known):
        self.text = match.group()
        self.start, self.end = match.span()
        self.possessive = False
        if self.text.endswith(("'s", "’s")) and len(self.text) > 2:
            self.text = self.text[:-2]
            self.end -= 2
            self.possessive = True
        self.kind = known.get(self.start)

    @property
    def folded(self):
        return self.text.casefold()

    @property
    def is_word(self):
        return self.text[:1].isalpha()

    @property
    def is_capitalised(self):
        return self.text[:1].isupper()

    @property
    def is_title_word(self):
        if self.folded in LOWER_TITLE_WORDS:
            return True
        # "Ambassador-at-Large", "Minister-President"
        head = self.folded.split("-")[0]
        return self.is_capitalised and (self.folded in TITLE_WORDS or head in TITLE_WORDS)

    @property
    def is_office_word(self):
        return self.is_capitalised and (self.folded in OFFICE_WORDS or self.folded in TITLE_WORDS)

    @property
    def could_be_name(self):
        text = self.text
        return (
            self.kind is None
            and self.is_capitalised
            and not self.is_office_word
            and self.folded not in MONTHS_AND_DAYS
            and any(char.islower() for char in text)  # not an acronym
            and "." not in text
        )


def find_candidates(text, hits, mention_at):
    """Candidates in `text`; `hits` are the known names found there (their words are never
    part of a new name); `mention_at(start, end)` makes a Mention."""
    known = {}  # start offset of each word inside a known name -> kind
    countries = []  # (start, end, code) of country mentions
    demonyms = set()  # start offsets of demonyms ("Indonesian")
    for hit in hits:
        kinds = hit.kinds
        kind = PERSON if PERSON in kinds else (ORGANIZATION if ORGANIZATION in kinds else COUNTRY)
        for match in TOKEN.finditer(text, hit.start, hit.end):
            known[match.start()] = kind
        if kinds == {COUNTRY}:
            countries.append((hit.start, hit.end, hit.entries[0].key))
            if any(entry.form == DEMONYM for entry in hit.entries):
                demonyms.add(hit.start)
    found = {}
    for tokens, index in _title_words(text, known):
        name = _name_after(tokens, index)
        if name is None:
            continue
        first, last = name
        title_start = _title_start(tokens, index)
        candidate_name = text[tokens[first].start : tokens[last].end]
        key = fold_key(candidate_name)
        title, country = _title_and_country(text, tokens, title_start, first, countries, demonyms)
        candidate = found.get(key)
        if candidate is None:
            candidate = found[key] = Candidate(candidate_name, title, country)
        else:
            candidate.title = candidate.title or title
            candidate.country = candidate.country or country
        mention = mention_at(tokens[first].start, tokens[last].end)
        if mention not in candidate.mentions:
            candidate.mentions.append(mention)
    return list(found.values())


def _title_words(text, known):
    """(tokens around it, its index) for each title word; only the text near title words
    is split into words, which keeps long articles cheap."""
    tokens, high = [], -1
    for match in TITLE_WORD.finditer(text):
        position = match.start()
        if position + WINDOW_AFTER // 2 > high:
            # A new window; title words close together share one.
            low = max(0, position - WINDOW_BEFORE)
            while 0 < low < position and not text[low - 1].isspace():
                low += 1  # start on a word boundary
            high = min(len(text), match.end() + WINDOW_AFTER)
            tokens = [Token(m, known) for m in TOKEN.finditer(text, low, high)]
            starts = {token.start: i for i, token in enumerate(tokens)}
        index = starts.get(position)
        if index is not None and tokens[index].is_title_word and tokens[index].kind != PERSON:
            yield tokens, index


def _name_after(tokens, index):
    """(first, last) token indexes of the name following the title word at `index`."""
    run = []  # token indexes of capitalised words after the title word
    position = index + 1
    while position < len(tokens) and position - index <= MAX_SCAN:
        token = tokens[position]
        if tokens[position - 1].possessive and position - 1 != index:
            break
        if token.text == "(" and _is_parenthesised_acronym(tokens, position):
            position += 3
            continue
        if token.text == "." and tokens[position - 1].folded in {"mr", "mrs", "ms", "dr"}:
            position += 1
            continue
        if not token.is_word:
            break
        if token.kind == PERSON:
            return None  # the title belongs to a known person
        if token.is_capitalised or token.kind is not None:
            run.append(position)
        elif token.folded in NAME_PARTICLES and run and _in_name(tokens[run[-1]]):
            run.append(position)  # "Ursula von der Leyen"
        elif token.folded in CONNECTORS and not (run and tokens[run[-1]].could_be_name):
            pass  # "Minister of Foreign Affairs", "President and Chairman"
        else:
            break
        position += 1
    # The name is what follows the last word that belongs to the title.
    name = []
    for position in reversed(run):
        token = tokens[position]
        if token.kind == PERSON:
            return None  # a known person: nothing new
        if token.could_be_name or (token.folded in NAME_PARTICLES and name):
            name.insert(0, position)
        else:
            break
    # A lower-case particle cannot start a name ("de", "al"); "Le" in "Le Hoai Trung" can.
    while name and tokens[name[0]].folded in NAME_PARTICLES and not tokens[name[0]].is_capitalised:
        name.pop(0)
    if not 2 <= len(name) <= 4:
        return None
    if any(b - a != 1 for a, b in zip(name, name[1:], strict=False)):
        return None
    return name[0], name[-1]


def _in_name(token):
    return token.could_be_name or token.folded in NAME_PARTICLES


def _is_parenthesised_acronym(tokens, position):
    return (
        position + 2 < len(tokens)
        and tokens[position + 1].text.isupper()
        and tokens[position + 2].text == ")"
    )


def _title_start(tokens, index):
    """The first capitalised word of the title ending at the title word at `index`."""
    start = index
    while start > 0:
        previous = tokens[start - 1]
        if not previous.is_word or not (previous.is_capitalised or previous.kind):
            break
        if previous.folded in DETERMINERS or previous.kind == PERSON:
            break
        if previous.could_be_name and not previous.possessive:
            break  # the end of an earlier name, not part of this title
        start -= 1
    return start


def _title_and_country(text, tokens, start, name_start, countries, demonyms):
    begin, end = tokens[start].start, tokens[name_start].start
    country = next((code for s, e, code in countries if begin <= s and e <= end), None)
    # A leading demonym or possessive country ("Indonesian", "Vietnam's") says whose the
    # office is; the title itself starts after it.
    while (
        start < name_start
        and tokens[start].kind == COUNTRY
        and (tokens[start].possessive or tokens[start].start in demonyms)
    ):
        start += 1
    title = text[tokens[start].start : end] if start < name_start else ""
    title = title.strip(" ,;:()\n")
    for connector in (" and", " of", " for", " the"):
        if title.endswith(connector):
            title = title[: -len(connector)]
    return title.strip(" ,"), country

"""Propose meetings from an article's text.

The text is read sentence by sentence. In each sentence, trigger words say that a meeting
happened and of what kind ("received" a reception, "held talks", "telephone conversation",
"official visit to", "attended the ... session", "signed", "briefed the press", "met"). The
people around a trigger are its participants: the subject before it (or, for "he" and
"the Foreign Minister", the last subject of the article), and the people named after it up
to the next trigger. People are those the entity suggestions find: known people and new
candidates named after a title.

Then, over the whole article:
- mentions of the same meeting (a photo caption, a second paragraph) are merged;
- dates: a date in the meeting's own words, else "the same day" as the meeting before, else
  the span of the visit or session the meeting was part of, else the day of a series the
  article dated ("on February 26 met with leaders of the UN ..."); otherwise none;
- a meeting dated weeks before the article (or its main meeting), or "recalled", is an
  earlier event the article only mentions: it is marked `referenced`;
- the visit or session a participant was on is the parent of their other meetings;
- the place is the city named after "in", the visit's host country, the parent's place or
  the article's dateline, in that order.
"""

import re
from dataclasses import dataclass, field

from diplomacy.drafting import places
from diplomacy.drafting.dates import DAY, MONTH, YEAR, find_dates, year_hint
from diplomacy.drafting.types import MeetingDraft, Person

BILATERAL = "bilateral"
TALKS = "talks"
RECEPTION = "reception"
PHONE_CALL = "phone_call"
VIDEO_CALL = "video_call"
STATE_VISIT = "state_visit"
OFFICIAL_VISIT = "official_visit"
WORKING_VISIT = "working_visit"
MULTILATERAL = "multilateral"
SIGNING = "signing"
PRESS_CONFERENCE = "press_conference"

VISITS = {STATE_VISIT, OFFICIAL_VISIT, WORKING_VISIT}
FRAMES = VISITS | {MULTILATERAL}
# Meetings between two sides.
TWO_SIDED = {BILATERAL, TALKS, RECEPTION, PHONE_CALL, VIDEO_CALL, SIGNING}
# Kinds that may name the same meeting in two places ("received ..." and "met ...").
MEETING_KINDS = {BILATERAL, TALKS, RECEPTION}

EVENT_NOUNS = (
    r"sessions?|summits?|meetings?|conferences?|forums?|councils?|assembl(?:y|ies)|congress"
    r"|ceremon(?:y|ies)|dialogues?|celebrations?|festivals?|expos?|exhibitions?|games"
    r"|retreats?|gatherings?|symposi(?:um|a)|conventions?"
)

# (kind, mode, pattern). Modes say where the participants are:
#   verb      subject before the trigger, the people after it are the counterparts
#   with      "At the meeting with X, Son said": counterparts after, subject after them
#   between   "meeting between A and B": everyone after the trigger
#   visit     "X's visit to", "visit to Iran by X", "X paid a state visit to", "X visited"
#   attend    the subject attends an event the phrase after the trigger names
#   sign      "signed": the subject and counterparts, or the meeting before
#   again     "At the meeting, A and B ...", "The meeting took place ...": a meeting
#             already reported
#   chair     "co-chaired by A and B": the meeting of the same sentence, held as talks
TRIGGERS = [
    (
        PHONE_CALL,
        "verb",
        r"\b(?:phone|telephone)\s+(?:conversations?|calls?|talks)\b"
        r"|\bspoke\s+(?:by|on\s+the|over\s+the)\s+(?:phone|telephone)\b|\bphoned\b",
    ),
    (
        VIDEO_CALL,
        "verb",
        r"\b(?:video|virtual|online)\s+(?:calls?|conferences?|talks|meetings?)\b",
    ),
    (
        PRESS_CONFERENCE,
        "verb",
        r"\bbrief(?:ed|s|ing)?\s+(?:the\s+)?(?:press|media|reporters|journalists)\b"
        r"|\b(?:press|news)\s+(?:conferences?|briefings?|interviews?)\b",
    ),
    (TALKS, "chair", r"\bco-?chair(?:ed|s|ing)?\s+by\b"),
    (
        TALKS,
        "between",
        r"\b(?:talks|consultations)\s+(?:(?:were|was)\s+)?(?:held\s+)?between\b",
    ),
    (
        TALKS,
        "verb",
        r"\b(?:held|hold|holds|holding|had)\s+(?:[\w-]+\s+){0,3}?(?:talks|consultations)\b",
    ),
    (TALKS, "with", r"\b(?:talks|consultations)\s+with\b"),
    (
        SIGNING,
        "sign",
        r"\b(?:was|were|been)\s+signed\b|\bsign(?:ed|s)\b|\bsigning\s+(?:of|ceremony)\b",
    ),
    (
        OFFICIAL_VISIT,
        "visit",
        r"\b(?:(?P<visit_kind>state|official|working)\s+)?visits?\s+(?=(?:to|of|by|in)\b)"
        r"|\bvisit(?:ed|s|ing)\s+(?=[A-Z])",
    ),
    (
        MULTILATERAL,
        "sidelines",
        r"\bon\s+the\s+(?:sidelines|margins?)\s+of\b|\b(?:during|at)\s+(?=the\s+(?:\d+\w*\s+)?[A-Z])",
    ),
    (
        MULTILATERAL,
        "attend",
        r"\battend(?:ed|s|ing)?\b|\bparticipation\s+in\b|\btook\s+part\s+in\b"
        r"|\bparticipated\s+in\b",
    ),
    (RECEPTION, "verb", r"\breceiv(?:ed|es|ing)\b|\bhost(?:ed|s)\b"),
    (
        BILATERAL,
        "again",
        r"\b(?:At|During|In|After)\s+the\s+(?:[\w-]+\s+){0,2}?(?:meeting|talks)\s*,"
        r"|\b[Tt]he\s+(?:[\w-]+\s+)?(?:meeting|talks)\s+(?:took\s+place|was\s+held|were\s+held)\b",
    ),
    (BILATERAL, "between", r"\bmeetings?\s+between\b"),
    (BILATERAL, "with", r"\b[Mm]eetings?\s+with\b"),
    (BILATERAL, "verb", r"\bmet\b|\bmeets\b|\bmeeting\s+(?=[A-Z])"),
]
COMPILED = [(kind, mode, re.compile(pattern)) for kind, mode, pattern in TRIGGERS]

# What makes a trigger an event that has not happened (yet): an invitation, a plan, a hope.
NOT_HAPPENED = re.compile(
    r"\b(?:invit\w*|will|would|shall|plans?|planned|planning|expects?|expected|hopes?|"
    r"looks?\s+forward|scheduled|intends?|proposed|suggested|agreed\s+to|to\s+be\s+held|"
    r"next|upcoming|soon|committed|commit|pledged|vowed|agreed|called\s+for|urged|"
    r"negotiations?)\b",
    re.IGNORECASE,
)
PAST_AFTER_CUE = re.compile(r"\b(?:reached|held|made|achieved|signed|during|at|since)\b", re.I)
# What makes it an earlier event the article recalls.
RECALLED = re.compile(
    r"\b(?:recalled|recalling|recall|reminisced|previous|earlier|former)\b",
    re.IGNORECASE,
)
VISIT_VERBS = re.compile(
    r"\b(?:paid|pay|pays|paying|made|making|began|begins|beginning|concluded|concludes|"
    r"started|starts|undertook|undertaking|on|during|wrapped\s+up|ended)\s+(?:a|an|his|her|"
    r"their|the)?\s*(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|they|the\s+two|both)\b", re.IGNORECASE)
SEPARATELY = re.compile(r"\b(?:separately|respectively|in\s+turn)\b", re.IGNORECASE)
ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Prof|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|"
    r"Nov|Dec|Jr|Sr|vs|etc|Inc|Co|Ltd)|\b[A-Z](?:\.[A-Z])*)\.$"
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9À-Ỹ])|\n+")
CLAUSE_BREAK = re.compile(r"[,;:]\s*(?!and\b|as\s+well\s+as\b)")

TOPIC_CUES = re.compile(
    r"\b(?:cooperat\w*|collaborat\w*|partnership|ties|relations|connectivity|exchanges?)\b",
    re.IGNORECASE,
)
COOPERATION_FIELDS = [
    "trade",
    "investment",
    "education",
    "training",
    "agriculture",
    "energy",
    "defence",
    "security",
    "tourism",
    "culture",
    "health",
    "science and technology",
    "transport",
    "labour",
    "climate change",
    "digital transformation",
    "peacekeeping",
    "humanitarian aid",
    "economy",
    "infrastructure",
]


@dataclass
class Trigger:
    kind: str
    mode: str
    start: int  # offsets in the text
    end: int
    visit_kind: str | None = None


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    people: list = field(default_factory=list)  # (start, end, Person), in order


def split_sentences(text):
    """[(start, end)] of the sentences (and headings, captions) of `text`."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        if match.group(0).strip() == "" and ABBREVIATIONS.search(text[start : match.start()]):
            if "\n" not in match.group(0):
                continue
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


class Drafter:
    """One article's proposals: `Drafter(text, people, countries, ...).run()`."""

    def __init__(self, text, people, country_mentions, article_date=None, topic_names=()):
        self.text = text
        self.people = people  # [Person] with .positions and spans
        self.country_mentions = country_mentions  # [(start, end, code)]
        self.article_date = article_date
        self.hint_year = year_hint(text) if article_date is None else None
        self.topic_names = sorted(
            {name.casefold() for name in [*COOPERATION_FIELDS, *topic_names]},
            key=len,
            reverse=True,
        )
        self.dateline = places.dateline(text)
        self.events = []
        self.last_subject = []

    # Reading ---------------------------------------------------------------------------

    def run(self):
        mentions = sorted(
            (start, end, person) for person in self.people for start, end in person.spans
        )
        previous_people = []
        context_date = None  # the day of a series of meetings the article dated
        for start, end in split_sentences(self.text):
            sentence = Sentence(start, end, self.text[start:end])
            sentence.people = [m for m in mentions if start <= m[0] and m[1] <= end]
            made, context_date = self.read_sentence(sentence, previous_people, context_date)
            previous_people = [] if made else [p for _, _, p in sentence.people]
        self.events = merge_duplicates(self.events)
        self.mark_referenced()
        self.assign_parents()
        self.assign_dates()
        self.assign_places()
        self.assign_topics()
        country_names = self.visited_country_names()
        for event in self.events:
            event.countries = self.countries_of(event)
            event.title = title_of(event, country_names)
        return [event for event in self.events if event.participants]

    def visited_country_names(self):
        """Code -> name of the countries the visits went to, for their titles (one query)."""
        from diplomacy.models import Country

        codes = {e.location_country for e in self.events if e.kind in VISITS}
        codes.discard(None)
        if not codes:
            return {}
        return dict(Country.objects.filter(code__in=codes).values_list("code", "name"))

    def triggers(self, sentence):
        found = []
        for kind, mode, pattern in COMPILED:
            for match in pattern.finditer(sentence.text):
                start, end = sentence.start + match.start(), sentence.start + match.end()
                if any(t.start < end and start < t.end for t in found):
                    continue
                if any(s <= start < e for s, e, _ in sentence.people):
                    continue  # a word inside a name
                visit_kind = match.groupdict().get("visit_kind")
                found.append(Trigger(kind, mode, start, end, visit_kind and visit_kind.lower()))
        return sorted(found, key=lambda t: t.start)

    def read_sentence(self, sentence, previous_people, context_date):
        triggers = self.triggers(sentence)
        dates = find_dates(sentence.text, self.article_date, self.hint_year)
        for date in dates:
            date.start_offset += sentence.start
            date.end_offset += sentence.start
        cities = [
            (s + sentence.start, e + sentence.start, city, country)
            for s, e, city, country in places.cities_in(sentence.text)
        ]
        recalled = bool(RECALLED.search(sentence.text))
        made = False
        subject_before = None
        for index, trigger in enumerate(triggers):
            following = segment_end(triggers, index, sentence.end, trigger.mode == "chair")
            previous_end = triggers[index - 1].end if index else sentence.start
            if self.not_happened(sentence, trigger, previous_end):
                continue
            date = self.date_for(dates, triggers, index, sentence)
            city = next(
                (c for c in cities if trigger.start <= c[0] < following),
                cities[0] if cities else None,
            )
            result = self.read_trigger(
                sentence, trigger, previous_end, following, subject_before, previous_people
            )
            if result is None:
                continue
            subject, others, extra = result
            subject_before = subject
            if subject:
                self.last_subject = subject
            if trigger.mode == "again":
                made = self.again(sentence, others, date, previous_people) or made
                continue
            if trigger.mode == "chair":
                made = self.chair(sentence, others, date, city) or made
                continue
            groups = [others]
            if len(others) > 1 and SEPARATELY.search(self.text[trigger.start : following]):
                groups = [[person] for person in others]
            for group in groups:
                participants = unique([*subject, *group])
                needs_counterpart = (
                    trigger.mode in ("verb", "with", "between") and trigger.kind != PRESS_CONFERENCE
                )
                if needs_counterpart and not group:
                    # "met with leaders of the UN": a series of meetings the article dates.
                    if date is not None and date.resolved and trigger.kind == BILATERAL:
                        context_date = date
                    continue
                if not participants:
                    continue
                event = self.new_event(
                    self.kind_of(trigger, participants),
                    participants,
                    sentence,
                    trigger.start,
                    date,
                    city,
                )
                event.referenced = recalled
                event.event_name = extra.get("event_name", "")
                event.destination = extra.get("destination")
                event.context_date = context_date
                if date is not None:
                    event.same_day = date.same_day
                    if date.resolved:
                        event.date_note = date.note
                    elif not date.same_day:
                        event.date_note = date.note
                        event.date_precision = date.precision
                        event.date_source = "unresolved"
                self.events.append(event)
                made = True
        return made, context_date

    def not_happened(self, sentence, trigger, previous_end):
        """An invitation, plan or hope: the last words before the trigger say so ("invited
        his counterpart to visit", "agreed to hold talks"), unless a past event follows the
        cue ("hopes to implement agreements reached during the visit")."""
        clause_start = max(previous_end, sentence.start)
        before = self.text[clause_start : trigger.start]
        breaks = list(re.finditer(r"[,;]", before))
        if breaks:
            before = before[breaks[-1].end() :]
        words = " ".join(before.split()[-8:])
        cues = list(NOT_HAPPENED.finditer(words))
        cue = cues[-1] if cues else None
        if cue is not None and not PAST_AFTER_CUE.search(words[cue.end() :]):
            return True
        tail = self.text[trigger.end : trigger.end + 20]
        return trigger.mode == "visit" and bool(
            re.match(r"\s+(?:to|for)\s+(?:visit|attend)\b", tail)
        )

    def date_for(self, dates, triggers, index, sentence):
        """The date in the trigger's own part of the sentence, else one before the first
        trigger (it covers them all), else the only date of the sentence."""
        trigger = triggers[index]
        following = segment_end(triggers, index, sentence.end)
        own = [d for d in dates if trigger.start <= d.start_offset < following]
        if own:
            return own[0]
        first = triggers[0].start
        before = [d for d in dates if d.start_offset < first]
        if before:
            return before[-1]
        if len(dates) == 1:
            return dates[0]
        return None

    # Participants ----------------------------------------------------------------------

    def people_between(self, sentence, start, end):
        return [person for s, e, person in sentence.people if start <= s and e <= end]

    def subject_of(self, sentence, trigger, previous_end, subject_before):
        """The people who do what the trigger says: those after the last comma before it,
        else the previous trigger's subject ("met X, received Y"), else the last person
        before it, else the article's last subject ("he", "the Foreign Minister")."""
        window = self.text[previous_end : trigger.start]
        breaks = [m.end() for m in CLAUSE_BREAK.finditer(window)]
        clause_start = previous_end + (breaks[-1] if breaks else 0)
        people = self.people_between(sentence, clause_start, trigger.start)
        people = [p for p in people if not self.possessive_at(sentence, p, trigger.start)]
        if people:
            return unique(people)
        if subject_before:
            return subject_before
        people = self.people_between(sentence, sentence.start, trigger.start)
        if people and not breaks:
            return [people[-1]]
        return list(self.last_subject)

    def possessive_at(self, sentence, person, limit):
        """Whether `person` is named as the owner of the thing the trigger is about."""
        return any(
            p is person and e <= limit and self.text[e : e + 2] in ("’s", "'s")
            for _, e, p in sentence.people
        )

    def counterparts(self, sentence, start, end):
        """The people after a trigger: up to a comma that is not "and ..." after the first."""
        people = []
        position = start
        for s, e, person in sentence.people:
            if s < start or e > end:
                continue
            if people and CLAUSE_BREAK.search(self.text[position:s]):
                break
            people.append(person)
            position = e
        return unique(people)

    def read_trigger(self, sentence, trigger, previous_end, following, subject_before, previous):
        """(subject, counterparts, extra) for the trigger, or None to skip it."""
        mode = trigger.mode
        after = self.counterparts(sentence, trigger.end, following)
        if mode == "verb":
            subject = self.subject_of(sentence, trigger, previous_end, subject_before)
            if trigger.kind == PRESS_CONFERENCE:
                after = []  # people the briefing was about, not who gave it
            return subject, after, {}
        if mode == "with":
            subject = self.people_between(sentence, previous_end, trigger.start)
            if not subject and after:
                last_end = max(e for s, e, p in sentence.people if p is after[-1])
                rest = self.counterparts(sentence, last_end, following)
                subject = rest[:1]
            return unique(subject) or list(self.last_subject), after, {}
        if mode in ("between", "chair"):
            everyone = unique(self.people_between(sentence, trigger.end, following))
            return [], everyone if mode == "chair" else after, {}
        if mode == "again":
            return [], unique(self.people_between(sentence, trigger.end, following)), {}
        if mode == "sign":
            phrase = self.text[trigger.start : trigger.end].lower()
            named = self.people_between(sentence, sentence.start, sentence.end)
            if phrase.startswith("signing") and not named:
                return None  # "signing of agreements" in a list of plans
            subject = self.subject_of(sentence, trigger, previous_end, subject_before)
            if phrase.startswith(("was", "were", "been")):
                # "an agreement was signed (with the participation of X)": by the people
                # named, else by those of the meeting before.
                subject, after = [], unique(named)
            if not subject and not after and self.events:
                last = next(
                    (
                        e
                        for e in reversed(self.events)
                        if not e.referenced and e.kind not in FRAMES and len(e.participants) > 1
                    ),
                    None,
                )
                if last is not None:
                    return [], list(last.participants), {"object": True}
            return subject, after, {}
        if mode == "attend":
            return self.attend(sentence, trigger, previous_end, following, subject_before)
        if mode == "sidelines":
            # "X met Y on the sidelines of the summit": the summit is X's, the frame of the
            # meeting before it.
            name = event_name(self.text[trigger.end : following], self.text)
            if not name or not re.search(r"[A-Z0-9]", name[1:]):
                return None
            subject = subject_before or self.subject_of(
                sentence, trigger, previous_end, subject_before
            )
            return subject, [], {"event_name": name}
        if mode == "visit":
            return self.visit(sentence, trigger, previous_end, following, subject_before)
        return None

    def attend(self, sentence, trigger, previous_end, following, subject_before):
        tail = self.text[trigger.end : following]
        name = event_name(tail, self.text)
        if not name:
            return None
        if not self.text[trigger.start : trigger.end].lower().startswith("participation"):
            subject = self.subject_of(sentence, trigger, previous_end, subject_before)
        else:  # "X's participation in"
            subject = self.owner_before(sentence, trigger)
            if not subject:
                return None
        hosts = [
            person
            for s, e, person in sentence.people
            if re.search(
                r"(?:invitation\s+of|chaired\s+by|hosted\s+by)\s+(?:[\w’'-]+\s+){0,6}$",
                self.text[sentence.start : s],
                re.I,
            )
        ]
        return subject, unique(hosts), {"event_name": name}

    def owner_before(self, sentence, trigger):
        """ "Mammadov’s official visit": the person whose possessive ends right before."""
        for _s, e, person in reversed(sentence.people):
            if e <= trigger.start and re.fullmatch(r"[’']s\s+", self.text[e : trigger.start]):
                return [person]
        return []

    def visit(self, sentence, trigger, previous_end, following, subject_before):
        phrase = self.text[trigger.start : trigger.end]
        tail = self.text[trigger.end : following]
        if re.match(r"\s*(?:to|by|of)\s+(?:[\w’'-]+\s+){0,12}?to\s+attend\b", tail):
            return None  # a trip to attend a summit: the summit is the meeting
        if re.search(r"\bto\s+attend\b", self.text[trigger.end : trigger.end + 150]):
            return None
        subject = self.owner_before(sentence, trigger)
        if not subject:
            by = re.search(r"\b(?:by|of)\s+", tail)
            if by:
                after_by = trigger.end + by.end()
                people = [
                    p
                    for p in self.counterparts(sentence, after_by, following)
                    if not self.possessive_at(sentence, p, following)
                ][:1]
                gap_people = [p for s, e, p in sentence.people if trigger.end <= s < after_by]
                if people and not gap_people:
                    first = min(
                        s for s, e, p in sentence.people if p is people[0] and s >= after_by
                    )
                    if re.fullmatch(r"[^,;]*", self.text[after_by:first]):
                        subject = people
        if not subject:
            before = self.text[max(previous_end, trigger.start - 60) : trigger.start]
            # "visited Vietnam", or "paid a state visit to": the sentence's subject.
            if VISIT_VERBS.search(before) or phrase.lower().startswith(("visited", "visiting")):
                subject = self.subject_of(sentence, trigger, previous_end, subject_before)
        if not subject:
            return None
        destination = self.destination(trigger.end, following)
        return subject, [], {"destination": destination}

    def destination(self, start, end):
        """(city, country) the visit went to: the country or city right after "to" (or
        right after "visited")."""
        tail = self.text[start:end]
        offsets = [start + m.end() for m in re.finditer(r"\bto\s+(?:the\s+)?", tail)]
        if not re.match(r"\s*(?:to|of|by|in)\b", tail):
            offsets.insert(0, start + len(tail) - len(tail.lstrip()))
        for offset in offsets:
            for s, _e, code in self.country_mentions:
                if offset <= s <= offset + 2:
                    return (None, code)
            city = places.cities_in("in " + self.text[offset : min(end, offset + 60)])
            if city and city[0][0] == 3:
                return (city[0][2], city[0][3])
        return None

    def again(self, sentence, people, date, previous_people):
        """A meeting already reported: add the people now named to it, or, when the sentence
        before named people but no meeting, that meeting."""
        if previous_people and len(unique(previous_people)) >= 2:
            participants = unique(previous_people + people)
            self.events.append(
                self.new_event(BILATERAL, participants, sentence, sentence.start, date)
            )
            return True
        last = next((e for e in reversed(self.events) if not e.referenced), None)
        if last is None or not people:
            return False
        last.participants = unique(last.participants + people)
        return True

    def chair(self, sentence, people, date, city):
        """ "co-chaired by A and B": the meeting the sentence named is talks between them."""
        mine = [e for e in self.events if sentence.start <= e.position < sentence.end]
        if not mine or not people:
            if people:
                self.events.append(
                    self.new_event(TALKS, people, sentence, sentence.start, date, city)
                )
            return bool(people)
        event = mine[-1]
        event.kind = TALKS
        event.participants = unique(event.participants + people)
        return True

    def new_event(self, kind, participants, sentence, position, date, city=None):
        """A draft of the sentence, with the date it resolves (when it does) and the city it
        names."""
        event = MeetingDraft(
            kind=kind,
            participants=participants,
            sentence=" ".join(sentence.text.split()),
            position=position,
            sentence_start=sentence.start,
            sentence_end=sentence.end,
        )
        if date is not None and date.resolved:
            event.start, event.end, event.date_precision = date.start, date.end, date.precision
            event.date_source = "own"
        if city is not None:
            event.location_city, event.location_country = city[2], city[3]
        return event

    def kind_of(self, trigger, participants):
        if trigger.mode == "visit":
            return {"state": STATE_VISIT, "working": WORKING_VISIT}.get(
                trigger.visit_kind, OFFICIAL_VISIT
            )
        return trigger.kind

    def topics_in(self, start, end):
        """Fields of cooperation named in sentences about cooperation in text[start:end]."""
        found, positions = [], {}
        for index, part in enumerate(re.split(r"(?<=[.!?])\s+", self.text[start:end])):
            if not TOPIC_CUES.search(part):
                continue
            lowered = re.sub(r"(?<=\w)-(?=\w)", " and ", part.casefold())
            for name in self.topic_names:
                if name in found or any(name in other for other in found):
                    continue
                where = re.search(rf"\b{re.escape(name)}\b", lowered)
                if where:
                    found.append(name)
                    positions[name] = (index, where.start())
        return sorted(found, key=lambda name: positions[name])

    def assign_topics(self):
        """Each meeting's topics: those named from its sentence to the next meeting's."""
        events = sorted(
            (e for e in self.events if not e.referenced), key=lambda e: e.sentence_start
        )
        starts = sorted({e.sentence_start for e in events})
        for event in events:
            later = [s for s in starts if s > event.sentence_start]
            event.topics = self.topics_in(
                event.sentence_start, later[0] if later else len(self.text)
            )

    # The whole article -----------------------------------------------------------------

    def anchor_date(self):
        if self.article_date is not None:
            return self.article_date
        dated = [e for e in self.events if e.date_source == "own" and not e.referenced]
        return min(dated, key=lambda e: e.position).start if dated else None

    def mark_referenced(self):
        anchor = self.anchor_date()
        if anchor is None:
            return
        for event in self.events:
            if event.date_source != "own" or event.referenced:
                continue
            if event.date_precision == YEAR:
                event.referenced = event.start.year < anchor.year
            elif event.date_precision == MONTH:
                event.referenced = (event.start.year, event.start.month) < (
                    anchor.year,
                    anchor.month,
                )
            else:
                last = event.end or event.start
                event.referenced = (anchor - last).days > 14

    def assign_parents(self):
        frames = [e for e in self.events if e.kind in FRAMES and not e.referenced]
        for event in self.events:
            if event.kind in FRAMES or event.referenced:
                continue
            shared = [f for f in frames if f.participant_keys & event.participant_keys]
            before = [f for f in shared if f.position <= event.position]
            parent = before[-1] if before else (shared[0] if shared else None)
            event.parent = parent

    def assign_dates(self):
        previous = None
        for event in sorted(self.events, key=lambda e: e.position):
            if event.start is None and not event.referenced:
                if event.same_day and previous is not None:
                    copy_date(event, previous, "context")
                elif event.parent is not None and event.parent.end is not None:
                    copy_date(event, event.parent, "parent")
                elif event.context_date is not None and event.kind not in FRAMES:
                    date = event.context_date
                    event.start, event.end, event.date_precision = (
                        date.start,
                        date.end,
                        date.precision,
                    )
                    event.date_source = "context"
            if event.start is not None and not event.referenced:
                previous = event
            if event.start is None and not event.date_note:
                event.date_note = "the article gives no date for it"

    def assign_places(self):
        for event in sorted(self.events, key=lambda e: (e.kind not in FRAMES, e.position)):
            destination = event.destination
            if event.kind in VISITS:
                if destination:
                    event.location_city = destination[0] or (
                        event.location_city if event.location_country == destination[1] else ""
                    )
                    event.location_country = destination[1]
                elif not event.location_country:
                    continue
                continue
            if event.location_country or event.location_city:
                continue
            if event.parent is not None and (
                event.parent.location_country or event.parent.location_city
            ):
                event.location_city = event.parent.location_city
                event.location_country = event.parent.location_country
            elif self.dateline and not event.referenced:
                event.location_city, event.location_country = self.dateline

    def countries_of(self, event):
        """The participants' countries and a visit's host; for a meeting of two sides where
        the participants give fewer than two, the countries its sentence names."""
        codes = [person.country for person in event.participants if person.country]
        if event.kind in VISITS and event.location_country:
            codes.append(event.location_country)
        if event.kind in TWO_SIDED and len(set(codes)) < 2:
            codes += [
                code
                for start, _, code in self.country_mentions
                if event.sentence_start <= start < event.sentence_end
            ]
        return list(dict.fromkeys(codes))


def segment_end(triggers, index, end, chair_too=False):
    """Where the part of the sentence of trigger `index` ends: at the next trigger. A
    "co-chaired by" belongs to the meeting before it, so it ends no part but another
    "co-chaired by"'s (`chair_too`)."""
    later = [t for t in triggers[index + 1 :] if chair_too or t.mode != "chair"]
    return later[0].start if later else end


def copy_date(event, source, how):
    event.start, event.end, event.date_precision = source.start, source.end, source.date_precision
    event.date_source = how


def unique(items):
    seen, result = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            result.append(item)
    return result


def event_name(tail, text):
    """The session, summit or conference named after "attended": "the 55th session of the
    United Nations Human Rights Council". A bare "the session" takes the fuller name the
    article gives elsewhere."""
    match = re.match(
        rf"\s*(?P<name>(?:the\s+|a\s+|an\s+)?(?:[^\s,.;()]+\s+){{0,6}}?(?:{EVENT_NOUNS})\b"
        rf"(?:\s+of\s+(?:the\s+)?(?:[A-Z0-9][\w’'.-]*(?:\s+(?:of|and|for|on|the)\b)?\s*)+)?)",
        tail,
    )
    if not match:
        return ""
    name = match["name"].strip()
    name = re.sub(r"\s+(?:in|on|at|from)$", "", name)
    bare = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
    if not re.search(r"[A-Z0-9]", bare):
        head = bare.split()[-1]
        fuller = re.search(
            rf"(?:\d+\w*\s+)?(?:[A-Z][\w’'.-]*\s+)*{re.escape(head)}\s+of\s+(?:the\s+)?"
            rf"(?:[A-Z][\w’'.-]*(?:\s+(?:of|and|for|on|the)\b)?\s*)+",
            text,
        )
        if fuller:
            name = fuller.group(0)
        else:
            quoted = re.match(r"\s*,?\s*[\"“](?P<quote>[^\"”]{3,150})[\"”]", tail[match.end() :])
            if quoted:
                name = f"{bare}: {quoted['quote']}"
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(), flags=re.I)
    name = re.sub(r"\s+(?:of|and|for|on|the)$", "", name.strip().rstrip(".,;:"))
    return name[:1].upper() + name[1:] if name else ""


def merge_duplicates(events):
    """One draft per meeting: a caption or a later paragraph that names the same meeting (the
    same people, a kind that fits, no date against it) adds to the first mention."""
    kept = []
    for event in events:
        twin = next((k for k in kept if same_meeting(k, event)), None)
        if twin is None:
            kept.append(event)
            continue
        if twin.kind == BILATERAL and event.kind in (TALKS, RECEPTION):
            twin.kind = event.kind
        twin.referenced = twin.referenced and event.referenced
        if twin.start is None and event.start is not None:
            copy_date(twin, event, event.date_source)
            twin.date_note = event.date_note
        elif twin.start is None and event.date_note and not twin.date_note:
            twin.date_note = event.date_note
        if not twin.location_country and event.location_country:
            twin.location_city, twin.location_country = event.location_city, event.location_country
        twin.event_name = (
            twin.event_name
            if re.search(r"[A-Z]", twin.event_name[1:])
            else (event.event_name or twin.event_name)
        )
        twin.destination = twin.destination or event.destination
        twin.participants = unique(
            twin.participants
            + [p for p in event.participants if p.key not in twin.participant_keys]
        )
        if twin.context_date is None:
            twin.context_date = event.context_date
    return kept


def same_meeting(first, second):
    kinds_fit = (
        first.kind == second.kind
        or (first.kind in MEETING_KINDS and second.kind in MEETING_KINDS)
        or (first.kind in VISITS and second.kind in VISITS)
    )
    if not kinds_fit:
        return False
    a, b = first.participant_keys, second.participant_keys
    if first.kind == MULTILATERAL:
        if not (a & b):
            return False
    elif a != b:
        return False
    if first.kind in VISITS:
        one, other = first.destination, second.destination
        if one and other and one[1] != other[1]:
            return False
    if first.start and second.start:
        first_end, second_end = first.end or first.start, second.end or second.start
        return first.start <= second_end and second.start <= first_end
    return True


def title_of(event, country_names):
    names = [person.name for person in event.participants]
    first, others = (names[0], names[1:]) if names else ("", [])
    joined = (
        " and ".join(others) if len(others) < 3 else ", ".join(others[:-1]) + " and " + others[-1]
    )
    if event.kind in (TALKS, PHONE_CALL, VIDEO_CALL, SIGNING) and len(others) > 1:
        first, joined = ", ".join(names[:-1]), names[-1]
    if event.kind == MULTILATERAL and event.event_name:
        return event.event_name
    if event.kind in VISITS:
        label = {STATE_VISIT: "state visit", WORKING_VISIT: "working visit"}.get(
            event.kind, "official visit"
        )
        where = event.location_city
        if event.location_country and not where:
            where = country_names.get(event.location_country, event.location_country)
        return f"{first}’s {label} to {where}" if where else f"{first}’s {label}"
    if not others:
        return {
            PRESS_CONFERENCE: f"{first} briefs the press",
            MULTILATERAL: f"{first} attends a multilateral meeting",
            SIGNING: f"Signing by {first}",
        }.get(event.kind, f"{first}: {event.kind.replace('_', ' ')}")
    return {
        BILATERAL: f"{first} meets {joined}",
        RECEPTION: f"{first} receives {joined}",
        TALKS: f"Talks between {first} and {joined}",
        PHONE_CALL: f"Phone call between {first} and {joined}",
        VIDEO_CALL: f"Video call between {first} and {joined}",
        SIGNING: f"Signing between {first} and {joined}",
        PRESS_CONFERENCE: f"{first} and {joined} brief the press",
        MULTILATERAL: f"{first} and {joined} at a multilateral meeting",
    }.get(event.kind, f"{first} and {joined}")


__all__ = ["DAY", "Drafter", "Person", "split_sentences"]

"""What the meeting drafter proposes."""

from dataclasses import dataclass, field


@dataclass
class Person:
    """A participant: a known person (`person_id`) or a new-person candidate."""

    name: str
    title: str = ""
    country: str | None = None  # ISO code of the side the person represents
    person_id: int | None = None
    positions: list[int] = field(default_factory=list, repr=False)  # offsets in the text

    @property
    def key(self):
        from diplomacy.suggest.normalize import fold_key

        return ("person", self.person_id) if self.person_id else ("name", fold_key(self.name))

    @property
    def is_new(self):
        return self.person_id is None


@dataclass
class MeetingDraft:
    kind: str  # a Meeting.Kind value
    participants: list[Person]
    sentence: str
    position: int = 0  # offset of the sentence in the text
    title: str = ""
    start: object = None  # datetime.date or None
    end: object = None
    date_precision: str | None = None
    date_note: str = ""  # why the date is missing or how it was read
    location_city: str = ""
    location_country: str | None = None
    countries: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    parent: "MeetingDraft | None" = None
    referenced: bool = False
    event_name: str = ""  # the session, summit or conference attended
    existing: list = field(default_factory=list)  # meetings already in the database
    # How the date was found: "own" (in the sentence), "context", "parent" or "".
    date_source: str = ""
    # What reading the text leaves for the article-wide passes (extract.Drafter).
    sentence_start: int = 0  # the sentence's span in the text
    sentence_end: int = 0
    destination: tuple | None = None  # (city or None, country) a visit went to
    context_date: object = None  # the dated series of meetings it may belong to
    same_day: bool = False  # "the same day" as the meeting before

    @property
    def participant_keys(self):
        return {person.key for person in self.participants}

    def as_json(self):
        return {
            "kind": self.kind,
            "title": self.title,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "date_precision": self.date_precision if self.start else None,
            "date_note": self.date_note,
            "participants": [person.name for person in self.participants],
            "participant_details": [
                {
                    "name": person.name,
                    "title": person.title,
                    "country": person.country,
                    "known": not person.is_new,
                }
                for person in self.participants
            ],
            "countries": self.countries,
            "location_city": self.location_city or None,
            "location_country": self.location_country,
            "parent": self.parent.title if self.parent else None,
            "topics": self.topics,
            "referenced": self.referenced,
            "already_recorded": [
                {"id": meeting.pk, "title": meeting.title} for meeting in self.existing
            ],
            "sentence": self.sentence,
        }

"""What the entity-suggestion engine returns."""

from dataclasses import dataclass, field

COUNTRY = "country"
PERSON = "person"
ORGANIZATION = "organization"


@dataclass(frozen=True)
class Mention:
    """Where an entity is named: `text[start:end]` of one field of the article."""

    field: str  # "headline", "standfirst", "body", or "text" for a plain string
    start: int
    end: int
    text: str


@dataclass
class EntityMatch:
    """A known entity found in the text, with every mention of it."""

    kind: str  # COUNTRY, PERSON or ORGANIZATION
    key: object  # Country code ("VN") or the primary key of a Person / Organization
    label: str  # the name as stored
    mentions: list[Mention] = field(default_factory=list)

    @property
    def count(self):
        return len(self.mentions)


@dataclass
class Ambiguity:
    """A name shared by several known entities: reported, never guessed."""

    text: str
    options: list[tuple[str, object, str]]  # (kind, key, label)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Candidate:
    """A person named after a title ("Foreign Minister Retno Marsudi") not yet known."""

    name: str
    title: str
    country: str | None  # ISO code when the text says it ("Indonesian", "of Palestine")
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Suggestions:
    countries: list[EntityMatch] = field(default_factory=list)
    people: list[EntityMatch] = field(default_factory=list)
    organizations: list[EntityMatch] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    def by_kind(self, kind):
        return {
            COUNTRY: self.countries,
            PERSON: self.people,
            ORGANIZATION: self.organizations,
        }[kind]

    def all_entities(self):
        return [*self.countries, *self.people, *self.organizations]

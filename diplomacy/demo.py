"""The demo data in `data/demo.json`: outlets, organizations, people and their positions,
meetings and articles, all published.

Loading is idempotent: rows are found by their slug or natural key, and a row is saved only
when a value differs, so a second run changes nothing (not even `updated` or `published_at`).
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from articles.models import Article, Outlet
from diplomacy.models import (
    Country,
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    Publishable,
)
from diplomacy.text import slugify_name

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.json"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class DemoDataError(Exception):
    """The data file refers to something that does not exist or holds an invalid value."""


def read_demo_data(path=DATA_FILE):
    return json.loads(Path(path).read_text(encoding="utf-8"))


@dataclass
class Tally:
    """What a load did, per kind of record: {"meetings": {"created": 3, ...}, ...}."""

    counts: dict = field(default_factory=dict)

    def add(self, kind, state):
        per_kind = self.counts.setdefault(kind, {CREATED: 0, UPDATED: 0, UNCHANGED: 0})
        per_kind[state] += 1

    def total(self, state):
        return sum(per_kind[state] for per_kind in self.counts.values())

    def count(self, kind):
        return sum(self.counts.get(kind, {}).values())

    def summary(self):
        kinds = ", ".join(
            f"{self.count(kind)} {kind}"
            for kind in ("articles", "meetings", "people", "organizations", "outlets")
        )
        return (
            f"Demo data: {kinds} ({self.total(CREATED)} created, {self.total(UPDATED)} updated, "
            f"{self.total(UNCHANGED)} unchanged)."
        )


def load_demo(data=None, log=None):
    """Create or update everything in the demo data; returns a Tally.

    `log` is called with one line per created or updated record. Call inside a transaction.
    """
    return _Loader(data if data is not None else read_demo_data(), log).load()


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


class _Loader:
    def __init__(self, data, log):
        self.data = data
        self.log = log
        self.tally = Tally()
        self.countries = set(Country.objects.values_list("code", flat=True))
        self.outlets = {}
        self.organizations = {}
        self.people = {}
        self.meetings = {}

    def load(self):
        for row in self.data.get("outlets", []):
            self.load_outlet(row)
        for row in self.data.get("organizations", []):
            self.load_organization(row)
        for row in self.data.get("people", []):
            self.load_person(row)
        for row in self.data.get("meetings", []):
            self.load_meeting(row)
        for row in self.data.get("articles", []):
            self.load_article(row)
        return self.tally

    # Lookups of what the file refers to ------------------------------------------------

    def country(self, code):
        if not code:
            return None
        if code not in self.countries:
            raise DemoDataError(f"Unknown country code {code!r}; run the migrations first.")
        return code

    def _ref(self, registry, kind, key):
        if not key:
            return None
        try:
            return registry[key]
        except KeyError:
            raise DemoDataError(f"{kind} {key!r} is used before it is defined.") from None

    def organization(self, name):
        return self._ref(self.organizations, "Organization", name)

    def person(self, name):
        return self._ref(self.people, "Person", name)

    def meeting(self, title):
        return self._ref(self.meetings, "Meeting", title)

    def outlet(self, name):
        return self._ref(self.outlets, "Outlet", name)

    # Saving ------------------------------------------------------------------------------

    def save(self, model, lookup, values):
        """Find the row by `lookup`, set `values`, publish it if publishable, and save it
        only when new or changed. Returns (object, CREATED | UPDATED | UNCHANGED)."""
        obj = model._default_manager.filter(**lookup).first()
        state = CREATED if obj is None else UNCHANGED
        if obj is None:
            obj = model(**lookup)
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                state = state if state == CREATED else UPDATED
        if isinstance(obj, Publishable):
            before = (obj.status, obj.published_at)
            obj.publish()
            if state == UNCHANGED and (obj.status, obj.published_at) != before:
                state = UPDATED
        if state != UNCHANGED:
            try:
                obj.full_clean()
            except ValidationError as error:
                raise DemoDataError(f"{model.__name__} {lookup}: {error.messages}") from error
            obj.save()
        return obj, state

    def set_related(self, manager, objects):
        """Set a many-to-many relation to exactly `objects`; True if it changed."""
        wanted = {getattr(obj, "pk", obj) for obj in objects}
        if set(manager.values_list("pk", flat=True)) == wanted:
            return False
        manager.set(wanted)
        return True

    def set_topics(self, obj, names):
        """Set the topics (case-insensitive tags); True if they changed."""
        if {name.lower() for name in obj.topics.names()} == {name.lower() for name in names}:
            return False
        obj.topics.set(names)
        return True

    def record(self, kind, obj, state, changed_related=False):
        if state == UNCHANGED and changed_related:
            state = UPDATED
        self.tally.add(kind, state)
        if self.log and state != UNCHANGED:
            self.log(f"  {state} {model_label(obj)}: {obj}")

    # Each kind of record -----------------------------------------------------------------

    def load_outlet(self, row):
        outlet, state = self.save(
            Outlet,
            {"slug": slugify_name(row["name"])},
            {
                "name": row["name"],
                "website": row.get("website") or "",
                "country_id": self.country(row.get("country")),
            },
        )
        self.outlets[row["name"]] = outlet
        self.record("outlets", outlet, state)

    def load_organization(self, row):
        parent = self.organization(row.get("parent"))
        organization, state = self.save(
            Organization,
            {"slug": slugify_name(row["name"])},
            {
                "name": row["name"],
                "acronym": row.get("acronym") or "",
                "kind": row["kind"],
                "country_id": self.country(row.get("country")),
                "parent_id": parent.pk if parent else None,
            },
        )
        self.organizations[row["name"]] = organization
        self.record("organizations", organization, state)

    def load_person(self, row):
        person, state = self.save(
            Person,
            {"slug": slugify_name(row["name"])},
            {
                "name": row["name"],
                "name_ascii": row["name_ascii"],
                "aliases": "\n".join(row.get("aliases", [])),
                "country_id": self.country(row.get("country")),
            },
        )
        changed = False
        for item in row.get("positions", []):
            organization = self.organization(item.get("organization"))
            _, position_state = self.save(
                Position,
                {"person": person, "title": item["title"], "start_date": _date(item["start"])},
                {
                    "organization_id": organization.pk if organization else None,
                    "country_id": self.country(item.get("country")),
                    "end_date": _date(item["end"]),
                },
            )
            changed = changed or position_state != UNCHANGED
        self.people[row["name"]] = person
        self.record("people", person, state, changed)

    def load_meeting(self, row):
        parent = self.meeting(row.get("parent"))
        meeting, state = self.save(
            Meeting,
            {"slug": slugify_name(row["title"])},
            {
                "title": row["title"],
                "kind": row["kind"],
                "start_date": _date(row["start"]),
                "end_date": _date(row["end"]),
                "date_precision": row.get("date_precision") or Meeting.Precision.DAY,
                "location_city": row.get("location_city") or "",
                "location_country_id": self.country(row.get("location_country")),
                "parent_id": parent.pk if parent else None,
                "summary": row.get("summary") or "",
                "outcomes": "\n".join(row.get("outcomes", [])),
                "source_url": row.get("source_url") or "",
            },
        )
        changed = self.load_participants(meeting, row["participants"])
        changed |= self.set_related(
            meeting.countries, [self.country(code) for code in row.get("countries", [])]
        )
        changed |= self.set_related(
            meeting.organizations,
            [self.organization(name) for name in row.get("organizations", [])],
        )
        changed |= self.set_topics(meeting, row.get("topics", []))
        self.meetings[row["title"]] = meeting
        self.record("meetings", meeting, state, changed)

    def load_participants(self, meeting, rows):
        changed = False
        people = []
        for order, item in enumerate(rows):
            person = self.person(item["person"])
            people.append(person)
            country = self.country(item.get("country"))
            participant, state = self.save(
                Participant,
                {"meeting": meeting, "person": person},
                {
                    "title": item.get("title") or "",
                    "country_id": country,
                    "role": item.get("role") or Participant.Role.PARTICIPANT,
                    "order": order,
                },
            )
            changed = changed or state != UNCHANGED
        stale = meeting.participants.exclude(person__in=people)
        if stale.exists():
            stale.delete()
            changed = True
        return changed

    def load_article(self, row):
        article, state = self.save(
            Article,
            {"slug": slugify_name(row["headline"])},
            {
                "headline": row["headline"],
                "standfirst": row.get("standfirst") or "",
                "body": row["body"],
                "outlet_id": getattr(self.outlet(row.get("outlet")), "pk", None),
                "source_url": row.get("source_url") or "",
                "byline": row.get("byline") or "",
                "published_on": _date(row.get("published_on")),
            },
        )
        changed = self.set_related(
            article.countries, [self.country(code) for code in row.get("countries", [])]
        )
        changed |= self.set_related(article.people, [self.person(n) for n in row.get("people", [])])
        changed |= self.set_related(
            article.organizations, [self.organization(n) for n in row.get("organizations", [])]
        )
        changed |= self.set_related(
            article.meetings, [self.meeting(title) for title in row.get("meetings", [])]
        )
        changed |= self.set_topics(article, row.get("topics", []))
        self.record("articles", article, state, changed)


def model_label(obj):
    return obj._meta.verbose_name

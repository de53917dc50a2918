"""The pages the benchmark measures and the admin changelist that is each one's equivalent.

Each scenario rotates through several parameter values taken from the record (`pick_values`:
busy and middling countries, people with many meetings, ...), so a figure is never one lucky
value. The admin equivalents use only lookups the meeting admin accepts (see
`MeetingAdmin.list_filter`, `search_fields` and `date_hierarchy`):

- published only: `status__exact=published` (the status list filter); the public site shows
  nothing else;
- a country: `countries__code__exact=VN` (the countries list filter);
- two countries, both taking part: `countries__code__exact=VN&countries__code=KH` (the second
  is a lookup through the related primary key, which the admin allows without a list filter,
  and is applied as a separate condition, so both countries must take part);
- a person: `q=<the person's name>`; the admin has no person filter, and its folded search
  matches participants' names;
- a year: `start_date__year=2020` (the date hierarchy);
- a topic: `topics__id__exact=<id>`, a lookup through the related primary key; adding
  `("topics", admin.RelatedOnlyFieldListFilter)` to the list filters would show it as a
  filter with the same parameter;
- text: `q=<word>`;
- the unfiltered list's page N: the admin page holding the same rows (`p`, 100 per page).

Values are picked with the ORM; everything else here is plain Python, so the command can
build the addresses without Django's database.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

PUBLISHED = [("status__exact", "published")]
# Values per scenario (countries, people, topics, words, ...).
VALUES = 10
# Pages of the unfiltered list the `list.all` scenario rotates through.
LIST_PAGES = 5
ADMIN_PER_PAGE = 100  # ModelAdmin.list_per_page, which MeetingAdmin keeps


def with_query(path, params):
    return f"{path}?{urlencode(params, doseq=True)}" if params else path


@dataclass(frozen=True)
class Scenario:
    name: str  # the figures' name: sqlite.<name>.p50
    description: str
    values: Callable  # plan -> the values to rotate through
    public: Callable  # (value, plan) -> public address
    admin: Callable  # (value, plan) -> the admin changelist's query parameters
    is_list: bool = False  # a /meetings/ list: its filter is checked, its targets apply

    def addresses(self, plan):
        """[(public address, admin address)] for each value."""
        changelist = plan["admin_changelist"]
        return [
            (self.public(value, plan), with_query(changelist, self.admin(value, plan)))
            for value in self.values(plan)
        ]


def _list_page(page, plan):
    return with_query("/meetings/", [("page", page)] if page > 1 else [])


def _admin_page(page, plan):
    first_row = (page - 1) * plan["public_per_page"]
    admin_page = first_row // ADMIN_PER_PAGE + 1
    return PUBLISHED + ([("p", admin_page)] if admin_page > 1 else [])


def _years(value):
    year = value["year"]
    return [("date_from", f"{year}-01-01"), ("date_to", f"{year}-12-31")]


SCENARIOS = [
    Scenario(
        "list.all",
        "the meeting list, unfiltered (pages 1 to 5)",
        values=lambda plan: list(range(1, plan["list_pages"] + 1)),
        public=_list_page,
        admin=_admin_page,
        is_list=True,
    ),
    Scenario(
        "list.country",
        "the meeting list by country",
        values=lambda plan: plan["countries"],
        public=lambda c, plan: with_query("/meetings/", [("country", c["code"])]),
        admin=lambda c, plan: PUBLISHED + [("countries__code__exact", c["code"])],
        is_list=True,
    ),
    Scenario(
        "list.person",
        "the meeting list by person",
        values=lambda plan: plan["people"],
        public=lambda p, plan: with_query("/meetings/", [("person", p["slug"])]),
        admin=lambda p, plan: PUBLISHED + [("q", p["name"])],
        is_list=True,
    ),
    Scenario(
        "list.country_person_dates",
        "the meeting list by country, person and a year's date range",
        values=lambda plan: plan["combined"],
        public=lambda v, plan: with_query(
            "/meetings/", [("country", v["country"]), ("person", v["slug"]), *_years(v)]
        ),
        admin=lambda v, plan: (
            PUBLISHED
            + [
                ("countries__code__exact", v["country"]),
                ("q", v["name"]),
                ("start_date__year", v["year"]),
            ]
        ),
        is_list=True,
    ),
    Scenario(
        "list.topic",
        "the meeting list by topic",
        values=lambda plan: plan["topics"],
        public=lambda t, plan: with_query("/meetings/", [("topic", t["slug"])]),
        admin=lambda t, plan: PUBLISHED + [("topics__id__exact", t["id"])],
        is_list=True,
    ),
    Scenario(
        "list.search",
        "the meeting list by text (participants' last names, cities)",
        values=lambda plan: plan["words"],
        public=lambda word, plan: with_query("/meetings/", [("q", word)]),
        admin=lambda word, plan: PUBLISHED + [("q", word)],
        is_list=True,
    ),
    Scenario(
        "page.country",
        "a country's page",
        values=lambda plan: plan["countries"],
        public=lambda c, plan: f"/countries/{c['code'].lower()}/",
        admin=lambda c, plan: PUBLISHED + [("countries__code__exact", c["code"])],
    ),
    Scenario(
        "page.country_pair",
        "a pair of countries' page",
        values=lambda plan: plan["pairs"],
        public=lambda pair, plan: f"/countries/{pair[0].lower()}/{pair[1].lower()}/",
        admin=lambda pair, plan: (
            PUBLISHED + [("countries__code__exact", pair[0]), ("countries__code", pair[1])]
        ),
    ),
    Scenario(
        "page.person",
        "a person's page",
        values=lambda plan: plan["people"],
        public=lambda p, plan: f"/people/{p['slug']}/",
        admin=lambda p, plan: PUBLISHED + [("q", p["name"])],
    ),
]


def spread(ranked, count=VALUES):
    """`count` items of a list ranked busiest first: half from the top, half spread over the
    middle (from a quarter of the way down to half way), so both busy and ordinary values
    are measured."""
    if len(ranked) <= count:
        return list(ranked)
    top = count - count // 2
    middle = ranked[max(top, len(ranked) // 4) : max(top + 1, len(ranked) // 2)]
    if not middle:
        return list(ranked[:count])
    rest = count - top
    step = len(middle) / rest
    picked = [middle[int(i * step)] for i in range(rest)]
    return list(ranked[:top]) + [item for item in picked if item not in ranked[:top]]


# Choosing the values (needs Django and the generated record) -----------------------------


def pick_values(seed=1, values=VALUES, memory_paths=600):
    """The plan: parameter values for every scenario, and the mix of addresses the memory
    test rotates through. Deterministic for a given record and seed."""
    from django.conf import settings
    from django.db.models import Count
    from django.db.models.functions import ExtractYear
    from django.urls import reverse

    from articles.models import Article
    from diplomacy.models import Meeting, Participant, Person, TaggedMeeting, Topic

    rng = random.Random(seed)
    published = Meeting.objects.published()
    published_ids = published.values("pk")
    through = Meeting.countries.through.objects

    ranked_countries = list(
        through.filter(meeting__in=published_ids)
        .values("country_id")
        .annotate(meetings=Count("id"))
        .order_by("-meetings", "country_id")
    )
    countries = [
        {"code": row["country_id"], "meetings": row["meetings"]}
        for row in spread(ranked_countries, values)
    ]

    # People with many meetings: every other one of the busiest, for variety.
    busiest = list(
        Participant.objects.filter(meeting__in=published_ids)
        .values("person_id")
        .annotate(meetings=Count("id"))
        .order_by("-meetings", "person_id")[: values * 2]
    )
    chosen = busiest[::2] if len(busiest) >= values * 2 else busiest[:values]
    by_id = Person.objects.in_bulk([row["person_id"] for row in chosen])
    people = [
        {
            "slug": by_id[row["person_id"]].slug,
            "name": by_id[row["person_id"]].name,
            "country": by_id[row["person_id"]].country_id,
            "meetings": row["meetings"],
        }
        for row in chosen
    ]

    # For each person, the country (other than their own) and year they met most.
    combined = []
    for person in people:
        rows = (
            through.filter(
                meeting__in=published_ids,
                meeting__participants__person__slug=person["slug"],
                meeting__start_date__isnull=False,
            )
            .exclude(country_id=person["country"])
            .values("country_id", year=ExtractYear("meeting__start_date"))
            .annotate(meetings=Count("id"))
            .order_by("-meetings", "country_id", "year")[:1]
        )
        for row in rows:
            combined.append({**person, "country": row["country_id"], "year": row["year"]})

    ranked_topics = list(
        TaggedMeeting.objects.filter(content_object__in=published_ids)
        .values("tag_id", "tag__slug", "tag__name")
        .annotate(meetings=Count("id"))
        .order_by("-meetings", "tag_id")
    )
    topics = [
        {"id": row["tag_id"], "slug": row["tag__slug"], "name": row["tag__name"]}
        for row in spread(ranked_topics, values)
    ]

    # Text: the last word of the chosen people's names, and the commonest cities.
    last_names = []
    for person in people:
        word = person["name"].split()[-1]
        if word not in last_names:
            last_names.append(word)
    cities = list(
        published.exclude(location_city="")
        .values("location_city")
        .annotate(meetings=Count("id"))
        .order_by("-meetings", "location_city")
        .values_list("location_city", flat=True)[: values - values // 2]
    )
    words = last_names[: values - len(cities)] + cities

    # Each chosen country with the country it meets most.
    pairs = []
    for country in countries:
        partner = (
            through.filter(meeting__in=published.filter(countries=country["code"]).values("pk"))
            .exclude(country_id=country["code"])
            .values("country_id")
            .annotate(meetings=Count("id"))
            .order_by("-meetings", "country_id")
            .first()
        )
        if partner:
            pair = (country["code"], partner["country_id"])
            if pair not in pairs and pair[::-1] not in pairs:
                pairs.append(pair)

    plan = {
        "seed": seed,
        "record": {
            "meetings": Meeting.objects.count(),
            "published": published.count(),
            "people": Person.objects.count(),
            "participants": Participant.objects.count(),
            "articles": Article.objects.count(),
            "topics": Topic.objects.count(),
        },
        "countries": countries,
        "people": people,
        "combined": combined,
        "topics": topics,
        "words": words,
        "pairs": pairs,
        "list_pages": min(LIST_PAGES, values),
        "admin_changelist": reverse("admin:diplomacy_meeting_changelist"),
        "public_per_page": settings.MEETINGS_PER_PAGE,
    }
    plan["memory_paths"] = memory_mix(plan, rng, memory_paths)
    return plan


def memory_mix(plan, rng, size):
    """About `size` distinct public addresses, shuffled: meeting pages (40 %), person pages,
    the list by country, kind, person, year, topic and text, country and pair pages."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from diplomacy.models import Meeting, Person

    published = Meeting.objects.published()
    meeting_ids = list(published.order_by("pk").values_list("pk", flat=True))
    sample = rng.sample(meeting_ids, min(len(meeting_ids), size * 4 // 10))
    paths = [m.get_absolute_url() for m in published.filter(pk__in=sample).order_by("pk")]

    public_people = list(
        Person.objects.public().order_by("pk").values_list("slug", flat=True)[: size * 2]
    )
    people = rng.sample(public_people, min(len(public_people), size // 10))
    paths += [f"/people/{slug}/" for slug in people]
    paths += [with_query("/meetings/", [("person", slug)]) for slug in people[: size // 20]]

    codes = list(
        Meeting.countries.through.objects.filter(meeting__in=published.values("pk"))
        .values("country_id")
        .annotate(meetings=Count("id"))
        .order_by("-meetings", "country_id")
        .values_list("country_id", flat=True)[: size // 10]
    )
    kinds = [kind.value for kind in Meeting.Kind]
    for code in codes:
        paths.append(with_query("/meetings/", [("country", code)]))
    for code in codes[: size // 20]:
        paths.append(with_query("/meetings/", [("country", code), ("kind", rng.choice(kinds))]))
    partners = rng.sample(codes, len(codes))
    for code, partner in list(zip(codes, partners, strict=True))[: size // 25]:
        paths.append(f"/countries/{code.lower()}/")
        if partner != code:
            paths.append(f"/countries/{code.lower()}/{partner.lower()}/")
    for kind in kinds:
        for page in (1, 2):
            paths.append(with_query("/meetings/", [("kind", kind), ("page", page)]))
    years = (
        published.exclude(start_date=None)
        .annotate(year=ExtractYear("start_date"))
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )
    for year in years:
        paths.append(with_query("/meetings/", _years({"year": year})))
    for topic in plan["topics"]:
        paths.append(with_query("/meetings/", [("topic", topic["slug"])]))
    for word in plan["words"]:
        paths.append(with_query("/meetings/", [("q", word)]))
    for page in range(1, plan["list_pages"] + 1):
        paths.append(_list_page(page, plan))
    paths = list(dict.fromkeys(paths))
    rng.shuffle(paths)
    return paths


def path_counts(paths):
    """How many addresses of each kind a mix holds (for the report)."""
    kinds = Counter()
    for path in paths:
        if path.startswith("/meetings/?") or path == "/meetings/":
            kinds["list"] += 1
        else:
            kinds[path.strip("/").split("/")[0]] += 1
    return dict(kinds)

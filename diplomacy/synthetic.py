"""Synthetic data at scale: people and their positions, organizations, topics, meetings with
participants and parent events, outlets and articles, for trying the site, the admin and the
search with realistic volumes (`manage.py generate_synthetic`).

Everything comes from one `random.Random(seed)`: the same seed, sizes, day (`as_of`) and
countries give the same data. Rows are written with bulk_create, which bypasses save(), so
the values save() derives (slug, name_ascii, search_text, a participant's title and side)
are computed here exactly as save() computes them. Nothing is read back row by row.

Every country takes part in at least one meeting when there are at least as many people
and meetings as countries (the default sizes see to it from 249 meetings on); a few
countries, Vietnam first, take part in most of them.

All names and all text are made up here; only the countries come from the database.
"""

import datetime
import random
import re
from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from django.db import transaction
from django.db.models.base import ModelState

from articles.models import Article, Outlet, TaggedArticle
from diplomacy.models import (
    Country,
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    Status,
    TaggedMeeting,
    Topic,
)
from diplomacy.suggest.gazetteer import invalidate_gazetteer
from diplomacy.text import fold, slugify_name, to_ascii

# Synthetic outlets have their website under this reserved domain; their presence is how a
# database already holding synthetic data is recognized.
SYNTHETIC_DOMAIN = "synthetic.example"

FIRST_DAY = datetime.date(1995, 1, 1)
# Each year has this many times the meetings of the year before.
YEARLY_GROWTH = 1.08
# Country ranks: weight 1 / rank ** ZIPF_EXPONENT; Vietnam's weight is multiplied further.
ZIPF_EXPONENT = 1.1
HOME_BOOST = 2.0
HOME = "VN"
# The countries the generated news follows most, most followed first; the others are ranked
# in an order drawn from the seed.
LEADING_COUNTRIES = [
    "VN", "CN", "US", "JP", "KR", "LA", "KH", "RU", "IN", "FR", "SG", "AU", "DE", "TH", "ID",
    "GB", "MY", "PH", "CU", "IT",
]  # fmt: skip

# Shares of meetings that are parent events (summits, sessions, state visits) and that take
# place within one.
PARENT_SHARE = 0.035
CHILD_SHARE = 0.12

UTC = datetime.UTC


class SyntheticDataExists(Exception):
    """The database already holds synthetic data and `append` was not asked for."""


@dataclass(frozen=True)
class Sizes:
    meetings: int
    people: int
    articles: int
    organizations: int
    topics: int
    outlets: int


def default_sizes(
    meetings, people=None, articles=None, organizations=None, topics=None, countries=249
):
    """The sizes, the ones not given scaled from `meetings`: a fifth as many people (at least
    one per country while there are meetings enough to use them), half as many articles,
    one organization per 200 meetings (at least 20), one topic per 100 (12 to 60)."""
    sizes = Sizes(
        meetings=meetings,
        people=people if people is not None else max(meetings // 5, min(meetings, countries)),
        articles=articles if articles is not None else meetings // 2,
        organizations=organizations if organizations is not None else max(20, meetings // 200),
        topics=topics if topics is not None else min(60, max(12, meetings // 100)),
        outlets=len(OUTLET_NAMES),
    )
    if sizes.meetings < 1 or sizes.people < 1:
        raise ValueError("At least one meeting and one person are needed.")
    if min(sizes.articles, sizes.organizations, sizes.topics) < 0:
        raise ValueError("Sizes cannot be negative.")
    if sizes.topics > MAX_TOPICS:
        raise ValueError(f"At most {MAX_TOPICS} topics can be generated.")
    return sizes


def generate(
    meetings=100_000,
    people=None,
    articles=None,
    organizations=None,
    topics=None,
    seed=1,
    batch_size=5000,
    append=False,
    as_of=None,
    progress=None,
):
    """Create the synthetic data in one transaction and return the number of rows created,
    by kind ({"meetings": 100000, "participants": ..., ...}).

    `as_of` is the day the data is generated as of (default: today): meetings run up to the
    day before, scheduled items go public after it. `progress(stage, done, total)` is called
    after each batch. Raises SyntheticDataExists when synthetic outlets are already there,
    unless `append` is true.
    """
    if batch_size < 1:
        raise ValueError("The batch size must be at least 1.")
    as_of = as_of or datetime.datetime.now(UTC).date()
    with transaction.atomic():
        if not append and synthetic_data_exists():
            raise SyntheticDataExists(
                "The database already holds synthetic data (outlets on "
                f"{SYNTHETIC_DOMAIN}). Add more with --append, or start from an empty database."
            )
        countries = list(Country.objects.order_by("code").values_list("code", "name", "demonyms"))
        if not countries:
            raise ValueError("No countries in the database: run `manage.py migrate` first.")
        sizes = default_sizes(
            meetings, people, articles, organizations, topics, countries=len(countries)
        )
        counts = _Generator(sizes, seed, batch_size, as_of, countries, progress).run()
        # bulk_create sends no post_save: tell the suggestion engine about the new names.
        invalidate_gazetteer()
    refresh_planner_statistics()
    return counts


def refresh_planner_statistics(using="default"):
    """ANALYZE after a bulk load. Without statistics SQLite plans "is this person in a
    published meeting" as a scan of every published meeting (its index on status looks as
    good as the one on the person); PostgreSQL would wait for autovacuum to notice."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


def synthetic_data_exists():
    return Outlet.objects.filter(website__contains=f".{SYNTHETIC_DOMAIN}/").exists()


# Words ---------------------------------------------------------------------------------

VI_SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương "
    "Lương Mai Tô Hà Cao Lâm Đoàn Vương Trịnh Tạ Kiều Thái"
).split()
VI_MIDDLE_NAMES = (
    "Văn Hữu Đức Minh Quốc Thanh Xuân Công Đình Gia Hoài Bảo Ngọc Thị Thu Kim Phương Anh "
    "Hồng Mỹ Trọng Khắc"
).split()
VI_GIVEN_NAMES = (
    "An Bình Cường Dũng Giang Hà Hải Hạnh Hiếu Hòa Hùng Hương Khánh Lan Linh Long Mai Minh "
    "Nam Ngân Nghĩa Phong Phúc Quang Quân Sơn Tâm Thắng Thảo Trang Trung Tuấn Tùng Việt Vinh "
    "Yến Đạt Điệp Huệ Lộc Nhung Oanh Thủy Toàn Uyên Kiên Khoa Luân Thịnh Vy"
).split()
VI_CITIES = ["Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Huế"]

# Made-up names for the rest of the world: a given name and a family name from syllables.
GIVEN_STARTS = (
    "A Be Ca Da E Fa Ga Ha I Jo Ka La Ma Na O Pa Ra Sa Ta U Va Ya Za Mi Lu To Re Si No Ke"
).split()
GIVEN_ENDS = (
    "ren lia mon dra vin sa lo rik nel bel tan mir zo dan ria vo ni tas mar lene dor ko sim "
    "ra ela ros ti nja é"
).split()
FAMILY_STARTS = (
    "Vel Mor Kas Tor Bren Dal Hes Or Sal Quen Rav Lind Mal Ost Gar Fen Ib Nor Zel Ul Tam Kor "
    "Bel Mar Sven Ard Cor Dru Ell Har"
).split()
FAMILY_MIDDLES = ["a", "e", "i", "o", "u", "", "an", "er"]
FAMILY_ENDS = (
    "nov ez sen ani ura berg ski elli oto ić ard ou aki ström ás ović ando ier mann ónez ssi ul ek"
).split()
# Syllables for made-up places, projects and company names.
PLACE_SYLLABLES = (
    "ka lo ri an mar te vi so del en ul bra gio fen tu sa mi ro no ha vel tor quin ash "
    "bel dun os ira lan"
).split()
PLACE_ENDS = "a ia grad ville stad pur abad ton holm mora ene is ay ara o".split()

TOPIC_NAMES = [
    "trade", "investment", "education", "climate change", "maritime security",
    "defence cooperation", "energy", "tourism", "agriculture", "public health",
    "digital economy", "science and technology", "culture", "labour migration",
    "consular affairs", "counter-terrorism", "cybersecurity", "disaster relief",
    "humanitarian aid", "food security", "water resources", "peacekeeping", "human rights",
    "non-proliferation", "infrastructure", "connectivity", "fisheries", "environment",
    "renewable energy", "vaccines", "sport", "youth exchange", "gender equality",
    "development aid", "debt relief", "customs", "visa policy", "aviation", "shipping",
    "railways", "telecommunications", "artificial intelligence", "space cooperation",
    "mining", "oil and gas", "free trade agreement", "supply chains", "semiconductors",
    "student exchange", "heritage preservation", "border management", "anti-corruption",
    "rule of law", "regional security", "arms control", "refugees", "biodiversity",
    "ocean governance", "urban development", "financial cooperation", "law enforcement",
    "parliamentary cooperation", "people-to-people exchange", "Biển Đông",
]  # fmt: skip
# Topics beyond the list are a qualifier and a listed topic: "regional trade".
TOPIC_QUALIFIERS = ["regional", "bilateral", "global", "green", "coastal", "rural", "urban"]
MAX_TOPICS = len(TOPIC_NAMES) * (1 + len(TOPIC_QUALIFIERS))

OUTLET_NAMES = [
    "Meridian Daily", "The Harbour Gazette", "Northern Wire Service", "Lotus Post",
    "The Evening Courier", "Capital Ledger", "Tin Nhanh Ngoại Vụ", "Báo Bốn Phương",
    "Delta Herald", "Pacific Dispatch", "The Paper Lantern Review", "Coastline News",
    "The Crossroads Review", "Silk Thread Times", "Highland Observer", "The Foreign Desk",
    "Monsoon Weekly", "Riverside Chronicle", "Thời Báo Hội Nhập", "The Envoy Bulletin",
]  # fmt: skip

REGIONS = [
    "Azure Coast", "Northern Steppe", "Equatorial Belt", "Twin Seas", "Cinnabar Straits",
    "Highland Rivers", "Southern Archipelago", "Eastern Littoral", "Amber Gulf", "Jade Basin",
    "Silver Delta", "Great Plains", "Outer Islands", "Monsoon Rim", "Polar Rim",
    "Central Plateau",
]  # fmt: skip
DOMAINS = [
    "Trade", "Security", "Economic", "Maritime", "Energy", "Development", "Health",
    "Cultural", "Agricultural", "Digital", "Water", "Transport",
]  # fmt: skip
BODIES = [
    "Council", "Forum", "Union", "Community", "Organization", "Commission", "Partnership",
    "Dialogue", "Compact", "Assembly", "Bank", "Initiative",
]  # fmt: skip
# Bodies inside an intergovernmental organization: "Secretariat of the ...".
SUB_BODIES = ["Secretariat", "Council of Ministers", "Parliamentary Assembly", "Court"]

# (name, kind, key) of the state bodies each country may have, most often met first.
STATE_BODIES = [
    ("Ministry of Foreign Affairs", Organization.Kind.MINISTRY, "foreign"),
    ("Government", Organization.Kind.GOVERNMENT, "government"),
    ("Office of the President", Organization.Kind.GOVERNMENT, "president"),
    ("National Assembly", Organization.Kind.LEGISLATURE, "assembly"),
    ("Ministry of Trade", Organization.Kind.MINISTRY, "trade"),
    ("Ministry of Defence", Organization.Kind.MINISTRY, "defence"),
    ("Ministry of Finance", Organization.Kind.MINISTRY, "finance"),
    ("Ministry of Education", Organization.Kind.MINISTRY, "education"),
    ("Ministry of Health", Organization.Kind.MINISTRY, "health"),
    ("Ministry of Agriculture", Organization.Kind.MINISTRY, "agriculture"),
    ("Ministry of Culture", Organization.Kind.MINISTRY, "culture"),
    ("Ministry of Environment", Organization.Kind.MINISTRY, "environment"),
    ("Central Bank", Organization.Kind.GOVERNMENT, "bank"),
]
# (title, state body key, weight) of the offices people hold in their country.
POSTS = [
    ("Minister of Foreign Affairs", "foreign", 10),
    ("Deputy Minister of Foreign Affairs", "foreign", 14),
    ("Ambassador to {other}", "foreign", 12),
    ("Prime Minister", "government", 3),
    ("Deputy Prime Minister", "government", 4),
    ("President", "president", 2),
    ("Vice President", "president", 2),
    ("Special Envoy of the President", "president", 2),
    ("Chair of the National Assembly", "assembly", 2),
    ("Vice Chair of the National Assembly", "assembly", 3),
    ("Member of the National Assembly", "assembly", 4),
    ("Minister of Trade", "trade", 4),
    ("Deputy Minister of Trade", "trade", 3),
    ("Minister of Defence", "defence", 3),
    ("Minister of Finance", "finance", 3),
    ("Minister of Education", "education", 2),
    ("Minister of Health", "health", 2),
    ("Minister of Agriculture", "agriculture", 2),
    ("Minister of Culture", "culture", 2),
    ("Minister of Environment", "environment", 2),
    ("Governor of the Central Bank", "bank", 1),
]
# Offices in intergovernmental organizations: held for no country.
OFFICIAL_POSTS = [
    "Secretary-General",
    "Deputy Secretary-General",
    "Director-General",
    "Special Representative",
    "Chair of the Executive Board",
]
PARTY_NAMES = [
    "Party of Renewal", "People's Unity Party", "Green Future Party", "Labour Alliance",
    "Civic Union", "Progressive Front", "Party of the Commons", "National Harmony Party",
]  # fmt: skip
NGO_NAMES = [
    "Institute for {domain} Studies", "Friends of the {region}", "{region} Relief Fund",
    "Centre for {domain} Dialogue", "{domain} Watch",
]  # fmt: skip
COMPANY_KINDS = ["Shipping", "Energy", "Telecom", "Rail", "Agritech", "Mining", "Textiles"]

MONTHS = (
    "January February March April May June July August September October November December"
).split()
ORDINALS = [
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth",
    "Tenth", "11th", "12th", "13th", "14th", "15th", "16th", "17th", "18th", "19th", "20th",
    "21st", "22nd", "23rd", "24th", "25th", "26th", "27th", "28th", "29th", "30th",
]  # fmt: skip

K = Meeting.Kind
# (kind, weight, participant counts, weights of those counts)
KINDS = [
    (K.BILATERAL, 18, (2, 3, 4), (70, 20, 10)),
    (K.TALKS, 14, (2, 3, 4), (70, 20, 10)),
    (K.RECEPTION, 14, (2, 3), (80, 20)),
    (K.PHONE_CALL, 9, (2, 3), (92, 8)),
    (K.VIDEO_CALL, 4, (2, 3, 4), (75, 15, 10)),
    (K.STATE_VISIT, 2, (1, 2, 3, 4), (20, 50, 20, 10)),
    (K.OFFICIAL_VISIT, 5, (1, 2, 3, 4), (25, 50, 15, 10)),
    (K.WORKING_VISIT, 6, (1, 2, 3), (35, 50, 15)),
    (K.MULTILATERAL, 11, (3, 4, 5, 6), (35, 30, 20, 15)),
    (K.SIGNING, 7, (2, 3, 4), (65, 25, 10)),
    (K.PRESS_CONFERENCE, 10, (1, 2, 3), (40, 45, 15)),
]
CHILD_KINDS = [K.BILATERAL, K.TALKS, K.RECEPTION, K.SIGNING, K.PRESS_CONFERENCE]
VISITS = {K.STATE_VISIT, K.OFFICIAL_VISIT, K.WORKING_VISIT}
CALLS = {K.PHONE_CALL, K.VIDEO_CALL}

TITLES = {
    K.BILATERAL: ["{A} meets {B}", "{A} and {B} hold bilateral meeting", "{A} meets {B} in {city}"],
    K.TALKS: ["Talks between {A} and {B}", "{A} holds talks with {B}", "{A} and {B} hold talks"],
    K.RECEPTION: ["{A} receives {B}", "{A} receives {B} in {city}", "{A} hosts {B}"],
    K.PHONE_CALL: ["Phone call between {A} and {B}", "{A} holds phone call with {B}"],
    K.VIDEO_CALL: ["Video call between {A} and {B}", "{A} and {B} hold video conference"],
    K.STATE_VISIT: ["State visit of {A} to {host}", "{A} pays state visit to {host}"],
    K.OFFICIAL_VISIT: ["Official visit of {A} to {host}", "{A} begins official visit to {host}"],
    K.WORKING_VISIT: ["Working visit of {A} to {host}", "{A} on working visit to {host}"],
    K.MULTILATERAL: [
        "Ministerial meeting on {topic} in {city}",
        "{A}, {B} and {C} meet on {topic}",
        "Regional dialogue on {topic}",
        "{org} meeting on {topic}",
    ],
    K.SIGNING: [
        "{CA} and {CB} sign agreement on {topic}",
        "Signing of {topic} memorandum between {CA} and {CB}",
    ],
    K.PRESS_CONFERENCE: [
        "Joint press conference by {A} and {B}",
        "{A} briefs the press in {city}",
        "Press conference on {topic}",
    ],
}
# Titles that name one person or no one, for meetings with a single participant.
SOLO_TITLES = {
    K.BILATERAL: ["{A} meets counterparts in {city}"],
    K.TALKS: ["{A} holds talks in {city}"],
    K.RECEPTION: ["{A} hosts reception in {city}"],
    K.PRESS_CONFERENCE: ["{A} briefs the press in {city}", "Press conference on {topic}"],
    K.SIGNING: ["{CA} signs agreement on {topic}"],
}
PARENT_TITLES = {
    K.MULTILATERAL: [
        "{org} Summit {year}",
        "{ordinal} {org} Summit",
        "{ordinal} session of the {org_name}",
        "{org} Ministerial Conference {year}",
    ],
    K.STATE_VISIT: ["State visit of {A} to {host}"],
    K.OFFICIAL_VISIT: ["Official visit of {A} to {host}"],
}
SUMMARIES = [
    "The two sides reviewed cooperation in {topic} and agreed to meet again next year.",
    "{A} and {B} discussed {topic} and the next steps for the partnership.",
    "Talks centred on {topic}; both sides called the meeting frank and useful.",
    "The meeting looked at progress on earlier commitments, above all on {topic}.",
    "Officials from {CA} and {CB} set out plans for closer work on {topic}.",
]
OUTCOMES = [
    "Memorandum of understanding on {topic}",
    "Joint working group on {topic} to be set up",
    "Agreement to hold annual consultations",
    "Action plan on {topic} for the next three years",
    "Commitment to raise two-way trade",
    "Exchange of letters on visa exemption for official passports",
]

SOLO_HEADLINES = [
    "{A} visits {city} as {CA} pushes {topic} agenda",
    "{A} sets out {CA}'s priorities on {topic}",
    "{A} in {city}: {topic} tops the agenda",
]
HEADLINES = [
    "{A} and {B} agree to deepen {topic} ties",
    "{CA} and {CB} look to widen cooperation on {topic}",
    "{A} meets {B} as {CA} seeks closer {topic} links",
    "In {city}, {A} and {B} put {topic} at the top of the agenda",
    "{CA}, {CB} pledge new steps on {topic}",
    "{A} hails 'new chapter' in relations with {CB}",
    "What {A}'s talks with {B} mean for {topic}",
    "{B} visit opens way for {topic} deal, officials say",
]
STANDALONE_HEADLINES = [
    "{CA} and {CB} weigh next steps on {topic}",
    "Analysis: {topic} moves up the agenda in {CA}",
    "{CA} prepares new strategy on {topic}",
    "Why {topic} matters for relations between {CA} and {CB}",
    "Officials in {city} outline {topic} plans",
]
STANDFIRSTS = [
    "{FA} and {FB} met in {city} on {date} and agreed to speed up work on {topic}.",
    "Leaders from {CA} and {CB} said they wanted results on {topic} before the end of {year}.",
    "The talks in {city} focused on {topic} and {topic2}, officials from both sides said.",
    "Both sides promised to follow up on {topic} within months, amid a busy year of visits.",
]
STANDALONE_STANDFIRSTS = [
    "Officials and analysts in {city} say {topic} will shape ties between {CA} and {CB}.",
    "A look at where {CA} stands on {topic} and {topic2}, and what could change in {year}.",
]
LEADS = [
    "{FA} held talks with {FB} in {city} on {date}, the {DA} side said.",
    "{FA} welcomed {B} to {city} on {date}, recalling the long friendship between {CA} and {CB}.",
    "Meeting in {city} on {date}, {A} and {B} reviewed relations between {CA} and {CB} and "
    "agreed to give new momentum to {topic}.",
    "{CA} and {CB} agreed on {date} to work more closely on {topic}, after talks between "
    "{A} and {B} in {city}.",
]
STANDALONE_LEADS = [
    "Officials in {city} are preparing a new round of consultations with {CB} on {topic}, "
    "people familiar with the plans said.",
    "{topic_cap} has become one of the main threads in relations between {CA} and {CB}, "
    "officials and analysts say.",
]
SENTENCES = [
    "The two sides reviewed cooperation in {topic} and agreed to set up a working group on "
    "{topic2}.",
    "{B} said {CB} valued its partnership with {CA} and hoped to see it grow further.",
    "Two-way trade reached {n} billion dollars last year, up {pct} percent, officials said.",
    "Both sides pledged to complete the {project} before {year2}.",
    "{A} proposed regular consultations between the two foreign ministries.",
    "The {DA} side asked for better market access for its farm produce and seafood.",
    "They also discussed cooperation in {topic2}, an area where both see room to do more.",
    "Officials said the {project} would link the two economies more closely.",
    "{A} thanked {CB} for its support at multilateral forums.",
    "The two leaders exchanged views on regional and international issues of common concern.",
    "{B} invited {A} to visit {CB} at a convenient time, and the invitation was accepted.",
    "A joint statement is expected to be released after the visit.",
    "Some {n} students from {CA} study in {CB} each year, a number both sides want to raise.",
    "The talks came {n} years after the two countries set up diplomatic relations.",
    "The sides agreed to hold the next meeting of their joint committee in {year2}.",
    "Business leaders who travelled with the delegation signed {n} commercial deals.",
    "Observers in {city} noted a warmer tone than at previous meetings.",
    "Both sides stressed the importance of resolving disputes by peaceful means.",
    "A memorandum on {topic} was signed in the presence of the two leaders.",
    "The {project}, planned since {year}, has been slowed by questions of financing.",
    "{A} said {topic} would be a priority for {CA} in the coming years.",
    "The two sides agreed to share data and experience on {topic2}.",
    "Delegations from {CA} and {CB} will meet again within {small} months to review progress.",
    "Analysts said the meeting sent a clear signal about the direction of relations.",
    "The {DB} delegation also met business people and students during its stay.",
    "Local officials in {city} presented plans for the {project}.",
    "{A} called for concrete projects rather than new declarations.",
    "The two ministries will exchange views on {topic} ahead of the next regional summit.",
]
CLOSINGS = [
    "The visit ends on {date_end}.",
    "No date was given for the next round of talks.",
    "The two sides are to report on progress at their next meeting.",
    "{A} is due to travel on to {city2} later this week.",
    "Both delegations said they were satisfied with the results.",
]
PROJECT_KINDS = [
    "corridor", "railway", "port expansion", "power line", "industrial park", "bridge",
    "fibre link", "research centre", "training programme", "trade zone",
]  # fmt: skip


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=4096)
def _transliterate(run):
    return anyascii(run)


def _ascii(text):
    """anyascii(text), faster on mostly ASCII text: anyascii transliterates character by
    character, so only the non-ASCII runs need it. fold(), to_ascii() and slugify_name()
    give the same on `_ascii(text)` as on `text`, and run much faster on it."""
    return _NON_ASCII.sub(lambda match: _transliterate(match.group()), text)


def _fold(text):
    return fold(_ascii(text))


def _zipf_cumulative(count, exponent, first_boost=1.0):
    total, cumulative = 0.0, []
    for rank in range(1, count + 1):
        weight = 1.0 / rank**exponent
        if rank == 1:
            weight *= first_boost
        total += weight
        cumulative.append(total)
    return cumulative


def _cumulative(weights):
    total, cumulative = 0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _acronym(name):
    return "".join(word[0] for word in name.split() if word[0].isupper())


def _long_date(day):
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _midday(ordinal, hours=0):
    """A time on the day with this ordinal, `hours` after midnight (UTC)."""
    day = datetime.date.fromordinal(ordinal)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=UTC) + datetime.timedelta(
        hours=hours
    )


class _Slugs:
    """Unique slugs, as `unique_slug` makes them (base, base-2, base-3, ...), without a query
    per row: the slugs already taken are read once."""

    def __init__(self, taken, max_length=200):
        self.taken = set(taken)
        self.max_length = max_length
        self.next_number = {}

    def make(self, text):
        base = slugify_name(_ascii(text), max_length=self.max_length - 4)
        candidate = base
        if candidate in self.taken:
            number = self.next_number.get(base, 2)
            while f"{base}-{number}" in self.taken:
                number += 1
            self.next_number[base] = number + 1
            candidate = f"{base}-{number}"
        self.taken.add(candidate)
        return candidate


class _Maker:
    """Unsaved instances of `model` for bulk_create, made without Model.__init__, which at
    this volume costs more than writing the row. Values come positionally for `fields`, or
    by attribute name; the other fields get their defaults (constants in these models;
    bulk_create fills the auto_now fields)."""

    def __init__(self, model, *fields):
        self.model = model
        self.fields = fields
        self.defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
        if not set(fields) <= self.defaults.keys():
            raise TypeError(f"Not fields of {model.__name__}: {set(fields) - self.defaults.keys()}")

    def __call__(self, *values, **named):
        if named and not named.keys() <= self.defaults.keys():
            raise TypeError(
                f"Not fields of {self.model.__name__}: {named.keys() - self.defaults.keys()}"
            )
        obj = self.model.__new__(self.model)
        attributes = obj.__dict__
        attributes.update(self.defaults)
        if values:
            attributes.update(zip(self.fields, values, strict=True))
        attributes.update(named)
        obj._state = ModelState()
        return obj


@dataclass
class _MeetingInfo:
    """What the articles need of a meeting."""

    pk: int
    day: int  # ordinal of the start date
    people: list  # person indexes, in participant order
    titles: list
    sides: list  # country codes (or None), in participant order
    topics: list  # topic indexes
    organizations: list  # organization indexes
    city: str
    country: str | None
    parent: int | None  # index of the parent meeting
    end: int | None  # ordinal of the end date


class _Generator:
    def __init__(self, sizes, seed, batch_size, as_of, countries, progress):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.as_of = as_of
        self.progress = progress or (lambda stage, done, total: None)
        self.counts = {}
        self.new_organization = _Maker(Organization)
        self.new_person = _Maker(Person)
        self.new_position = _Maker(
            Position, "person_id", "title", "organization_id", "country_id", "start_date",
            "end_date",
        )  # fmt: skip
        self.new_meeting = _Maker(Meeting)
        self.new_participant = _Maker(
            Participant, "meeting_id", "person_id", "title", "country_id", "role", "order"
        )
        self.new_meeting_country = _Maker(Meeting.countries.through, "meeting_id", "country_id")
        self.new_meeting_organization = _Maker(
            Meeting.organizations.through, "meeting_id", "organization_id"
        )
        self.new_meeting_topic = _Maker(TaggedMeeting, "content_object_id", "tag_id")
        self.new_article = _Maker(Article)
        self.new_article_meeting = _Maker(Article.meetings.through, "article_id", "meeting_id")
        self.new_article_country = _Maker(Article.countries.through, "article_id", "country_id")
        self.new_article_person = _Maker(Article.people.through, "article_id", "person_id")
        self.new_article_organization = _Maker(
            Article.organizations.through, "article_id", "organization_id"
        )
        self.new_article_topic = _Maker(TaggedArticle, "content_object_id", "tag_id")
        self.country_rows = countries
        self.post_weights = _cumulative([weight for _title, _key, weight in POSTS])
        self.kind_weights = _cumulative([weight for _kind, weight, _counts, _w in KINDS])

    def run(self):
        self.setup_countries()
        self.create_outlets()
        self.create_topics()
        self.create_organizations()
        self.create_people()
        self.create_meetings()
        self.create_articles()
        order = [
            "outlets", "topics", "organizations", "people", "positions", "meetings",
            "participants", "meeting_countries", "meeting_organizations", "meeting_topics",
            "articles", "article_meetings", "article_countries", "article_people",
            "article_organizations", "article_topics",
        ]  # fmt: skip
        return {key: self.counts.get(key, 0) for key in order}

    # Helpers ---------------------------------------------------------------------------

    def insert(self, name, rows):
        """Write `rows` (instances of one model) and count them under `name`."""
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=self.batch_size)
        self.counts[name] = self.counts.get(name, 0) + len(rows)

    def weighted(self, population, cumulative):
        """An item of `population` drawn with these cumulative weights."""
        return population[
            bisect(cumulative, self.rng.random() * cumulative[-1], 0, len(cumulative) - 1)
        ]

    def chance(self, probability):
        return self.rng.random() < probability

    def made_up_word(self, syllables=2):
        rng = self.rng
        word = "".join(rng.choice(PLACE_SYLLABLES) for _ in range(syllables))
        return word.capitalize()

    def place_name(self):
        rng = self.rng
        return (self.made_up_word(rng.choice((1, 2))) + rng.choice(PLACE_ENDS)).capitalize()

    def vietnamese_name(self):
        rng = self.rng
        surname = self.weighted(VI_SURNAMES, self.vi_surname_weights)
        middle = rng.choice(VI_MIDDLE_NAMES)
        if self.chance(0.15):
            second = rng.choice(VI_MIDDLE_NAMES)
            if second != middle:
                middle += " " + second
        return f"{surname} {middle} {rng.choice(VI_GIVEN_NAMES)}"

    def other_name(self):
        rng = self.rng
        given = rng.choice(GIVEN_STARTS) + rng.choice(GIVEN_ENDS)
        if self.chance(0.15):
            given += " " + rng.choice(GIVEN_STARTS) + rng.choice(GIVEN_ENDS)
        family = rng.choice(FAMILY_STARTS) + rng.choice(FAMILY_MIDDLES) + rng.choice(FAMILY_ENDS)
        return f"{given} {family}"

    def person_name(self, code):
        return self.vietnamese_name() if code == HOME else self.other_name()

    def status(self):
        """A Status, or "scheduled" (published, public from a day after as_of): most are
        published, some in the workflow or withdrawn, a few scheduled."""
        roll = self.rng.random()
        if roll < 0.84:
            return Status.PUBLISHED
        if roll < 0.89:
            return Status.DRAFT
        if roll < 0.93:
            return Status.IN_REVIEW
        if roll < 0.97:
            return Status.UNPUBLISHED
        return "scheduled"

    def publication(self, status, day):
        """status, publish_at, published_at for an item about the day with this ordinal."""
        rng = self.rng
        latest = self.as_of_ordinal
        if status == "scheduled":
            at = _midday(latest + rng.randint(1, 60), rng.randint(6, 20))
            return Status.PUBLISHED, at, at
        if status in (Status.DRAFT, Status.IN_REVIEW):
            return status, None, None
        published = min(_midday(day + rng.choice((0, 0, 1, 1, 2, 3)), rng.randint(6, 22)),
                        _midday(latest))  # fmt: skip
        # A few published items went public on a schedule that has passed.
        publish_at = published if status == Status.PUBLISHED and self.chance(0.03) else None
        return status, publish_at, published

    def random_day(self):
        """A day before as_of, recent years more likely."""
        first, last = self.weighted(self.years, self.year_weights)
        return self.rng.randint(first, last)

    # Countries -------------------------------------------------------------------------

    def setup_countries(self):
        rng = self.rng
        names = {code: name for code, name, _demonyms in self.country_rows}
        self.country_name = names
        self.demonym = {}
        for code, name, demonyms in self.country_rows:
            listed = [line.strip() for line in demonyms.splitlines() if line.strip()]
            self.demonym[code] = listed[0] if listed else name
        leading = [code for code in LEADING_COUNTRIES if code in names]
        rest = [code for code in names if code not in leading]
        rng.shuffle(rest)
        self.ranked = leading + rest
        self.country_weights = _zipf_cumulative(
            len(self.ranked), ZIPF_EXPONENT, HOME_BOOST if self.ranked[0] == HOME else 1.0
        )
        self.cities = {}
        for code in self.ranked:
            if code == HOME:
                self.cities[code] = list(VI_CITIES)
            else:
                self.cities[code] = [self.place_name() for _ in range(rng.randint(1, 4))]
        self.vi_surname_weights = _cumulative([1 / (i + 1) ** 0.9 for i in range(len(VI_SURNAMES))])
        self.first_ordinal = FIRST_DAY.toordinal()
        self.as_of_ordinal = self.as_of.toordinal()
        # (first, last day) of each year, as ordinals, and the weights of the years.
        years = range(FIRST_DAY.year, self.as_of.year + 1)
        self.years = []
        for year in years:
            first = max(datetime.date(year, 1, 1).toordinal(), self.first_ordinal)
            last = min(datetime.date(year, 12, 31).toordinal(), self.as_of_ordinal - 1)
            self.years.append((first, max(first, last)))
        self.year_weights = _cumulative([YEARLY_GROWTH ** (year - years[0]) for year in years])

    def country(self):
        return self.weighted(self.ranked, self.country_weights)

    def city(self, code):
        cities = self.cities[code]
        # The first city (the capital) sees most of the meetings.
        return cities[0] if self.chance(0.6) else self.rng.choice(cities)

    # Outlets and topics ----------------------------------------------------------------

    def create_outlets(self):
        existing = dict(Outlet.objects.values_list("name", "pk"))
        slugs = _Slugs(Outlet.objects.values_list("slug", flat=True))
        self.outlets = []  # [outlet, names of its reporters]
        created = []
        for name in OUTLET_NAMES[: self.sizes.outlets]:
            home = self.country() if self.chance(0.4) else HOME
            reporters = [self.person_name(home) for _ in range(6)]
            if name in existing:
                outlet = Outlet.objects.get(pk=existing[name])
            else:
                slug = slugs.make(name)
                outlet = Outlet(
                    name=name,
                    slug=slug,
                    website=f"https://{slug}.{SYNTHETIC_DOMAIN}/",
                    country_id=home,
                )
                created.append(outlet)
            self.outlets.append([outlet, reporters])
        Outlet.objects.bulk_create(created, batch_size=self.batch_size)
        self.counts["outlets"] = len(created)
        self.outlet_weights = _zipf_cumulative(len(self.outlets), 0.8)
        self.progress("outlets", len(self.outlets), len(self.outlets))

    def create_topics(self):
        names = list(TOPIC_NAMES)
        for qualifier in TOPIC_QUALIFIERS:
            names += [f"{qualifier} {name}" for name in TOPIC_NAMES if name[0].islower()]
        names = names[: self.sizes.topics]
        existing = dict(Topic.objects.filter(name__in=names).values_list("name", "pk"))
        slugs = _Slugs(Topic.objects.values_list("slug", flat=True), max_length=94)
        created = [
            Topic(name=name, slug=slugs.make(name)) for name in names if name not in existing
        ]
        Topic.objects.bulk_create(created, batch_size=self.batch_size)
        pks = existing | {topic.name: topic.pk for topic in created}
        self.topic_names = names
        self.topic_pks = [pks[name] for name in names]
        self.topic_weights = _zipf_cumulative(len(names), 0.9)
        self.topic_indexes = range(len(names))
        self.counts["topics"] = len(created)
        self.progress("topics", len(names), len(names))

    def topics(self, low=0, high=3):
        count = self.rng.choice(range(low, high + 1)) if high > low else low
        chosen = []
        for _ in range(count * 2):
            if len(chosen) >= count or not self.topic_names:
                break
            topic = self.weighted(self.topic_indexes, self.topic_weights)
            if topic not in chosen:
                chosen.append(topic)
        return chosen

    def topic_label(self, topics):
        if topics:
            return self.topic_names[topics[0]]
        return self.rng.choice(TOPIC_NAMES[:20])

    # Organizations ---------------------------------------------------------------------

    def create_organizations(self):
        rng = self.rng
        total = self.sizes.organizations
        # [name, acronym, kind, country, parent index]
        orgs = []
        names = set()

        def add(name, acronym, kind, country=None, parent=None):
            if name in names or len(orgs) >= total:
                return None
            names.add(name)
            orgs.append([name, acronym, kind, country, parent])
            return len(orgs) - 1

        intergovernmental = max(2, round(total * 0.08)) if total else 0
        state = round(total * 0.6)
        self.intergovernmental = []
        attempts = 0
        while len(orgs) < min(intergovernmental, total) and attempts < 10 * total:
            attempts += 1
            if self.intergovernmental and self.chance(0.2):
                parent = rng.choice(self.intergovernmental)
                name = f"{rng.choice(SUB_BODIES)} of the {orgs[parent][0]}"
                add(name, "", Organization.Kind.INTERGOVERNMENTAL, None, parent)
                continue
            name = f"{rng.choice(REGIONS)} {rng.choice(DOMAINS)} {rng.choice(BODIES)}"
            index = add(name, _acronym(name), Organization.Kind.INTERGOVERNMENTAL)
            if index is not None:
                self.intergovernmental.append(index)

        # State bodies: the most followed countries get the most of them.
        self.state_body = {}
        pairs = sorted(
            ((rank + 1) * (body + 1) ** 1.3, rank, body)
            for rank in range(len(self.ranked))
            for body in range(len(STATE_BODIES))
        )
        for _priority, rank, body in pairs[: max(0, min(state, total - len(orgs)))]:
            code = self.ranked[rank]
            label, kind, key = STATE_BODIES[body]
            index = add(f"{label} of {self.country_name[code]}", "", kind, code)
            if index is not None:
                self.state_body[(code, key)] = index

        # The rest: embassies, universities, news agencies, parties, NGOs, companies.
        self.embassy = {}
        attempts = 0
        while len(orgs) < total and attempts < 20 * total:
            attempts += 1
            roll = rng.random()
            code = self.country()
            if roll < 0.3:
                other = self.country()
                if other == code:
                    continue
                name = f"Embassy of {self.country_name[code]} in {self.country_name[other]}"
                index = add(name, "", Organization.Kind.EMBASSY, code)
                if index is not None:
                    self.embassy[(code, other)] = index
            elif roll < 0.45:
                city = self.city(code)
                label = rng.choice(["University of {city}", "{city} Academy of Diplomacy"])
                add(label.format(city=city), "", Organization.Kind.UNIVERSITY, code)
            elif roll < 0.55:
                name = f"{self.made_up_word()} News Agency"
                add(name, _acronym(name), Organization.Kind.NEWS_AGENCY, code)
            elif roll < 0.75:
                name = f"{rng.choice(PARTY_NAMES)} of {self.country_name[code]}"
                add(name, "", Organization.Kind.PARTY, code)
            elif roll < 0.9:
                label = rng.choice(NGO_NAMES)
                name = label.format(domain=rng.choice(DOMAINS), region=rng.choice(REGIONS))
                add(name, "", Organization.Kind.NGO, None)
            else:
                name = f"{self.made_up_word()} {rng.choice(COMPANY_KINDS)} Corporation"
                add(name, "", Organization.Kind.COMPANY, code)

        slugs = _Slugs(Organization.objects.values_list("slug", flat=True))
        objects = []
        for name, acronym, kind, country, _parent in orgs:
            objects.append(
                self.new_organization(
                    name=name,
                    slug=slugs.make(name),
                    acronym=acronym,
                    kind=kind,
                    country_id=country,
                    search_text=fold("\n".join([name, acronym])),
                )
            )
        # Parents first, so their keys are known when the children are written.
        top = [obj for obj, row in zip(objects, orgs, strict=True) if row[4] is None]
        Organization.objects.bulk_create(top, batch_size=self.batch_size)
        for obj, row in zip(objects, orgs, strict=True):
            if row[4] is not None:
                obj.parent_id = objects[row[4]].pk
        children = [obj for obj, row in zip(objects, orgs, strict=True) if row[4] is not None]
        Organization.objects.bulk_create(children, batch_size=self.batch_size)
        self.org_pks = [obj.pk for obj in objects]
        self.org_names = [row[0] for row in orgs]
        self.org_acronyms = [row[1] for row in orgs]
        self.counts["organizations"] = len(objects)
        self.progress("organizations", len(objects), total)

    # People ----------------------------------------------------------------------------

    def create_people(self):
        total = self.sizes.people
        # One person in each country first, most followed countries first, then by weight.
        self.person_country = self.ranked[:total] + [
            self.country() for _ in range(total - min(total, len(self.ranked)))
        ]
        self.person_names = []
        self.person_pks = []
        self.positions = []  # per person: [(start, end or None, title, country, org index)]
        self.people_by_country = {}
        slugs = _Slugs(Person.objects.values_list("slug", flat=True))
        batch = []
        for index, code in enumerate(self.person_country):
            name = self.person_name(code)
            name_ascii = to_ascii(name)
            aliases = ""
            if self.chance(0.08):
                parts = name.split()
                aliases = f"{parts[0][0]}. {parts[-1]}"
            person = self.new_person(
                name=name,
                name_ascii=name_ascii,
                aliases=aliases,
                country_id=code,
                slug=slugs.make(name),
                search_text=fold("\n".join([name, name_ascii, aliases])),
            )
            self.person_names.append(name)
            # The first person of each country always represents it, so every country can
            # have a meeting.
            official = index >= len(self.ranked) and self.intergovernmental and self.chance(0.05)
            self.positions.append(self.career(code, official))
            self.people_by_country.setdefault(code, []).append(index)
            batch.append(person)
            if len(batch) >= self.batch_size or index == total - 1:
                self.write_people(batch)
                batch = []
        self.counts["people"] = total

    def write_people(self, batch):
        Person.objects.bulk_create(batch, batch_size=self.batch_size)
        first = len(self.person_pks)
        self.person_pks += [person.pk for person in batch]
        fromordinal = datetime.date.fromordinal
        positions = [
            self.new_position(
                self.person_pks[index],
                title,
                self.org_pks[org] if org is not None else None,
                country,
                fromordinal(start),
                fromordinal(end) if end is not None else None,
            )
            for index in range(first, len(self.person_pks))
            for start, end, title, country, org in self.positions[index]
        ]
        self.insert("positions", positions)
        self.progress("people", len(self.person_pks), self.sizes.people)

    def career(self, code, official):
        """1-3 consecutive positions, latest first (as Person.positions are ordered)."""
        rng = self.rng
        start = max(self.random_day() - rng.randint(0, 8 * 365), self.first_ordinal - 5 * 365)
        end = start + rng.randint(3 * 365, 24 * 365)
        count = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
        cuts = sorted(rng.sample(range(start + 90, end - 90), count - 1)) if count > 1 else []
        bounds = [start, *cuts, end + 1]
        held = []
        for number in range(count):
            first, last = bounds[number], bounds[number + 1] - 1
            if last >= self.as_of_ordinal:
                last = None
            if official:
                org = rng.choice(self.intergovernmental)
                title = f"{rng.choice(OFFICIAL_POSTS)} of the {self.org_names[org]}"
                held.append((first, last, title, None, org))
            else:
                title, key = self.post()
                other = None
                if "{other}" in title:
                    other = self.country()
                    while other == code:
                        other = self.country()
                    title = title.format(other=self.country_name[other])
                org = self.embassy.get((code, other)) if other else None
                if org is None:
                    org = self.state_body.get((code, key))
                held.append((first, last, title, code, org))
            if last is None:
                break
        held.reverse()
        return held

    def post(self):
        title, key, _weight = self.weighted(POSTS, self.post_weights)
        return title, key

    def position_on(self, person, day):
        for position in self.positions[person]:
            if position[0] <= day and (position[1] is None or position[1] >= day):
                return position
        return None

    def pick(self, code, day, taken, strict=False):
        """(person, title, side) for someone of `code` at a meeting on `day`: someone in
        office then if possible. The title and side are what Participant.save() would fill
        in: the position held on the day, else no title and the person's country. With
        `strict`, the side is `code`."""
        pool = self.people_by_country.get(code)
        if not pool:
            return None
        fallback = None
        for _ in range(6):
            person = pool[self.rng.randrange(len(pool))]
            if person in taken:
                continue
            position = self.position_on(person, day)
            if position is not None:
                if not strict or position[3] == code:
                    return person, position[2], position[3]
            elif fallback is None:
                fallback = person
        if fallback is None and strict:
            for person in pool:
                position = self.position_on(person, day)
                if person not in taken and (position is None or position[3] == code):
                    if position is not None:
                        return person, position[2], position[3]
                    fallback = person
                    break
        if fallback is None:
            return None
        return fallback, "", self.person_country[fallback]

    # Meetings --------------------------------------------------------------------------

    def create_meetings(self):
        rng = self.rng
        total = self.sizes.meetings
        parents = round(total * PARENT_SHARE) if total >= 20 else 0
        children = round(total * CHILD_SHARE) if parents else 0
        # Every country (with someone to represent it) is a side at least once.
        coverage = [code for code in self.ranked if code in self.people_by_country]
        places = rng.sample(range(total), min(total, len(coverage)))
        forced = dict(zip(places, coverage[: len(places)], strict=True))
        self.meetings = []
        slugs = _Slugs(Meeting.objects.values_list("slug", flat=True))
        batch = []
        for index in range(total):
            if index < parents:
                spec = self.parent_meeting(forced.get(index))
            elif index < parents + children:
                spec = self.child_meeting(rng.randrange(parents), forced.get(index))
            else:
                spec = self.meeting(forced.get(index))
            meeting, info, roles = spec
            meeting.slug = slugs.make(meeting.title)
            meeting.search_text = _fold("\n".join([meeting.title, meeting.location_city]))
            batch.append((meeting, info, roles))
            # Parents are written on their own, so children can refer to them.
            if len(batch) >= self.batch_size or index == total - 1 or index == parents - 1:
                self.write_meetings(batch)
                batch = []

    def write_meetings(self, batch):
        Meeting.objects.bulk_create([meeting for meeting, _i, _r in batch], self.batch_size)
        participants, countries, organizations, topics = [], [], [], []
        person_pks, org_pks, topic_pks = self.person_pks, self.org_pks, self.topic_pks
        for meeting, info, roles in batch:
            pk = info.pk = meeting.pk
            self.meetings.append(info)
            participants += [
                self.new_participant(pk, person_pks[person], title, side, role, order)
                for order, (person, title, side, role) in enumerate(
                    zip(info.people, info.titles, info.sides, roles, strict=True)
                )
            ]
            sides = dict.fromkeys(side for side in info.sides if side)
            countries += [self.new_meeting_country(pk, code) for code in sides]
            organizations += [
                self.new_meeting_organization(pk, org_pks[org]) for org in info.organizations
            ]
            topics += [self.new_meeting_topic(pk, topic_pks[topic]) for topic in info.topics]
        self.insert("participants", participants)
        self.insert("meeting_countries", countries)
        self.insert("meeting_organizations", organizations)
        self.insert("meeting_topics", topics)
        self.counts["meetings"] = len(self.meetings)
        self.progress("meetings", len(self.meetings), self.sizes.meetings)

    def sides_for(self, count, first, distinct=2):
        """`count` country codes starting with `first`; at least `distinct` different ones,
        later ones often repeating an earlier one."""
        distinct = min(distinct, len(self.ranked))
        sides = [first]
        while len(sides) < count:
            if len(set(sides)) >= distinct and self.chance(0.35):
                sides.append(self.rng.choice(sides))
            else:
                code = self.country()
                if code not in sides or len(set(sides)) >= distinct:
                    sides.append(code)
        return sides

    def participants(self, codes, day, strict_first=False, first_person=None):
        """People for the codes, with their titles and sides on `day`; a code with nobody
        available is skipped (the first one never is, if someone anywhere is available)."""
        people, titles, sides, taken = [], [], [], set()
        if first_person is not None:
            position = self.position_on(first_person, day)
            chosen = (
                (first_person, position[2], position[3])
                if position
                else (first_person, "", self.person_country[first_person])
            )
            people.append(chosen[0])
            titles.append(chosen[1])
            sides.append(chosen[2])
            taken.add(first_person)
            codes = codes[1:]
        for number, code in enumerate(codes):
            chosen = self.pick(code, day, taken, strict=strict_first and number == 0)
            if chosen is None and not people:
                for _ in range(20):
                    chosen = self.pick(self.country(), day, taken)
                    if chosen:
                        break
            if chosen is None:
                continue
            people.append(chosen[0])
            titles.append(chosen[1])
            sides.append(chosen[2])
            taken.add(chosen[0])
        return people, titles, sides

    def roles(self, kind, sides, host):
        R = Participant.Role
        if kind == K.MULTILATERAL:
            return [R.CHAIR] + [R.PARTICIPANT] * (len(sides) - 1)
        if kind in CALLS or host is None:
            return [R.PARTICIPANT] * len(sides)
        return [R.HOST if side == host else R.GUEST for side in sides]

    def dates(self, day, kind, parent=False):
        """start, end, precision."""
        rng = self.rng
        P = Meeting.Precision
        end = None
        if parent or kind in VISITS or (kind == K.MULTILATERAL and self.chance(0.5)):
            end = day + rng.randint(1, 4 if kind in VISITS else 2)
        if not parent:
            roll = rng.random()
            if roll < 0.03:
                start = datetime.date.fromordinal(day).replace(month=1, day=1)
                return start, None, P.YEAR
            if roll < 0.10:
                start = datetime.date.fromordinal(day).replace(day=1)
                return start, None, P.MONTH
        start = datetime.date.fromordinal(day)
        return start, datetime.date.fromordinal(end) if end else None, P.DAY

    def slots(self, people, sides, host, topics, city, org=None):
        names = self.person_names
        a = names[people[0]] if people else ""
        b = names[people[1]] if len(people) > 1 else a
        c = names[people[2]] if len(people) > 2 else b
        codes = [
            side or self.person_country[person] for side, person in zip(sides, people, strict=True)
        ]
        ca = self.country_name[codes[0]] if codes else ""
        others = [code for code in codes if code != codes[0]]
        if not others and host and codes and host != codes[0]:
            others = [host]
        cb = self.country_name[others[0]] if others else "its partners"
        return {
            "A": a,
            "B": b,
            "C": c,
            "CA": ca,
            "CB": cb,
            "host": self.country_name.get(host, ca),
            "topic": self.topic_label(topics),
            "city": city or ca,
            "org": org or "",
        }

    def finish_meeting(self, kind, title, values, day, people, titles, sides, topics, orgs,
                       where, parent=None, is_parent=False):  # fmt: skip
        """The Meeting, what the articles need of it, and its participants' roles."""
        rng = self.rng
        host, city = where
        start, end, precision = self.dates(day, kind, parent=is_parent)
        if parent is not None:
            start, end, precision = datetime.date.fromordinal(day), None, Meeting.Precision.DAY
        status, publish_at, published_at = self.publication(self.status(), day)
        summary = rng.choice(SUMMARIES).format_map(values) if self.chance(0.7) else ""
        outcomes = ""
        if kind == K.SIGNING or self.chance(0.15):
            outcomes = "\n".join(
                rng.choice(OUTCOMES).format_map(values) for _ in range(rng.randint(1, 3))
            )
        meeting = self.new_meeting(
            title=title[:300],
            kind=kind,
            start_date=start,
            end_date=end,
            date_precision=precision,
            location_city=city,
            location_country_id=host if city else None,
            parent_id=self.meetings[parent].pk if parent is not None else None,
            summary=summary,
            outcomes=outcomes,
            status=status,
            publish_at=publish_at,
            published_at=published_at,
        )
        info = _MeetingInfo(
            pk=0,
            day=start.toordinal(),
            people=people,
            titles=titles,
            sides=sides,
            topics=topics,
            organizations=orgs,
            city=city,
            country=host if city else None,
            parent=parent,
            end=end.toordinal() if end else None,
        )
        return meeting, info, self.roles(kind, sides, host)

    def meeting(self, forced):
        rng = self.rng
        kind, _weight, counts, count_weights = self.weighted(KINDS, self.kind_weights)
        count = rng.choices(counts, weights=count_weights)[0]
        day = self.random_day()
        first = forced or self.country()
        if kind in VISITS:
            host = self.country()
            while host == first and len(self.ranked) > 1:
                host = self.country()
            codes = [first] + [host] * (count - 1)
            if count > 2:
                codes[-1] = self.country()
        else:
            codes = self.sides_for(count, first)
            host = rng.choice(codes[:2])
        people, titles, sides = self.participants(codes, day, strict_first=forced is not None)
        topics = self.topics()
        orgs = []
        org_label = ""
        if kind == K.MULTILATERAL and self.intergovernmental and self.chance(0.5):
            org = rng.choice(self.intergovernmental)
            orgs.append(org)
            org_label = self.org_acronyms[org] or self.org_names[org]
        elif self.chance(0.25):
            for person in people[:2]:
                position = self.position_on(person, day)
                if position and position[4] is not None and position[4] not in orgs:
                    orgs.append(position[4])
        city = "" if kind in CALLS else self.city(host)
        title, topics, values = self.meeting_title(
            kind, people, sides, host, topics, city, org_label
        )
        return self.finish_meeting(
            kind, title, values, day, people, titles, sides, topics, orgs, (host, city)
        )

    def meeting_title(self, kind, people, sides, host, topics, city, org_label):
        templates = TITLES[kind]
        if len(people) < 2:
            templates = SOLO_TITLES.get(kind, templates)
        elif len(people) < 3:
            templates = [t for t in templates if "{C}" not in t] or templates
        if not org_label:
            templates = [t for t in templates if "{org}" not in t] or templates
        template = self.rng.choice(templates)
        if "{topic}" in template and not topics:
            topics = self.topics(1, 1)
        values = self.slots(people, sides, host, topics, city, org_label)
        return template.format_map(values), topics, values

    def parent_meeting(self, forced):
        rng = self.rng
        roll = rng.random()
        if roll < 0.6 and self.intergovernmental:
            kind = K.MULTILATERAL
            # A country that must be included may take one more place.
            count = rng.randint(3, 5 if forced else 6)
        else:
            kind = K.STATE_VISIT if roll < 0.85 else K.OFFICIAL_VISIT
            count = rng.randint(2, 4)
        day = self.random_day()
        first = forced or self.country()
        host = self.country()
        while host == first and len(self.ranked) > 1:
            host = self.country()
        if kind == K.MULTILATERAL:
            codes = [host] + self.sides_for(count - 1, first)
        else:
            codes = [first] + [host] * (count - 1)
        people, titles, sides = self.participants(
            codes, day, strict_first=forced is not None and kind != K.MULTILATERAL
        )
        if forced is not None and kind == K.MULTILATERAL and forced not in sides:
            # The country this meeting must include comes through the second place.
            extra = self.pick(forced, day, set(people), strict=True)
            if extra:
                people.append(extra[0])
                titles.append(extra[1])
                sides.append(extra[2])
        topics = self.topics()
        orgs, values = [], {}
        if kind == K.MULTILATERAL:
            org = rng.choice(self.intergovernmental)
            orgs.append(org)
            values = {
                "org": self.org_acronyms[org] or self.org_names[org],
                "org_name": self.org_names[org],
                "year": datetime.date.fromordinal(day).year,
                "ordinal": rng.choice(ORDINALS),
            }
        city = self.city(host)
        template = rng.choice(PARENT_TITLES[kind])
        if "{topic}" in template and not topics:
            topics = self.topics(1, 1)
        values = self.slots(people, sides, host, topics, city) | values
        return self.finish_meeting(
            kind, template.format_map(values), values, day, people, titles, sides, topics, orgs,
            (host, city), is_parent=True,
        )  # fmt: skip

    def child_meeting(self, parent, forced):
        rng = self.rng
        event = self.meetings[parent]
        kind = rng.choice(CHILD_KINDS)
        span = event.end - event.day if event.end is not None else 0
        day = event.day + rng.randint(0, span)
        count = rng.choice((2, 2, 2, 3, 4))
        first_person = None
        if event.people and forced is None:
            # Someone who took part in the event, and someone from another side of it.
            place = rng.randrange(len(event.people))
            first_person = event.people[place]
            first = event.sides[place] or self.person_country[first_person]
        else:
            first = forced or event.country or self.country()
        others = [c for c in dict.fromkeys([event.country, *event.sides]) if c and c != first]
        second = rng.choice(others) if others else self.country()
        codes = [first, second] + [self.country() for _ in range(count - 2)]
        people, titles, sides = self.participants(
            codes, day, strict_first=forced is not None, first_person=first_person
        )
        topics = [t for t in event.topics if self.chance(0.7)] or self.topics(0, 2)
        host, city = event.country, event.city
        title, topics, values = self.meeting_title(kind, people, sides, host, topics, city, "")
        return self.finish_meeting(
            kind, title, values, day, people, titles, sides, topics, list(event.organizations),
            (host, city), parent=parent,
        )  # fmt: skip

    # Articles --------------------------------------------------------------------------

    def create_articles(self):
        rng = self.rng
        total = self.sizes.articles
        slugs = _Slugs(Article.objects.values_list("slug", flat=True))
        batch = []
        for index in range(total):
            if self.meetings and self.chance(0.75):
                article, links = self.meeting_article(rng.randrange(len(self.meetings)))
            else:
                article, links = self.standalone_article()
            article.slug = slugs.make(article.headline)
            outlet, reporters = self.weighted(self.outlets, self.outlet_weights)
            article.outlet_id = outlet.pk
            article.byline = rng.choice(reporters)
            day = article.published_on
            article.source_url = (
                f"{outlet.website}{day.year}/{day.month:02d}/{article.slug}"
                if outlet.website
                else ""
            )
            article.search_text = _fold(
                "\n".join([article.headline, article.standfirst, article.body])
            )
            batch.append((article, links))
            if len(batch) >= self.batch_size or index == total - 1:
                self.write_articles(batch)
                batch = []

    def write_articles(self, batch):
        Article.objects.bulk_create([article for article, _links in batch], self.batch_size)
        meetings, countries, people, organizations, topics = [], [], [], [], []
        person_pks, org_pks, topic_pks = self.person_pks, self.org_pks, self.topic_pks
        for article, links in batch:
            pk = article.pk
            reported, codes, persons, orgs, tags = links
            meetings += [self.new_article_meeting(pk, self.meetings[m].pk) for m in reported]
            countries += [self.new_article_country(pk, code) for code in codes]
            people += [self.new_article_person(pk, person_pks[p]) for p in persons]
            organizations += [self.new_article_organization(pk, org_pks[o]) for o in orgs]
            topics += [self.new_article_topic(pk, topic_pks[t]) for t in tags]
        self.insert("article_meetings", meetings)
        self.insert("article_countries", countries)
        self.insert("article_people", people)
        self.insert("article_organizations", organizations)
        self.insert("article_topics", topics)
        self.counts["articles"] = self.counts.get("articles", 0) + len(batch)
        self.progress("articles", self.counts["articles"], self.sizes.articles)

    def article_values(self, people, titles, sides, topics, city, day, codes):
        rng = self.rng
        values = self.slots(people, sides, codes[0] if codes else None, topics, city)
        names = self.person_names
        a_title = titles[0] if titles else ""
        b_title = titles[1] if len(titles) > 1 else ""
        code_a = codes[0] if codes else self.country()
        code_b = codes[1] if len(codes) > 1 else self.country()
        second_topic = self.topic_label(topics[1:]) if len(topics) > 1 else self.topic_label([])
        cities = self.cities.get(code_b) or [values["city"]]
        if not people:
            values["A"] = f"officials from {self.country_name[code_a]}"
        if len(people) < 2:
            values["B"] = f"officials from {self.country_name[code_b]}"
        values.update(
            CA=self.country_name[code_a],
            CB=self.country_name[code_b],
            DA=self.demonym[code_a],
            DB=self.demonym[code_b],
            date=_long_date(datetime.date.fromordinal(day)),
            date_end=_long_date(datetime.date.fromordinal(day + rng.randint(1, 3))),
            topic2=second_topic,
            year=datetime.date.fromordinal(day).year,
            year2=datetime.date.fromordinal(day).year + rng.randint(1, 5),
            n=rng.randint(2, 90),
            small=rng.randint(2, 11),
            pct=rng.randint(2, 40),
            project=f"{self.place_name()} {rng.choice(PROJECT_KINDS)}",
            city2=rng.choice(cities),
        )
        values["topic_cap"] = values["topic"][:1].upper() + values["topic"][1:]
        if len(people) > 1 and names[people[0]] == names[people[1]]:
            values["B"] = f"{values['B']} of {values['CB']}"
        # A name after the title held then, if any: "Minister of Trade Lê Văn An".
        values["FA"] = f"{a_title} {values['A']}" if a_title else values["A"]
        values["FB"] = f"{b_title} {values['B']}" if b_title and len(people) > 1 else values["B"]
        return values

    def body(self, values, leads):
        """A lead, two to four paragraphs of two or three sentences, a closing line."""
        rng = self.rng
        sentence = self.sentence
        paragraphs = [sentence(rng.choice(leads), values)]
        sentences = rng.sample(SENTENCES, 12)
        for _ in range(rng.randint(2, 4)):
            take = rng.randint(2, 3)
            paragraphs.append(" ".join(sentence(s, values) for s in sentences[:take]))
            sentences = sentences[take:]
        paragraphs.append(sentence(rng.choice(CLOSINGS), values))
        return "\n\n".join(paragraphs)

    def sentence(self, template, values):
        """The template filled in, with a capital first letter ("officials from ...")."""
        text = template.format_map(values)
        return text[:1].upper() + text[1:]

    def meeting_article(self, index):
        rng = self.rng
        meeting = self.meetings[index]
        reported = [index]
        if meeting.parent is not None and self.chance(0.5):
            reported.append(meeting.parent)
        codes = list(dict.fromkeys(side for side in meeting.sides if side))
        if meeting.country and meeting.country not in codes and self.chance(0.5):
            codes.append(meeting.country)
        day = min(meeting.day + rng.choice((0, 0, 1, 1, 2, 3)), self.as_of_ordinal - 1)
        values = self.article_values(
            meeting.people, meeting.titles, meeting.sides, meeting.topics, meeting.city, day, codes
        )
        headlines = HEADLINES if len(meeting.people) > 1 else SOLO_HEADLINES
        article = self.article(headlines, STANDFIRSTS, LEADS, values, day)
        topics = meeting.topics or self.topics(0, 2)
        links = (reported, codes, list(meeting.people), list(meeting.organizations), topics)
        return article, links

    def standalone_article(self):
        first = self.country()
        second = self.country()
        codes = list(dict.fromkeys([first, second]))
        day = self.random_day()
        people = []
        for code in codes:
            if self.chance(0.5):
                chosen = self.pick(code, day, set(people))
                if chosen:
                    people.append(chosen[0])
        titles = [self.position_on(p, day)[2] if self.position_on(p, day) else "" for p in people]
        sides = [self.person_country[p] for p in people]
        topics = self.topics(1, 3)
        city = self.city(first)
        values = self.article_values(people, titles, sides, topics, city, day, codes)
        values["CA"], values["CB"] = self.country_name[first], self.country_name[second]
        article = self.article(
            STANDALONE_HEADLINES, STANDALONE_STANDFIRSTS, STANDALONE_LEADS, values, day
        )
        orgs = []
        if self.org_pks and self.chance(0.3):
            orgs.append(self.rng.randrange(len(self.org_pks)))
        return article, ([], codes, people, orgs, topics)

    def article(self, headlines, standfirsts, leads, values, day):
        rng = self.rng
        status, publish_at, published_at = self.publication(self.status(), day)
        headline = self.sentence(rng.choice(headlines), values)[:300]
        return self.new_article(
            headline=headline,
            standfirst=self.sentence(rng.choice(standfirsts), values),
            body=self.body(values, leads),
            published_on=datetime.date.fromordinal(day),
            status=status,
            publish_at=publish_at,
            published_at=published_at,
        )

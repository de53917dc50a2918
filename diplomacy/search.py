"""Site search across published meetings and articles and public people and organizations.

Every searchable row keeps `search_text`: its words folded to lower-case ASCII by
`diplomacy.text.fold`. The query is folded the same way, so "to lam" finds Tô Lâm and
"viet nam" finds Việt Nam.

- PostgreSQL: full-text search over that column with the "simple" configuration (no stemming,
  no stop words: "to" in "to lam" is a name, not a stop word). A query of plain words also
  matches prefixes of its last word ("nguy" finds Nguyễn); any other query is read as a web
  search ("quoted phrase", -excluded, or). The GIN indexes of migration 0004 serve the match:
  they index exactly the expression `vector()` builds.
- Elsewhere (SQLite): every word of the query must occur in the column.

Either way, rows whose title (or name) holds every word come first, then the best ranked
(PostgreSQL), then the newest.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchConfig,
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connections, models
from django.db.models import Case, F, Func, Q, Value, When, Window
from django.db.models.functions import Length, StrIndex
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from diplomacy.models import Meeting, Organization, Participant, Person
from diplomacy.text import fold
from diplomacy.views import paginate

MAX_QUERY_LENGTH = 200
# Words past this many are ignored: each one adds conditions to every query.
MAX_WORDS = 12
MAX_TOKENS = 16
# Rows per group when all types are shown, and per page when one type is.
GROUP_LIMIT = 10
PER_PAGE = 20
# The text-search configuration: the column is already folded, so no dictionary is needed.
CONFIG = "simple"
TOKEN = re.compile(r"[a-z0-9]+")


class SearchType(models.TextChoices):
    ALL = "all", _("Everything")
    MEETINGS = "meetings", _("Meetings")
    ARTICLES = "articles", _("Articles")
    PEOPLE = "people", _("People")
    ORGANIZATIONS = "organizations", _("Organizations")


@dataclass
class Group:
    """One type's results: the rows shown, how many match in all, where to see the rest."""

    type: SearchType
    rows: list
    total: int
    more_url: str = ""
    more_label: str = ""

    @property
    def label(self):
        return self.type.label


def clean_query(raw):
    """The query as typed, for display: at most 200 characters, control characters (NUL
    above all) removed, runs of spaces collapsed."""
    text = "".join(ch for ch in raw[:MAX_QUERY_LENGTH] if ch.isprintable() or ch.isspace())
    return " ".join(text.split())


@dataclass(frozen=True)
class Terms:
    """A folded query: its words as typed (for PostgreSQL's parser, which reads quotes,
    minus signs and `or`) and the letter-and-digit runs in them (for substring matching).
    "covid-19 <b>" has the words ["covid-19", "<b>"] and the tokens ["covid", "19", "b"]."""

    words: tuple
    tokens: tuple

    @classmethod
    def from_query(cls, query):
        words = tuple(fold(query).split()[:MAX_WORDS])
        return cls(words, tuple(TOKEN.findall(" ".join(words)))[:MAX_TOKENS])

    @property
    def plain(self):
        """Only letters and digits, and no `or`: the words can be put in a raw tsquery."""
        return self.words == self.tokens and "or" not in self.words


def is_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def vector(field="search_text"):
    """to_tsvector('simple'::regconfig, <field>): the expression the GIN indexes hold."""
    return Func(
        SearchConfig(CONFIG), F(field), function="to_tsvector", output_field=SearchVectorField()
    )


def text_query(terms):
    """A tsquery. Plain words become `w1 & w2 & last:*` (letters and digits only, so the
    raw syntax is safe); anything else goes through websearch_to_tsquery, which never raises
    a syntax error."""
    if terms.plain:
        raw = " & ".join([*terms.words[:-1], f"{terms.words[-1]}:*"])
        return SearchQuery(raw, config=CONFIG, search_type="raw")
    return SearchQuery(" ".join(terms.words), config=CONFIG, search_type="websearch")


def text_match(field, terms, postgresql):
    """A condition: the folded text in `field` matches the query."""
    if postgresql:
        return Q(SearchVectorExact(vector(field), text_query(terms)))
    return Q(*[Q(**{f"{field}__contains": token}) for token in terms.tokens])


def title_hit(title_field, terms):
    """1 when every token occurs within the title's length at the start of search_text, which
    begins with the folded title (or name); 0 otherwise. Approximate, for ordering only."""
    condition = Q()
    for token in terms.tokens:
        position = StrIndex("search_text", Value(token))
        condition &= Q(GreaterThan(position, 0)) & Q(LessThanOrEqual(position, Length(title_field)))
    return Case(When(condition, then=Value(1)), default=Value(0))


def ranked(queryset, terms, title_field, match=None, then=()):
    """`queryset` narrowed to rows matching `terms` (or `match` if given), best first."""
    postgresql = is_postgresql(queryset)
    if match is None:
        match = text_match("search_text", terms, postgresql)
    queryset = queryset.filter(match).annotate(search_title_hit=title_hit(title_field, terms))
    order = [F("search_title_hit").desc()]
    if postgresql:
        queryset = queryset.annotate(search_rank=SearchRank(vector(), text_query(terms)))
        order.append(F("search_rank").desc())
    return queryset.order_by(*order, *then)


def find_meetings(terms):
    meetings = Meeting.objects.published()
    postgresql = is_postgresql(meetings)
    # A meeting matches by its own text or by a participant's name ("to lam" finds his
    # meetings). Two IN subqueries rather than one OR, so each can use its GIN index.
    by_text = Meeting.objects.filter(text_match("search_text", terms, postgresql))
    by_participant = Participant.objects.filter(
        text_match("person__search_text", terms, postgresql)
    )
    return ranked(
        meetings,
        terms,
        "title",
        match=Q(pk__in=by_text.values("pk")) | Q(pk__in=by_participant.values("meeting_id")),
        then=[F("start_date").desc(nulls_last=True), "-id"],
    ).for_list()


def find_articles(terms):
    return ranked(
        Article.objects.published(),
        terms,
        "headline",
        then=[F("published_on").desc(nulls_last=True), "-id"],
    ).for_list()


def find_people(terms):
    people = Person.objects.public().select_related("country")
    return ranked(people, terms, "name", then=["name", "id"])


def find_organizations(terms):
    organizations = Organization.objects.public().select_related("country")
    return ranked(organizations, terms, "name", then=["name", "id"])


FINDERS = {
    SearchType.MEETINGS: find_meetings,
    SearchType.ARTICLES: find_articles,
    SearchType.PEOPLE: find_people,
    SearchType.ORGANIZATIONS: find_organizations,
}

# Where "see all" leads: the type's own list, searched the same way, when it has a search.
LIST_URLS = {
    SearchType.MEETINGS: "meeting_list",
    SearchType.ARTICLES: "article_list",
    SearchType.PEOPLE: "person_list",
}

MORE_LABELS = {
    SearchType.MEETINGS: _("All matching meetings"),
    SearchType.ARTICLES: _("All matching articles"),
    SearchType.PEOPLE: _("All matching people"),
    SearchType.ORGANIZATIONS: _("All matching organizations"),
}


def more_url(search_type, query):
    if search_type in LIST_URLS:
        return f"{reverse(LIST_URLS[search_type])}?{urlencode({'q': query})}"
    return f"{reverse('search')}?{urlencode({'q': query, 'type': search_type.value})}"


def first_rows(queryset):
    """The first GROUP_LIMIT rows and the number of all matches, in one query: the window
    count is computed over every matching row before the LIMIT applies."""
    rows = list(queryset.annotate(search_total=Window(models.Count("pk")))[:GROUP_LIMIT])
    return rows, (rows[0].search_total if rows else 0)


def search(request):
    query = clean_query(request.GET.get("q", ""))
    search_type = request.GET.get("type", SearchType.ALL)
    if search_type not in SearchType.values:
        search_type = SearchType.ALL
    search_type = SearchType(search_type)
    terms = Terms.from_query(query)
    context = {
        "query": query,
        "search_type": search_type,
        "search_types": SearchType.choices,
        "groups": [],
        "total": 0,
        "page": None,
    }
    if not query:
        return render(request, "search/results.html", context)
    # Punctuation alone ("!!!", "<>") matches nothing worth showing; no query is run.
    searchable = bool(terms.tokens)
    if search_type == SearchType.ALL:
        for kind, find in FINDERS.items():
            rows, total = first_rows(find(terms)) if searchable else ([], 0)
            context["groups"].append(
                Group(kind, rows, total, more_url(kind, query), MORE_LABELS[kind])
            )
    else:
        queryset = FINDERS[search_type](terms) if searchable else []
        page = paginate(request, queryset, PER_PAGE)
        context["page"] = page
        context["groups"].append(Group(search_type, page.object_list, page.paginator.count))
    context["total"] = sum(group.total for group in context["groups"])
    return render(request, "search/results.html", context)

"""Public pages of the meeting record. Only published meetings and articles appear here."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from articles.models import Article
from diplomacy import stats
from diplomacy.caching import prefetch_uncached_rows, remembered
from diplomacy.canonical import absolute_url
from diplomacy.charts import bar_chart, fill_years
from diplomacy.filters import active_filters, filter_meetings, query_with, query_without
from diplomacy.models import (
    Country,
    Meeting,
    Organization,
    Participant,
    Person,
    public_prefetch,
)
from diplomacy.seo import jsonld_script, meeting_event

# How many meetings a person, country or organization page lists before linking to the
# filtered meeting list for the rest.
RECENT_LIMIT = 20
SUGGEST_LIMIT = 10
# Meetings a person or country-pair timeline shows before linking to the list for the rest.
PAIR_LIMIT = 300


class KnownCountPaginator(Paginator):
    """A paginator told the number of rows, so it runs no COUNT query of its own."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        # Paginator.count is a cached_property: a value in the instance's __dict__ is used.
        self.__dict__["count"] = count


def paginate(request, queryset, per_page, count=None):
    """The requested page; junk goes to page 1 and a number past the end to the last page."""
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = KnownCountPaginator(queryset, per_page, count)
    return paginator.get_page(request.GET.get("page"))


def home(request):
    meetings = Meeting.objects.published().for_list().newest_first()[:10]
    articles = Article.objects.published().for_list().newest_first()[:6]
    return render(request, "diplomacy/home.html", {"meetings": meetings, "articles": articles})


def meeting_list(request):
    filterset, meetings = filter_meetings(request.GET)
    summary = stats.list_summary(request.GET, meetings)
    rows = meetings.select_related("location_country")
    page = paginate(request, rows, settings.MEETINGS_PER_PAGE, summary.count)
    context = {
        "filter": filterset,
        "page": page,
        "meetings": prefetch_uncached_rows(list(page.object_list), get_language()),
        "chips": active_filters(filterset),
        # The filter form and the facets: a fragment cached per filter, sort and language
        # (`sidebar_key`); the facet links are built only when it is rendered.
        "sidebar_key": query_without(request.GET, "page"),
        "facets": SimpleLazyObject(
            lambda: meeting_facets(request.GET, summary) if summary.count else None
        ),
    }
    return render(request, "diplomacy/meeting_list.html", context)


def meeting_facets(params, summary):
    """Counts beside the filters, each a link that narrows the list to it."""
    match_all = {"country_match": "all"} if params.getlist("country") else {}
    kind_labels = dict(Meeting.Kind.choices)
    return {
        # A country facet narrows: with countries chosen already, all of them must match.
        "countries": [
            (country, count, query_with(params, country=[country.pk], **match_all))
            for country, count in summary.countries
        ],
        "kinds": [
            (kind_labels.get(kind, kind), count, query_with(params, kind=kind))
            for kind, count in summary.kinds
        ],
        "years": [
            (year, count, query_with(params, date_from=f"{year}-01-01", date_to=f"{year}-12-31"))
            for year, count in reversed(summary.years)
        ],
    }


def meeting_detail(request, slug, year=None, month=None, day=None):
    meeting = get_object_or_404(Meeting.objects.published().for_detail(), slug=slug)
    # One canonical address per meeting: a wrong or missing date in the URL redirects.
    if request.path != meeting.get_absolute_url():
        return redirect(meeting, permanent=True)
    context = {
        "meeting": meeting,
        "parent": meeting.parent if meeting.parent and meeting.parent.is_published else None,
        "sideline_meetings": meeting.children.published().for_list().newest_first(),
        "articles": meeting.articles.published().for_list().newest_first(),
        "jsonld": jsonld_script(meeting_event(meeting)),
        "canonical_url": absolute_url(meeting.get_absolute_url()),
    }
    return render(request, "diplomacy/meeting_detail.html", context)


def person_list(request):
    people = Person.objects.listed().select_related("country")
    query = request.GET.get("q", "")[:200]
    if query:
        people = people.search(query)
    page = paginate(request, people, 50)
    return render(request, "diplomacy/person_list.html", {"page": page, "query": query})


def person_detail(request, slug):
    person = get_object_or_404(
        Person.objects.public()
        .select_related("country")
        .prefetch_related(
            public_prefetch("positions__organization", Organization), "positions__country"
        ),
        slug=slug,
    )
    meetings = Meeting.objects.published().with_person(person)

    def compute():
        shown = list(meetings.for_list().newest_first()[:PAIR_LIMIT])
        return {
            "timeline": stats.timeline(shown),
            "meeting_count": meetings.count(),
            "shown_count": len(shown),
            "counterparts": stats.counterpart_people(meetings, exclude_person=person),
            "countries": stats.per_country(meetings, exclude=[person.country_id], limit=10),
        }

    context = {
        "person": person,
        **remembered("person-page", person.pk, compute),
        "articles": person.articles.published().for_list().newest_first()[:RECENT_LIMIT],
    }
    return render(request, "diplomacy/person_detail.html", context)


def country_list(request):
    # One count per country over the published meetings (so scheduled ones stay uncounted
    # until they are out), in one grouped query kept for the generation, rather than a
    # subquery per country.
    def compute():
        return dict(stats.per_country_code(Meeting.objects.published()))

    counts = remembered("country-list", None, compute)
    countries = list(Country.objects.all())
    for country in countries:
        country.meeting_count = counts.get(country.code)
    return render(request, "diplomacy/country_list.html", {"countries": countries})


def get_country(code):
    """The country for a code in a URL; 404 for anything but two ASCII letters of a country."""
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise Http404("No such country")
    return get_object_or_404(Country, code=code.upper())


def country_detail(request, code):
    country = get_country(code)
    if code != code.lower():
        return redirect(country, permanent=True)
    meetings = Meeting.objects.published().with_country(country)

    def compute():
        # The country's people who took part in its published meetings (public by that).
        took_part = Participant.objects.filter(meeting__in=meetings, person__country=country)
        people = Person.objects.filter(pk__in=took_part.values("person_id"))
        return {
            "meeting_count": meetings.count(),
            "per_year": stats.per_year(meetings),
            "counterparts": stats.per_country(meetings, exclude=[country.pk], limit=15),
            "counterpart_people": stats.counterpart_people(meetings, exclude_country=country),
            "visits": stats.visits(meetings, country),
            "people": list(people[:50]),
        }

    summary = remembered("country-page", country.pk, compute)
    context = {
        "country": country,
        "meetings": meetings.for_list().newest_first()[:RECENT_LIMIT],
        "chart": bar_chart(fill_years(summary["per_year"])),
        **summary,
        "articles": country.articles.published().for_list().newest_first()[:RECENT_LIMIT],
    }
    return render(request, "diplomacy/country_detail.html", context)


def country_pair(request, code, other):
    country, partner = get_country(code), get_country(other)
    if country == partner:
        return redirect(country, permanent=True)
    if (code, other) != (code.lower(), other.lower()):
        return redirect("country_pair", code.lower(), other.lower(), permanent=True)
    meetings = (
        Meeting.objects.published().with_country(country).with_country(partner).newest_first()
    )

    def compute():
        timeline = stats.timeline(list(meetings.for_list()[:PAIR_LIMIT]))
        levels_by_year, levels = stats.level_table(timeline)
        return {
            "meeting_count": meetings.count(),
            "timeline": timeline,
            "level_keys": levels,
            "levels_by_year": levels_by_year,
            "per_year": stats.per_year(meetings),
            "first": meetings.filter(start_date__isnull=False).oldest_first().first(),
            "latest": meetings.filter(start_date__isnull=False).first(),
        }

    summary = remembered("country-pair", (country.pk, partner.pk), compute)
    context = {
        "country": country,
        "partner": partner,
        **summary,
        "levels": [stats.Level.LABELS[level] for level in summary["level_keys"]],
        "chart": bar_chart(fill_years(summary["per_year"])),
        "list_query": f"country={country.code}&country={partner.code}&country_match=all",
    }
    return render(request, "diplomacy/country_pair.html", context)


def organization_list(request):
    organizations = Organization.objects.listed().select_related("country")
    return render(request, "diplomacy/organization_list.html", {"organizations": organizations})


def organization_detail(request, slug):
    organization = get_object_or_404(
        Organization.objects.public()
        .select_related("country")
        .prefetch_related(public_prefetch("parent", Organization)),
        slug=slug,
    )
    meetings = Meeting.objects.published().with_organization(organization)
    context = {
        "organization": organization,
        "meetings": meetings.for_list().newest_first()[:RECENT_LIMIT],
        "meeting_count": meetings.count(),
        "articles": organization.articles.published().for_list().newest_first()[:RECENT_LIMIT],
    }
    return render(request, "diplomacy/organization_detail.html", context)


def suggest(queryset, request):
    query = request.GET.get("q", "")[:100]
    rows = queryset.search(query).select_related("country")[:SUGGEST_LIMIT] if query else []
    return JsonResponse(
        {
            "results": [
                {
                    "slug": row.slug,
                    "name": str(row),
                    "country": row.country.name if row.country else "",
                }
                for row in rows
            ]
        }
    )


def person_suggest(request):
    """Names for the person filter's suggestion list, as the reader types."""
    return suggest(Person.objects.public(), request)


def organization_suggest(request):
    return suggest(Organization.objects.public(), request)

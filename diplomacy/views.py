"""Public pages of the meeting record. Only published meetings and articles appear here."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from articles.models import Article
from diplomacy.filters import filter_meetings
from diplomacy.models import Country, Meeting, Organization, Person, Status

# How many meetings a person, country or organization page lists before linking to the
# filtered meeting list for the rest.
RECENT_LIMIT = 20
SUGGEST_LIMIT = 10


def paginate(request, queryset, per_page):
    """The requested page; junk goes to page 1 and a number past the end to the last page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def home(request):
    meetings = Meeting.objects.published().for_list().newest_first()[:10]
    articles = Article.objects.published().for_list().newest_first()[:6]
    return render(request, "diplomacy/home.html", {"meetings": meetings, "articles": articles})


def meeting_list(request):
    filterset, meetings = filter_meetings(request.GET)
    meetings = meetings.for_list()
    page = paginate(request, meetings, settings.MEETINGS_PER_PAGE)
    return render(
        request,
        "diplomacy/meeting_list.html",
        {"filter": filterset, "page": page, "meetings": page.object_list},
    )


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
    }
    return render(request, "diplomacy/meeting_detail.html", context)


def person_list(request):
    people = Person.objects.public().select_related("country")
    query = request.GET.get("q", "")[:200]
    if query:
        people = people.search(query)
    page = paginate(request, people, 50)
    return render(request, "diplomacy/person_list.html", {"page": page, "query": query})


def person_detail(request, slug):
    person = get_object_or_404(
        Person.objects.public()
        .select_related("country")
        .prefetch_related("positions__organization", "positions__country"),
        slug=slug,
    )
    meetings = Meeting.objects.published().with_person(person)
    context = {
        "person": person,
        "meetings": meetings.for_list().newest_first()[:RECENT_LIMIT],
        "meeting_count": meetings.count(),
        "articles": person.articles.published().for_list().newest_first()[:RECENT_LIMIT],
    }
    return render(request, "diplomacy/person_detail.html", context)


def country_list(request):
    countries = Country.objects.annotate(
        meeting_count=Count("meetings", filter=Q(meetings__status=Status.PUBLISHED))
    )
    return render(request, "diplomacy/country_list.html", {"countries": countries})


def country_detail(request, code):
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise Http404("No such country")
    country = get_object_or_404(Country, code=code.upper())
    if code != code.lower():
        return redirect(country, permanent=True)
    meetings = Meeting.objects.published().with_country(country)
    people = (
        Person.objects.public()
        .filter(country=country)
        .filter(Exists(meetings.filter(participants__person=OuterRef("pk"))))
    )
    context = {
        "country": country,
        "meetings": meetings.for_list().newest_first()[:RECENT_LIMIT],
        "meeting_count": meetings.count(),
        "people": people[:50],
        "articles": country.articles.published().for_list().newest_first()[:RECENT_LIMIT],
    }
    return render(request, "diplomacy/country_detail.html", context)


def organization_list(request):
    organizations = Organization.objects.public().select_related("country")
    return render(request, "diplomacy/organization_list.html", {"organizations": organizations})


def organization_detail(request, slug):
    organization = get_object_or_404(
        Organization.objects.public().select_related("country", "parent"), slug=slug
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


def country_pair(request, code, other):
    raise Http404("Not yet")

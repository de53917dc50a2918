"""The sitemap and robots.txt: every public page, never a draft or a private entity.

Every address in them is absolute and starts with the canonical SITE_URL
(diplomacy/canonical.py), whatever Host header the request carried.
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from articles.models import Article
from diplomacy.canonical import absolute_url, site_domain, site_scheme
from diplomacy.models import Country, Meeting, Organization, Person


class CanonicalSitemap(Sitemap):
    """A sitemap whose addresses start with SITE_URL, not with the request's host."""

    def get_protocol(self, protocol=None):
        return site_scheme()

    def get_domain(self, site=None):
        return site_domain()


class MeetingSitemap(CanonicalSitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Meeting.objects.published().only("id", "slug", "start_date", "updated").order_by("id")
        )

    def lastmod(self, meeting):
        return meeting.updated


class ArticleSitemap(CanonicalSitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().only("id", "slug", "updated").order_by("id")

    def lastmod(self, article):
        return article.updated


# People, organizations and countries have no lastmod: their pages change whenever a meeting
# or article about them is published, which their own `updated` does not record.


class PersonSitemap(CanonicalSitemap):
    changefreq = "weekly"

    def items(self):
        return Person.objects.public().only("id", "slug").order_by("id")


class OrganizationSitemap(CanonicalSitemap):
    changefreq = "weekly"

    def items(self):
        return Organization.objects.public().only("id", "slug").order_by("id")


class CountrySitemap(CanonicalSitemap):
    changefreq = "weekly"

    def items(self):
        published = Meeting.objects.published().filter(countries=OuterRef("pk"))
        return Country.objects.filter(Exists(published)).only("code").order_by("code")


class StaticSitemap(CanonicalSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "home",
            "meeting_list",
            "person_list",
            "country_list",
            "organization_list",
            "article_list",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": StaticSitemap,
    "meetings": MeetingSitemap,
    "articles": ArticleSitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
    "countries": CountrySitemap,
}


@x_robots_tag
def sitemap_index(request, sitemaps):
    """The index of the section sitemaps (one sitemap holds at most 50,000 addresses), with
    canonical addresses: Django's own index view takes the host from the request."""
    items = []
    for section, sitemap_class in sitemaps.items():
        sitemap = sitemap_class()
        location = absolute_url(
            reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": section})
        )
        lastmod = sitemap.get_latest_lastmod()
        items.append(SitemapIndexItem(location, lastmod))
        for page in range(2, sitemap.paginator.num_pages + 1):
            items.append(SitemapIndexItem(f"{location}?p={page}", lastmod))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )


# Crawlers skip the exports and the calendar: they repeat the list pages' content, and each
# query string is a new, possibly large file (a CSV of every meeting). The feeds stay open:
# they are small and let search engines find new meetings. The suggestion endpoints are JSON
# for the filter form.
ROBOTS_DISALLOWED_URLS = [
    "meeting_export_csv",
    "meeting_export_json",
    "meeting_calendar",
    "person_suggest",
    "organization_suggest",
]
DEFAULT_ADMIN_PATH = "admin/"


@require_safe
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    from diplomacy.urls import ADMIN_PATH  # diplomacy.urls imports this module

    disallowed = [reverse(name) for name in ROBOTS_DISALLOWED_URLS]
    # A moved admin is meant to be hard to find; robots.txt would publish its address, and no
    # public page links to it, so only the well-known default is listed.
    if ADMIN_PATH == DEFAULT_ADMIN_PATH:
        disallowed.insert(0, get_script_prefix() + ADMIN_PATH)
    lines = [
        "User-agent: *",
        "Allow: /",
        *(f"Disallow: {path}" for path in disallowed),
        "",
        f"Sitemap: {absolute_url(reverse('sitemap_index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

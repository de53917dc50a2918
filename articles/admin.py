"""The editors' tool for articles and outlets, with entity suggestions on the article page."""

import re
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, F
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from articles.admin_actions import ArticleActionsMixin
from articles.admin_drafts import MeetingDraftsMixin
from articles.models import Article, Outlet
from articles.rendering import snippet
from diplomacy.admin import (
    EditorialAdminMixin,
    FoldedSearchMixin,
    HistoryAdminMixin,
    ListPrefetchMixin,
    OptionalSlugMixin,
    PublishableAdminMixin,
    VersionedAdminMixin,
)
from diplomacy.admin_revisions import RevisionAdminMixin
from diplomacy.admin_sources import ArticleSourcesMixin
from diplomacy.models import Country, Organization, Person
from diplomacy.suggest import COUNTRY, ORGANIZATION, PERSON, suggest_for_article

# Addresses typed without a scheme are taken as https.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Outlet)
class OutletAdmin(FoldedSearchMixin, OptionalSlugMixin, HistoryAdminMixin, SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "website", "country", "article_count"]
    list_select_related = ["country"]
    search_fields = ["name", "slug", "website"]
    # Outlet slugs are ASCII transliterations of the name.
    folded_search_fields = ("slug",)
    ordering = ["name"]
    fields = ["name", "slug", "website", "country"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


# Entity suggestions --------------------------------------------------------------------

# Entity kind -> the article's many-to-many field, which is also the checkbox name.
TAG_FIELDS = {COUNTRY: "countries", PERSON: "people", ORGANIZATION: "organizations"}
MODELS = {COUNTRY: Country, PERSON: Person, ORGANIZATION: Organization}
KIND_LABELS = {COUNTRY: _("country"), PERSON: _("person"), ORGANIZATION: _("organization")}
GROUP_TITLES = {COUNTRY: _("Countries"), PERSON: _("People"), ORGANIZATION: _("Organizations")}
COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")


def entity_admin_url(kind, key):
    model = MODELS[kind]
    return reverse(f"admin:diplomacy_{model._meta.model_name}_change", args=[key])


def parse_keys(kind, values):
    """Well-formed keys only: two-letter country codes, integer primary keys."""
    if kind == COUNTRY:
        return {value.upper() for value in values if COUNTRY_CODE.match(value)}
    return {int(value) for value in values if value.isascii() and value.isdigit()}


def tagged_keys(article):
    """The keys of what is tagged on the article: one query per kind."""
    return {
        kind: set(getattr(article, field).values_list("pk", flat=True))
        for kind, field in TAG_FIELDS.items()
    }


def mention_snippet(texts, mentions):
    if not mentions:
        return ""
    first = mentions[0]
    return snippet(texts.get(first.field, ""), first.start, first.end)


def option_details(ambiguities):
    """What tells apart the entities sharing a name: {(kind, key): "Vietnam, Minister of ..."}.
    One query per kind, only when some name is ambiguous."""
    keys = {kind: set() for kind in TAG_FIELDS}
    for ambiguity in ambiguities:
        for kind, key, _label in ambiguity.options:
            keys[kind].add(key)
    details = {}
    if keys[PERSON]:
        people = Person.objects.filter(pk__in=keys[PERSON]).select_related("country")
        for person in people.prefetch_related("positions"):
            position = person.position_on(None)
            parts = [person.country and person.country.name, position and position.title]
            details[PERSON, person.pk] = ", ".join(part for part in parts if part)
    if keys[ORGANIZATION]:
        organizations = Organization.objects.filter(pk__in=keys[ORGANIZATION])
        for organization in organizations.select_related("country"):
            parts = [organization.acronym, organization.country and organization.country.name]
            details[ORGANIZATION, organization.pk] = ", ".join(part for part in parts if part)
    return details


def candidate_row(texts, candidate, country_names):
    country = candidate.country if candidate.country in country_names else ""
    prefill = {"name": candidate.name, **({"country": country} if country else {})}
    return {
        "name": candidate.name,
        "title": candidate.title,
        "country": country,
        "country_name": country_names.get(country, ""),
        "count": len(candidate.mentions),
        "snippet": mention_snippet(texts, candidate.mentions),
        "edit_url": f"{reverse('admin:diplomacy_person_add')}?{urlencode(prefill)}",
    }


class EntitySuggestionsMixin(ArticleActionsMixin):
    """The "Suggested entities" panel of the article change page and its two actions: tag
    suggested countries, people and organizations; create a suggested new person and tag
    them. Suggestions come from `diplomacy.suggest`; nothing is tagged without the editor."""

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/suggestions/tag/",
                self.admin_site.admin_view(require_POST(self.tag_suggestions_view)),
                name="articles_article_tag_suggestions",
            ),
            path(
                "<path:object_id>/suggestions/create-person/",
                self.admin_site.admin_view(require_POST(self.create_person_view)),
                name="articles_article_create_person",
            ),
        ]
        return urls + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            context["suggestions"] = self.suggestions_panel(request, obj)
            context["can_draft_meetings"] = self.can_draft_meetings(request)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # The panel ---------------------------------------------------------------------

    def suggestions_panel(self, request, article):
        texts = {
            "headline": article.headline,
            "standfirst": article.standfirst,
            "body": article.body,
        }
        panel = {
            "has_text": any(text.strip() for text in texts.values()),
            "tag_url": reverse("admin:articles_article_tag_suggestions", args=[article.pk]),
            "create_person_url": reverse("admin:articles_article_create_person", args=[article.pk]),
            "can_add_person": self.can_add_person(request),
        }
        if not panel["has_text"]:
            return panel
        found = suggest_for_article(article)
        tagged = tagged_keys(article)
        panel["groups"] = [
            {
                "kind": kind,
                "title": GROUP_TITLES[kind],
                "field": TAG_FIELDS[kind],
                "entities": [
                    {
                        "key": entity.key,
                        "label": entity.label,
                        "count": entity.count,
                        "snippet": mention_snippet(texts, entity.mentions),
                        "tagged": entity.key in tagged[kind],
                        "url": entity_admin_url(kind, entity.key),
                    }
                    for entity in found.by_kind(kind)
                ],
            }
            for kind in TAG_FIELDS
        ]
        details = option_details(found.ambiguous) if found.ambiguous else {}
        panel["ambiguous"] = [
            {
                "text": ambiguity.text,
                "count": len(ambiguity.mentions),
                "snippet": mention_snippet(texts, ambiguity.mentions),
                "options": [
                    {
                        "kind": KIND_LABELS[kind],
                        "field": TAG_FIELDS[kind],
                        "key": key,
                        "label": label,
                        "details": details.get((kind, key), ""),
                        "tagged": key in tagged[kind],
                        "url": entity_admin_url(kind, key),
                    }
                    for kind, key, label in ambiguity.options
                ],
            }
            for ambiguity in found.ambiguous
        ]
        codes = {candidate.country for candidate in found.candidates if candidate.country}
        country_names = (
            dict(Country.objects.filter(code__in=codes).values_list("code", "name"))
            if codes
            else {}
        )
        panel["candidates"] = [
            candidate_row(texts, candidate, country_names) for candidate in found.candidates
        ]
        panel["untagged_count"] = sum(
            not entity["tagged"] for group in panel["groups"] for entity in group["entities"]
        )
        panel["is_empty"] = not (
            any(group["entities"] for group in panel["groups"])
            or panel["ambiguous"]
            or panel["candidates"]
        )
        return panel

    # The actions -------------------------------------------------------------------

    def tag_suggestions_view(self, request, object_id):
        """Tag the checked entities, or with "tag_all" every suggested one (ambiguous names
        and new people are never tagged by "all": the editor picks them)."""
        article = self.get_article_to_change(request, object_id)
        if "tag_all" in request.POST:
            found = suggest_for_article(article)
            wanted = {kind: {e.key for e in found.by_kind(kind)} for kind in TAG_FIELDS}
        else:
            wanted = {
                kind: parse_keys(kind, request.POST.getlist(field))
                for kind, field in TAG_FIELDS.items()
            }
        already = tagged_keys(article)
        added = {}
        with transaction.atomic():
            # An editor's tagging of a published article is reviewed, like a form save.
            self.start_reviewed_change(request, article)
            for kind, field in TAG_FIELDS.items():
                new_keys = wanted[kind] - already[kind]
                objects = list(MODELS[kind].objects.filter(pk__in=new_keys)) if new_keys else []
                if objects:
                    getattr(article, field).add(*objects)
                    added[kind] = objects
            if added:
                self.touch(request, article)
                self.log_change(request, article, self.tagged_message(added))
        if added:
            if not self.report_proposal(request, article):
                self.message_user(request, self.tagged_message(added), messages.SUCCESS)
        elif any(wanted.values()):
            self.message_user(request, _("Everything selected was already tagged."), messages.INFO)
        else:
            self.message_user(request, _("Nothing was selected to tag."), messages.WARNING)
        return self.redirect_to_article(article)

    def create_person_view(self, request, object_id):
        """Create a suggested new person with the office the article gives them, and tag
        them. A person of the same name and country who exists already is tagged instead."""
        article = self.get_article_to_change(request, object_id)
        if not self.can_add_person(request):
            raise PermissionDenied
        name = " ".join(request.POST.get("name", "").split())[:200]
        title = " ".join(request.POST.get("title", "").split())[:300]
        code = request.POST.get("country", "").strip().upper()
        country = Country.objects.filter(code=code).first() if COUNTRY_CODE.match(code) else None
        if not name:
            self.message_user(request, _("A new person needs a name."), messages.ERROR)
            return self.redirect_to_article(article)
        with transaction.atomic():
            same = self.people_named(name, country=country)
            created = not same
            person = (
                self.create_person(request, name, title, country, article) if created else same[0]
            )
            # The new person is kept; tagging a published article is reviewed.
            self.start_reviewed_change(request, article)
            article.people.add(person)
            self.touch(request, article)
            self.log_change(request, article, self.tagged_message({PERSON: [person]}))
        person_link = format_html(
            '<a href="{}">{}</a>', entity_admin_url(PERSON, person.pk), person.name
        )
        if created:
            details = ", ".join(part for part in (title, country and country.name) if part)
            message = format_html(
                _("Created {}{} and tagged them on this article."),
                person_link,
                format_html(" ({})", details) if details else "",
            )
        else:
            message = format_html(
                _("{} already existed and is now tagged on this article."), person_link
            )
        self.message_user(request, message, messages.SUCCESS)
        self.report_proposal(request, article)
        return self.redirect_to_article(article)

    def tagged_message(self, added):
        """ "Tagged 2 people (Bùi Thanh Sơn, Retno Marsudi), 1 country (Indonesia)." """
        parts = []
        for kind, objects in added.items():
            count = len(objects)
            noun = {
                COUNTRY: ngettext("country", "countries", count),
                PERSON: ngettext("person", "people", count),
                ORGANIZATION: ngettext("organization", "organizations", count),
            }[kind]
            names = ", ".join(str(obj) for obj in objects)
            parts.append(f"{count} {noun} ({names})")
        return _("Tagged %(things)s.") % {"things": ", ".join(parts)}


@admin.register(Article)
class ArticleAdmin(
    RevisionAdminMixin,
    ArticleSourcesMixin,
    MeetingDraftsMixin,
    EntitySuggestionsMixin,
    FoldedSearchMixin,
    ListPrefetchMixin,
    OptionalSlugMixin,
    PublishableAdminMixin,
    VersionedAdminMixin,
    EditorialAdminMixin,
    HistoryAdminMixin,
    SimpleHistoryAdmin,
):
    formfield_overrides = HTTPS_URLS
    list_display = ["headline", "outlet", "published_on", "topic_names", "publication"]
    list_filter = ["status", "outlet"]
    list_select_related = ["outlet"]
    list_prefetch_related = ["topics"]
    # The folded search covers the headline, standfirst and body.
    search_fields = ["headline", "byline", "=source_url"]
    date_hierarchy = "published_on"
    ordering = [F("published_on").desc(nulls_last=True), "-id"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["countries", "people", "organizations", "meetings"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    ("outlet", "byline"),
                    ("published_on", "source_url"),
                    ("status", "publish_at", "published_at"),
                ]
            },
        ),
        (_("Text"), {"fields": ["standfirst", "body"]}),
        (
            _("What it is about"),
            {"fields": ["topics", "countries", "people", "organizations", "meetings"]},
        ),
    ]

    @admin.display(description=_("topics"))
    def topic_names(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all())

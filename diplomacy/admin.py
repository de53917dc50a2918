"""The editors' tool: admin for countries, people, organizations, meetings and topics.

The mixins here are shared with `articles/admin.py`.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import ItemBase

from articles.models import Article
from diplomacy.models import (
    Country,
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    Status,
    Topic,
)
from diplomacy.text import fold

admin.site.site_header = _("Diplomatic record")
admin.site.site_title = _("Diplomatic record")
admin.site.index_title = _("Editing the record")

FOLDED_SEARCH_HELP = _("Accents are optional: “bui thanh son” finds Bùi Thanh Sơn.")


# Mixins --------------------------------------------------------------------------------


class FoldedSearchMixin:
    """Search that ignores case and diacritics, for the changelist and autocomplete alike.

    Models keep a folded copy of their names in `search_text` (see diplomacy.text.fold).
    Each word of the search term, folded, must occur in one of `folded_search_fields`;
    objects matching that way are added to those the normal `search_fields` find.
    """

    folded_search_fields = ("search_text",)
    search_help_text = FOLDED_SEARCH_HELP

    def get_folded_search_q(self, word):
        return Q.create(
            [(f"{field}__contains", word) for field in self.folded_search_fields],
            connector=Q.OR,
        )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = []
        for bit in smart_split(search_term or ""):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            if word := fold(bit):
                words.append(word)
        if words and self.folded_search_fields:
            results |= queryset.filter(*[self.get_folded_search_q(word) for word in words])
        return results, may_have_duplicates


class ListPrefetchChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.prefetch_related(*self.model_admin.list_prefetch_related)


class ListPrefetchMixin:
    """`list_prefetch_related`: what the changelist's computed columns read, loaded in one
    query per relation. Only the changelist pays for it, not the change form or autocomplete.
    """

    list_prefetch_related = ()

    def get_changelist(self, request, **kwargs):
        return ListPrefetchChangeList


class OptionalSlugMixin:
    """The slug may be left empty: the model's save() makes an ASCII one from the name
    (đ → d), unique among its kind."""

    slug_optional_on_change = True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        slug = form.base_fields.get("slug")
        if slug is not None and (obj is None or self.slug_optional_on_change):
            slug.required = False
            slug.help_text = _("Leave empty to make one from the name when saving.")
        return form


class EditorialAdminMixin:
    """Fills created_by / updated_by from the editor and shows the record read-only."""

    record_fields = (("created", "created_by"), ("updated", "updated_by"))

    def _record_field_names(self):
        return [name for row in self.record_fields for name in row]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self._record_field_names()]

    def get_fieldsets(self, request, obj=None):
        record = set(self._record_field_names())
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in record]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None:
            fieldsets.append((_("Record"), {"fields": self.record_fields, "classes": ["collapse"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class PublishableAdminMixin:
    """Publish / unpublish actions; `published_at` is set by the model, never typed."""

    actions = ["publish_selected", "unpublish_selected"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "published_at"]

    def save_model(self, request, obj, form, change):
        if obj.status == Status.PUBLISHED:
            obj.publish()  # stamps published_at the first time
        super().save_model(request, obj, form, change)

    def _set_status(self, request, queryset, publish):
        changed = 0
        for obj in queryset:
            if obj.is_published == publish:
                continue
            if publish:
                obj.publish()
            else:
                obj.unpublish()
            obj.updated_by = request.user
            obj.save()
            self.log_change(request, obj, _("Published") if publish else _("Unpublished"))
            changed += 1
        return changed

    @admin.action(description=_("Publish selected %(verbose_name_plural)s"), permissions=["change"])
    def publish_selected(self, request, queryset):
        count = self._set_status(request, queryset, publish=True)
        self.message_user(
            request,
            _("%(count)d %(items)s published.")
            % {"count": count, "items": model_ngettext(self.opts, count)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["change"]
    )
    def unpublish_selected(self, request, queryset):
        count = self._set_status(request, queryset, publish=False)
        self.message_user(
            request,
            _("%(count)d %(items)s unpublished (back to draft).")
            % {"count": count, "items": model_ngettext(self.opts, count)},
            messages.SUCCESS,
        )


# Countries -----------------------------------------------------------------------------


@admin.register(Country)
class CountryAdmin(FoldedSearchMixin, admin.ModelAdmin):
    """All ISO countries are preloaded: editors add names and demonyms, nothing else."""

    list_display = ["name", "code", "other_name_summary", "demonym_summary"]
    search_fields = ["name", "code", "other_names", "demonyms"]
    ordering = ["name"]
    fields = ["code", "name", "other_names", "demonyms"]

    @admin.display(description=_("other names"))
    def other_name_summary(self, obj):
        return ", ".join(obj.other_name_list)

    @admin.display(description=_("demonyms"))
    def demonym_summary(self, obj):
        return ", ".join(obj.demonym_list)

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# People and organizations --------------------------------------------------------------


class PositionInline(admin.TabularInline):
    model = Position
    fields = ["title", "organization", "country", "start_date", "end_date"]
    autocomplete_fields = ["organization", "country"]
    extra = 0


@admin.register(Person)
class PersonAdmin(
    FoldedSearchMixin,
    ListPrefetchMixin,
    OptionalSlugMixin,
    EditorialAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["name", "name_ascii", "country", "current_position", "wikidata_id"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    list_prefetch_related = ["positions"]
    search_fields = ["name", "name_ascii", "aliases", "=wikidata_id"]
    ordering = ["name"]
    fields = ["name", "name_ascii", "aliases", "slug", "country", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    inlines = [PositionInline]

    @admin.display(description=_("current position"))
    def current_position(self, obj):
        position = obj.position_on(None)
        return position.title if position else ""


@admin.register(Organization)
class OrganizationAdmin(
    FoldedSearchMixin, OptionalSlugMixin, EditorialAdminMixin, admin.ModelAdmin
):
    list_display = ["name", "acronym", "kind", "country", "parent"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country", "parent"]
    search_fields = ["name", "acronym"]
    ordering = ["name"]
    fields = ["name", "acronym", "slug", "kind", "country", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "parent"]


# Topics --------------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(FoldedSearchMixin, OptionalSlugMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "meeting_count", "article_count"]
    search_fields = ["name", "slug"]
    # Topic slugs are ASCII (biển-đông -> bien-dong), so they serve as the folded name.
    folded_search_fields = ("slug",)
    ordering = ["name"]
    fields = ["name", "slug"]
    actions = ["merge_topics"]
    # An empty slug is only filled when a topic is created.
    slug_optional_on_change = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                meeting_count=Count("tagged_meetings", distinct=True),
                article_count=Count("tagged_articles", distinct=True),
            )
        )

    @admin.display(description=_("meetings"), ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.action(
        description=_("Merge selected topics into the most used one"),
        permissions=["change", "delete"],
    )
    def merge_topics(self, request, queryset):
        topics = sorted(queryset, key=lambda t: (-(t.meeting_count + t.article_count), t.pk))
        if len(topics) < 2:
            self.message_user(request, _("Select at least two topics to merge."), messages.WARNING)
            return
        target, others = topics[0], topics[1:]
        # Every tagged-item table pointing at Topic (meetings, articles).
        tagged_models = [
            rel.related_model
            for rel in Topic._meta.related_objects
            if issubclass(rel.related_model, ItemBase)
        ]
        with transaction.atomic():
            for tagged in tagged_models:
                for other in others:
                    # An item tagged with both keeps one row (one tag per item is unique).
                    both = tagged.objects.filter(tag=target).values("content_object")
                    tagged.objects.filter(tag=other, content_object__in=both).delete()
                    tagged.objects.filter(tag=other).update(tag=target)
            names = ", ".join(t.name for t in others)
            merged = Topic.objects.filter(pk__in=[other.pk for other in others])
            self.log_deletions(request, merged)
            merged.delete()
            self.log_change(request, target, _("Merged %(names)s into it.") % {"names": names})
        self.message_user(
            request,
            ngettext(
                "Merged %(count)d topic (%(names)s) into “%(target)s”.",
                "Merged %(count)d topics (%(names)s) into “%(target)s”.",
                len(others),
            )
            % {"count": len(others), "names": names, "target": target.name},
            messages.SUCCESS,
        )


# Meetings ------------------------------------------------------------------------------


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = ["person", "title", "country", "role", "order"]
    autocomplete_fields = ["person", "country"]
    extra = 1


class SourceArticleInline(admin.TabularInline):
    model = Article.meetings.through
    autocomplete_fields = ["article"]
    extra = 0
    verbose_name = _("source article")
    verbose_name_plural = _("source articles")


@admin.register(Meeting)
class MeetingAdmin(
    FoldedSearchMixin,
    ListPrefetchMixin,
    OptionalSlugMixin,
    PublishableAdminMixin,
    EditorialAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["title", "date", "kind", "place", "participant_names", "status"]
    list_filter = [
        "status",
        "kind",
        "date_precision",
        ("location_country", admin.RelatedOnlyFieldListFilter),
        ("countries", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["location_country"]
    list_prefetch_related = [
        Prefetch("participants", queryset=Participant.objects.select_related("person"))
    ]
    search_fields = ["title", "location_city"]
    date_hierarchy = "start_date"
    ordering = [F("start_date").desc(nulls_last=True), "-id"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "location_country", "countries", "organizations"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", ("status", "published_at")]}),
        (_("Date"), {"fields": [("start_date", "end_date", "date_precision")]}),
        (_("Place"), {"fields": [("location_city", "location_country")]}),
        (
            _("Context"),
            {
                "fields": [
                    "parent",
                    "summary",
                    "outcomes",
                    "countries",
                    "organizations",
                    "topics",
                ]
            },
        ),
    ]
    inlines = [ParticipantInline, SourceArticleInline]

    def get_folded_search_q(self, word):
        # A participant's name finds the meeting too: "bui" lists Bùi Thanh Sơn's meetings.
        return super().get_folded_search_q(word) | Exists(
            Participant.objects.filter(meeting=OuterRef("pk"), person__search_text__contains=word)
        )

    @admin.display(description=_("date"), ordering="start_date")
    def date(self, obj):
        return obj.date_label

    @admin.display(description=_("place"), ordering="location_city")
    def place(self, obj):
        return obj.place_label

    @admin.display(description=_("participants"))
    def participant_names(self, obj):
        return ", ".join(str(p.person) for p in obj.participants.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the participants are saved, so their sides are known.
        form.instance.sync_countries_from_participants()

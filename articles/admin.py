"""The editors' tool for articles and outlets."""

from django.contrib import admin
from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Outlet
from diplomacy.admin import (
    EditorialAdminMixin,
    FoldedSearchMixin,
    ListPrefetchMixin,
    OptionalSlugMixin,
    PublishableAdminMixin,
)


@admin.register(Outlet)
class OutletAdmin(FoldedSearchMixin, OptionalSlugMixin, admin.ModelAdmin):
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


@admin.register(Article)
class ArticleAdmin(
    FoldedSearchMixin,
    ListPrefetchMixin,
    OptionalSlugMixin,
    PublishableAdminMixin,
    EditorialAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["headline", "outlet", "published_on", "topic_names", "status"]
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
                    ("status", "published_at"),
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

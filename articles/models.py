"""News articles, the outlets that publish them, and what they are about."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import ItemBase

from articles.sanitize import sanitize_body
from diplomacy.models import (
    UNTRACKED_EDITORIAL,
    Country,
    EditorialModel,
    History,
    Meeting,
    Organization,
    Person,
    Publishable,
    PublishableQuerySet,
    Topic,
    VersionedModel,
)
from diplomacy.text import fold, unique_slug


class Outlet(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outlets",
    )

    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("article_list") + f"?outlet={self.slug}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class TaggedArticle(ItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("article topic")
        verbose_name_plural = _("article topics")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_article_once_per_topic"
            )
        ]


class ArticleQuerySet(PublishableQuerySet):
    def for_list(self):
        return self.select_related("outlet").prefetch_related("topics")

    def for_detail(self):
        return self.select_related("outlet").prefetch_related(
            "topics", "countries", "people", "organizations"
        )

    def newest_first(self):
        return self.order_by(models.F("published_on").desc(nulls_last=True), "-id")

    def search(self, text):
        key = fold(text)
        return self.filter(search_text__contains=key) if key else self


class Article(EditorialModel, VersionedModel, Publishable):
    headline = models.CharField(_("headline"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    standfirst = models.TextField(_("standfirst"), blank=True)
    body = models.TextField(_("body"), help_text=_("Plain text; blank lines separate paragraphs."))
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("outlet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    byline = models.CharField(_("byline"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    topics = TaggableManager(
        verbose_name=_("topics"), through=TaggedArticle, blank=True, ordering=["name"]
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="articles"
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("people"), blank=True, related_name="articles"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations"), blank=True, related_name="articles"
    )
    meetings = models.ManyToManyField(
        Meeting,
        verbose_name=_("meetings reported"),
        blank=True,
        related_name="articles",
    )
    search_text = models.TextField(editable=False, default="")

    objects = ArticleQuerySet.as_manager()
    # Topics (taggit's through model) are not in the history; the other relations are.
    history = History(
        excluded_fields=UNTRACKED_EDITORIAL,
        m2m_fields=["countries", "people", "organizations", "meetings"],
    )

    class Meta:
        ordering = [models.F("published_on").desc(nulls_last=True), "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish, unpublish and schedule articles"))]
        indexes = [
            # The public article list: published articles, newest first.
            models.Index(fields=["status", "-published_on"], name="article_status_date_idx"),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("article_detail", args=[self.slug])

    @property
    def paragraphs(self):
        from articles.rendering import paragraph_ranges

        return [self.body[start:end] for start, end in paragraph_ranges(self.body)]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.headline)
        # Markup an editor pasted is cut down to the allowed tags; plain text is unchanged.
        self.body = sanitize_body(self.body)
        self.search_text = fold("\n".join([self.headline, self.standfirst, self.body]))
        super().save(*args, **kwargs)

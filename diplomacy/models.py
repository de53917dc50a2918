"""The domain: countries, people and the offices they hold, organizations, and meetings."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import connections, models, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from diplomacy.text import fold, slugify_name, split_lines, to_ascii, unique_slug


class Status(models.TextChoices):
    """Where a meeting or an article stands in the editorial workflow.

    Editors move a record between draft and in review; publishers publish it (now, or at
    `publish_at`) and unpublish it, which withdraws it from the public site.
    """

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


# The statuses only a publisher may give or take away.
PUBLISHER_STATUSES = frozenset({Status.PUBLISHED, Status.UNPUBLISHED})


class EditConflict(Exception):
    """A record was saved from a copy older than the one in the database: someone else
    changed it in between. Nothing was written; reload the record and apply the change
    again."""

    def __init__(self, obj):
        self.obj = obj
        super().__init__(
            f"{obj._meta.verbose_name} {obj.pk} was changed after version {obj.version} "
            "was read; the save was refused."
        )


class EditorialModel(models.Model):
    """Who created and last changed a record, and when; filled by the admin."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking: `version` counts the saves of a record, and a save succeeds only
    if the record is still at the version it was read at.

    Each save of an existing record first runs `UPDATE ... SET version = version + 1 WHERE
    id = ? AND version = ?` in the save's transaction. The row stays locked until the
    transaction ends, so of two saves from the same version exactly one matches; the other
    raises EditConflict and writes nothing. The admin turns that into a form error.
    """

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("How many times the record has been saved."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if (
            self._state.adding
            or self.pk is None
            or kwargs.get("force_insert")
            or (update_fields is not None and not update_fields)
        ):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        rows = type(self)._base_manager.using(using).filter(pk=self.pk)
        with transaction.atomic(using=using):
            claimed = rows.filter(version=self.version).update(version=models.F("version") + 1)
            if not claimed:
                if rows.exists():
                    raise EditConflict(self)
                # The record was deleted meanwhile: saving creates it again, as Django does.
                return super().save(*args, **kwargs)
            self.version += 1
            try:
                super().save(*args, **kwargs)
            except BaseException:
                self.version -= 1
                raise


class History(HistoricalRecords):
    """django-simple-history's HistoricalRecords, remembered on the model so the admin can
    write one history row for a whole form save (fields, many-to-many fields and inlines)
    instead of one per signal: see `record_history`."""

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls._history_records = self


# Fields left out of the history: derived from other fields (search_text) or repeating what
# each history row records anyway (who and when: history_user, history_date).
UNTRACKED = ["search_text"]
UNTRACKED_EDITORIAL = ["search_text", "updated", "updated_by", "version"]


def record_history(obj, history_type, reason=None):
    """Write one history row for `obj` as it is now ("+" created, "~" changed)."""
    if reason:
        field = type(obj).history.model._meta.get_field("history_change_reason")
        obj._change_reason = Truncator(reason).chars(field.max_length)
    type(obj)._history_records.create_historical_record(obj, history_type)


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and the scheduled time (if any) has come."""
        return self.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=timezone.now()),
            status=Status.PUBLISHED,
        )

    def ever_published(self):
        """Published (scheduled ones too), or public once and unpublished since: what only a
        publisher may delete."""
        return self.filter(Q(status=Status.PUBLISHED) | Q(published_at__isnull=False))


class Publishable(models.Model):
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "Optional. A published item with a time in the future stays hidden until then."
        ),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_published(self):
        """Whether readers can see it now."""
        return self.status == Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        """Published, but hidden until `publish_at`."""
        return (
            self.status == Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def ever_published(self):
        """Published (scheduled too), or public once and unpublished since."""
        return self.status == Status.PUBLISHED or self.published_at is not None

    def publish(self, at=None):
        """Publish now, or from `at` on when it is given."""
        self.status = Status.PUBLISHED
        if at is not None:
            self.publish_at = at
        self.stamp_first_publication()

    def stamp_first_publication(self):
        """`published_at` is when readers first could see it: set on the first publication
        (the scheduled time for a scheduled one), then never changed."""
        now = timezone.now()
        if self.status == Status.PUBLISHED:
            goes_public = max(self.publish_at, now) if self.publish_at else now
            # Not yet public (never published, or scheduled): follow the schedule.
            if self.published_at is None or self.published_at > now:
                self.published_at = goes_public
        elif self.published_at is not None and self.published_at > now:
            # A scheduled publication called off before its time: it never was public.
            self.published_at = None

    def unpublish(self):
        """Withdraw it from the public site; something never seen goes back to draft."""
        was_public = self.is_published or (
            self.published_at is not None and self.published_at <= timezone.now()
        )
        self.status = Status.UNPUBLISHED if was_public else Status.DRAFT
        self.stamp_first_publication()


# Countries -----------------------------------------------------------------------------


class Country(models.Model):
    """An ISO 3166-1 country. All of them are loaded by a migration; editors add names."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("One per line: Viet Nam, Việt Nam, State of Palestine, ..."),
    )
    demonyms = models.TextField(
        _("demonyms"), blank=True, help_text=_("One per line: Vietnamese, Palestinian, ...")
    )
    search_text = models.TextField(editable=False, default="")

    history = History(excluded_fields=UNTRACKED)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("country_detail", args=[self.code.lower()])

    @property
    def local_name(self):
        """The name in the reader's language."""
        from diplomacy.countries import local_country_name

        return local_country_name(self)

    @property
    def other_name_list(self):
        return split_lines(self.other_names)

    @property
    def demonym_list(self):
        return split_lines(self.demonyms)

    def save(self, *args, **kwargs):
        self.code = self.code.upper()
        self.search_text = fold("\n".join([self.name, self.code, self.other_names, self.demonyms]))
        super().save(*args, **kwargs)


# People and organizations --------------------------------------------------------------


class EntityQuerySet(models.QuerySet):
    """People and organizations reach public pages only through published content, so an
    entity added for a draft meeting or article stays private until that is published."""

    def public(self):
        from articles.models import Article

        published_meetings = Meeting.objects.published()
        published_articles = Article.objects.published()
        if self.model is Person:
            in_meeting = published_meetings.filter(participants__person=OuterRef("pk"))
        else:
            in_meeting = published_meetings.filter(organizations=OuterRef("pk"))
        in_article = published_articles.filter(**{self.model.article_relation: OuterRef("pk")})
        return self.filter(Exists(in_meeting) | Exists(in_article))

    def listed(self):
        """public() for a whole list (the people and organization lists): the published
        links are read once, `pk IN (...)`, instead of an EXISTS per row, which SQLite plans
        as a scan of the published meetings for each of 20,000 people."""
        from articles.models import Article

        meetings = Meeting.objects.published().values("pk")
        articles = Article.objects.published().values("pk")
        if self.model is Person:
            in_meeting = Participant.objects.filter(meeting__in=meetings).values("person_id")
            in_article = Article.people.through.objects.filter(article__in=articles)
            in_article = in_article.values("person_id")
        else:
            in_meeting = Meeting.organizations.through.objects.filter(meeting__in=meetings)
            in_meeting = in_meeting.values("organization_id")
            in_article = Article.organizations.through.objects.filter(article__in=articles)
            in_article = in_article.values("organization_id")
        return self.filter(Q(pk__in=in_meeting) | Q(pk__in=in_article))

    def search(self, text):
        key = fold(text)
        return self.filter(search_text__contains=key) if key else self


def public_prefetch(lookup, model):
    """Prefetch a relation to people or organizations (`positions__organization`, `parent`)
    keeping only those that pass `public()`: a private one reads as None, so a public page
    reaching it through a public record (a person's position, an organization's parent)
    cannot name it."""
    return models.Prefetch(lookup, queryset=model.objects.public())


class Organization(EditorialModel, VersionedModel):
    class Kind(models.TextChoices):
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organization")
        GOVERNMENT = "government", _("Government or state body")
        MINISTRY = "ministry", _("Ministry")
        LEGISLATURE = "legislature", _("Legislature")
        PARTY = "party", _("Political party")
        EMBASSY = "embassy", _("Embassy or mission")
        UNIVERSITY = "university", _("University or academy")
        NEWS_AGENCY = "news_agency", _("News agency")
        NGO = "ngo", _("Non-governmental organization")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    search_text = models.TextField(editable=False, default="")

    objects = EntityQuerySet.as_manager()
    history = History(excluded_fields=UNTRACKED_EDITORIAL)
    article_relation = "organizations"

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("organization_detail", args=[self.slug])

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        self.search_text = fold("\n".join([self.name, self.acronym]))
        super().save(*args, **kwargs)


class Person(EditorialModel, VersionedModel):
    name = models.CharField(
        _("name"), max_length=200, help_text=_("As written natively: Bùi Thanh Sơn.")
    )
    name_ascii = models.CharField(
        _("name in ASCII"),
        max_length=200,
        blank=True,
        help_text=_("Filled from the name when left empty: Bui Thanh Son."),
    )
    aliases = models.TextField(
        _("aliases"), blank=True, help_text=_("One per line: other spellings, short forms.")
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9][0-9]*$", _("A Wikidata id looks like Q12345."))],
    )
    search_text = models.TextField(editable=False, default="")

    objects = EntityQuerySet.as_manager()
    history = History(excluded_fields=UNTRACKED_EDITORIAL)
    article_relation = "people"

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.slug])

    @property
    def alias_list(self):
        return split_lines(self.aliases)

    def position_on(self, day):
        """The position held on `day` (the latest started one if several)."""
        for position in self.positions.all():
            if position.held_on(day):
                return position
        return None

    def save(self, *args, **kwargs):
        if not self.name_ascii:
            self.name_ascii = to_ascii(self.name)
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        self.search_text = fold("\n".join([self.name, self.name_ascii, self.aliases]))
        super().save(*args, **kwargs)


class Position(models.Model):
    """An office a person held over a period: Minister of Foreign Affairs, 2021-2025."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=300)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)

    history = History()

    class Meta:
        ordering = [models.F("start_date").desc(nulls_last=True), "title"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                name="position_ends_after_start",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                violation_error_message=_("A position cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.person})"

    def held_on(self, day):
        if day is None:
            return self.end_date is None
        started = self.start_date is None or self.start_date <= day
        ended = self.end_date is not None and self.end_date < day
        return started and not ended


# Topics --------------------------------------------------------------------------------


class TopicQuerySet(models.QuerySet):
    def public(self):
        """Topics that a published meeting or article carries: a topic used only on drafts
        stays private, like the people and organizations of drafts."""
        return self.filter(
            Exists(self._published_tags("tagged_meetings"))
            | Exists(self._published_tags("tagged_articles"))
        )

    def _published_tags(self, relation):
        """The tag rows of `relation` (a tagged-items model) on published records."""
        through = self.model._meta.get_field(relation).related_model
        tagged = through._meta.get_field("content_object").related_model
        published = tagged.objects.published().values("pk")
        return through.objects.filter(tag=OuterRef("pk"), content_object__in=published)


class Topic(TagBase):
    """A subject tag (trade, climate change). Slugs are ASCII: 'Biển Đông' -> bien-dong."""

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def slugify(self, tag, i=None):
        slug = slugify_name(tag, max_length=90)
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self):
        return reverse("meeting_list") + f"?topic={self.slug}"


class TaggedMeeting(ItemBase):
    content_object = models.ForeignKey(
        "Meeting", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_meetings")

    class Meta:
        verbose_name = _("meeting topic")
        verbose_name_plural = _("meeting topics")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="tagged_meeting_once_per_topic"
            )
        ]
        # Serves the topic filter: EXISTS (... WHERE tag_id = ? AND content_object_id = meeting.id)
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_meeting_tag_idx")]


# Meetings ------------------------------------------------------------------------------


def row_prefetches():
    """The relations a meeting's row in a list shows, for prefetch_related."""
    return [
        models.Prefetch(
            "participants", queryset=Participant.objects.select_related("person", "country")
        ),
        "countries",
        "topics",
    ]


def meetings_with_text(key, using):
    """Ids of the meetings whose folded title or city holds `key`: from SQLite's FTS5
    trigram table when there is one (LIKE on it is answered from its index), else a
    LIKE on the column (which PostgreSQL answers from its trigram index)."""
    if _has_text_table(using) and len(key) >= 3 and not set(key) & {"%", "_", "\\"}:
        return RawSQL(
            "SELECT rowid FROM diplomacy_meeting_text WHERE search_text LIKE %s", [f"%{key}%"]
        )
    return Meeting.objects.filter(search_text__contains=key).values("pk")


COMMON_TEXT = 1000  # meetings holding a text beyond which the list is walked in date order


def text_is_common(key, using):
    """Whether more than COMMON_TEXT meetings hold `key`, counted from the index once per
    content generation."""
    from diplomacy.caching import remembered

    def count():
        matches = Meeting.objects.using(using).filter(pk__in=meetings_with_text(key, using))
        return matches.values("pk")[: COMMON_TEXT + 1].count()

    return remembered("text-matches", [key, using], count) > COMMON_TEXT


_TEXT_TABLES = {}


def _has_text_table(using):
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    if name not in _TEXT_TABLES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s",
                ["diplomacy_meeting_text"],
            )
            _TEXT_TABLES[name] = cursor.fetchone() is not None
    return _TEXT_TABLES[name]


def public_sources(articles, publish_at=None):
    """Of the source `articles` (an Article queryset), those readers can read when a meeting
    goes public: now, or at the meeting's `publish_at` when that is later. An article
    scheduled for a later time does not count; one scheduled for the meeting's own time or
    before does (the two go public together, or the article first)."""
    readable = Q(publish_at__isnull=True) | Q(publish_at__lte=timezone.now())
    if publish_at is not None:
        readable |= Q(publish_at__lte=publish_at)
    return articles.filter(readable, status=Status.PUBLISHED)


class MeetingQuerySet(PublishableQuerySet):
    def without_public_source(self):
        """Published meetings (scheduled ones too) without a source readers can follow when
        they go public: no source URL, and no source article published by then. The rule is
        Meeting.has_public_source."""
        Article = self.model._meta.get_field("articles").related_model
        sources = public_sources(
            Article.objects.filter(meetings=OuterRef("pk")), OuterRef("publish_at")
        )
        return self.filter(~Exists(sources), status=Status.PUBLISHED, source_url="")

    def for_list(self):
        """Everything a meeting row shows, in a constant number of queries."""
        return self.select_related("location_country").prefetch_related(*row_prefetches())

    def for_detail(self):
        return self.for_list().select_related("parent").prefetch_related("organizations")

    def newest_first(self):
        return self.order_by(models.F("start_date").desc(nulls_last=True), "-id")

    def oldest_first(self):
        return self.order_by(models.F("start_date").asc(nulls_last=True), "id")

    # Conditions on many-valued relations are semi-joins, `id IN (SELECT meeting_id FROM
    # <relation> WHERE ...)`: a meeting matches once however many rows match, there is no
    # join to de-duplicate with DISTINCT, and each condition describes the same meeting.
    # Written as IN rather than a correlated EXISTS so that SQLite starts from the relation's
    # index (a person's few meetings) instead of probing every published meeting; PostgreSQL
    # plans both forms as the same semi-join.

    def with_person(self, person):
        return self.filter(pk__in=Participant.objects.filter(person=person).values("meeting_id"))

    def with_country(self, country):
        return self.with_countries([country.pk])

    def with_countries(self, codes, match_all=False, probe=False):
        """Meetings with any of these countries, or with every one of them.

        `probe`: the list is already narrowed to a few meetings (a person's, an
        organization's), so each is checked with a correlated EXISTS on the link's index
        instead of SQLite building the list of a busy country's tens of thousands of
        meetings first (5 ms instead of 40 at 100,000 meetings)."""
        through = Meeting.countries.through.objects
        groups = [list(codes)] if not match_all else [[code] for code in codes]
        queryset = self
        for group in groups:
            if probe:
                links = through.filter(meeting_id=OuterRef("pk"), country_id__in=group)
                queryset = queryset.filter(Exists(links))
            else:
                links = through.filter(country_id__in=group)
                queryset = queryset.filter(pk__in=links.values("meeting_id"))
        return queryset

    def with_organization(self, organization):
        through = Meeting.organizations.through.objects
        return self.filter(
            pk__in=through.filter(organization_id=organization.pk).values("meeting_id")
        )

    def with_topic(self, topic):
        return self.filter(
            pk__in=TaggedMeeting.objects.filter(tag=topic).values("content_object_id")
        )

    def search(self, text):
        """Title, place or a participant's name, insensitive to case and diacritics.

        For a rare text both parts are lists of meeting ids read from an index (migration
        0007: trigram indexes on PostgreSQL, an FTS5 trigram table on SQLite), so the list
        does not walk every published meeting in date order looking for 20 matches."""
        key = fold(text)
        if not key:
            return self
        people = Person.objects.filter(search_text__contains=key).values("pk")
        by_person = Participant.objects.filter(person__in=people).values("meeting_id")
        if text_is_common(key, self.db):
            # Thousands of meetings hold it ("Hà Nội"): walking the list in date order
            # fills a page at once, where sorting every match would not.
            return self.filter(Q(search_text__contains=key) | Q(pk__in=by_person))
        return self.filter(Q(pk__in=meetings_with_text(key, self.db)) | Q(pk__in=by_person))


class Meeting(EditorialModel, VersionedModel, Publishable):
    class Kind(models.TextChoices):
        BILATERAL = "bilateral", _("Bilateral meeting")
        TALKS = "talks", _("Talks")
        RECEPTION = "reception", _("Reception")
        PHONE_CALL = "phone_call", _("Phone call")
        VIDEO_CALL = "video_call", _("Video call")
        STATE_VISIT = "state_visit", _("State visit")
        OFFICIAL_VISIT = "official_visit", _("Official visit")
        WORKING_VISIT = "working_visit", _("Working visit")
        MULTILATERAL = "multilateral", _("Multilateral meeting")
        SIGNING = "signing", _("Signing")
        PRESS_CONFERENCE = "press_conference", _("Press conference")

    class Precision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(
        _("start date"),
        null=True,
        blank=True,
        help_text=_("For a month or a year, the first day of it."),
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    location_city = models.CharField(_("city"), max_length=200, blank=True)
    location_country = models.ForeignKey(
        Country,
        verbose_name=_("country of venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings_hosted",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The summit, session or visit this meeting was part of."),
    )
    summary = models.TextField(_("summary"), blank=True)
    outcomes = models.TextField(
        _("outcomes and agreements"), blank=True, help_text=_("One per line.")
    )
    source_url = models.URLField(
        _("source URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "A public page that reports the meeting, for a meeting no article on this site "
            "reports. A published meeting needs a published source article or this."
        ),
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="meetings"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations"), blank=True, related_name="meetings"
    )
    topics = TaggableManager(
        verbose_name=_("topics"), through=TaggedMeeting, blank=True, ordering=["name"]
    )
    search_text = models.TextField(editable=False, default="")

    objects = MeetingQuerySet.as_manager()
    # Topics (taggit's through model) are not in the history; the other relations are.
    history = History(
        excluded_fields=UNTRACKED_EDITORIAL, m2m_fields=["countries", "organizations"]
    )

    class Meta:
        ordering = [models.F("start_date").desc(nulls_last=True), "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        permissions = [("publish_meeting", _("Can publish, unpublish and schedule meetings"))]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=models.F("start_date")),
                violation_error_message=_(
                    "The end date cannot be before the start date, "
                    "and a meeting with an end date needs a start date."
                ),
            ),
        ]
        indexes = [
            # The public list: published meetings by date. It holds every column of
            # `.published()`, the date and the kind, so the list's count and its year and
            # kind facets are read from the index alone, never from the table's rows.
            models.Index(
                fields=["status", "start_date", "publish_at", "kind"],
                name="meeting_published_idx",
            ),
            # The kind filter, and the kind facet over all meetings (read from the index).
            models.Index(
                fields=["kind", "start_date", "status", "publish_at"],
                name="meeting_kind_start_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.start_date is None:
            return reverse("meeting_detail_undated", args=[self.slug])
        return reverse(
            "meeting_detail",
            kwargs={
                "year": self.start_date.year,
                "month": f"{self.start_date.month:02d}",
                "day": f"{self.start_date.day:02d}",
                "slug": self.slug,
            },
        )

    @property
    def date_label(self):
        """The date as precisely as it is known: '26 February 2024', 'August 2023', '2023'."""
        start, end = self.start_date, self.end_date
        if start is None:
            return _("Date unknown")
        if self.date_precision == self.Precision.YEAR:
            return str(start.year)
        if self.date_precision == self.Precision.MONTH:
            return date_format(start, "YEAR_MONTH_FORMAT")
        if end and end != start:
            return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"
        return date_format(start, "DATE_FORMAT")

    @property
    def place_label(self):
        country = self.location_country.local_name if self.location_country else ""
        parts = [self.location_city, country]
        return ", ".join(part for part in parts if part)

    @property
    def outcome_list(self):
        return split_lines(self.outcomes)

    @property
    def source_host(self):
        """The site of the source URL, as a link to it reads: "mofa.gov.vn"."""
        host = urlsplit(self.source_url).hostname or ""
        return host.removeprefix("www.")

    def has_public_source(self, articles=None):
        """Whether readers of this meeting, once it is public, can follow a source: its
        source URL, or a source article published by then (`public_sources`). A published
        meeting needs one; the admin refuses to publish it without.

        `articles`: the source articles to judge (an Article queryset) instead of the saved
        ones, for a form not saved yet."""
        if self.source_url:
            return True
        articles = self.articles.all() if articles is None else articles
        return public_sources(articles, self.publish_at).exists()

    def sync_countries_from_participants(self):
        """Add the country each participant represented to the meeting's countries."""
        codes = {p.country_id for p in self.participants.all() if p.country_id}
        if codes:
            self.countries.add(*codes)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        self.search_text = fold("\n".join([self.title, self.location_city]))
        super().save(*args, **kwargs)


class Participant(models.Model):
    class Role(models.TextChoices):
        HOST = "host", _("Host")
        GUEST = "guest", _("Guest")
        CHAIR = "chair", _("Chair")
        PARTICIPANT = "participant", _("Participant")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    title = models.CharField(
        _("title held then"),
        max_length=300,
        blank=True,
        help_text=_("The office the person held on the meeting's date."),
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("side"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text=_("The country the person represented."),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = History()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="participant_once_per_meeting",
                violation_error_message=_("This person is already a participant."),
            )
        ]
        # The person filter: EXISTS (... WHERE person_id = ? AND meeting_id = meeting.id)
        indexes = [models.Index(fields=["person", "meeting"], name="participant_person_idx")]

    def __str__(self):
        return f"{self.person} – {self.title}" if self.title else str(self.person)

    def save(self, *args, **kwargs):
        # A new participant's empty title and side default to the position held on the
        # meeting's date. A position without a country (UN Secretary-General) means no side;
        # the person's own country is the fallback only when no position is known.
        if self._state.adding and (not self.title or not self.country_id):
            position = self.person.position_on(self.meeting.start_date)
            if not self.title and position:
                self.title = position.title
            if not self.country_id:
                self.country_id = position.country_id if position else self.person.country_id
        super().save(*args, **kwargs)


# Revisions -----------------------------------------------------------------------------


class RevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=RevisionState.PENDING)

    def of(self, obj):
        """The revisions of one meeting or article."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )

    def for_list(self):
        """Everything a row of the revision list shows, in a constant number of queries."""
        return self.select_related("content_type", "proposed_by", "reviewed_by").prefetch_related(
            "content_object"
        )


class RevisionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")


class Revision(models.Model):
    """A change to a published meeting or article, proposed by an editor and waiting for a
    publisher (see diplomacy/revisions.py). The record itself is unchanged until the
    revision is approved.

    `base` and `proposed` are the record before and after the change, in the format of the
    record's export (diplomacy/record.py): fields, many-to-many fields and the rows edited
    inline, every reference by its natural key."""

    State = RevisionState

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    content_object = GenericForeignKey("content_type", "object_id")
    base_version = models.PositiveIntegerField(
        _("based on version"), help_text=_("The version of the record the change was made to.")
    )
    base = models.JSONField(_("record before the change"))
    proposed = models.JSONField(_("proposed record"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            # A second save by the same editor replaces their pending revision.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "proposed_by"],
                condition=Q(state=RevisionState.PENDING),
                name="revision_one_pending_per_editor",
            )
        ]
        indexes = [
            # The pending revisions of one record (its change page, approving one of them).
            models.Index(fields=["content_type", "object_id", "state"], name="revision_record_idx"),
            # The revision list: pending first by default, newest first.
            models.Index(fields=["state", "proposed_at"], name="revision_state_idx"),
        ]

    def __str__(self):
        return _("Revision %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("admin:diplomacy_revision_change", args=[self.pk])

    @property
    def is_pending(self):
        return self.state == self.State.PENDING

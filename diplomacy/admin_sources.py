"""A published meeting needs a source readers can follow: a published source article on this
site, or a source URL (Meeting.has_public_source, MeetingQuerySet.without_public_source).

- The meeting admin refuses to publish a meeting without one, in its form (judged on the
  source articles submitted in the form's inline, not only the saved ones) and in the publish
  action; a change to a published meeting may not take its last source away either. A
  meeting published without a source before the rule came in can still be corrected.
- The article admin does not refuse to unpublish, reschedule, unlink or delete the last
  published source article of a published meeting, nor unpublish the meeting with it: it
  warns, naming the meetings left without a public source.
"""

from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from articles.models import Article
from diplomacy.admin_site import NAMES_SHOWN, quoted_names
from diplomacy.models import Meeting, Status, public_sources


def article_state(article):
    """Why a cited article does not count as a public source: its status, or its time."""
    if article.status == Status.PUBLISHED and article.publish_at is not None:
        return _("scheduled for %(time)s") % {
            "time": date_format(timezone.localtime(article.publish_at), "DATETIME_FORMAT")
        }
    return article.get_status_display()


def missing_source(meeting, articles, published_before=False):
    """What to tell an editor publishing `meeting` (as it would be saved) with the source
    `articles` (an Article queryset); None if it has a public source."""
    if meeting.has_public_source(articles):
        return None
    if published_before:
        message = _(
            "This meeting is published: keep a published source article or a source URL, "
            "or readers see it without a source."
        )
    else:
        message = _("Add a published source article or a source URL before publishing.")
    public = public_sources(articles, meeting.publish_at).values("pk")
    hidden = list(articles.exclude(pk__in=public).order_by("headline", "pk")[: NAMES_SHOWN + 1])
    if hidden:
        cited = quoted_names(hidden, detail=article_state)
        message += " " + _("The articles it cites are not public by then: %(articles)s.") % {
            "articles": cited
        }
    return message


class SourceArticleFormSet(BaseInlineFormSet):
    """The meeting form's source articles. Django validates it after the meeting's own form,
    which judges the meeting's sources on the articles sent in it: the formset leaves itself
    on the meeting being edited for that form to find (MeetingForm.submitted_sources)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance._source_formset = self


class MeetingSourceMixin:
    """For the meeting admin: the publish action checks the meeting's sources (its form, a
    MeetingFormSourcesMixin, checks them on saving)."""

    # Addresses typed without a scheme are taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def publication_refusal(self, obj):
        """The publish action (PublishableAdminMixin._set_status)."""
        if obj.status != Status.PUBLISHED:
            return None
        problem = missing_source(obj, obj.articles.all())
        if problem is None:
            return None
        return _("“%(meeting)s” was not published. %(problem)s") % {
            "meeting": obj,
            "problem": problem,
        }


class MeetingFormSourcesMixin:
    """For the meeting's change form (a PublishableForm): saving it as published needs a
    public source, judged on the source articles the form was sent with."""

    def clean(self):
        cleaned_data = super().clean()
        problem = self.missing_source(cleaned_data)
        if problem:
            raise forms.ValidationError(problem, code="no_public_source")
        return cleaned_data

    def missing_source(self, cleaned_data):
        if cleaned_data.get("status") != Status.PUBLISHED:
            return None
        articles = self.submitted_sources()
        if articles is None:
            return None  # the inline shows its own errors
        meeting = Meeting(
            pk=self.instance.pk,
            status=Status.PUBLISHED,
            source_url=cleaned_data.get("source_url", self.instance.source_url),
            publish_at=cleaned_data.get("publish_at", self.instance.publish_at),
        )
        published_before = self.saved_status == Status.PUBLISHED
        if published_before and self.was_without_source():
            # Published before the rule: corrections stay possible.
            return None
        return missing_source(meeting, articles, published_before)

    def was_without_source(self):
        return Meeting.objects.filter(pk=self.instance.pk).without_public_source().exists()

    def submitted_sources(self):
        """The source articles the form was sent with (an Article queryset), or None when
        the inline's rows are not valid. Without the inline (reverting to a version from the
        history), the saved ones."""
        formset = getattr(self.instance, "_source_formset", None)
        if formset is None:
            return self.instance.articles.all() if self.is_change else Article.objects.none()
        if not formset.is_valid():
            return None
        deleted = formset.deleted_forms
        chosen = [
            form.cleaned_data["article"].pk
            for form in formset.forms
            if form.cleaned_data.get("article") is not None and form not in deleted
        ]
        return Article.objects.filter(pk__in=chosen)


class ArticleSourcesMixin:
    """For the article admin: a warning when a change to articles leaves published meetings
    without a public source. Nothing is refused and no meeting is unpublished: the publisher
    decides what to do with them."""

    @contextmanager
    def watching_sources(self, request, article_pks):
        through = Article.meetings.through.objects.filter(article__in=article_pks)
        cited = list(through.values_list("meeting_id", flat=True).distinct())
        if not cited:
            yield
            return
        meetings = Meeting.objects.filter(pk__in=cited)
        before = set(meetings.without_public_source().values_list("pk", flat=True))
        yield
        left = list(meetings.without_public_source().exclude(pk__in=before).order_by("title", "pk"))
        if left:
            self.message_user(request, self.left_without_source(request, left), messages.WARNING)

    def left_without_source(self, request, meetings):
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse(
                        "admin:diplomacy_meeting_change",
                        args=[quote(meeting.pk)],
                        current_app=self.admin_site.name,
                    ),
                    f"“{meeting}”",
                )
                for meeting in meetings
            ),
        )
        return format_html(
            "{} {} {}",
            _("These published meetings no longer have a source readers can follow:"),
            links,
            _("— add a published source article or a source URL to each, or unpublish them."),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        article = self.watched_article(request, object_id)
        if article is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with self.watching_sources(request, [article.pk]):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        article = self.watched_article(request, object_id)
        if article is None:
            return super().history_form_view(request, object_id, version_id, extra_context)
        with self.watching_sources(request, [article.pk]):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def watched_article(self, request, object_id):
        if request.method != "POST" or object_id is None:
            return None
        return self.get_object(request, unquote(object_id))

    def _set_status(self, request, queryset, change, message):
        with self.watching_sources(request, list(queryset.values_list("pk", flat=True))):
            return super()._set_status(request, queryset, change, message)

    def delete_model(self, request, obj):
        with self.watching_sources(request, [obj.pk]):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with self.watching_sources(request, list(queryset.values_list("pk", flat=True))):
            super().delete_queryset(request, queryset)

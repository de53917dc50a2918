"""RSS and Atom feeds of the meeting list, for the list's exact filters.

A feed shows the 50 matching meetings most recently *published* on this site (not the most
recent meeting dates), so a subscriber learns of every newly published record, including a
past meeting entered today. The `sort` parameter does not apply to feeds.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from diplomacy.canonical import absolute_url, site_host
from diplomacy.exports import (
    LIST_SEPARATOR,
    MalformedQuery,
    bad_request,
    describe_filters,
    filtered_meetings,
    filters_title,
    participant_label,
    topics_of,
)
from diplomacy.filters import MeetingFilter
from diplomacy.text import strip_control_deep

FEED_LIMIT = 50
# The date in the feed entries' tag: URIs (RFC 4151). Never change it: readers use the ids
# to tell entries they have seen from new ones.
TAG_DATE = "2024"


@dataclass
class FeedQuery:
    """One request's filters, so the shared Feed instance keeps no per-request state."""

    filterset: MeetingFilter
    meetings: QuerySet
    query_string: str
    path: str


class MeetingFeed(Feed):
    language = "en"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except MalformedQuery as error:
            return bad_request(error)

    def get_feed(self, obj, request):
        """The feed, with every text that XML 1.0 cannot hold removed: saving strips control
        characters, but a row written before that (or behind the models' back) must not
        make the whole feed unwritable."""
        feed = super().get_feed(obj, request)
        feed.feed = strip_control_deep(feed.feed)
        feed.items = [strip_control_deep(item) for item in feed.items]
        return feed

    def get_object(self, request):
        filterset, meetings = filtered_meetings(request.GET)
        params = request.GET.copy()
        params.pop("page", None)
        query_string = f"?{params.urlencode()}" if params else ""
        return FeedQuery(filterset, meetings, query_string, request.path)

    def title(self, query):
        return filters_title(query.filterset)

    # Links are absolute, from the canonical address: the syndication framework would
    # otherwise prefix them with the request's Host header.
    def link(self, query):
        return absolute_url(reverse("meeting_list") + query.query_string)

    def feed_url(self, query):
        return absolute_url(query.path + query.query_string)

    def description(self, query):
        parts = describe_filters(query.filterset)
        where = ", " + LIST_SEPARATOR.join(parts) if parts else ""
        return f"The {FEED_LIMIT} diplomatic meetings most recently published on the record{where}."

    def items(self, query):
        meetings = list(
            query.meetings.for_list().order_by(F("published_at").desc(nulls_last=True), "-id")[
                :FEED_LIMIT
            ]
        )
        for meeting in meetings:
            meeting.feed_id = f"tag:{site_host()},{TAG_DATE}:meeting-{meeting.pk}"
        return meetings

    def item_link(self, meeting):
        return absolute_url(meeting.get_absolute_url())

    def item_title(self, meeting):
        return meeting.title

    def item_description(self, meeting):
        facts = [str(meeting.date_label), str(meeting.get_kind_display()), meeting.place_label]
        html = format_html("<p>{}</p>", " · ".join(fact for fact in facts if fact))
        participants = meeting.participants.all()
        if participants:
            html += format_html(
                "<p>Participants: {}</p>",
                format_html_join(
                    LIST_SEPARATOR, "{}", ((participant_label(p),) for p in participants)
                ),
            )
        if meeting.summary:
            html += format_html("<p>{}</p>", meeting.summary)
        return html

    def item_guid(self, meeting):
        return meeting.feed_id

    item_guid_is_permalink = False

    def item_pubdate(self, meeting):
        return meeting.published_at

    def item_updateddate(self, meeting):
        return meeting.updated

    def item_categories(self, meeting):
        return [str(meeting.get_kind_display()), *(topic.name for topic in topics_of(meeting))]


class MeetingAtomFeed(MeetingFeed):
    feed_type = Atom1Feed

    def subtitle(self, query):
        return self.description(query)

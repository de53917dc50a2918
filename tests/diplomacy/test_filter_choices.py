"""The list's filters accept what is public now: not what was public when the server started,
and nothing that only drafts use (whose answer would tell an outsider it exists)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from diplomacy.filters import MeetingFilter
from diplomacy.models import Status
from tests.factories import ArticleFactory, MeetingFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def list_page(client, **params):
    return client.get(reverse("meeting_list"), params).content.decode()


def test_a_meeting_published_after_start_up_can_be_filtered_by_its_participant(client):
    # The filter classes were defined when the module was imported, before this moment.
    envoy = PersonFactory(name="Scheduled Envoy")
    council = OrganizationFactory(name="Scheduled Council")
    meeting = MeetingFactory(
        title="Talks that went public a moment ago",
        people=[envoy],
        publish_at=timezone.now() - datetime.timedelta(microseconds=1),
    )
    meeting.organizations.add(council)
    for params in ({"person": envoy.slug}, {"organization": council.slug}):
        page = list_page(client, **params)
        assert "Talks that went public a moment ago" in page, params
        assert "No person matches" not in page and "No organization matches" not in page


def test_no_filter_holds_a_queryset_built_when_its_class_was_defined():
    for name, declared in MeetingFilter.declared_filters.items():
        rows = declared.extra.get("rows")
        if rows is not None:
            assert callable(rows), name


def page_for_topic(client, value):
    page = list_page(client, topic=value)
    return page.replace(urlencode({"topic": value}), "topic=VALUE").replace(value, "VALUE")


def test_a_topic_used_only_on_drafts_answers_exactly_like_a_missing_topic(client):
    MeetingFactory(title="Public talks").topics.add("Trade")
    MeetingFactory(title="Embargoed talks", status=Status.DRAFT).topics.add("Secret deal")
    ArticleFactory(headline="Draft story", status=Status.DRAFT).topics.add("Secret plan")
    missing = page_for_topic(client, "no-such-topic")
    assert "No topic" in missing
    assert page_for_topic(client, "secret-deal") == missing
    assert page_for_topic(client, "Secret deal") == missing
    assert page_for_topic(client, "secret-plan") == missing
    export = client.get(reverse("meeting_export_json"), {"topic": "secret-deal"})
    assert (
        export.status_code == client.get(reverse("meeting_export_json"), {"topic": "x"}).status_code
    )


def test_a_topic_of_a_published_meeting_or_article_filters_the_list(client):
    MeetingFactory(title="Public talks").topics.add("Trade")
    ArticleFactory(headline="Story").topics.add("Climate")
    assert "Public talks" in list_page(client, topic="trade")
    page = list_page(client, topic="climate")
    assert "No topic" not in page

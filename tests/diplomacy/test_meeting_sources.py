"""A published meeting needs a source readers can follow: a published source article or a
source URL. The rule (Meeting.has_public_source), where the admin applies it (the meeting
form and the publish action), the article admin's warning, and the public page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from diplomacy.models import Meeting, Status
from tests.admin_pages import change_url, messages_of
from tests.factories import ArticleFactory, MeetingFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
REFUSAL = "Add a published source article or a source URL before publishing."


def changelist_url(model):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def split_datetime(moment):
    local = timezone.localtime(moment)
    return {"publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S")}


def run_action(client, model, action, objects):
    return client.post(
        changelist_url(model),
        {"action": action, "_selected_action": [str(obj.pk) for obj in objects], "index": "0"},
    )


def form_errors(response):
    return [str(error) for error in response.context["adminform"].form.non_field_errors()]


def cited_by(meeting, **article):
    """A source article of `meeting` (published unless `status` says otherwise)."""
    source = ArticleFactory(**article)
    source.meetings.add(meeting)
    return source


def sources_inline(*articles, saved=()):
    """The source-article inline's rows: `saved` ones kept (or deleted: (article, True)),
    then new rows for `articles`."""
    rows = {}
    saved = [item if isinstance(item, tuple) else (item, False) for item in saved]
    for index, (link, delete) in enumerate(saved):
        rows[f"Article_meetings-{index}-id"] = str(link.pk)
        rows[f"Article_meetings-{index}-article"] = str(link.article_id)
        if delete:
            rows[f"Article_meetings-{index}-DELETE"] = "on"
    for index, article in enumerate(articles, start=len(saved)):
        rows[f"Article_meetings-{index}-article"] = str(article.pk)
    rows["Article_meetings-TOTAL_FORMS"] = str(len(saved) + len(articles))
    rows["Article_meetings-INITIAL_FORMS"] = str(len(saved))
    return rows


def links_of(meeting):
    return list(Article.meetings.through.objects.filter(meeting=meeting).order_by("pk"))


# The rule ---------------------------------------------------------------------------------


def test_a_published_source_article_or_a_source_url_is_a_public_source():
    assert MeetingFactory(source_url="https://mofa.gov.vn/talks").has_public_source()
    meeting = MeetingFactory()
    assert not meeting.has_public_source()
    cited_by(meeting, status=Status.DRAFT)
    cited_by(meeting, status=Status.IN_REVIEW)
    cited_by(meeting, status=Status.UNPUBLISHED)
    assert not meeting.has_public_source()
    cited_by(meeting, status=Status.PUBLISHED)
    assert meeting.has_public_source()


def test_a_source_article_counts_if_it_is_public_when_the_meeting_goes_public():
    now = timezone.now()
    meeting = MeetingFactory(status=Status.PUBLISHED)
    source = cited_by(meeting, status=Status.PUBLISHED, publish_at=now + 2 * HOUR)
    # Public now, the meeting would show before its source.
    assert not meeting.has_public_source()
    # Scheduled for the same time as its source, or later: they go public together.
    meeting.publish_at = now + 2 * HOUR
    assert meeting.has_public_source()
    meeting.publish_at = now + 3 * HOUR
    assert meeting.has_public_source()
    meeting.publish_at = now + HOUR
    assert not meeting.has_public_source()
    # Once the source's time has passed it counts for everything.
    source.publish_at = now - HOUR
    source.save()
    meeting.publish_at = None
    assert meeting.has_public_source()


def test_the_queryset_and_the_method_agree():
    now = timezone.now()
    with_url = MeetingFactory(source_url="https://mofa.gov.vn/talks")
    with_article = MeetingFactory()
    cited_by(with_article)
    with_draft = MeetingFactory()
    cited_by(with_draft, status=Status.DRAFT)
    bare = MeetingFactory()
    late_source = MeetingFactory(publish_at=now + HOUR)
    cited_by(late_source, status=Status.PUBLISHED, publish_at=now + 2 * HOUR)
    early_source = MeetingFactory(publish_at=now + 2 * HOUR)
    cited_by(early_source, status=Status.PUBLISHED, publish_at=now + HOUR)
    draft_meeting = MeetingFactory(status=Status.DRAFT)

    without = set(Meeting.objects.without_public_source())
    assert without == {with_draft, bare, late_source}
    for meeting in [with_url, with_article, with_draft, bare, late_source, early_source]:
        assert meeting.has_public_source() == (meeting not in without)
    assert draft_meeting not in without  # the rule is for published meetings


# The meeting form ---------------------------------------------------------------------------


def test_publishing_a_meeting_whose_sources_are_drafts_is_refused_naming_them(
    publisher_client, open_form
):
    meeting = MeetingFactory(status=Status.IN_REVIEW)
    cited_by(meeting, headline="Minister receives envoy", status=Status.DRAFT)
    cited_by(meeting, headline="Envoy ends visit", status=Status.IN_REVIEW)
    data = open_form(publisher_client, change_url(meeting))
    data["status"] = Status.PUBLISHED
    response = publisher_client.post(change_url(meeting), {**data, "_save": "Save"})
    assert response.status_code == 200
    assert form_errors(response) == [
        f"{REFUSAL} The articles it cites are not public by then: “Envoy ends visit” (In "
        "review), “Minister receives envoy” (Draft)."
    ]
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW


def test_publishing_a_meeting_with_no_source_at_all_is_refused(publisher_client, open_form):
    meeting = MeetingFactory(status=Status.DRAFT)
    data = open_form(publisher_client, change_url(meeting))
    data["status"] = Status.PUBLISHED
    response = publisher_client.post(change_url(meeting), {**data, "_save": "Save"})
    assert form_errors(response) == [REFUSAL]


def test_adding_a_meeting_already_published_needs_a_source(publisher_client, open_form):
    data = open_form(publisher_client, reverse("admin:diplomacy_meeting_add"))
    data.update(title="Talks", kind=Meeting.Kind.TALKS, status=Status.PUBLISHED)
    response = publisher_client.post(reverse("admin:diplomacy_meeting_add"), data)
    assert form_errors(response) == [REFUSAL]
    data["source_url"] = "mofa.gov.vn/talks"
    response = publisher_client.post(reverse("admin:diplomacy_meeting_add"), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.source_url) == (Status.PUBLISHED, "https://mofa.gov.vn/talks")


def test_a_source_url_is_enough_to_publish(publisher_client, open_form):
    meeting = MeetingFactory(status=Status.IN_REVIEW)
    cited_by(meeting, status=Status.DRAFT)
    data = open_form(publisher_client, change_url(meeting))
    data.update(status=Status.PUBLISHED, source_url="https://www.mofa.gov.vn/talks")
    assert publisher_client.post(change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_published


def test_a_published_source_article_added_in_the_same_form_is_enough_to_publish(
    publisher_client, open_form
):
    # The inline is saved after the meeting: the form judges the rows it was sent.
    meeting = MeetingFactory(status=Status.IN_REVIEW)
    source = ArticleFactory(status=Status.PUBLISHED)
    data = open_form(publisher_client, change_url(meeting))
    data.update(status=Status.PUBLISHED, **sources_inline(source))
    assert publisher_client.post(change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_published
    assert list(meeting.articles.all()) == [source]


def test_removing_the_published_source_in_the_same_form_as_publishing_is_refused(
    publisher_client, open_form
):
    meeting = MeetingFactory(status=Status.IN_REVIEW)
    cited_by(meeting, status=Status.PUBLISHED)
    draft = ArticleFactory(headline="Draft report", status=Status.DRAFT)
    data = open_form(publisher_client, change_url(meeting))
    data.update(
        status=Status.PUBLISHED, **sources_inline(draft, saved=[(links_of(meeting)[0], True)])
    )
    response = publisher_client.post(change_url(meeting), data)
    assert form_errors(response) == [
        f"{REFUSAL} The articles it cites are not public by then: “Draft report” (Draft)."
    ]
    assert len(links_of(meeting)) == 1


def test_a_change_that_takes_the_last_source_from_a_published_meeting_is_refused(
    editor_client, open_form
):
    meeting = MeetingFactory(status=Status.PUBLISHED, source_url="https://mofa.gov.vn/talks")
    data = open_form(editor_client, change_url(meeting))
    data["source_url"] = ""
    response = editor_client.post(change_url(meeting), data)
    assert form_errors(response) == [
        "This meeting is published: keep a published source article or a source URL, or "
        "readers see it without a source."
    ]
    meeting.refresh_from_db()
    assert meeting.source_url == "https://mofa.gov.vn/talks"


def test_a_meeting_published_without_a_source_before_the_rule_can_still_be_corrected(
    publisher_client, open_form
):
    meeting = MeetingFactory(title="Talks in Hanoi", status=Status.PUBLISHED)
    data = open_form(publisher_client, change_url(meeting))
    data["title"] = "Talks in Hà Nội"
    assert publisher_client.post(change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Talks in Hà Nội"


def test_scheduling_a_meeting_for_when_its_scheduled_source_is_out_works(
    publisher_client, open_form
):
    at = (timezone.now() + 2 * HOUR).replace(microsecond=0)
    meeting = MeetingFactory(status=Status.IN_REVIEW)
    cited_by(meeting, headline="Embargoed report", status=Status.PUBLISHED, publish_at=at)
    data = open_form(publisher_client, change_url(meeting))
    data.update(status=Status.PUBLISHED, **split_datetime(at - HOUR))
    response = publisher_client.post(change_url(meeting), data)
    assert form_errors(response)[0].startswith(
        f"{REFUSAL} The articles it cites are not public by then: “Embargoed report” "
        "(scheduled for "
    )
    data.update(split_datetime(at))
    assert publisher_client.post(change_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.publish_at) == (Status.PUBLISHED, at)


def test_reverting_to_a_published_version_needs_a_source_too(publisher_client, open_form):
    meeting = MeetingFactory(status=Status.PUBLISHED)
    published = meeting.history.latest()
    meeting.unpublish()
    meeting.save()
    url = reverse("admin:diplomacy_meeting_simple_history", args=[meeting.pk, published.history_id])
    response = publisher_client.post(url, open_form(publisher_client, url))
    assert form_errors(response) == [REFUSAL]
    meeting.refresh_from_db()
    assert meeting.status == Status.UNPUBLISHED


# The publish action -------------------------------------------------------------------------


def test_the_publish_action_refuses_meetings_without_a_public_source(publisher_client):
    sourced = MeetingFactory(status=Status.DRAFT, sourced=True)
    with_article = MeetingFactory(status=Status.DRAFT)
    cited_by(with_article)
    drafts_only = MeetingFactory(title="Talks in Vientiane", status=Status.DRAFT)
    cited_by(drafts_only, headline="Minister visits Laos", status=Status.DRAFT)

    response = run_action(
        publisher_client, Meeting, "publish_selected", [sourced, with_article, drafts_only]
    )

    assert messages_of(response) == [
        f"“Talks in Vientiane” was not published. {REFUSAL} The articles it cites are not "
        "public by then: “Minister visits Laos” (Draft).",
        "2 meetings published.",
    ]
    for meeting in (sourced, with_article, drafts_only):
        meeting.refresh_from_db()
    assert sourced.is_published and with_article.is_published
    assert drafts_only.status == Status.DRAFT


# The article admin warns --------------------------------------------------------------------


def warnings_of(response):
    return [m for m in messages_of(response) if "no longer have a source" in m]


def test_unpublishing_the_last_published_source_warns_and_leaves_the_meeting_published(
    publisher_client,
):
    meeting = MeetingFactory(title="Talks in Hà Nội", status=Status.PUBLISHED)
    source = cited_by(meeting)
    response = run_action(publisher_client, Article, "unpublish_selected", [source])
    [warning] = warnings_of(response)
    assert f'<a href="{change_url(meeting)}">“Talks in Hà Nội”</a>' in warning
    meeting.refresh_from_db()
    assert meeting.is_published


def test_deleting_the_last_published_source_warns(publisher_client):
    meeting = MeetingFactory(title="Talks in Hà Nội", status=Status.PUBLISHED)
    source = cited_by(meeting)
    url = reverse("admin:articles_article_delete", args=[source.pk])
    response = publisher_client.post(url, {"post": "yes"})
    assert not Article.objects.filter(pk=source.pk).exists()
    assert "“Talks in Hà Nội”" in warnings_of(response)[0]


def test_unlinking_the_meeting_from_its_last_source_article_warns(publisher_client, open_form):
    meeting = MeetingFactory(title="Talks in Hà Nội", status=Status.PUBLISHED)
    source = cited_by(meeting)
    data = open_form(publisher_client, change_url(source))
    data.pop("meetings")
    response = publisher_client.post(change_url(source), data)
    assert response.status_code == 302
    assert "“Talks in Hà Nội”" in warnings_of(response)[0]


def test_no_warning_while_the_meeting_keeps_another_source(publisher_client):
    with_url = MeetingFactory(status=Status.PUBLISHED, sourced=True)
    with_two = MeetingFactory(status=Status.PUBLISHED)
    source = cited_by(with_url)
    source.meetings.add(with_two)
    cited_by(with_two)
    response = run_action(publisher_client, Article, "unpublish_selected", [source])
    assert warnings_of(response) == []
    assert "1 article unpublished." in messages_of(response)


# Readers ----------------------------------------------------------------------------------


def test_the_meeting_page_links_to_the_source_url(client):
    meeting = MeetingFactory(source_url="https://www.mofa.gov.vn/en/talks?id=1&lang=en")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert (
        'Reported by <a href="https://www.mofa.gov.vn/en/talks?id=1&amp;lang=en" '
        'rel="external nofollow noopener">mofa.gov.vn</a>'
    ) in page
    assert "No articles yet." not in page
    bare = client.get(MeetingFactory().get_absolute_url()).content.decode()
    assert "Reported by" not in bare and "No articles yet." in bare

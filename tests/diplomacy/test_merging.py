"""Merging duplicate people, organizations and topics: the plan, the merge, the admin
actions with their preview page, and the merge_records command."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from diplomacy import admin_merge, merging
from diplomacy.merging import MergeError, merge, merge_topics, plan_merge
from diplomacy.models import (
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    TaggedMeeting,
    Topic,
)
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def son():
    """The record to keep: the native spelling, in two meetings."""
    person = PersonFactory(name="Bùi Thanh Sơn", aliases="Son")
    PositionFactory(person=person, title="Minister of Foreign Affairs")
    return person


@pytest.fixture
def son_copy():
    """The same man entered again from an English article."""
    return PersonFactory(
        name="Bui Thanh Son",
        aliases="B. T. Son\nSon\nBùi Thanh Sơn",
        country=None,
        wikidata_id="Q10800682",
    )


@pytest.fixture
def record(son, son_copy):
    """Meetings, a position and articles shared out between the two records."""
    retno = PersonFactory(name="Retno Marsudi", country=country("ID"))
    talks = MeetingFactory(title="Talks in Jakarta", people=[son, retno])
    reception = MeetingFactory(
        title="Reception of the Indonesian envoy",
        start_date=datetime.date(2024, 3, 5),
        people=[son_copy, retno],
    )
    call = MeetingFactory(title="Phone call with Indonesia", people=[son_copy])
    both = MeetingFactory(title="Regional summit")
    # The survivor's row without title or side (creating it would fill them from its position).
    Participant.objects.create(meeting=both, person=son)
    Participant.objects.filter(meeting=both, person=son).update(title="", country=None)
    Participant.objects.create(
        meeting=both, person=son_copy, title="Deputy Prime Minister", country=country("VN")
    )
    position = PositionFactory(
        person=son_copy, title="Deputy Prime Minister", start_date=datetime.date(2025, 3, 1)
    )
    tagging_copy = ArticleFactory(headline="Envoy received")
    tagging_copy.people.add(son_copy)
    tagging_both = ArticleFactory(headline="Summit opens")
    tagging_both.people.add(son, son_copy)
    return {
        "retno": retno,
        "talks": talks,
        "reception": reception,
        "call": call,
        "both": both,
        "position": position,
        "tagging_copy": tagging_copy,
        "tagging_both": tagging_both,
    }


def titles(meetings):
    return sorted(meeting.title for meeting in meetings)


def meetings_of(person):
    return titles(Meeting.objects.with_person(person))


# People ----------------------------------------------------------------------------------


def test_merging_two_people_moves_meetings_positions_and_article_tags(son, son_copy, record):
    merge(son, [son_copy])
    assert not Person.objects.filter(pk=son_copy.pk).exists()
    assert meetings_of(son) == [
        "Phone call with Indonesia",
        "Reception of the Indonesian envoy",
        "Regional summit",
        "Talks in Jakarta",
    ]
    assert Position.objects.get(pk=record["position"].pk).person == son
    assert sorted(p.title for p in son.positions.all()) == [
        "Deputy Prime Minister",
        "Minister of Foreign Affairs",
    ]
    assert sorted(a.headline for a in son.articles.all()) == ["Envoy received", "Summit opens"]
    assert Article.people.through.objects.filter(article=record["tagging_both"]).count() == 1


def test_the_duplicates_names_become_aliases_of_the_survivor_once(son, son_copy):
    merge(son, [son_copy])
    son.refresh_from_db()
    # "Bui Thanh Son" is the survivor's ASCII name, "Son" an alias already, "Bùi Thanh Sơn"
    # its own name: only the new spelling is added.
    assert son.alias_list == ["Son", "B. T. Son"]
    assert "b. t. son" in son.search_text


def test_the_survivor_takes_the_country_and_wikidata_id_it_lacks(son, son_copy):
    son.wikidata_id = ""
    son.country = None
    son.save()
    son_copy.country = country("VN")
    son_copy.save()
    plan = merge(son, [son_copy])
    son.refresh_from_db()
    assert son.wikidata_id == "Q10800682"
    assert son.country == country("VN")
    assert [label for label, _ in plan.filled] == ["country", "Wikidata id"]


def test_a_different_wikidata_id_is_reported_and_the_survivors_kept(son, son_copy):
    son.wikidata_id = "Q1"
    son.save()
    plan = merge(son, [son_copy])
    son.refresh_from_db()
    assert son.wikidata_id == "Q1"
    assert any("Q10800682" in conflict for conflict in plan.conflicts)


def test_a_meeting_both_took_part_in_keeps_the_survivors_row_completed(son, son_copy, record):
    survivors_row = Participant.objects.get(meeting=record["both"], person=son)
    plan = merge(son, [son_copy])
    rows = Participant.objects.filter(meeting=record["both"])
    assert list(rows) == [survivors_row]
    survivors_row.refresh_from_db()
    assert survivors_row.title == "Deputy Prime Minister"
    assert survivors_row.country == country("VN")
    assert plan.items("shared_meetings") == [record["both"]]
    assert any("Regional summit" in conflict for conflict in plan.conflicts)


def test_a_meeting_both_took_part_in_keeps_the_survivors_own_title(son, son_copy):
    meeting = MeetingFactory()
    Participant.objects.create(meeting=meeting, person=son, title="Foreign Minister")
    Participant.objects.create(meeting=meeting, person=son_copy, title="Deputy Prime Minister")
    plan = merge(son, [son_copy])
    assert [(p.person, p.title) for p in meeting.participants.all()] == [(son, "Foreign Minister")]
    assert "“Deputy Prime Minister” dropped" in plan.conflicts[0]


def test_two_duplicates_in_one_meeting_leave_one_row_for_the_survivor(son):
    first, second = PersonFactory(name="Bui Son"), PersonFactory(name="B. T. Son")
    meeting = MeetingFactory(people=[first, second])
    plan = merge(son, [first, second])
    assert [p.person for p in meeting.participants.all()] == [son]
    assert plan.count("meetings") == 1
    son.refresh_from_db()
    assert son.alias_list == ["Son", "Bui Son", "B. T. Son"]


def test_a_position_the_survivor_already_holds_is_not_repeated(son, son_copy):
    PositionFactory(person=son_copy, title="Minister of Foreign Affairs", country=country("VN"))
    plan = merge(son, [son_copy])
    assert [p.title for p in son.positions.all()] == ["Minister of Foreign Affairs"]
    assert plan.count("identical_positions") == 1
    assert plan.count("positions") == 0


def test_the_merged_name_finds_the_survivor_in_the_admin_search(
    editor_client, son, son_copy, record
):
    merge(son, [son_copy])
    response = editor_client.get(reverse("admin:diplomacy_person_changelist"), {"q": "B. T. Son"})
    assert list(response.context["cl"].result_list) == [son]


def test_the_merged_name_finds_the_survivors_meetings_in_the_public_filter(
    client, son, son_copy, record
):
    merge(son, [son_copy])
    response = client.get(reverse("meeting_list"), {"person": "B. T. Son"})
    assert response.status_code == 200
    assert titles(response.context["meetings"]) == meetings_of(son)
    assert "Phone call with Indonesia" in titles(response.context["meetings"])


def test_the_plan_changes_nothing_and_counts_what_the_merge_moves(son, son_copy, record):
    before = list(Participant.objects.values_list("pk", "person_id").order_by("pk"))
    plan = plan_merge(son, [son_copy])
    assert list(Participant.objects.values_list("pk", "person_id").order_by("pk")) == before
    assert Person.objects.filter(pk=son_copy.pk).exists()
    son.refresh_from_db()
    assert son.alias_list == ["Son"]

    counts = {
        "meetings": 2,
        "shared_meetings": 1,
        "positions": 1,
        "identical_positions": 0,
        "articles": 1,
        "shared_articles": 1,
    }
    assert {key: plan.count(key) for key in counts} == counts
    assert titles(plan.items("meetings")) == [
        "Phone call with Indonesia",
        "Reception of the Indonesian envoy",
    ]
    assert plan.aliases_added == ["B. T. Son"]
    done = merge(son, [son_copy])
    assert {key: done.count(key) for key in counts} == counts


def test_the_survivor_is_saved_with_the_merging_editor(son, son_copy, editor):
    merge(son, [son_copy], user=editor)
    son.refresh_from_db()
    assert son.updated_by == editor


@pytest.mark.skipif(not hasattr(Person, "history"), reason="people keep no history")
def test_the_history_of_the_survivor_and_of_moved_rows_records_the_merge(son, son_copy, record):
    merge(son, [son_copy])
    reason = "Bui Thanh Son merged into Bùi Thanh Sơn."
    assert son.history.first().history_change_reason == reason
    moved = Participant.objects.get(meeting=record["call"])
    assert moved.history.first().history_change_reason == reason
    assert moved.history.first().person_id == son.pk


def test_a_failed_merge_changes_nothing(son, son_copy, record, monkeypatch):
    def refuse(plan):
        raise MergeError("Refused.")

    monkeypatch.setattr(merging, "_delete_duplicates", refuse)
    with pytest.raises(MergeError):
        merge(son, [son_copy])
    assert meetings_of(son_copy) == [
        "Phone call with Indonesia",
        "Reception of the Indonesian envoy",
        "Regional summit",
    ]
    son.refresh_from_db()
    assert son.alias_list == ["Son"]


# Errors ------------------------------------------------------------------------------------


def test_a_record_cannot_be_merged_into_itself(son):
    with pytest.raises(ValueError, match="cannot be merged into itself"):
        merge(son, [son])
    with pytest.raises(ValueError, match="cannot be merged into itself"):
        plan_merge(son, [PersonFactory(), son])


def test_merging_needs_a_duplicate(son):
    with pytest.raises(ValueError, match="name at least one duplicate"):
        merge(son, [])


def test_only_records_of_one_kind_are_merged(son):
    with pytest.raises(ValueError, match="is not a person"):
        merge(son, [OrganizationFactory()])
    with pytest.raises(ValueError, match="Only people, organizations and topics"):
        merge(MeetingFactory(), [MeetingFactory()])


def test_a_duplicate_deleted_meanwhile_is_reported(son, son_copy):
    Person.objects.filter(pk=son_copy.pk).delete()
    with pytest.raises(ValueError, match="no longer exists"):
        merge(son, [son_copy])


# Organizations ---------------------------------------------------------------------------


def test_merging_organizations_moves_meetings_articles_positions_and_children():
    un = OrganizationFactory(name="United Nations", acronym="", country=None)
    copy = OrganizationFactory(name="The United Nations", acronym="UN")
    unicef = OrganizationFactory(name="UNICEF", parent=copy)
    named_both, named_copy = MeetingFactory(), MeetingFactory()
    named_both.organizations.add(un, copy)
    named_copy.organizations.add(copy)
    article = ArticleFactory()
    article.organizations.add(copy)
    position = PositionFactory(title="Secretary-General", organization=copy, country=None)

    plan = merge(un, [copy])

    assert not Organization.objects.filter(pk=copy.pk).exists()
    assert list(named_both.organizations.all()) == [un]
    assert list(named_copy.organizations.all()) == [un]
    assert list(article.organizations.all()) == [un]
    position.refresh_from_db()
    assert position.organization == un
    unicef.refresh_from_db()
    assert unicef.parent == un
    un.refresh_from_db()
    assert un.acronym == "UN"
    assert plan.merged_names == ["The United Nations (UN)"]
    assert {key: plan.count(key) for key in ["meetings", "shared_meetings", "children"]} == {
        "meetings": 1,
        "shared_meetings": 1,
        "children": 1,
    }
    assert "“The United Nations (UN)”" in plan.notes[0]


def test_a_survivor_under_its_duplicate_moves_up_to_the_duplicates_parent():
    party = OrganizationFactory(name="Communist Party of Viet Nam")
    committee = OrganizationFactory(name="Central Committee", parent=party)
    commission = OrganizationFactory(name="Central Foreign Affairs Commission", parent=committee)
    merge(commission, [committee])
    commission.refresh_from_db()
    assert commission.parent == party


def test_organizations_that_are_each_others_parent_merge_without_a_loop():
    ministry = OrganizationFactory(name="Ministry of Foreign Affairs")
    department = OrganizationFactory(name="Press Department", parent=ministry)
    press = OrganizationFactory(name="Press and Information Department", parent=department)
    merge(ministry, [department])
    press.refresh_from_db()
    ministry.refresh_from_db()
    assert press.parent == ministry
    assert ministry.parent is None


# Topics ----------------------------------------------------------------------------------


def test_merging_topics_moves_meetings_and_articles_keeping_one_tag_per_item():
    tagged_both = MeetingFactory()
    tagged_both.topics.add("trade", "commerce")
    tagged_commerce = MeetingFactory()
    tagged_commerce.topics.add("commerce")
    article = ArticleFactory()
    article.topics.add("commerce", "trade")
    trade, commerce = Topic.objects.get(name="trade"), Topic.objects.get(name="commerce")

    plan = merge_topics(trade, [commerce])

    assert list(Topic.objects.all()) == [trade]
    assert list(tagged_both.topics.all()) == [trade]
    assert list(tagged_commerce.topics.all()) == [trade]
    assert list(article.topics.all()) == [trade]
    assert TaggedMeeting.objects.filter(tag=trade).count() == 2
    assert {key: plan.count(key) for key in ["meetings", "shared_meetings", "shared_articles"]} == {
        "meetings": 1,
        "shared_meetings": 1,
        "shared_articles": 1,
    }
    assert plan.summary() == "Merged 1 topic (commerce) into “trade”. Moved: 1 meeting."


def test_merge_topics_only_takes_topics(son):
    with pytest.raises(ValueError, match="is not a topic"):
        merge_topics(son, [PersonFactory()])


# The admin actions -------------------------------------------------------------------------


def action_request(rf, user, data):
    """A POST to a changelist as the admin passes it to an action: user, session, messages."""
    request = rf.post("/admin/diplomacy/", data)
    request.user = user
    SessionMiddleware(lambda request: None).process_request(request)
    request.session.save()
    request._messages = FallbackStorage(request)
    return request


def run(rf, editor, action, model, objects, **data):
    """Call `action` as the changelist does, with the real ModelAdmin and its queryset."""
    model_admin = admin.site._registry[model]
    pks = [str(obj.pk) for obj in objects]
    request = action_request(
        rf, editor, {"action": action.__name__, "_selected_action": pks, **data}
    )
    queryset = model_admin.get_queryset(request).filter(pk__in=pks)
    response = action(model_admin, request, queryset)
    if response is not None:
        response.render()
    return request, response


def message_texts(request):
    return [str(message) for message in get_messages(request)]


def test_the_preview_lists_what_will_move_and_proposes_the_one_in_most_meetings(
    rf, editor, son, son_copy, record
):
    request, response = run(rf, editor, admin_merge.merge_people, Person, [son, son_copy])
    assert response.status_code == 200
    assert response.template_name == "admin/merge_preview.html"
    html = response.rendered_content
    # son_copy took part in three meetings, son in two.
    assert response.context_data["survivor"] == son_copy
    assert f'value="{son_copy.pk}" checked' in html
    assert "Talks in Jakarta" in html
    assert "Envoy received" not in html  # It tags son_copy already: it does not move.
    assert "Minister of Foreign Affairs" in html
    assert 'name="post" value="yes"' in html
    assert f'name="previewed" value="{son_copy.pk}"' in html
    assert Person.objects.filter(pk=son.pk).exists()


def test_choosing_another_survivor_previews_it(rf, editor, son, son_copy, record):
    request, response = run(
        rf, editor, admin_merge.merge_people, Person, [son, son_copy], survivor=str(son.pk)
    )
    html = response.rendered_content
    assert response.context_data["survivor"] == son
    assert "Phone call with Indonesia" in html
    assert "Envoy received" in html
    assert "B. T. Son" in html  # An alias added.
    assert "Regional summit" in html  # A conflict: both took part.


def test_confirming_merges_and_reports_it(rf, editor, son, son_copy, record):
    request, response = run(
        rf,
        editor,
        admin_merge.merge_people,
        Person,
        [son, son_copy],
        survivor=str(son.pk),
        previewed=str(son.pk),
        post="yes",
    )
    assert response is None
    assert not Person.objects.filter(pk=son_copy.pk).exists()
    assert len(meetings_of(son)) == 4
    [text] = message_texts(request)
    assert text.startswith("Merged 1 person (Bui Thanh Son) into “Bùi Thanh Sơn”.")
    assert "3 meetings" not in text and "2 meetings" in text
    entries = LogEntry.objects.order_by("pk")
    assert [(e.action_flag, e.object_repr) for e in entries] == [
        (DELETION, "Bui Thanh Son"),
        (CHANGE, "Bùi Thanh Sơn"),
    ]


def test_confirming_another_choice_than_the_preview_shows_its_preview_first(
    rf, editor, son, son_copy, record
):
    request, response = run(
        rf,
        editor,
        admin_merge.merge_people,
        Person,
        [son, son_copy],
        survivor=str(son.pk),
        previewed=str(son_copy.pk),
        post="yes",
    )
    assert response.status_code == 200
    assert response.context_data["choice_changed"]
    assert Person.objects.filter(pk=son_copy.pk).exists()


def test_merging_needs_two_selected_rows(rf, editor, son):
    request, response = run(rf, editor, admin_merge.merge_people, Person, [son])
    assert response is None
    assert message_texts(request) == ["Select at least two people to merge."]


def test_the_organization_action_merges_after_the_preview(rf, editor):
    un = OrganizationFactory(name="United Nations", acronym="UN")
    copy = OrganizationFactory(name="UN Organization")
    MeetingFactory().organizations.add(un)
    request, response = run(rf, editor, admin_merge.merge_organizations, Organization, [un, copy])
    assert response.context_data["survivor"] == un
    request, response = run(
        rf,
        editor,
        admin_merge.merge_organizations,
        Organization,
        [un, copy],
        survivor=str(un.pk),
        previewed=str(un.pk),
        post="yes",
    )
    assert list(Organization.objects.all()) == [un]
    assert message_texts(request) == [
        "Merged 1 organization (UN Organization) into “United Nations (UN)”."
    ]


def test_the_topic_action_merges_after_the_preview(rf, editor):
    MeetingFactory().topics.add("trade")
    MeetingFactory().topics.add("commerce", "trade")
    trade, commerce = Topic.objects.get(name="trade"), Topic.objects.get(name="commerce")
    request, response = run(rf, editor, admin_merge.merge_topics_action, Topic, [commerce, trade])
    assert response.context_data["survivor"] == trade
    assert "Meetings tagged with the survivor too" in response.rendered_content
    run(
        rf,
        editor,
        admin_merge.merge_topics_action,
        Topic,
        [commerce, trade],
        survivor=str(trade.pk),
        previewed=str(trade.pk),
        post="yes",
    )
    assert list(Topic.objects.all()) == [trade]
    assert TaggedMeeting.objects.filter(tag=trade).count() == 2


@pytest.fixture
def wired(monkeypatch):
    """The merge actions in the registered ModelAdmins' `actions`, as diplomacy/admin.py
    lists them (added here for as long as it does not)."""
    for model, action in [
        (Person, admin_merge.merge_people),
        (Organization, admin_merge.merge_organizations),
        (Topic, admin_merge.merge_topics_action),
    ]:
        model_admin = admin.site._registry[model]
        if action not in (model_admin.actions or []):
            monkeypatch.setattr(model_admin, "actions", [*(model_admin.actions or []), action])


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirm_form(html):
    """What the preview's Merge button posts: its hidden fields, the checked survivor and
    post=yes."""
    form = html[html.index('id="merge-form"') :]
    data = {}
    for name, value in HIDDEN.findall(form):
        data.setdefault(name, []).append(value)
    data["survivor"] = re.search(r'name="survivor" value="(\d+)" checked', form).group(1)
    data["post"] = "yes"
    return data


def test_an_editor_merges_people_from_the_changelist(wired, editor_client, son, son_copy, record):
    url = reverse("admin:diplomacy_person_changelist")
    response = editor_client.post(
        url, {"action": "merge_people", "_selected_action": [son.pk, son_copy.pk], "index": "0"}
    )
    assert response.status_code == 200
    assert "Talks in Jakarta" in response.text
    data = confirm_form(response.text)
    assert sorted(data["_selected_action"]) == sorted([str(son.pk), str(son_copy.pk)])
    assert data["survivor"] == str(son_copy.pk)

    response = editor_client.post(url, data, follow=True)
    assert not Person.objects.filter(pk=son.pk).exists()
    assert len(meetings_of(son_copy)) == 4
    assert any(
        str(m).startswith("Merged 1 person (Bùi Thanh Sơn)") for m in response.context["messages"]
    )


def test_an_editor_merges_topics_from_the_changelist(wired, editor_client):
    MeetingFactory().topics.add("trade", "commerce")
    MeetingFactory().topics.add("trade")
    url = reverse("admin:diplomacy_topic_changelist")
    pks = list(Topic.objects.values_list("pk", flat=True))
    response = editor_client.post(
        url, {"action": "merge_topics_action", "_selected_action": pks, "index": "0"}
    )
    editor_client.post(url, confirm_form(response.text))
    assert list(Topic.objects.values_list("name", flat=True)) == ["trade"]


def test_an_editor_without_the_delete_permission_cannot_merge(wired, client, son, son_copy):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(codename__in=["view_person", "change_person"])
    )
    client.force_login(clerk)
    response = client.post(
        reverse("admin:diplomacy_person_changelist"),
        {"action": "merge_people", "_selected_action": [son.pk, son_copy.pk], "index": "0"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Merging deletes the duplicates: you need permission to delete people."
    ]
    assert Person.objects.filter(pk=son_copy.pk).exists()


# The command -------------------------------------------------------------------------------


def command(*args):
    out = StringIO()
    call_command("merge_records", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_prints_the_preview_and_changes_nothing(son, son_copy, record):
    output = command("people", son.slug, son_copy.slug, "--dry-run")
    assert "Meetings a duplicate took part in, moving to the survivor (2):" in output
    assert "Phone call with Indonesia" in output
    assert "Aliases added: B. T. Son" in output
    assert "Dry run: nothing was changed." in output
    assert Person.objects.filter(pk=son_copy.pk).exists()
    assert len(meetings_of(son_copy)) == 3


def test_the_command_merges_and_prints_the_summary(son, son_copy, record):
    output = command("people", son.slug, son_copy.slug)
    assert "Merged 1 person (Bui Thanh Son) into “Bùi Thanh Sơn”." in output
    assert not Person.objects.filter(pk=son_copy.pk).exists()
    assert len(meetings_of(son)) == 4


def test_the_command_merges_topics_and_organizations():
    MeetingFactory().topics.add("trade", "commerce")
    command("topics", "trade", "commerce")
    assert list(Topic.objects.values_list("name", flat=True)) == ["trade"]
    un, copy = OrganizationFactory(name="United Nations"), OrganizationFactory(name="UNO")
    command("organizations", un.slug, copy.slug)
    assert list(Organization.objects.all()) == [un]


def test_an_unknown_slug_is_named_and_nothing_changes(son, son_copy, record):
    with pytest.raises(CommandError, match="no-such-person"):
        command("people", son.slug, son_copy.slug, "no-such-person")
    assert Person.objects.filter(pk=son_copy.pk).exists()


def test_the_command_refuses_to_merge_a_record_into_itself(son):
    with pytest.raises(CommandError, match="cannot be merged into itself"):
        command("people", son.slug, son.slug)


def test_every_kind_of_tagged_item_is_moved_by_a_topic_merge():
    assert {model._meta.model_name for model in merging.tagged_models()} == {
        "taggedmeeting",
        "taggedarticle",
    }


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="the database locks whole files"
)
def test_the_merge_locks_the_survivor_and_the_duplicates_first(son, son_copy):
    with CaptureQueriesContext(connection) as queries:
        merge(son, [son_copy])
    sql = [query["sql"] for query in queries.captured_queries]
    reads = [q for q in sql if q.startswith("SELECT")]
    assert "FOR UPDATE" in reads[0] and '"diplomacy_person"' in reads[0]
    assert [q for q in sql if "FOR UPDATE" in q] == reads[:1]

"""The editors' admin for countries, people, organizations, topics and meetings."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import django
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diplomacy.models import Country, Meeting, Organization, Participant, Person, Status, Topic
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db


def management_form(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_errors(response):
    """Every error on an admin change form page: the main form and each inline."""
    if response.context is None or "adminform" not in response.context:
        return None
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors += [inline.formset.non_form_errors(), inline.formset.errors]
    return [e for e in errors if e and any(e)]


def assert_saved(response):
    assert response.status_code == 302, form_errors(response)


def found(response):
    return list(response.context["cl"].result_list)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def autocomplete(client, model_name, field_name, term, app_label="diplomacy"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.fixture
def son():
    person = PersonFactory(name="Bùi Thanh Sơn", aliases="Son")
    PositionFactory(person=person, title="Minister of Foreign Affairs")
    return person


@pytest.fixture
def riyad():
    person = PersonFactory(name="Riyad al-Maliki", country=country("PS"))
    PositionFactory(person=person, title="Minister of Foreign Affairs", country=country("PS"))
    return person


def meeting_post(**overrides):
    data = {
        "title": "Talks in Hà Nội",
        "slug": "",
        "kind": Meeting.Kind.TALKS,
        "status": Status.DRAFT,
        "start_date": "2024-02-26",
        "end_date": "",
        "date_precision": Meeting.Precision.DAY,
        "location_city": "Hà Nội",
        "location_country": "VN",
        "parent": "",
        "summary": "",
        "outcomes": "",
        "topics": "trade",
        **management_form("participants"),
        **management_form("Article_meetings"),
        "_save": "Save",
    }
    data.update(overrides)
    return data


def participants(*people):
    data = management_form("participants", total=len(people))
    for i, person in enumerate(people):
        data.update(
            {
                f"participants-{i}-person": str(person.pk),
                f"participants-{i}-title": "",
                f"participants-{i}-country": "",
                f"participants-{i}-role": Participant.Role.PARTICIPANT,
                f"participants-{i}-order": str(i),
            }
        )
    return data


# Every page loads for an editor ---------------------------------------------------------

OBJECT_MAKERS = {
    "person": lambda: PositionFactory().person,
    "organization": lambda: OrganizationFactory(parent=OrganizationFactory()),
    "meeting": lambda: MeetingFactory(people=[PersonFactory()], parent=MeetingFactory()),
    "topic": lambda: Topic.objects.create(name="Trade"),
}


@pytest.mark.parametrize("model_name", sorted(OBJECT_MAKERS))
def test_an_editor_can_open_the_changelist_add_and_change_pages(editor_client, model_name):
    obj = OBJECT_MAKERS[model_name]()
    for url in [
        reverse(f"admin:diplomacy_{model_name}_changelist"),
        reverse(f"admin:diplomacy_{model_name}_add"),
        reverse(f"admin:diplomacy_{model_name}_change", args=[obj.pk]),
    ]:
        assert editor_client.get(url).status_code == 200, url


def test_an_editor_can_open_the_country_changelist_and_change_page(editor_client):
    assert editor_client.get(reverse("admin:diplomacy_country_changelist")).status_code == 200
    url = reverse("admin:diplomacy_country_change", args=["VN"])
    assert editor_client.get(url).status_code == 200


def test_the_admin_index_lists_every_model_for_an_editor(editor_client):
    response = editor_client.get(reverse("admin:index"))
    for model_name in ["country", "person", "organization", "meeting", "topic"]:
        assert reverse(f"admin:diplomacy_{model_name}_changelist") in response.text


# Adding ---------------------------------------------------------------------------------


def test_it_adds_a_person_with_a_position_and_an_ascii_slug(editor_client, editor):
    data = {
        "name": "Bùi Thanh Sơn",
        "name_ascii": "",
        "aliases": "Son",
        "slug": "",
        "country": "VN",
        "wikidata_id": "",
        **management_form("positions", total=1),
        "positions-0-title": "Minister of Foreign Affairs",
        "positions-0-organization": "",
        "positions-0-country": "VN",
        "positions-0-start_date": "2021-04-08",
        "positions-0-end_date": "",
        "_save": "Save",
    }
    assert_saved(editor_client.post(reverse("admin:diplomacy_person_add"), data))
    person = Person.objects.get()
    assert person.slug == "bui-thanh-son"
    assert person.name_ascii == "Bui Thanh Son"
    assert person.positions.get().title == "Minister of Foreign Affairs"
    assert person.created_by == editor
    assert person.updated_by == editor


def test_it_makes_a_unique_slug_when_two_people_share_a_name(editor_client):
    PersonFactory(name="Nguyễn Văn Đức")
    data = {
        "name": "Nguyễn Văn Đức",
        "slug": "",
        "country": "VN",
        **management_form("positions"),
        "_save": "Save",
    }
    assert_saved(editor_client.post(reverse("admin:diplomacy_person_add"), data))
    assert sorted(Person.objects.values_list("slug", flat=True)) == [
        "nguyen-van-duc",
        "nguyen-van-duc-2",
    ]


def test_it_rejects_a_position_that_ends_before_it_starts(editor_client):
    data = {
        "name": "Bùi Thanh Sơn",
        "slug": "",
        "country": "VN",
        **management_form("positions", total=1),
        "positions-0-title": "Minister of Foreign Affairs",
        "positions-0-start_date": "2021-04-08",
        "positions-0-end_date": "2020-01-01",
        "_save": "Save",
    }
    response = editor_client.post(reverse("admin:diplomacy_person_add"), data)
    assert response.status_code == 200
    assert "A position cannot end before it starts." in str(form_errors(response))
    assert not Person.objects.exists()


def test_it_adds_an_organization(editor_client, editor):
    parent = OrganizationFactory(name="Government of Viet Nam")
    data = {
        "name": "Bộ Ngoại giao",
        "acronym": "MOFA",
        "slug": "",
        "kind": Organization.Kind.MINISTRY,
        "country": "VN",
        "parent": str(parent.pk),
        "_save": "Save",
    }
    assert_saved(editor_client.post(reverse("admin:diplomacy_organization_add"), data))
    organization = Organization.objects.get(acronym="MOFA")
    assert organization.slug == "bo-ngoai-giao"
    assert organization.parent == parent
    assert organization.created_by == editor


def test_it_adds_a_topic_with_an_ascii_slug(editor_client):
    data = {"name": "Biển Đông", "slug": "", "_save": "Save"}
    assert_saved(editor_client.post(reverse("admin:diplomacy_topic_add"), data))
    assert Topic.objects.get().slug == "bien-dong"


def test_it_adds_a_meeting_with_two_participants_and_syncs_their_countries(
    editor_client, editor, son, riyad
):
    data = meeting_post(**participants(son, riyad))
    assert_saved(editor_client.post(reverse("admin:diplomacy_meeting_add"), data))
    meeting = Meeting.objects.get()
    assert meeting.slug == "talks-in-ha-noi"
    assert [(p.person, p.title) for p in meeting.participants.all()] == [
        (son, "Minister of Foreign Affairs"),
        (riyad, "Minister of Foreign Affairs"),
    ]
    assert set(meeting.countries.values_list("code", flat=True)) == {"VN", "PS"}
    assert list(meeting.topics.names()) == ["trade"]
    assert meeting.created_by == editor


def test_it_keeps_countries_chosen_by_hand_next_to_the_synced_ones(editor_client, son):
    data = meeting_post(countries=["LA"], **participants(son))
    assert_saved(editor_client.post(reverse("admin:diplomacy_meeting_add"), data))
    assert set(Meeting.objects.get().countries.values_list("code", flat=True)) == {"LA", "VN"}


def test_it_links_source_articles_to_a_meeting(editor_client, son):
    article = ArticleFactory()
    data = meeting_post(
        **participants(son),
        **management_form("Article_meetings", total=1),
        **{"Article_meetings-0-article": str(article.pk)},
    )
    assert_saved(editor_client.post(reverse("admin:diplomacy_meeting_add"), data))
    assert list(Meeting.objects.get().articles.all()) == [article]


def test_it_rejects_a_meeting_that_ends_before_it_starts(editor_client):
    data = meeting_post(start_date="2024-02-26", end_date="2024-02-25")
    response = editor_client.post(reverse("admin:diplomacy_meeting_add"), data)
    assert response.status_code == 200
    assert "The end date cannot be before the start date" in str(
        response.context["adminform"].form.non_field_errors()
    )
    assert not Meeting.objects.exists()


def test_it_rejects_the_same_person_twice_on_a_meeting(editor_client, son):
    data = meeting_post(**participants(son, son))
    response = editor_client.post(reverse("admin:diplomacy_meeting_add"), data)
    assert response.status_code == 200
    assert "duplicate" in str(form_errors(response)).lower()
    assert not Meeting.objects.exists()


def test_it_rejects_adding_a_person_already_on_a_saved_meeting(editor_client, son):
    meeting = MeetingFactory(people=[son])
    existing = meeting.participants.get()
    data = meeting_post(
        title=meeting.title,
        slug=meeting.slug,
        version=str(meeting.version),
        **management_form("participants", total=2, initial=1),
        **{
            "participants-0-id": str(existing.pk),
            "participants-0-meeting": str(meeting.pk),
            "participants-0-person": str(son.pk),
            "participants-0-role": Participant.Role.HOST,
            "participants-0-order": "0",
            "participants-1-meeting": str(meeting.pk),
            "participants-1-person": str(son.pk),
            "participants-1-role": Participant.Role.GUEST,
            "participants-1-order": "1",
        },
    )
    response = editor_client.post(
        reverse("admin:diplomacy_meeting_change", args=[meeting.pk]), data
    )
    assert response.status_code == 200
    assert "duplicate" in str(form_errors(response)).lower()
    assert meeting.participants.count() == 1


# Changing -------------------------------------------------------------------------------


def test_it_records_who_changed_a_meeting(editor_client, editor):
    author = EditorFactory(username="author")
    meeting = MeetingFactory(created_by=author, updated_by=author, status=Status.DRAFT)
    data = meeting_post(
        title="Renamed talks",
        slug=meeting.slug,
        status=meeting.status,
        version=str(meeting.version),
    )
    url = reverse("admin:diplomacy_meeting_change", args=[meeting.pk])
    assert_saved(editor_client.post(url, data))
    meeting.refresh_from_db()
    assert meeting.title == "Renamed talks"
    assert meeting.created_by == author
    assert meeting.updated_by == editor


def test_it_shows_the_record_read_only_on_the_change_page(editor_client, editor):
    meeting = MeetingFactory(created_by=editor, updated_by=editor)
    response = editor_client.get(reverse("admin:diplomacy_meeting_change", args=[meeting.pk]))
    form = response.context["adminform"].form
    assert "created_by" not in form.fields
    assert "published_at" not in form.fields
    assert "field-created_by" in response.text
    assert "field-published_at" in response.text


def test_it_stamps_the_first_publication_when_a_publisher_sets_the_status(publisher_client):
    meeting = MeetingFactory(status=Status.DRAFT)
    data = meeting_post(
        slug=meeting.slug,
        status=Status.PUBLISHED,
        source_url="https://www.mofa.gov.vn/talks",
        version=str(meeting.version),
    )
    url = reverse("admin:diplomacy_meeting_change", args=[meeting.pk])
    assert_saved(publisher_client.post(url, data))
    meeting.refresh_from_db()
    assert meeting.is_published
    assert meeting.published_at is not None


def test_it_lets_an_editor_add_a_demonym_to_a_country(editor_client):
    data = {
        "name": "Viet Nam",
        "other_names": "Vietnam\nViệt Nam",
        "demonyms": "Vietnamese",
        "_save": "Save",
    }
    url = reverse("admin:diplomacy_country_change", args=["VN"])
    assert_saved(editor_client.post(url, data))
    vietnam = country("VN")
    assert vietnam.demonym_list == ["Vietnamese"]
    assert "viet nam" in vietnam.search_text


def test_it_keeps_the_country_code_read_only(editor_client):
    url = reverse("admin:diplomacy_country_change", args=["VN"])
    response = editor_client.get(url)
    assert "code" not in response.context["adminform"].form.fields
    data = {"code": "XX", "name": "Viet Nam", "other_names": "", "demonyms": "", "_save": "Save"}
    assert_saved(editor_client.post(url, data))
    assert not Country.objects.filter(code="XX").exists()


def test_an_editor_cannot_add_or_delete_a_country(editor_client):
    assert editor_client.get(reverse("admin:diplomacy_country_add")).status_code == 403
    delete_url = reverse("admin:diplomacy_country_delete", args=["VN"])
    assert editor_client.get(delete_url).status_code == 403
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = editor_client.get(reverse("admin:diplomacy_country_changelist"))
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )
    assert Country.objects.filter(code="VN").exists()


def test_not_even_a_superuser_can_add_or_delete_a_country(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:diplomacy_country_add")).status_code == 403
    delete_url = reverse("admin:diplomacy_country_delete", args=["VN"])
    assert client.get(delete_url).status_code == 403


# Publishing -----------------------------------------------------------------------------


def run_action(client, model_name, action, objects):
    return client.post(
        reverse(f"admin:diplomacy_{model_name}_changelist"),
        {"action": action, "_selected_action": [str(obj.pk) for obj in objects], "index": "0"},
        follow=True,
    )


def test_the_publish_action_publishes_drafts_and_reports_the_count(publisher_client, publisher):
    drafts = [MeetingFactory(status=Status.DRAFT, sourced=True) for _ in range(2)]
    already = MeetingFactory(status=Status.PUBLISHED)
    response = run_action(publisher_client, "meeting", "publish_selected", [*drafts, already])
    assert "2 meetings published." in [str(m) for m in response.context["messages"]]
    for meeting in drafts:
        meeting.refresh_from_db()
        assert meeting.status == Status.PUBLISHED
        assert meeting.published_at is not None
        assert meeting.updated_by == publisher


def test_the_unpublish_action_withdraws_published_meetings(publisher_client):
    meeting = MeetingFactory(status=Status.PUBLISHED)
    response = run_action(publisher_client, "meeting", "unpublish_selected", [meeting])
    assert "1 meeting unpublished." in [str(m) for m in response.context["messages"]]
    meeting.refresh_from_db()
    assert meeting.status == Status.UNPUBLISHED


def test_unpublishing_keeps_the_first_publication_date(publisher_client):
    meeting = MeetingFactory(status=Status.DRAFT, sourced=True)
    run_action(publisher_client, "meeting", "publish_selected", [meeting])
    meeting.refresh_from_db()
    first = meeting.published_at
    assert first is not None
    run_action(publisher_client, "meeting", "unpublish_selected", [meeting])
    run_action(publisher_client, "meeting", "publish_selected", [meeting])
    meeting.refresh_from_db()
    assert meeting.published_at == first


# Search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["Bùi Thanh Sơn", "Bui Thanh Son", "bui thanh son", "BÙI sơn"])
def test_person_search_ignores_case_and_diacritics(editor_client, son, term):
    PersonFactory(name="Riyad al-Maliki")
    url = reverse("admin:diplomacy_person_changelist")
    assert found(editor_client.get(url, {"q": term})) == [son]


def test_person_search_finds_aliases(editor_client, son):
    url = reverse("admin:diplomacy_person_changelist")
    assert found(editor_client.get(url, {"q": "son"})) == [son]


@pytest.mark.parametrize("term", ["ha noi", "Hà Nội", "HA NOI"])
def test_meeting_search_finds_the_place_without_diacritics(editor_client, term):
    hanoi = MeetingFactory(title="Talks", location_city="Hà Nội")
    MeetingFactory(title="Reception", location_city="Vientiane")
    url = reverse("admin:diplomacy_meeting_changelist")
    assert found(editor_client.get(url, {"q": term})) == [hanoi]


def test_meeting_search_finds_a_participant_once(editor_client, son, riyad):
    meeting = MeetingFactory(people=[son, riyad])
    MeetingFactory(people=[riyad])
    url = reverse("admin:diplomacy_meeting_changelist")
    assert found(editor_client.get(url, {"q": "bui thanh son"})) == [meeting]


def test_meeting_search_keeps_the_list_filters(editor_client, son):
    draft = MeetingFactory(people=[son], status=Status.DRAFT)
    MeetingFactory(people=[son], status=Status.PUBLISHED)
    url = reverse("admin:diplomacy_meeting_changelist")
    assert found(editor_client.get(url, {"q": "bui", "status__exact": "draft"})) == [draft]


def test_country_search_finds_other_names_and_demonyms(editor_client):
    vietnam = country("VN")
    vietnam.other_names = "Viet Nam\nViệt Nam"
    vietnam.demonyms = "Vietnamese"
    vietnam.save()
    url = reverse("admin:diplomacy_country_changelist")
    assert vietnam in found(editor_client.get(url, {"q": "việt nam"}))
    assert found(editor_client.get(url, {"q": "vietnamese"})) == [vietnam]


def test_organization_search_finds_the_acronym_and_the_folded_name(editor_client):
    ministry = OrganizationFactory(name="Bộ Ngoại giao", acronym="MOFA")
    OrganizationFactory(name="Association of Southeast Asian Nations", acronym="ASEAN")
    url = reverse("admin:diplomacy_organization_changelist")
    assert found(editor_client.get(url, {"q": "mofa"})) == [ministry]
    assert found(editor_client.get(url, {"q": "bo ngoai"})) == [ministry]


def test_topic_search_ignores_diacritics(editor_client):
    sea = Topic.objects.create(name="Biển Đông")
    Topic.objects.create(name="Trade")
    url = reverse("admin:diplomacy_topic_changelist")
    assert [t.pk for t in found(editor_client.get(url, {"q": "bien dong"}))] == [sea.pk]
    assert [t.pk for t in found(editor_client.get(url, {"q": "Biển"}))] == [sea.pk]


@pytest.mark.parametrize("term", ["bui", "Bùi Thanh", "bui thanh son"])
def test_person_autocomplete_ignores_diacritics(editor_client, son, term):
    PersonFactory(name="Riyad al-Maliki")
    assert autocomplete(editor_client, "participant", "person", term) == ["Bùi Thanh Sơn"]


def test_parent_meeting_autocomplete_finds_a_place_or_participant(editor_client, son):
    summit = MeetingFactory(title="Summit", location_city="Hà Nội")
    visit = MeetingFactory(title="Official visit", people=[son])
    assert autocomplete(editor_client, "meeting", "parent", "ha noi") == [summit.title]
    assert autocomplete(editor_client, "meeting", "parent", "bui") == [visit.title]


def test_country_autocomplete_finds_other_names(editor_client):
    vietnam = country("VN")
    vietnam.other_names = "Viet Nam\nViệt Nam"
    vietnam.save()
    assert autocomplete(editor_client, "person", "country", "viet nam") == [vietnam.name]
    assert autocomplete(editor_client, "person", "country", "Việt Nam") == [vietnam.name]


# Lists ----------------------------------------------------------------------------------


def test_the_meeting_list_shows_date_kind_participants_and_status(editor_client, son, riyad):
    MeetingFactory(
        title="Talks",
        kind=Meeting.Kind.TALKS,
        start_date=datetime.date(2023, 8, 1),
        date_precision=Meeting.Precision.MONTH,
        status=Status.DRAFT,
        people=[son, riyad],
    )
    response = editor_client.get(reverse("admin:diplomacy_meeting_changelist"))
    assert "August 2023" in response.text
    assert "Bùi Thanh Sơn, Riyad al-Maliki" in response.text
    assert "Talks" in response.text
    assert "Draft" in response.text


def test_the_meeting_list_filters_by_country_without_duplicates(editor_client, son, riyad):
    both = MeetingFactory(people=[son, riyad])
    MeetingFactory(people=[riyad])
    url = reverse("admin:diplomacy_meeting_changelist")
    response = editor_client.get(url, {"countries__code__exact": "VN"})
    assert found(response) == [both]
    response = editor_client.get(url, {"countries__code__exact": "PS"})
    assert len(found(response)) == 2


def test_the_meeting_list_offers_only_countries_in_use(editor_client, son):
    MeetingFactory(people=[son], location_country=country("LA"))
    response = editor_client.get(reverse("admin:diplomacy_meeting_changelist"))
    specs = {spec.title: spec for spec in response.context["cl"].filter_specs}
    assert [label for _, label in specs["country of venue"].lookup_choices] == [country("LA").name]
    assert [label for _, label in specs["countries"].lookup_choices] == [country("VN").name]


def make_meetings(count, son, riyad):
    for _ in range(count):
        MeetingFactory(people=[son, riyad], location_country=country("VN"))


def test_the_meeting_list_query_count_does_not_grow_with_rows(editor_client, son, riyad):
    url = reverse("admin:diplomacy_meeting_changelist")
    make_meetings(2, son, riyad)
    few = count_queries(editor_client, url)
    make_meetings(8, son, riyad)
    assert count_queries(editor_client, url) == few


def test_the_person_list_query_count_does_not_grow_with_rows(editor_client):
    url = reverse("admin:diplomacy_person_changelist")
    PositionFactory.create_batch(2)
    few = count_queries(editor_client, url)
    PositionFactory.create_batch(8)
    assert count_queries(editor_client, url) == few


def test_the_organization_list_query_count_does_not_grow_with_rows(editor_client):
    url = reverse("admin:diplomacy_organization_changelist")
    parent = OrganizationFactory()
    OrganizationFactory.create_batch(2, parent=parent, country=country("VN"))
    few = count_queries(editor_client, url)
    OrganizationFactory.create_batch(8, parent=parent, country=country("VN"))
    assert count_queries(editor_client, url) == few


def test_the_topic_list_counts_uses_in_a_constant_number_of_queries(editor_client):
    url = reverse("admin:diplomacy_topic_changelist")
    MeetingFactory().topics.add("trade", "climate")
    few = count_queries(editor_client, url)
    for i in range(8):
        MeetingFactory().topics.add(f"topic {i}", "trade")
    assert count_queries(editor_client, url) == few
    response = editor_client.get(url)
    trade = next(t for t in found(response) if t.name == "trade")
    assert trade.meeting_count == 9


# Topics ---------------------------------------------------------------------------------


# Merging topics is tested with the other merges in test_merging.py.


# Slugs typed in the browser -------------------------------------------------------------


def test_the_add_form_prepopulates_the_slug_and_leaves_it_optional(editor_client):
    response = editor_client.get(reverse("admin:diplomacy_person_add"))
    assert not response.context["adminform"].form.fields["slug"].required
    assert "django-admin-prepopulated-fields-constants" in response.text
    assert 'id="diplomacy-urlify-folding"' in response.text


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the admin JS")
def test_the_prepopulated_slug_transliterates_vietnamese(editor_client):
    response = editor_client.get(reverse("admin:diplomacy_person_add"))
    src = re.search(
        r'<script id="diplomacy-urlify-folding" src="/static/([^"]+)">', response.text
    ).group(1)
    script = (Path(__file__).resolve().parents[2] / "static" / src).read_text()
    urlify = Path(django.__file__).parent / "contrib/admin/static/admin/js/urlify.js"
    program = f"""
        globalThis.window = globalThis;
        {urlify.read_text()}
        {script}
        for (const name of ["Bùi Thanh Sơn", "Đà Nẵng", "Phạm Minh Chính", "Nguyễn Phú Trọng"]) {{
            console.log(URLify(name, 200, false));
        }}
    """
    output = subprocess.run(
        ["node", "-e", program], capture_output=True, text=True, check=True, timeout=30
    ).stdout.split()
    assert output == ["bui-thanh-son", "da-nang", "pham-minh-chinh", "nguyen-phu-trong"]


# The editor's journey, end to end ---------------------------------------------------------


def test_an_editor_adds_a_meeting_a_publisher_publishes_it_and_readers_see_it(
    editor_client, publisher_client, son, riyad
):
    # Saved as a draft, the meeting is not public yet. Its source is a published article.
    source = ArticleFactory(headline="Minister receives envoy")
    data = meeting_post(
        **participants(son, riyad),
        **management_form("Article_meetings", total=1),
        **{"Article_meetings-0-article": str(source.pk)},
    )
    assert_saved(editor_client.post(reverse("admin:diplomacy_meeting_add"), data))
    meeting = Meeting.objects.get()
    public_list = reverse("meeting_list")
    assert "Talks in Hà Nội" not in editor_client.get(public_list).content.decode()
    assert editor_client.get(meeting.get_absolute_url()).status_code == 404

    run_action(publisher_client, "meeting", "publish_selected", [meeting])

    listed = editor_client.get(public_list, {"person": son.slug, "country": "PS"})
    assert [m.title for m in listed.context["meetings"]] == ["Talks in Hà Nội"]
    page = editor_client.get(meeting.get_absolute_url()).content.decode()
    assert "Riyad al-Maliki" in page and "Minister of Foreign Affairs" in page
    assert "Minister receives envoy" in page

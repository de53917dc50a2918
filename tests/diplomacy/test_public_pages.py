"""Home, meeting, person, country and organization pages; drafts never appear on them."""

import datetime

import pytest
from django.urls import reverse

from diplomacy.models import Meeting, Status
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def son():
    person = PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
    PositionFactory(person=person, title="Minister of Foreign Affairs")
    return person


@pytest.fixture
def published(son):
    guest = PersonFactory(name="Retno Marsudi", country=country("ID"))
    session = MeetingFactory(
        title="Human Rights Council session",
        kind=Meeting.Kind.MULTILATERAL,
        location_city="Geneva",
        location_country=country("CH"),
        people=[son],
    )
    meeting = MeetingFactory(
        title="Sơn meets Retno Marsudi",
        parent=session,
        location_city="Geneva",
        location_country=country("CH"),
        people=[son, guest],
    )
    un = OrganizationFactory(name="United Nations", acronym="UN")
    meeting.organizations.add(un)
    article = ArticleFactory(headline="Minister holds talks in Geneva")
    article.meetings.add(meeting, session)
    article.people.add(son, guest)
    article.countries.add(country("VN"), country("ID"))
    return meeting


@pytest.fixture
def drafts(son):
    """Draft content that must not leak anywhere, with a person only drafts mention."""
    secret_person = PersonFactory(name="Embargoed Envoy", country=country("PS"))
    secret_org = OrganizationFactory(name="Embargoed Council")
    meeting = MeetingFactory(
        title="Embargoed meeting",
        status=Status.DRAFT,
        people=[son, secret_person],
    )
    meeting.organizations.add(secret_org)
    article = ArticleFactory(headline="Embargoed article", status=Status.DRAFT)
    article.meetings.add(meeting)
    article.people.add(secret_person)
    return {"meeting": meeting, "article": article, "person": secret_person, "org": secret_org}


def test_meeting_urls_carry_the_date_and_the_slug(published):
    assert published.get_absolute_url() == "/meetings/2024/02/26/son-meets-retno-marsudi/"


def test_meeting_page_shows_participants_with_their_titles_parent_and_sources(client, published):
    response = client.get(published.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sơn meets Retno Marsudi · Diplomacy Record</title>" in html
    assert "Minister of Foreign Affairs" in html
    assert "Retno Marsudi" in html
    assert "Human Rights Council session" in html
    assert "Minister holds talks in Geneva" in html
    assert "Geneva, Switzerland" in html
    assert "United Nations" in html


def test_a_parent_event_lists_the_meetings_held_during_it(client, published):
    html = client.get(published.parent.get_absolute_url()).content.decode()
    assert "Meetings held during this event" in html
    assert "Sơn meets Retno Marsudi" in html


def test_a_wrong_date_in_a_meeting_url_redirects_to_the_right_one(client, published):
    response = client.get("/meetings/2020/01/01/son-meets-retno-marsudi/")
    assert response.status_code == 301
    assert response["Location"] == published.get_absolute_url()


def test_an_undated_meeting_has_its_own_address(client, son):
    meeting = MeetingFactory(title="Press briefing", start_date=None, people=[son])
    assert meeting.get_absolute_url() == "/meetings/undated/press-briefing/"
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert "Date unknown" in response.content.decode()


def test_person_page_lists_positions_meetings_and_articles(client, son, published):
    response = client.get(reverse("person_detail", args=["bui-thanh-son"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Bùi Thanh Sơn · Diplomacy Record</title>" in html
    assert "Minister of Foreign Affairs" in html
    assert "Sơn meets Retno Marsudi" in html
    assert "Minister holds talks in Geneva" in html
    assert response.context["meeting_count"] == 2


def test_country_page_lists_its_meetings_and_people(client, published):
    response = client.get("/countries/id/")
    assert response.status_code == 200
    assert [m.title for m in response.context["meetings"]] == ["Sơn meets Retno Marsudi"]
    assert [p.name for p in response.context["people"]] == ["Retno Marsudi"]
    assert "<title>Indonesia · Diplomacy Record</title>" in response.content.decode()


def test_country_codes_in_upper_case_redirect_and_unknown_ones_are_404(client, published):
    assert client.get("/countries/ID/")["Location"] == "/countries/id/"
    assert client.get("/countries/zz/").status_code == 404
    assert client.get("/countries/indonesia/").status_code == 404
    assert client.get("/countries/i%00/").status_code == 404
    assert client.get("/countries/%C4%90a/").status_code == 404


def test_organization_page_lists_its_meetings(client, published):
    response = client.get("/organizations/united-nations/")
    assert response.status_code == 200
    assert [m.title for m in response.context["meetings"]] == ["Sơn meets Retno Marsudi"]


def test_home_page_shows_latest_meetings_and_articles(client, published):
    html = client.get("/").content.decode()
    assert "Sơn meets Retno Marsudi" in html
    assert "Minister holds talks in Geneva" in html


def test_list_pages_load(client, published):
    for name in ["person_list", "country_list", "organization_list", "article_list"]:
        assert client.get(reverse(name)).status_code == 200
    assert "Bùi Thanh Sơn" in client.get(reverse("person_list"), {"q": "bui"}).content.decode()


def test_suggestions_find_people_without_diacritics(client, son, published):
    data = client.get(reverse("person_suggest"), {"q": "bui thanh"}).json()
    assert data["results"] == [
        {"slug": "bui-thanh-son", "name": "Bùi Thanh Sơn", "country": "Vietnam"}
    ]


PUBLIC_URLS = [
    "/",
    "/meetings/",
    "/meetings/?q=embargoed",
    "/meetings/?person=bui-thanh-son",
    "/people/",
    "/people/?q=embargoed",
    "/people/bui-thanh-son/",
    "/people/suggest/?q=embargoed",
    "/organizations/",
    "/organizations/suggest/?q=embargoed",
    "/countries/",
    "/countries/vn/",
    "/countries/ps/",
    "/articles/",
    "/articles/?q=embargoed",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_draft_content_appears_on_no_public_page(client, published, drafts, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Embargoed" not in body


def test_draft_meetings_and_articles_have_no_page(client, drafts):
    assert client.get(drafts["meeting"].get_absolute_url()).status_code == 404
    assert client.get(drafts["article"].get_absolute_url()).status_code == 404


def test_people_and_organizations_only_in_drafts_have_no_page(client, drafts):
    assert client.get(drafts["person"].get_absolute_url()).status_code == 404
    assert client.get(drafts["org"].get_absolute_url()).status_code == 404


def test_a_draft_parent_is_not_linked_from_a_published_meeting(client, son):
    parent = MeetingFactory(title="Embargoed summit", status=Status.DRAFT)
    child = MeetingFactory(title="Sideline talks", parent=parent, people=[son])
    html = client.get(child.get_absolute_url()).content.decode()
    assert "Embargoed summit" not in html


def test_publishing_a_draft_makes_it_appear(client, drafts):
    meeting = drafts["meeting"]
    meeting.publish()
    meeting.save()
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert "Embargoed meeting" in client.get("/meetings/").content.decode()
    assert meeting.published_at is not None


def test_meeting_date_labels_follow_the_precision(son):
    month = MeetingFactory(
        start_date=datetime.date(2023, 8, 1), date_precision=Meeting.Precision.MONTH
    )
    year = MeetingFactory(
        start_date=datetime.date(2023, 1, 1), date_precision=Meeting.Precision.YEAR
    )
    span = MeetingFactory(
        start_date=datetime.date(2026, 2, 18), end_date=datetime.date(2026, 2, 20)
    )
    assert month.date_label == "August 2023"
    assert year.date_label == "2023"
    assert span.date_label == "18 February 2026 – 20 February 2026"


def test_the_people_and_organization_lists_hold_exactly_the_public_entries():
    from articles.models import Article
    from diplomacy.models import Organization, Person, Status
    from tests.factories import ArticleFactory, MeetingFactory, OrganizationFactory, PersonFactory

    in_meeting, in_draft, in_article, alone = (PersonFactory() for _ in range(4))
    MeetingFactory(people=[in_meeting]).organizations.add(OrganizationFactory())
    MeetingFactory(people=[in_draft], status=Status.DRAFT).organizations.add(OrganizationFactory())
    article = ArticleFactory()
    article.people.add(in_article)
    article.organizations.add(OrganizationFactory())
    ArticleFactory(status=Status.DRAFT).people.add(alone)
    assert set(Person.objects.listed()) == set(Person.objects.public())
    assert set(Person.objects.listed()) == {in_meeting, in_article}
    assert set(Organization.objects.listed()) == set(Organization.objects.public())
    assert Organization.objects.listed().count() == 2
    assert Article.objects.count() == 2

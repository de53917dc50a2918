import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Outlet, TaggedArticle
from diplomacy.demo import read_demo_data
from diplomacy.models import (
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    Status,
    TaggedMeeting,
    Topic,
)
from diplomacy.roles import EDITORS, PUBLISHERS
from diplomacy.text import fold

REPO = Path(__file__).resolve().parents[2]
SEED_DIRS = [Path("/work/shared/seeds"), REPO.parent / "shared" / "seeds"]
SEEDS = next((path for path in SEED_DIRS if path.is_dir()), None)
TRUTH = REPO.parent / "shared" / "seeds" / "truth.json"

# The labelled facts name meeting kinds in words; the models use Meeting.Kind.
TRUTH_KINDS = {
    "bilateral meeting": Meeting.Kind.BILATERAL,
    "reception": Meeting.Kind.RECEPTION,
    "talks": Meeting.Kind.TALKS,
    "multilateral meeting": Meeting.Kind.MULTILATERAL,
    "official visit": Meeting.Kind.OFFICIAL_VISIT,
    "signing": Meeting.Kind.SIGNING,
    "press conference": Meeting.Kind.PRESS_CONFERENCE,
}


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Every row the demo touches, with every column, including timestamps."""
    models = [
        Outlet,
        Organization,
        Person,
        Position,
        Meeting,
        Participant,
        Article,
        Topic,
        TaggedMeeting,
        TaggedArticle,
        Meeting.countries.through,
        Meeting.organizations.through,
        Article.countries.through,
        Article.people.through,
        Article.organizations.through,
        Article.meetings.through,
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.fixture
def data():
    return read_demo_data()


@pytest.fixture
def loaded(db):
    return load_demo()


def meeting(title):
    return Meeting.objects.get(title=title)


# load_demo ---------------------------------------------------------------------------


def test_load_demo_loads_every_record_of_the_data_file(loaded, data):
    assert Person.objects.count() == len(data["people"]) == 23
    assert Organization.objects.count() == len(data["organizations"]) == 22
    assert Meeting.objects.count() == len(data["meetings"]) == 20
    assert Article.objects.count() == len(data["articles"]) == 5
    assert Outlet.objects.count() == len(data["outlets"]) == 3
    assert Position.objects.count() == sum(len(p["positions"]) for p in data["people"])
    assert Participant.objects.count() == sum(len(m["participants"]) for m in data["meetings"])
    assert set(Person.objects.values_list("name", flat=True)) == {p["name"] for p in data["people"]}
    assert set(Meeting.objects.values_list("title", flat=True)) == {
        m["title"] for m in data["meetings"]
    }


def test_load_demo_prints_a_one_line_summary(db):
    output = load_demo()

    assert output.strip() == (
        "Demo data: 5 articles, 20 meetings, 23 people, 22 organizations, 3 outlets "
        "(73 created, 0 updated, 0 unchanged)."
    )


def test_load_demo_lists_each_record_at_verbosity_2(db):
    output = load_demo("--verbosity", "2")

    assert "created person: Bùi Thanh Sơn" in output
    assert "created meeting: 55th session of the UN Human Rights Council" in output


def test_load_demo_is_silent_at_verbosity_0(db):
    assert load_demo("--verbosity", "0") == ""
    assert Meeting.objects.count() == 20


def test_the_reception_of_riad_malki_is_in_ha_noi_on_25_december_2024(loaded):
    reception = meeting("Bùi Thanh Sơn receives Palestinian Special Envoy Riad Malki")

    assert reception.kind == Meeting.Kind.RECEPTION
    assert reception.start_date == datetime.date(2024, 12, 25)
    assert reception.end_date is None
    assert reception.date_precision == Meeting.Precision.DAY
    assert reception.location_city == "Hà Nội"
    assert reception.location_country_id == "VN"
    assert reception.slug == "bui-thanh-son-receives-palestinian-special-envoy-riad-malki"
    assert set(reception.countries.values_list("code", flat=True)) == {"VN", "PS"}
    assert [
        (p.person.name, p.title, p.country_id, p.role) for p in reception.participants.all()
    ] == [
        (
            "Bùi Thanh Sơn",
            "Deputy Prime Minister and Minister of Foreign Affairs",
            "VN",
            Participant.Role.HOST,
        ),
        (
            "Riad Malki",
            "Special Envoy of the President and Advisor for International Affairs",
            "PS",
            Participant.Role.GUEST,
        ),
    ]
    assert "two-state solution" in reception.topics.names()


def test_the_geneva_sideline_meetings_have_the_human_rights_council_session_as_parent(loaded):
    session = meeting("55th session of the UN Human Rights Council")

    children = session.children.all()
    assert children.count() == 6
    assert all(child.start_date == datetime.date(2024, 2, 26) for child in children)
    assert all(child.location_city == "Geneva" for child in children)
    assert all(child.location_country_id == "CH" for child in children)
    assert set(session.organizations.values_list("acronym", flat=True)) == {"UNHRC"}


def test_un_officials_represent_no_country(loaded):
    talks = meeting("Bùi Thanh Sơn meets UN Secretary-General António Guterres")

    guterres = talks.participants.get(person__name="António Guterres")
    assert guterres.country_id is None
    assert guterres.person.country_id == "PT"
    assert set(talks.countries.values_list("code", flat=True)) == {"VN"}


def test_undated_meetings_have_day_precision_and_no_dates(loaded):
    briefing = meeting("Lê Hoài Trung briefs the press on the Gaza Peace Council visit")

    assert briefing.start_date is None
    assert briefing.end_date is None
    assert briefing.date_precision == Meeting.Precision.DAY
    assert briefing.kind == Meeting.Kind.PRESS_CONFERENCE
    assert str(briefing.date_label) == "Date unknown"


def test_meetings_known_to_the_month_say_so(loaded):
    visit = meeting("Vương Đình Huệ visits Iran")

    assert visit.date_precision == Meeting.Precision.MONTH
    assert visit.date_label == "August 2023"


def test_each_participant_holds_the_title_given_on_the_date_of_the_article(loaded):
    for article in Article.objects.all():
        for reported in article.meetings.all():
            day = reported.start_date or article.published_on
            for participant in reported.participants.all():
                held = {
                    position.title
                    for position in participant.person.positions.all()
                    if position.held_on(day)
                }
                # A title may combine two offices: "President ...; Chairman of ...".
                for title in participant.title.split("; "):
                    assert title in held, (participant.person.name, day, title)


def test_bui_thanh_son_was_foreign_minister_before_becoming_deputy_prime_minister(loaded):
    son = Person.objects.get(slug="bui-thanh-son")

    assert son.position_on(datetime.date(2022, 7, 19)).title == "Minister of Foreign Affairs"
    assert son.position_on(datetime.date(2024, 2, 26)).title == "Minister of Foreign Affairs"
    assert (
        son.position_on(datetime.date(2024, 12, 25)).title
        == "Deputy Prime Minister and Minister of Foreign Affairs"
    )


def test_people_keep_their_native_names_ascii_names_and_real_variant_spellings(loaded):
    son = Person.objects.get(slug="bui-thanh-son")
    abdollahian = Person.objects.get(name="Hossein Amir-Abdollahian")

    assert son.name_ascii == "Bui Thanh Son"
    assert "Sơn" not in son.alias_list
    assert abdollahian.name_ascii == "Hossein Amir Abdollahian"
    assert "Amir-Abdollahian" in abdollahian.alias_list
    assert "Riyad al-Maliki" in Person.objects.get(name="Riad Malki").alias_list


def test_organizations_have_a_kind_and_a_parent_where_there_is_one(loaded):
    unhrc = Organization.objects.get(acronym="UNHRC")
    cpv = Organization.objects.get(acronym="CPV")

    assert unhrc.kind == Organization.Kind.INTERGOVERNMENTAL
    assert unhrc.parent.acronym == "UN"
    assert cpv.kind == Organization.Kind.PARTY
    assert cpv.country_id == "VN"


def test_each_demo_article_reports_its_meetings_and_tags_its_entities(loaded):
    article = Article.objects.get(published_on=datetime.date(2024, 2, 27))

    assert article.meetings.count() == 10
    assert set(article.countries.values_list("code", flat=True)) == {"VN", "IR", "KZ", "MA", "ID"}
    assert article.people.count() == 11
    assert "East Sea" in article.topics.names()
    assert article.byline == "Demo desk"
    assert len(article.paragraphs) >= 3


def test_topics_are_shared_between_meetings_and_articles_with_ascii_slugs(loaded):
    trade = Topic.objects.get(name="trade")

    assert trade.tagged_meetings.count() == 4
    assert trade.tagged_articles.count() == 3
    assert all(
        re.fullmatch(r"[a-z0-9-]+", slug) for slug in Topic.objects.values_list("slug", flat=True)
    )


def test_everything_the_demo_loads_is_published(loaded):
    for model in (Meeting, Article):
        assert not model.objects.exclude(status=Status.PUBLISHED).exists()
        assert not model.objects.filter(published_at__isnull=True).exists()


def test_every_demo_meeting_has_a_source_readers_can_follow(loaded):
    assert Meeting.objects.count() == 20
    assert not Meeting.objects.without_public_source().exists()
    assert all(meeting.has_public_source() for meeting in Meeting.objects.all())


def test_running_load_demo_twice_changes_nothing(loaded):
    before = snapshot()

    output = load_demo()

    assert snapshot() == before
    assert "(0 created, 0 updated, 73 unchanged)" in output


def test_load_demo_puts_back_what_an_editor_changed_and_keeps_the_first_publication_time(loaded):
    reception = meeting("Bùi Thanh Sơn receives Palestinian Special Envoy Riad Malki")
    first_published = reception.published_at
    reception.location_city = "Elsewhere"
    reception.unpublish()
    reception.save()
    reception.topics.add("extra")

    output = load_demo()

    reception.refresh_from_db()
    assert reception.location_city == "Hà Nội"
    assert reception.status == Status.PUBLISHED
    assert reception.published_at == first_published
    assert "extra" not in reception.topics.names()
    assert "(0 created, 1 updated, 72 unchanged)" in output


def test_a_dry_run_saves_nothing_and_says_what_it_would_do(db):
    output = load_demo("--dry-run")

    assert output.startswith("Dry run, nothing saved.")
    assert "73 created" in output
    assert Meeting.objects.count() == 0
    assert Person.objects.count() == 0
    assert Topic.objects.count() == 0


# The demo texts are the project's own ------------------------------------------------


def _sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _words(text):
    return re.findall(r"\w+", fold(text))


def _runs(words, length):
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


@pytest.mark.skipif(SEEDS is None, reason="the seed articles are not available here")
def test_the_demo_articles_share_no_sentence_and_no_12_word_run_with_the_seed_articles(data):
    seed_texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    assert seed_texts
    demo_texts = [
        "\n".join([article["headline"], article["standfirst"], article["body"]])
        for article in data["articles"]
    ]
    folded_demo = [" ".join(_words(text)) for text in demo_texts]

    for seed in seed_texts:
        for sentence in _sentences(seed):
            if len(sentence) > 40:
                key = " ".join(_words(sentence))
                assert not any(key in text for text in folded_demo), sentence

    seed_runs = set().union(*(_runs(_words(seed), 12) for seed in seed_texts))
    for text in demo_texts:
        shared = _runs(_words(text), 12) & seed_runs
        assert not shared, [" ".join(run) for run in shared]


@pytest.mark.skipif(not TRUTH.is_file(), reason="the labelled facts are not available here")
def test_the_demo_data_holds_every_person_and_meeting_of_the_labelled_facts(data):
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    people = {person["name"] for person in data["people"]}
    meetings = {item["title"]: item for item in data["meetings"]}

    for article in truth["articles"]:
        for person in article["persons"]:
            assert person["name"] in people
        for expected in article["meetings"]:
            item = meetings[expected["title"]]
            assert item["kind"] == TRUTH_KINDS[expected["kind"]]
            assert item["start"] == expected["start"]
            assert item["end"] == expected["end"]
            assert item["date_precision"] == (expected["date_precision"] or "day")
            assert (item["location_city"] or None) == expected["location_city"]
            assert item["location_country"] == expected["location_country"]
            assert item["parent"] == expected.get("parent")
            assert sorted(item["countries"]) == sorted(expected["countries"])
            assert sorted(item["organizations"]) == sorted(expected["organizations"])
            assert sorted(
                (p["person"], p["country"] or "") for p in item["participants"]
            ) == sorted((p["name"], p["country"] or "") for p in expected["participants"])


# create_editor -------------------------------------------------------------------------


def create_editor(*args):
    out = StringIO()
    call_command("create_editor", *args, stdout=out)
    return out.getvalue()


def printed_password(output, username="editor"):
    match = re.search(
        rf"Editor account \(\w+\): {username} / (\S+)  \(log in at http://\S+/\)", output
    )
    assert match, output
    return match.group(1)


def test_create_editor_makes_a_staff_publisher_who_is_not_a_superuser(db):
    # The set-up's account goes through the whole desk: edit, then publish.
    create_editor()

    user = get_user_model().objects.get(username="editor")
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [PUBLISHERS]
    assert user.has_perm("diplomacy.publish_meeting")


def test_create_editor_with_the_editor_role_cannot_publish(db):
    create_editor("--role", "editor", "--username", "writer")

    user = get_user_model().objects.get(username="writer")
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS]
    assert not user.has_perm("diplomacy.publish_meeting")


def test_create_editor_prints_a_usable_random_password_that_differs_each_time(db):
    first = printed_password(create_editor())
    user = get_user_model().objects.get(username="editor")
    assert user.check_password(first)
    user.delete()

    second = printed_password(create_editor())

    assert second != first
    assert len(second) >= 16
    assert get_user_model().objects.get(username="editor").check_password(second)


def test_create_editor_keeps_the_password_of_an_existing_account(db):
    password = printed_password(create_editor())

    output = create_editor()

    assert "already exists" in output
    assert "python manage.py changepassword editor" in output
    assert password not in output
    assert get_user_model().objects.get(username="editor").check_password(password)
    assert get_user_model().objects.count() == 1


def test_create_editor_takes_a_username(db):
    password = printed_password(create_editor("--username", "desk"), username="desk")

    assert get_user_model().objects.get(username="desk").check_password(password)

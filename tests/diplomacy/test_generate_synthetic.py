import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Prefetch
from django.utils import timezone

from articles.models import Article, Outlet
from articles.sanitize import sanitize_body
from diplomacy.models import (
    Country,
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    Status,
    TaggedMeeting,
    Topic,
)
from diplomacy.synthetic import SyntheticDataExists, generate
from diplomacy.text import fold, slugify_name, to_ascii

MEETINGS = 300
AS_OF = datetime.date(2026, 3, 15)


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker):
    """One data set for the tests of a class (300 meetings, so one person per country),
    rolled back after the last of them."""
    with django_db_blocker.unblock(), transaction.atomic():
        counts = generate(meetings=MEETINGS, seed=3)
        yield counts
        transaction.set_rollback(True)


def run(*args):
    out = StringIO()
    call_command("generate_synthetic", *args, stdout=out)
    return out.getvalue()


def titles():
    return list(Meeting.objects.order_by("id").values_list("title", flat=True))


def headlines():
    return list(Article.objects.order_by("id").values_list("headline", flat=True))


def slug_of(text, slug, max_length=200):
    """Whether `slug` is what unique_slug makes of `text`: its slug, or that and a number."""
    base = re.escape(slugify_name(text, max_length=max_length - 4))
    return re.fullmatch(rf"{base}(-[0-9]+)?", slug) is not None


@pytest.mark.django_db
class TestADataSetOf300Meetings:
    """Checks on one generated data set, shared by the tests of this class."""

    # Sizes

    def test_it_creates_the_numbers_of_rows_it_reports(self, generated):
        assert generated["meetings"] == Meeting.objects.count() == MEETINGS
        assert generated["people"] == Person.objects.count() == Country.objects.count()
        assert generated["articles"] == Article.objects.count() == MEETINGS // 2
        assert generated["organizations"] == Organization.objects.count() == 20
        assert generated["topics"] == Topic.objects.count() == 12
        assert generated["outlets"] == Outlet.objects.count() == 20
        assert generated["positions"] == Position.objects.count()
        assert generated["participants"] == Participant.objects.count()
        assert generated["meeting_topics"] == TaggedMeeting.objects.count()
        assert generated["article_meetings"] == Article.meetings.through.objects.count()

    def test_people_hold_one_to_three_positions(self, generated):
        held = Counter(Person.objects.annotate(n=Count("positions")).values_list("n", flat=True))
        assert set(held) <= {1, 2, 3}
        assert held[1] and held[2]
        assert not Position.objects.filter(start_date__isnull=True).exists()

    # Meetings

    def test_every_meeting_has_one_to_six_participants(self, generated):
        sizes = Meeting.objects.annotate(n=Count("participants")).values_list("n", flat=True)
        assert set(sizes) <= {1, 2, 3, 4, 5, 6}
        assert max(sizes) >= 5

    def test_the_countries_of_a_meeting_are_the_sides_of_its_participants(self, generated):
        meetings = Meeting.objects.prefetch_related("countries", "participants")
        for meeting in meetings:
            sides = {p.country_id for p in meeting.participants.all() if p.country_id}
            assert {c.code for c in meeting.countries.all()} == sides

    def test_participants_have_the_title_and_side_save_would_give_them(self, generated):
        participants = Participant.objects.select_related("meeting").prefetch_related(
            Prefetch("person", queryset=Person.objects.prefetch_related("positions"))
        )
        with_title = 0
        for participant in participants:
            position = participant.person.position_on(participant.meeting.start_date)
            if position:
                with_title += 1
                assert participant.title == position.title
                assert participant.country_id == position.country_id
            else:
                assert participant.title == ""
                assert participant.country_id == participant.person.country_id
        assert with_title > len(participants) / 2

    def test_every_country_takes_part_in_a_meeting(self, generated):
        used = set(Meeting.countries.through.objects.values_list("country_id", flat=True))
        assert used == set(Country.objects.values_list("code", flat=True))

    def test_a_few_countries_take_part_in_many_more_meetings_than_the_others(self, generated):
        per_country = Counter(
            Meeting.countries.through.objects.values_list("country_id", flat=True)
        )
        counts = sorted(per_country.values(), reverse=True)
        assert per_country.most_common(1)[0][0] == "VN"
        assert counts[0] >= 20 * counts[len(counts) // 2]

    def test_some_meetings_are_part_of_a_summit_a_session_or_a_visit(self, generated):
        children = Meeting.objects.filter(parent__isnull=False).select_related("parent")
        assert 0.10 * MEETINGS <= len(children) <= 0.15 * MEETINGS
        for child in children:
            parent = child.parent
            assert parent.kind in {
                Meeting.Kind.MULTILATERAL,
                Meeting.Kind.STATE_VISIT,
                Meeting.Kind.OFFICIAL_VISIT,
            }
            assert parent.parent_id is None
            assert parent.start_date <= child.start_date <= parent.end_date
            assert child.location_city == parent.location_city

    def test_meetings_are_dated_from_1995_more_often_recently(self, generated):
        meetings = list(Meeting.objects.all())
        today = timezone.now().date()
        assert all(datetime.date(1995, 1, 1) <= m.start_date < today for m in meetings)
        assert all(m.end_date is None or m.end_date >= m.start_date for m in meetings)
        recent = sum(m.start_date.year >= 2015 for m in meetings)
        assert recent > len(meetings) / 2
        precisions = Counter(m.date_precision for m in meetings)
        assert precisions[Meeting.Precision.DAY] > MEETINGS * 0.8
        assert precisions[Meeting.Precision.MONTH] and precisions[Meeting.Precision.YEAR]
        for meeting in meetings:
            if meeting.date_precision == Meeting.Precision.MONTH:
                assert meeting.start_date.day == 1 and meeting.end_date is None

    def test_meetings_have_kinds_places_and_zero_to_three_topics(self, generated):
        kinds = set(Meeting.objects.values_list("kind", flat=True))
        assert kinds == set(Meeting.Kind.values)
        topics = Meeting.objects.annotate(n=Count("tagged_items")).values_list("n", flat=True)
        assert set(topics) == {0, 1, 2, 3}
        placed = Meeting.objects.exclude(location_city="")
        assert placed.count() > MEETINGS / 2
        assert not placed.filter(location_country__isnull=True).exists()

    # Workflow

    @pytest.mark.parametrize("model", [Meeting, Article])
    def test_most_rows_are_published_and_some_are_not(self, generated, model):
        now = timezone.now()
        statuses = Counter(model.objects.values_list("status", flat=True))
        assert statuses[Status.PUBLISHED] > sum(statuses.values()) / 2
        assert statuses[Status.DRAFT] + statuses[Status.IN_REVIEW] + statuses[Status.UNPUBLISHED]
        assert model.objects.published().count() < statuses[Status.PUBLISHED]
        unseen = model.objects.filter(status__in=[Status.DRAFT, Status.IN_REVIEW])
        assert not unseen.exclude(published_at=None).exists()
        seen = model.objects.filter(status__in=[Status.PUBLISHED, Status.UNPUBLISHED])
        assert not seen.filter(published_at=None).exists()
        assert not model.objects.published().filter(published_at__gt=now).exists()

    @pytest.mark.parametrize("model", [Meeting, Article])
    def test_a_few_rows_are_scheduled(self, generated, model):
        scheduled = [
            row for row in model.objects.filter(status=Status.PUBLISHED) if row.is_scheduled
        ]
        assert scheduled
        assert all(row.published_at == row.publish_at for row in scheduled)

    # Derived fields

    def test_search_text_and_ascii_names_are_what_save_would_store(self, generated):
        for meeting in Meeting.objects.all():
            assert meeting.search_text == fold(f"{meeting.title}\n{meeting.location_city}")
        for article in Article.objects.all():
            assert article.body == sanitize_body(article.body)
            text = "\n".join([article.headline, article.standfirst, article.body])
            assert article.search_text == fold(text)
        for person in Person.objects.all():
            assert person.name_ascii == to_ascii(person.name)
            text = "\n".join([person.name, person.name_ascii, person.aliases])
            assert person.search_text == fold(text)
        for organization in Organization.objects.all():
            assert organization.search_text == fold(f"{organization.name}\n{organization.acronym}")

    def test_slugs_are_unique_and_made_from_the_names(self, generated):
        for model, field in [
            (Meeting, "title"),
            (Article, "headline"),
            (Person, "name"),
            (Organization, "name"),
            (Outlet, "name"),
        ]:
            rows = list(model.objects.values_list(field, "slug"))
            assert len({slug for _text, slug in rows}) == len(rows)
            assert all(slug_of(text, slug) for text, slug in rows), model
        for topic in Topic.objects.all():
            assert topic.slug == slugify_name(topic.name, max_length=90)

    def test_names_mix_vietnamese_and_made_up_ones(self, generated):
        people = list(Person.objects.all())
        vietnamese = [p for p in people if p.country_id == "VN"]
        assert vietnamese and all(p.name != p.name_ascii for p in vietnamese)
        assert any(p.name == p.name_ascii for p in people)

    def test_searching_a_participants_name_in_plain_ascii_finds_their_meetings(self, generated):
        person = Person.objects.filter(country_id="VN", participations__isnull=False).first()
        key = person.name_ascii.lower()
        assert key != person.name.lower()
        found = set(Meeting.objects.search(key).values_list("id", flat=True))
        theirs = set(Meeting.objects.with_person(person).values_list("id", flat=True))
        assert theirs and theirs <= found

    # Articles

    def test_articles_report_meetings_and_are_tagged(self, generated):
        articles = list(
            Article.objects.prefetch_related("meetings", "countries", "people", "topics")
        )
        reporting = [a for a in articles if a.meetings.all()]
        assert len(reporting) > len(articles) / 2
        assert all(a.outlet_id and a.published_on and a.byline for a in articles)
        assert all(len(a.paragraphs) >= 4 for a in articles)
        texts = [text for a in articles for text in (a.headline, a.standfirst, a.body)]
        assert not [text for text in texts if "  " in text or "{" in text]
        assert all(len(a.topics.all()) <= 3 for a in articles)
        for article in reporting:
            meeting_people = {
                p.person_id for m in article.meetings.all() for p in m.participants.all()
            }
            assert {p.pk for p in article.people.all()} <= meeting_people
            assert article.countries.all()


# Seeds ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_meetings_and_articles():
    with transaction.atomic():
        generate(meetings=60, seed=5, as_of=AS_OF)
        first = titles(), headlines()
        transaction.set_rollback(True)
    assert not Meeting.objects.exists()
    generate(meetings=60, seed=5, as_of=AS_OF)
    assert (titles(), headlines()) == first
    assert len(first[0]) == 60


@pytest.mark.django_db
def test_another_seed_gives_other_meetings():
    with transaction.atomic():
        generate(meetings=60, seed=5, as_of=AS_OF)
        first = titles()
        transaction.set_rollback(True)
    generate(meetings=60, seed=6, as_of=AS_OF)
    assert titles() != first


# The command ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_reports_progress_and_a_summary():
    output = run("--meetings", "40", "--people", "30", "--batch-size", "10")
    lines = output.splitlines()
    assert "people 30/30" in lines
    assert "meetings 40/40" in lines
    assert "articles 20/20" in lines
    assert len([line for line in lines if line.startswith("meetings ")]) >= 4
    assert re.search(r"Created .*\b40 meetings\b.* in [0-9.]+ s\.", lines[-1])
    assert Meeting.objects.count() == 40


@pytest.mark.django_db
def test_the_command_prints_nothing_at_verbosity_0():
    assert run("--meetings", "20", "--people", "20", "--verbosity", "0") == ""
    assert Meeting.objects.count() == 20


@pytest.mark.django_db
def test_the_command_refuses_to_add_to_synthetic_data_without_append():
    run("--meetings", "20", "--people", "20", "-v0")
    with pytest.raises(CommandError, match="--append"):
        run("--meetings", "20", "--people", "20", "-v0")
    with pytest.raises(SyntheticDataExists):
        generate(meetings=20, people=20)
    assert Meeting.objects.count() == 20


@pytest.mark.django_db
def test_append_adds_more_with_new_slugs_and_the_same_outlets():
    run("--meetings", "20", "--people", "20", "--topics", "5", "-v0")
    run("--meetings", "20", "--people", "20", "--topics", "5", "--append", "-v0")
    assert Meeting.objects.count() == 40
    assert Outlet.objects.count() == 20
    assert Topic.objects.count() == 5
    first, second = titles()[:20], titles()[20:]
    assert first == second
    assert Meeting.objects.values("slug").distinct().count() == 40


@pytest.mark.django_db
def test_existing_topics_are_reused():
    Topic.objects.create(name="trade")
    run("--meetings", "20", "--people", "20", "-v0")
    assert Topic.objects.filter(name="trade").count() == 1
    assert Topic.objects.count() == 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [["--meetings", "0"], ["--people", "-1"], ["--articles", "many"], ["--as-of", "soon"]],
)
def test_bad_options_are_refused(args):
    with pytest.raises(CommandError):
        run(*args)
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_the_planner_has_statistics_after_generating():
    """Without them SQLite plans "is this person in a published meeting" as a scan of every
    published meeting; the benchmark's person pages were five times slower."""
    generate(meetings=60, seed=5, as_of=AS_OF)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'diplomacy_participant'")
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'diplomacy_participant'")
        rows = cursor.fetchall()
    assert rows
    if connection.vendor == "postgresql":
        assert rows[0][0] > 0  # -1 (never analyzed) before

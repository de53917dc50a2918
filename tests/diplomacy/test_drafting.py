"""Draft meetings from an article's text: kinds, participants, dates, places, parents,
earlier events, and meetings the database already holds."""

import datetime
from pathlib import Path

import pytest

from diplomacy.drafting import draft_meetings
from diplomacy.models import Meeting
from tests.factories import MeetingFactory, ParticipantFactory, PersonFactory, country
from tests.sample_articles import UN_SESSION

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def son(db):
    return PersonFactory(name="Bùi Thanh Sơn", name_ascii="Bui Thanh Son", country=country("VN"))


def by_counterpart(drafts):
    return {tuple(p.name for p in d.participants[1:]): d for d in drafts}


def test_four_meetings_at_a_un_session(son):
    drafts = draft_meetings(UN_SESSION, D(2025, 9, 24))
    session = drafts[0]
    assert session.kind == "multilateral"
    assert session.title == "80th session of the United Nations General Assembly"
    meetings = by_counterpart(drafts[1:])
    assert set(meetings) == {
        ("Mauro Vieira",),
        ("Anita Anand",),
        ("Penny Wong",),
        ("Badr Abdelatty",),
    }
    assert meetings[("Mauro Vieira",)].kind == "bilateral"
    assert meetings[("Anita Anand",)].kind == "talks"
    assert meetings[("Penny Wong",)].kind == "reception"
    for draft in drafts[1:]:
        assert draft.participants[0].person_id == son.pk  # the known person, by id
        assert draft.start == D(2025, 9, 23)  # "on Tuesday" before a Wednesday article
        assert draft.date_precision == "day"
        assert (draft.location_city, draft.location_country) == ("New York", "US")
        assert draft.parent is session
        assert not draft.referenced
        assert draft.sentence in UN_SESSION.replace("\n", " ") or draft.sentence
    assert meetings[("Mauro Vieira",)].countries == ["VN", "BR"]
    assert meetings[("Mauro Vieira",)].participants[1].title == "Foreign Minister"
    assert meetings[("Mauro Vieira",)].topics == ["trade", "agriculture"]
    # The invitation to Cairo is not a meeting.
    assert not any("Cairo" in d.title for d in drafts)


def test_kinds_from_the_wording(son):
    text = (
        "Foreign Minister Bùi Thanh Sơn held a phone conversation with Japanese Foreign "
        "Minister Takeshi Iwaya on March 3, 2025.\n\n"
        "On March 5, 2025, Sơn held a video call with Thai Foreign Minister Maris "
        "Sangiampongsa.\n\n"
        "Philippine President Ferdinand Marcos paid a state visit to Việt Nam on "
        "January 30, 2024.\n\n"
        "Spokesperson Phạm Thu Hằng briefed the press on March 6, 2025."
    )
    kinds = {d.kind: d for d in draft_meetings(text, D(2025, 3, 7))}
    assert set(kinds) == {"phone_call", "video_call", "state_visit", "press_conference"}
    visit = kinds["state_visit"]
    assert [p.name for p in visit.participants] == ["Ferdinand Marcos"]
    assert visit.location_country == "VN"
    assert visit.title == "Ferdinand Marcos’s state visit to Viet Nam" or "visit" in visit.title
    assert visit.referenced  # fourteen months before the article
    assert kinds["press_conference"].participants[0].name == "Phạm Thu Hằng"


def test_referenced_earlier_events_are_drafted_and_marked(son):
    text = (
        "Geneva (VNA) – Foreign Minister Bùi Thanh Sơn on February 26 met Iranian Foreign "
        "Minister Hossein Amir-Abdollahian. They reviewed agreements reached during the visit "
        "to Iran by Vice President Võ Thị Ánh Xuân in August 2023."
    )
    drafts = draft_meetings(text, D(2024, 2, 27))
    meeting, visit = drafts
    assert not meeting.referenced
    assert (meeting.location_city, meeting.start) == ("Geneva", D(2024, 2, 26))
    assert visit.referenced
    assert visit.kind == "official_visit"
    assert (visit.start, visit.date_precision) == (D(2023, 8, 1), "month")
    assert visit.location_country == "IR"
    assert visit.parent is None


def test_an_unknown_article_date_leaves_relative_dates_empty_with_a_note(son):
    text = "Foreign Minister Bùi Thanh Sơn received Cuban Ambassador Orlando Hernández on Friday."
    (draft,) = draft_meetings(text, None)
    assert draft.start is None
    assert "unknown" in draft.date_note
    assert draft.as_json()["start"] is None
    assert draft.as_json()["date_precision"] is None


def test_a_photo_caption_does_not_make_a_second_meeting(son):
    text = (
        "Foreign Minister Bùi Thanh Sơn met with his Thai counterpart Maris Sangiampongsa in "
        "Bangkok on May 8.\n\nForeign Minister Bùi Thanh Sơn meets with Thai Foreign Minister "
        "Maris Sangiampongsa. (Photo: VNA)"
    )
    (draft,) = draft_meetings(text, D(2025, 5, 9))
    assert (draft.start, draft.location_city) == (D(2025, 5, 8), "Bangkok")


def test_a_series_dated_once_dates_each_meeting_but_a_single_meeting_does_not(son):
    series = (
        "Foreign Minister Bùi Thanh Sơn on June 2 met with heads of delegations in Singapore. "
        "At the meeting with Singaporean Foreign Minister Vivian Balakrishnan, Sơn praised "
        "the ties."
    )
    (draft,) = draft_meetings(series, D(2025, 6, 3))
    assert draft.start == D(2025, 6, 2)
    single = (
        "Foreign Minister Bùi Thanh Sơn met Laotian Foreign Minister Thongsavanh Phomvihane "
        "on June 2. Separately, political consultations were held between Sơn and Cambodian "
        "Foreign Minister Prak Sokhonn."
    )
    drafts = by_counterpart(draft_meetings(single, D(2025, 6, 3)))
    assert drafts[("Thongsavanh Phomvihane",)].start == D(2025, 6, 2)
    assert drafts[("Prak Sokhonn",)].start is None  # the article does not say when


def test_a_meeting_already_recorded_is_offered_instead_of_a_new_one(son):
    retno = PersonFactory(name="Retno Marsudi", country=country("ID"))
    meeting = MeetingFactory(title="Sơn meets Retno", start_date=D(2024, 2, 26))
    ParticipantFactory(meeting=meeting, person=son)
    ParticipantFactory(meeting=meeting, person=retno)
    elsewhere = MeetingFactory(title="Sơn meets Retno in 2023", start_date=D(2023, 5, 1))
    ParticipantFactory(meeting=elsewhere, person=son)
    ParticipantFactory(meeting=elsewhere, person=retno)
    text = (
        "Foreign Minister Bùi Thanh Sơn met Indonesian Foreign Minister Retno Marsudi "
        "on February 26."
    )
    (draft,) = draft_meetings(text, D(2024, 2, 27))
    assert draft.existing == [meeting]
    assert draft.as_json()["already_recorded"] == [{"id": meeting.pk, "title": meeting.title}]
    assert Meeting.objects.count() == 2  # drafting writes nothing


def test_no_meeting_in_a_text_without_one(son):
    text = "Foreign Minister Bùi Thanh Sơn said trade with Europe grew by a tenth last year."
    assert draft_meetings(text, D(2024, 2, 27)) == []
    assert draft_meetings("", None) == []


SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.mark.skipif(not (SEEDS / "truth.json").is_file(), reason="no seed articles beside")
def test_the_seed_article_with_a_dateline_and_a_weekday(son):
    from diplomacy.suggest.files import read_article

    date, text = read_article(SEEDS / "000_5d20180c7dd8879e.txt")
    (draft,) = draft_meetings(text, date)
    assert draft.kind == "reception"
    assert draft.start == D(2024, 12, 25)
    assert draft.location_city == "Hà Nội"
    assert [p.name for p in draft.participants] == ["Bùi Thanh Sơn", "Riad Malki"]


def test_new_people_are_matched_by_name_among_many_meetings_that_day(son):
    from diplomacy.suggest import Gazetteer

    stale = Gazetteer.from_database()  # before the people below exist: they read as new
    for number in range(25):
        other = MeetingFactory(title=f"Another meeting {number}", start_date=D(2025, 9, 23))
        ParticipantFactory(meeting=other, person=PersonFactory())
    vieira = PersonFactory(name="Mauro Vieira", country=country("BR"))
    wong = PersonFactory(name="Penny Wong", country=country("AU"))
    recorded = MeetingFactory(title="Vieira meets Wong", start_date=D(2025, 9, 23))
    ParticipantFactory(meeting=recorded, person=vieira)
    ParticipantFactory(meeting=recorded, person=wong)
    text = (
        "Brazilian Foreign Minister Mauro Vieira met Australian Foreign Minister Penny Wong "
        "on Tuesday."
    )
    (draft,) = draft_meetings(text, D(2025, 9, 24), gazetteer=stale)
    assert all(person.is_new for person in draft.participants)
    assert draft.existing == [recorded]


def test_countries_come_from_the_participants_or_else_the_sentence(son):
    text = (
        "Foreign Minister Bùi Thanh Sơn met Foreign Minister Mauro Vieira in New York "
        "on Tuesday to discuss Brazil's ties with Viet Nam."
    )
    (draft,) = draft_meetings(text, D(2025, 9, 24))
    assert draft.countries == ["VN", "BR"]

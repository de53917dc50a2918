"""`draft_meetings FILE... --format json` prints the proposals for article files and writes
nothing; `evaluate_drafts` scores them against labelled meetings."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from diplomacy.models import Meeting, Person
from tests.factories import PersonFactory, country

pytestmark = pytest.mark.django_db

NEW_YORK = (
    " date 2025-09-24\n"
    "NEW YORK — Foreign Minister Bùi Thanh Sơn on Tuesday met Brazilian Foreign Minister "
    "Mauro Vieira on the sidelines of the 80th session of the United Nations General "
    "Assembly.\n\nThe same day, Sơn received Australian Foreign Minister Penny Wong.\n"
)
UNDATED = "Foreign Minister Bùi Thanh Sơn received Cuban Ambassador Orlando Hernández on Friday.\n"


@pytest.fixture
def files(tmp_path):
    PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
    dated, undated = tmp_path / "new-york.txt", tmp_path / "undated.txt"
    dated.write_text(NEW_YORK, encoding="utf-8")
    undated.write_text(UNDATED, encoding="utf-8")
    return str(dated), str(undated)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("draft_meetings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_has_one_object_per_file_with_the_documented_fields(files):
    people_before = Person.objects.count()
    out, _ = run(*files, "--format", "json")
    records = json.loads(out)
    assert [r["file"] for r in records] == list(files)
    vieira, session, wong = records[0]["meetings"]  # in the order the text names them
    assert session["kind"] == "multilateral"
    assert vieira == vieira | {
        "kind": "bilateral",
        "start": "2025-09-23",
        "end": None,
        "date_precision": "day",
        "participants": ["Bùi Thanh Sơn", "Mauro Vieira"],
        "countries": ["VN", "BR"],
        "location_city": "New York",
        "location_country": "US",
        "parent": "80th session of the United Nations General Assembly",
        "referenced": False,
    }
    assert vieira["sentence"].startswith("NEW YORK — Foreign Minister Bùi Thanh Sơn on Tuesday")
    assert (wong["kind"], wong["start"]) == ("reception", "2025-09-23")
    (cuban,) = records[1]["meetings"]
    assert cuban["start"] is None and cuban["date_precision"] is None
    assert "unknown" in cuban["date_note"]
    # Nothing written: no meeting, no new person.
    assert Meeting.objects.count() == 0
    assert Person.objects.count() == people_before


def test_text_format_lists_each_meeting_with_its_sentence(files):
    out, _ = run(files[0])
    assert "Bùi Thanh Sơn meets Mauro Vieira — bilateral" in out
    assert "Mauro Vieira (Foreign Minister) [new]" in out
    assert "Part of: 80th session of the United Nations General Assembly" in out
    assert "From:  “NEW YORK" in out


def test_an_unreadable_file_is_named_and_the_others_still_drafted(files, tmp_path):
    missing = str(tmp_path / "missing.txt")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 2 files could not be read"):
        call_command(
            "draft_meetings", files[0], missing, "--format", "json", stdout=out, stderr=err
        )
    assert f"{missing}: cannot read: no such file" in err.getvalue()
    assert json.loads(out.getvalue())[0]["file"] == files[0]


def write_seeds(folder, meetings):
    (folder / "a.txt").write_text(NEW_YORK, encoding="utf-8")
    truth = {"articles": [{"file": "a.txt", "persons": [], "meetings": meetings}]}
    (folder / "truth.json").write_text(json.dumps(truth), encoding="utf-8")


def label(title, kind, start, people, **extra):
    return {
        "title": title,
        "kind": kind,
        "start": start,
        "end": None,
        "date_precision": "day" if start else None,
        "participants": [{"name": name} for name in people],
        **extra,
    }


def scores(folder, *args):
    out = StringIO()
    call_command("evaluate_drafts", "--seeds", str(folder), *args, stdout=out)
    figures = dict(
        line.split()[:2] for line in out.getvalue().splitlines() if line.startswith("drafts.")
    )
    return {name: float(value) for name, value in figures.items()}


def test_evaluate_drafts_scores_matches_dates_and_kinds(tmp_path):
    write_seeds(
        tmp_path,
        [
            label("Session", "multilateral meeting", "2025-09-23", ["Bui Thanh Son"]),
            label("Vieira", "bilateral meeting", "2025-09-23", ["Bui Thanh Son", "Mauro Vieira"]),
            # Labelled three days earlier: the draft's date does not agree, so no match.
            label("Wong", "talks", "2025-09-20", ["Bui Thanh Son", "Penny Wong"]),
            label("Earlier", "official visit", "2023-08-01", ["Someone Else"], referenced=True),
        ],
    )
    figures = scores(tmp_path)
    assert figures["drafts.no_people.recall"] == pytest.approx(2 / 3, abs=0.001)
    assert figures["drafts.no_people.precision"] == pytest.approx(2 / 3, abs=0.001)
    assert figures["drafts.no_people.date"] == 1.0
    assert figures["drafts.no_people.kind"] == 1.0
    assert figures["drafts.no_people.referenced_recall"] == 0.0
    with pytest.raises(CommandError, match="Below target: recall, precision"):
        scores(tmp_path, "--check")


def test_evaluate_drafts_counts_a_wrong_kind_and_a_wrong_date(tmp_path):
    write_seeds(
        tmp_path,
        [
            label("Vieira", "reception", "2025-09-23", ["Bui Thanh Son", "Mauro Vieira"]),
            {
                **label("Wong", "reception", "2025-09-22", ["Bui Thanh Son", "Penny Wong"]),
                "end": "2025-09-24",
            },
        ],
    )
    figures = scores(tmp_path)
    assert figures["drafts.no_people.recall"] == 1.0
    assert figures["drafts.no_people.kind"] == 0.5  # Vieira: met, labelled a reception
    assert figures["drafts.no_people.date"] == 0.5  # Wong: one day of a labelled span

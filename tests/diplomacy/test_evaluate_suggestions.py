"""`evaluate_suggestions` scores the engine against labelled articles."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from diplomacy.models import Person

pytestmark = pytest.mark.django_db

ARTICLE = (
    " date 2025-03-04 HÀ NỘI — Indonesian Foreign Minister Sugiono met Minister of "
    "Foreign Affairs Bùi Thanh Sơn in Hà Nội on Tuesday. Sơn said Viet Nam valued the "
    "partnership with the Association of Southeast Asian Nations (ASEAN).\n"
)


def write_seeds(folder, persons):
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    truth = {
        "articles": [
            {
                "file": "a.txt",
                "countries": ["ID", "VN"],
                "persons": persons,
                "organizations": [
                    {"name": "Association of Southeast Asian Nations", "acronym": "ASEAN"}
                ],
            }
        ]
    }
    (folder / "truth.json").write_text(json.dumps(truth), encoding="utf-8")


def run(folder, *args):
    out = StringIO()
    call_command("evaluate_suggestions", "--seeds", str(folder), *args, stdout=out)
    return dict(line.split()[:2] for line in out.getvalue().splitlines() if line.endswith(" ratio"))


def test_it_scores_countries_people_and_candidates(tmp_path):
    write_seeds(
        tmp_path, [{"name": "Bùi Thanh Sơn", "name_ascii": "Bui Thanh Son", "country": "VN"}]
    )
    scores = run(tmp_path)
    assert scores["countries_precision"] == scores["countries_recall"] == "1.000"
    assert scores["people_precision"] == scores["people_recall"] == "1.000"
    assert scores["candidates_recall"] == "1.000"
    # Nothing it wrote stays behind.
    assert not Person.objects.exists()


def test_a_missed_label_lowers_recall_and_fails_the_check(tmp_path):
    write_seeds(
        tmp_path,
        [
            {"name": "Bùi Thanh Sơn", "name_ascii": "Bui Thanh Son", "country": "VN"},
            {"name": "Sugiono", "name_ascii": "Sugiono", "country": "ID"},
        ],
    )
    # A one-word name after a title is not proposed as a candidate.
    assert run(tmp_path)["candidates_recall"] == "0.500"
    with pytest.raises(CommandError, match="Below target: candidates"):
        run(tmp_path, "--check")


def test_without_labelled_articles_it_says_so(tmp_path):
    out = StringIO()
    call_command("evaluate_suggestions", "--seeds", str(tmp_path), stdout=out)
    assert "nothing to score" in out.getvalue()

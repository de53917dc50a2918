"""Dates as articles write them, resolved against the article's date."""

import datetime

import pytest

from diplomacy.drafting.dates import find_dates, year_hint

D = datetime.date


def only(sentence, article_date=None, hint_year=None):
    dates = find_dates(sentence, article_date, hint_year)
    assert len(dates) == 1, dates
    return dates[0]


@pytest.mark.parametrize(
    ("sentence", "article_date", "start", "end", "precision"),
    [
        # A weekday is the latest such day on or before the article's date.
        (
            "received the envoy in Hà Nội on Wednesday.",
            D(2024, 12, 25),
            D(2024, 12, 25),
            None,
            "day",
        ),
        ("met on Monday", D(2024, 12, 25), D(2024, 12, 23), None, "day"),
        ("on February 26 met with leaders", D(2024, 2, 27), D(2024, 2, 26), None, "day"),
        (
            "from February 18 - 20 (local time)",
            D(2026, 2, 21),
            D(2026, 2, 18),
            D(2026, 2, 20),
            "day",
        ),
        ("from 18-20 February", D(2026, 2, 21), D(2026, 2, 18), D(2026, 2, 20), "day"),
        ("on July 19.", D(2022, 7, 20), D(2022, 7, 19), None, "day"),
        ("on 3 March 2021", None, D(2021, 3, 3), None, "day"),
        ("on Feb. 5, 2020", None, D(2020, 2, 5), None, "day"),
        ("in August 2023", D(2024, 2, 27), D(2023, 8, 1), None, "month"),
        # "last January" in a February article is the January just gone, in March too.
        ("last January", D(2024, 2, 27), D(2024, 1, 1), None, "month"),
        ("last March", D(2024, 2, 27), D(2023, 3, 1), None, "month"),
        ("last month", D(2024, 1, 10), D(2023, 12, 1), None, "month"),
        ("last year", D(2024, 1, 10), D(2023, 1, 1), None, "year"),
        ("in 2019", None, D(2019, 1, 1), None, "year"),
        ("yesterday", D(2024, 3, 1), D(2024, 2, 29), None, "day"),
        # A January article reporting "December 30" means the December before.
        ("on December 30", D(2025, 1, 3), D(2024, 12, 30), None, "day"),
    ],
)
def test_resolved_against_the_article_date(sentence, article_date, start, end, precision):
    date = only(sentence, article_date)
    assert (date.start, date.end, date.precision) == (start, end, precision)


@pytest.mark.parametrize("sentence", ["on Wednesday", "last January", "yesterday", "on March 4"])
def test_without_an_article_date_relative_dates_stay_unresolved_and_say_why(sentence):
    date = only(sentence)
    assert date.start is None
    assert "unknown" in date.note


def test_a_day_without_a_year_takes_the_year_the_article_gives_elsewhere():
    text = "They met in January 2024. A forum is planned for April 2024. He met her on March 4."
    assert year_hint(text) == 2024
    date = only("on March 4", hint_year=year_hint(text))
    assert date.start == D(2024, 3, 4)
    assert "other dates" in date.note


def test_the_same_day_is_left_to_the_caller():
    date = only("The same day, the minister met his counterpart.", D(2024, 2, 27))
    assert date.same_day and date.start is None


def test_no_date_in_plain_numbers_or_goals():
    assert find_dates("goals through 2030 and 2045, and 40 years of reform", D(2024, 1, 1)) == []
    assert find_dates("They may 20 times have met", D(2024, 1, 1)) == []


def test_an_impossible_day_is_no_date():
    assert find_dates("on February 30", D(2024, 3, 1)) == []

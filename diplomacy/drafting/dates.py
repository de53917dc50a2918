"""Dates as articles write them, resolved against the article's date.

    find_dates("on Wednesday", article_date=date(2024, 12, 25))  -> 25 December 2024, day
    "February 18 - 20"     -> 18 to 20 February of the article's year, day
    "in August 2023"       -> August 2023, month (start on the 1st)
    "last January"         -> the January before the article's month, month
    "the same day"         -> the day of the event before (resolved by the caller)

A date without a year takes the article's year, or the year before when that would put it
more than a week after the article (a January article reporting "December 30"). Without an
article date, a weekday, "yesterday" or "last January" cannot be resolved: the mention is
kept with `start=None` and a note saying why. A day and month without a year take the year
the article's other dated mentions give ("in January 2024", "April 2024") when it has them.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

DAY, MONTH, YEAR = "day", "month", "year"

MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.casefold(): number for number, name in enumerate(calendar.day_name)}

_MONTH = r"(?P<{}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DASH = r"\s*(?:-|–|—|to|until|and)\s*"
_YEAR = r"(?:,?\s*(?P<{}>(?:19|20)\d\d))"


def _month(name):
    return _MONTH.format(name)


PATTERNS = [
    # February 18 - 20, 2024 / February 18-20
    (
        "range_md",
        rf"\b{_month('m')}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?{_DASH}"
        rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR.format('y')}?",
    ),
    # 18 - 20 February 2024
    (
        "range_dm",
        rf"\b(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})\s+{_month('m')}\b{_YEAR.format('y')}?",
    ),
    # February 26, 2024 / February 26 / Feb. 26
    ("md", rf"\b{_month('m')}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*:){_YEAR.format('y')}?"),
    # 26 February 2024 / 26 February
    ("dm", rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_month('m')}\b{_YEAR.format('y')}?"),
    # 2024-02-26
    ("iso", r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    # last January / last month / last year / last week
    ("last", rf"\blast\s+(?:{_month('m')}|(?P<unit>month|year|week))\b"),
    # in August 2023 / August 2023
    ("my", rf"\b{_month('m')}\s+(?P<y>(?:19|20)\d\d)\b"),
    # on Wednesday / on Wednesday morning
    ("weekday", r"\b(?:on|last|this)\s+(?P<w>" + "|".join(WEEKDAYS) + r")\b"),
    ("relative", r"\b(?P<rel>yesterday|today|earlier today|this morning|this afternoon)\b"),
    ("same_day", r"\b(?:the\s+same\s+day|on\s+the\s+same\s+day|later\s+that\s+day)\b"),
    # in 2023 (a year alone, after "in" so that "2030 goals" is not a date)
    ("year", r"\b(?:in|during|since)\s+(?P<y>(?:19|20)\d\d)\b(?!\s*(?:-|–)\s*\d)"),
]
COMPILED = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in PATTERNS]


@dataclass
class DateMention:
    """A date found in a sentence: its span in the sentence and what it resolves to."""

    start_offset: int
    end_offset: int
    text: str
    kind: str
    start: datetime.date | None = None
    end: datetime.date | None = None
    precision: str | None = None
    note: str = ""

    @property
    def resolved(self):
        return self.start is not None

    @property
    def same_day(self):
        return self.kind == "same_day"


def year_hint(text):
    """The latest year the article writes beside a month ("January 2024"), or None: the
    year of an undated article's "February 26"."""
    years = [
        int(m["y"]) for m in re.finditer(_month("m") + r"\s+(?P<y>(?:19|20)\d\d)\b", text, re.I)
    ]
    return max(years) if years else None


def find_dates(sentence, article_date=None, hint_year=None):
    """Every date mention in `sentence`, earliest first, overlapping ones dropped."""
    found, taken = [], []
    for kind, pattern in COMPILED:
        for match in pattern.finditer(sentence):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            mention = _resolve(kind, match, article_date, hint_year)
            if mention is not None:
                found.append(mention)
                taken.append(span)
    return sorted(found, key=lambda m: m.start_offset)


def _resolve(kind, match, article_date, hint_year):
    mention = DateMention(match.start(), match.end(), match[0], kind)
    groups = match.groupdict()
    if groups.get("m") and not groups["m"][0].isupper() and kind != "iso":
        return None  # "they may 20 times": a month is written with a capital
    try:
        if kind in ("range_md", "range_dm", "md", "dm", "iso"):
            month = int(groups["m"]) if kind == "iso" else MONTHS[groups["m"].casefold()]
            first = int(groups.get("d1") or groups["d"])
            last = int(groups["d2"]) if groups.get("d2") else None
            if last is not None and last <= first:
                return None
            year = int(groups["y"]) if groups.get("y") else None
            mention.precision = DAY
            if year is None:
                year, mention.note = _guess_year(month, first, article_date, hint_year)
                if mention.note:
                    mention.note = f"“{match[0].strip()}”: {mention.note}"
                if year is None:
                    return mention
            mention.start = datetime.date(year, month, first)
            mention.end = datetime.date(year, month, last) if last else None
        elif kind == "my":
            mention.start = datetime.date(int(groups["y"]), MONTHS[groups["m"].casefold()], 1)
            mention.precision = MONTH
        elif kind == "year":
            mention.start = datetime.date(int(groups["y"]), 1, 1)
            mention.precision = YEAR
        elif kind == "last":
            mention.precision = YEAR if groups.get("unit") == "year" else MONTH
            if groups.get("unit") == "week":
                return None  # too vague to draft a date from
            if article_date is None:
                mention.note = f"“{match[0]}”: the article's date is unknown"
                return mention
            mention.start = _last(groups, article_date)
        elif kind == "weekday":
            mention.precision = DAY
            if article_date is None:
                mention.note = f"“{match[0]}”: the article's date is unknown"
                return mention
            back = (article_date.weekday() - WEEKDAYS[groups["w"].casefold()]) % 7
            mention.start = article_date - datetime.timedelta(days=back)
        elif kind == "relative":
            mention.precision = DAY
            if article_date is None:
                mention.note = f"“{match[0]}”: the article's date is unknown"
                return mention
            back = 1 if groups["rel"].casefold() == "yesterday" else 0
            mention.start = article_date - datetime.timedelta(days=back)
        elif kind == "same_day":
            mention.precision = DAY
    except ValueError:  # "February 30"
        return None
    return mention


def _guess_year(month, day, article_date, hint_year):
    if article_date is not None:
        year = article_date.year
        # ValueError ("February 30") reaches the caller: no date.
        if datetime.date(year, month, day) > article_date + datetime.timedelta(days=7):
            year -= 1
        return year, ""
    if hint_year is not None:
        return hint_year, "the year is the one the article's other dates give"
    return None, "no year, and the article's date is unknown"


def _last(groups, article_date):
    if groups.get("unit") == "year":
        return datetime.date(article_date.year - 1, 1, 1)
    if groups.get("unit") == "month":
        month, year = article_date.month - 1, article_date.year
    else:
        month, year = MONTHS[groups["m"].casefold()], article_date.year
        if month >= article_date.month:
            year -= 1
    if month == 0:
        month, year = 12, year - 1
    return datetime.date(year, month, 1)

"""Cities where meetings happen, read from "in Geneva" or a dateline ("HÀ NỘI —",
"Geneva (VNA) –"), with the country each is in (data/cities.json)."""

import json
import re
from functools import lru_cache
from pathlib import Path

from diplomacy.suggest.normalize import fold_key

CITIES_FILE = Path(__file__).resolve().parent.parent / "data" / "cities.json"

# A dateline: a place in capitals or title case at the very start, an optional agency in
# brackets, then a dash.
DATELINE = re.compile(
    r"\A\s*(?P<place>[^\W\d_][^\n—–(]{0,40}?)\s*(?:\([A-Za-z/ ]{2,12}\)\s*)?[—–-]\s"
)


# "in Geneva", "at Hà Nội", "in Washington, D.C.": up to four words after "in" or "at".
IN_PLACE = re.compile(
    r"\b(?:in|at)\s+(?:the\s+)?(?P<place>[^\W\d_][\w’'.,-]*(?:\s+[\w’'.,-]+){0,3})"
)


@lru_cache(maxsize=1)
def cities():
    """Folded name -> (name, ISO country code)."""
    table = {}
    try:
        entries = json.loads(CITIES_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return table
    for entry in entries:
        for name in [entry["name"], *entry.get("other_names", [])]:
            table.setdefault(fold_key(name), (entry["name"], entry["country"]))
    return table


def city_at(text):
    """(name, country) of the city `text` names exactly, or None."""
    return cities().get(fold_key(text))


def dateline(text):
    """(city, country) of the article's dateline, or None."""
    match = DATELINE.match(text)
    if not match:
        return None
    return city_at(match["place"].strip(" ,"))


def cities_in(text):
    """[(start, end, city, country)] for each "in/at <City>" in `text`."""
    found = []
    for match in IN_PLACE.finditer(text):
        words = match["place"].split()
        # The longest run of words that is a known city ("Washington, D.C.", "HCM City").
        for size in range(len(words), 0, -1):
            candidate = " ".join(words[:size]).strip(",.")
            city = city_at(candidate)
            if city and candidate[:1].isupper():
                end = match.start("place") + len(" ".join(words[:size]))
                found.append((match.start("place"), end, *city))
                break
    return found

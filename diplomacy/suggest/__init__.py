"""Entity suggestions: find the known countries, people and organizations an article names,
and people named after a title who are not known yet.

    from diplomacy.suggest import suggest, suggest_for_article

    suggest("Foreign Minister Bùi Thanh Sơn met ...")          # one string (field "text")
    suggest({"headline": ..., "standfirst": ..., "body": ...})  # several fields, one article
    suggest_for_article(article)                                # an Article instance

Both return a `Suggestions` (see types.py): entities sorted by first mention, each with its
mentions as (field, start, end, text) offsets into the original, unmodified field text.
The matcher is built once from the database and rebuilt when a country, person or
organization changes (in any process: a version number kept in the cache says so).
"""

from diplomacy.suggest.engine import suggest, suggest_for_article
from diplomacy.suggest.gazetteer import Gazetteer, get_gazetteer
from diplomacy.suggest.types import (
    COUNTRY,
    ORGANIZATION,
    PERSON,
    Ambiguity,
    Candidate,
    EntityMatch,
    Mention,
    Suggestions,
)

__all__ = [
    "COUNTRY",
    "ORGANIZATION",
    "PERSON",
    "Ambiguity",
    "Candidate",
    "EntityMatch",
    "Gazetteer",
    "Mention",
    "Suggestions",
    "get_gazetteer",
    "suggest",
    "suggest_for_article",
]

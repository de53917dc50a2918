"""Draft meetings from an article's text, for the editor to confirm.

    from diplomacy.drafting import draft_meetings, draft_for_article

    draft_meetings(text, article_date=date(2024, 2, 27))  # [MeetingDraft]
    draft_for_article(article)                             # headline, standfirst and body

Nothing is written: the drafts are proposals. Each says the sentence it came from; one the
database holds already (same participants, same date window) lists it in `existing`.
"""

import re

from diplomacy.drafting.extract import Drafter
from diplomacy.drafting.types import MeetingDraft, Person
from diplomacy.suggest import suggest
from diplomacy.suggest.candidates import OFFICE_WORDS, TITLE_WORDS

__all__ = ["MeetingDraft", "Person", "draft_for_article", "draft_meetings"]

TITLE_CONNECTORS = {"of", "and", "for", "the", "to"}


def draft_meetings(text, article_date=None, *, gazetteer=None, article=None):
    """The meetings `text` reports, as drafts; `article` (optional) is the article they come
    from, whose linked meetings count as already recorded."""
    from diplomacy.drafting.existing import find_existing
    from diplomacy.models import Person as PersonModel
    from diplomacy.models import Topic

    found = suggest(text, gazetteer=gazetteer)
    countries = {
        pk: code
        for pk, code in PersonModel.objects.filter(
            pk__in=[match.key for match in found.people]
        ).values_list("pk", "country_id")
    }
    people = []
    taken = []
    for match in found.people:
        spans = [(m.start, m.end) for m in match.mentions]
        first = min(spans)
        person = Person(
            name=match.label,
            title=title_before(text, first[0]),
            country=countries.get(match.key),
            person_id=match.key,
        )
        person.spans = spans
        people.append(person)
        taken += spans
    for candidate in found.candidates:
        spans = [(m.start, m.end) for m in candidate.mentions]
        taken += spans
        person = Person(name=candidate.name, title=candidate.title, country=candidate.country)
        person.spans = spans
        people.append(person)
    # A new person's last name alone ("Guterres affirmed") is a mention of them too.
    for person in people:
        if not person.is_new:
            continue
        last = person.name.split()[-1]
        if len(last) < 3:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(last)}(?![\w-])", text):
            span = match.span()
            if not any(s <= span[0] < e for s, e in taken):
                person.spans.append(span)
                taken.append(span)
    country_mentions = sorted(
        (m.start, m.end, match.key) for match in found.countries for m in match.mentions
    )
    topic_names = Topic.objects.values_list("name", flat=True)
    drafts = Drafter(text, people, country_mentions, article_date, topic_names).run()
    for draft in drafts:
        draft.existing = find_existing(draft, article)
    return drafts


def draft_for_article(article, *, gazetteer=None):
    parts = [article.headline, article.standfirst, article.body]
    text = "\n\n".join(part for part in parts if part and part.strip())
    return draft_meetings(text, article.published_on, gazetteer=gazetteer, article=article)


def title_before(text, start):
    """The office written before a name: "Deputy Prime Minister and Minister of Foreign
    Affairs" in "... Affairs Bùi Thanh Sơn received"."""
    words = list(re.finditer(r"[\w’'.-]+", text[max(0, start - 160) : start]))
    offset = max(0, start - 160)
    chosen = None
    for word in reversed(words):
        value = word.group(0)
        between = text[offset + word.end() : chosen if chosen is not None else start]
        if re.search(r"[^\w\s’'-]", between):
            break
        folded = value.casefold()
        if value[:1].isupper() and (
            folded in TITLE_WORDS or folded in OFFICE_WORDS or chosen is not None
        ):
            chosen = offset + word.start()
        elif folded in TITLE_CONNECTORS and chosen is not None:
            continue
        else:
            break
    if chosen is None:
        return ""
    title = text[chosen:start].strip(" ,")
    title = re.sub(r"^(?:(?:of|and|for|the|to)\s+)+", "", title)
    if not any(word.casefold() in TITLE_WORDS for word in re.findall(r"[\w-]+", title)):
        return ""
    return title

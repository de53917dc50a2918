"""Meetings the database holds already: a draft with the same participants in the same
date window is offered as "also reported by this article", never as a new meeting."""

import calendar
import datetime

from diplomacy.suggest.normalize import fold_key
from diplomacy.text import fold

WINDOW_DAYS = 1  # a day either side: time zones and late reports


def date_window(draft):
    """(first, last) day the draft's date allows, or None when it has no date."""
    if draft.start is None:
        return None
    if draft.date_precision == "year":
        return datetime.date(draft.start.year, 1, 1), datetime.date(draft.start.year, 12, 31)
    if draft.date_precision == "month":
        days = calendar.monthrange(draft.start.year, draft.start.month)[1]
        return draft.start.replace(day=1), draft.start.replace(day=days)
    margin = datetime.timedelta(days=WINDOW_DAYS)
    return draft.start - margin, (draft.end or draft.start) + margin


def find_existing(draft, article=None):
    """Meetings with every participant of the draft (by person, or by name for a new
    person) whose dates overlap the draft's window; undated drafts only match meetings the
    article already links."""
    from django.db.models import Q

    from diplomacy.models import Meeting

    known = [person.person_id for person in draft.participants if person.person_id]
    new_names = {fold_key(person.name) for person in draft.participants if not person.person_id}
    if not known and not new_names:
        return []
    meetings = Meeting.objects.all()
    for person_id in known:
        with_person = Meeting.objects.filter(participants__person_id=person_id)
        meetings = meetings.filter(pk__in=with_person.values("pk"))
    for person in draft.participants:
        if not person.person_id:
            # Narrowed in the database by the folded name; the exact check is below.
            with_name = Meeting.objects.filter(
                participants__person__search_text__contains=fold(person.name)
            )
            meetings = meetings.filter(pk__in=with_name.values("pk"))
    window = date_window(draft)
    if window is None:
        if article is None or article.pk is None:
            return []
        meetings = meetings.filter(articles=article)
    else:
        first, last = window
        # Overlap of [start, end or start] with the window.
        meetings = meetings.filter(start_date__lte=last).filter(
            Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
        )
    found = []
    for meeting in meetings.prefetch_related("participants__person").order_by("pk")[:20]:
        names = set()
        for participant in meeting.participants.all():
            names.add(fold_key(participant.person.name))
            if participant.person.name_ascii:
                names.add(fold_key(participant.person.name_ascii))
        if new_names <= names:
            found.append(meeting)
    return found

"""Machine-readable descriptions of public pages: schema.org JSON-LD."""

import json

from django.utils.safestring import mark_safe

from diplomacy.canonical import absolute_url

# Characters that could end the script element or start markup, escaped inside JSON strings.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def jsonld_script(data):
    """A `<script type="application/ld+json">` element safe to put in the page."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


def meeting_event(meeting):
    """A schema.org Event for a meeting (participants, place, parent event, sources)."""
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "url": absolute_url(meeting.get_absolute_url()),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": (
            "https://schema.org/OnlineEventAttendanceMode"
            if meeting.kind in (meeting.Kind.PHONE_CALL, meeting.Kind.VIDEO_CALL)
            else "https://schema.org/OfflineEventAttendanceMode"
        ),
        "description": f"{meeting.get_kind_display()}, {meeting.date_label}",
    }
    if meeting.start_date:
        event["startDate"] = meeting.start_date.isoformat()
        event["endDate"] = (meeting.end_date or meeting.start_date).isoformat()
    if meeting.location_city or meeting.location_country:
        address = {"@type": "PostalAddress"}
        if meeting.location_city:
            address["addressLocality"] = meeting.location_city
        if meeting.location_country:
            address["addressCountry"] = meeting.location_country.code
        event["location"] = {
            "@type": "Place",
            "name": meeting.place_label,
            "address": address,
        }
    event["attendee"] = [
        {
            "@type": "Person",
            "name": participant.person.name,
            "url": absolute_url(participant.person.get_absolute_url()),
            **({"jobTitle": participant.title} if participant.title else {}),
            **(
                {"nationality": {"@type": "Country", "name": participant.country.name}}
                if participant.country
                else {}
            ),
        }
        for participant in meeting.participants.all()
    ]
    if meeting.parent_id and meeting.parent.is_published:
        event["superEvent"] = {
            "@type": "Event",
            "name": meeting.parent.title,
            "url": absolute_url(meeting.parent.get_absolute_url()),
        }
    topics = [topic.name for topic in meeting.topics.all()]
    if topics:
        event["keywords"] = ", ".join(topics)
    return event

"""Every text an editor types is escaped wherever the public site shows it.

Every name, title, headline, standfirst, body, alias, city, outcome, topic, outlet and byline
below holds a script element and both kinds of quote. Each public page, export and feed is
fetched, and none may carry the script as markup: HTML pages escape it, JSON escapes it as
JSON, XML feeds as XML (and their HTML descriptions escape it once more), and CSV and
iCalendar are plain-text formats served as such.
"""

import csv
import io
import json
import xml.etree.ElementTree as ElementTree
from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from articles.models import Outlet
from diplomacy.models import Meeting, Participant, Topic
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    country,
)
from tests.test_security import inline_code

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script>" \''
SCRIPT = "<script>alert"
ESCAPED = escape(EVIL)  # &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot; &#x27;


def evil(label):
    return f"{EVIL} {label}"


@pytest.fixture
def record():
    viet_nam = country("VN")
    viet_nam.other_names = evil("other name")
    viet_nam.demonyms = evil("demonym")
    viet_nam.save()
    host = PersonFactory(name=evil("host"), aliases=evil("alias"), country=viet_nam)
    PositionFactory(person=host, title=evil("position"))
    guest = PersonFactory(name=evil("guest"), country=country("ID"))
    organization = OrganizationFactory(name=evil("organization"), acronym="<b>'\"")
    summit = MeetingFactory(
        title=evil("summit"),
        kind=Meeting.Kind.MULTILATERAL,
        location_city=evil("summit city"),
        location_country=viet_nam,
        people=[host],
    )
    meeting = MeetingFactory(
        title=evil("meeting"),
        parent=summit,
        location_city=evil("city"),
        location_country=viet_nam,
        summary=evil("summary"),
        outcomes=evil("outcome") + "\n" + evil("second outcome"),
        people=[host, guest],
    )
    Participant.objects.filter(meeting=meeting).update(title=evil("title held"))
    meeting.organizations.add(organization)
    topic = Topic.objects.create(name=evil("topic"))
    meeting.topics.add(topic)
    outlet = Outlet.objects.create(name=evil("outlet"), website="https://example.org/")
    article = ArticleFactory(
        headline=evil("headline"),
        standfirst=evil("standfirst"),
        body=evil("body") + "\n\n" + evil("second paragraph"),
        byline=evil("byline"),
        outlet=outlet,
    )
    # Written past Article.save, so only the rendering stands between it and the reader.
    html_article = ArticleFactory(headline=evil("html headline"), outlet=outlet)
    type(html_article).objects.filter(pk=html_article.pk).update(
        body='<p>Markup</p><script>alert("x")</script><p onclick="alert(1)">x</p>'
    )
    html_article.refresh_from_db()
    for each in (article, html_article):
        each.meetings.add(meeting, summit)
        each.people.add(host, guest)
        each.organizations.add(organization)
        each.countries.add(viet_nam)
        each.topics.add(topic)
    return {
        "meeting": meeting,
        "summit": summit,
        "host": host,
        "guest": guest,
        "organization": organization,
        "topic": topic,
        "outlet": outlet,
        "article": article,
        "html_article": html_article,
    }


def html_pages(record):
    """(address, texts the page must show, escaped) for every public HTML page."""
    meeting_list = reverse("meeting_list")
    return [
        (reverse("home"), ["meeting", "headline"]),
        (meeting_list, ["meeting", "summit", "city"]),
        (f"{meeting_list}?{urlencode({'q': EVIL})}", []),
        (f"{meeting_list}?{urlencode({'person': EVIL, 'organization': EVIL})}", []),
        (f"{meeting_list}?{urlencode({'country': EVIL, 'kind': EVIL, 'date_from': EVIL})}", []),
        (f"{meeting_list}?{urlencode({'topic': EVIL, 'page': EVIL})}", []),
        (
            f"{meeting_list}?"
            + urlencode(
                {
                    "person": record["host"].slug,
                    "organization": record["organization"].slug,
                    "topic": record["topic"].slug,
                    "country": "VN",
                }
            ),
            ["meeting", "host", "organization", "topic"],
        ),
        (
            record["meeting"].get_absolute_url(),
            ["meeting", "summit", "city", "outcome", "second outcome", "title held", "host"],
        ),
        (record["summit"].get_absolute_url(), ["summit", "meeting"]),
        (reverse("person_list"), ["host", "guest"]),
        (f"{reverse('person_list')}?{urlencode({'q': EVIL})}", []),
        (record["host"].get_absolute_url(), ["host", "position", "meeting", "guest"]),
        (reverse("country_list"), []),
        (reverse("country_detail", args=["vn"]), ["host", "meeting"]),
        (reverse("country_pair", args=["vn", "id"]), ["meeting"]),
        (reverse("organization_list"), ["organization"]),
        (record["organization"].get_absolute_url(), ["organization", "meeting"]),
        (reverse("article_list"), ["headline", "outlet"]),
        (f"{reverse('article_list')}?{urlencode({'q': EVIL, 'outlet': EVIL})}", []),
        (f"{reverse('article_list')}?outlet={record['outlet'].slug}", ["headline"]),
        (
            record["article"].get_absolute_url(),
            ["headline", "standfirst", "byline", "outlet", "topic"],
        ),
        (record["html_article"].get_absolute_url(), ["html headline"]),
        (f"{reverse('search')}?{urlencode({'q': 'alert'})}", ["meeting", "headline", "host"]),
        (f"{reverse('search')}?{urlencode({'q': EVIL})}", []),
        ("/countries/" + quote(EVIL, safe="") + "/", []),
        ("/people/" + quote(EVIL, safe="") + "/", []),
    ]


def test_no_html_page_carries_the_script_as_markup(client, record):
    for url, labels in html_pages(record):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response["Content-Type"].startswith("text/html"), url
        html = response.content.decode()
        assert SCRIPT not in html, url
        assert inline_code(html) == [], url
        for label in labels:
            assert f"{ESCAPED} {label}" in html, f"{url} does not show {label!r} escaped"


def test_the_json_ld_holds_the_text_as_json_data(client, record):
    html = client.get(record["meeting"].get_absolute_url()).content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    payload = html[start : html.index("</script>", start)]
    assert "<" not in payload
    event = json.loads(payload)
    assert event["name"] == evil("meeting")
    assert event["location"]["address"]["addressLocality"] == evil("city")
    assert event["superEvent"]["name"] == evil("summit")
    assert {attendee["name"] for attendee in event["attendee"]} == {evil("host"), evil("guest")}


def test_a_body_holding_a_script_is_html_and_loses_the_script(client, record):
    html = client.get(record["article"].get_absolute_url()).content.decode()
    assert "<p>\" ' body</p><p>\" ' second paragraph</p>" in html


def test_an_html_body_loses_its_script_on_the_page(client, record):
    html = client.get(record["html_article"].get_absolute_url()).content.decode()
    assert "<p>Markup</p>" in html
    assert "alert" not in html.split('<div class="body">')[1].split("</div>")[0]


def test_the_suggestion_lists_are_json(client, record):
    for name in ("person_suggest", "organization_suggest"):
        response = client.get(reverse(name), {"q": "alert"})
        assert response["Content-Type"].startswith("application/json")
        names = [row["name"] for row in response.json()["results"]]
        assert names and all(EVIL in each for each in names)


def test_the_json_export_holds_the_text_as_json_strings(client, record):
    response = client.get(reverse("meeting_export_json"))
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    text = json.dumps(response.json(), ensure_ascii=False)
    for label in ("meeting", "summit", "city", "host", "title held", "organization", "topic"):
        assert json.dumps(evil(label), ensure_ascii=False) in text, label


def test_the_csv_export_keeps_the_text_in_quoted_cells(client, record):
    response = client.get(reverse("meeting_export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    header, cells = rows[0], [cell for row in rows[1:] for cell in row]
    assert all(len(row) == len(header) for row in rows), "a quote split or merged a cell"
    assert evil("meeting") in cells and evil("summit") in cells
    # Quotes inside a cell are doubled, as RFC 4180 has it, so the cell cannot end early.
    assert '"<script>alert(""x"")</script>"" \' meeting"' in content


def test_the_calendar_is_plain_text(client, record):
    response = client.get(reverse("meeting_calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    assert response["X-Content-Type-Options"] == "nosniff"
    content = response.content.decode()
    assert "BEGIN:VCALENDAR" in content
    assert 'SUMMARY:<script>alert("x")</script>" \' meeting' in content


@pytest.mark.parametrize("name", ["meeting_feed", "meeting_feed_atom"])
def test_the_feeds_escape_the_text_as_xml_and_their_html_once_more(client, record, name):
    response = client.get(reverse(name))
    content = response.content.decode()
    assert SCRIPT not in content
    assert "&lt;script&gt;alert" in content
    root = ElementTree.fromstring(response.content)
    texts = {element.tag.split("}")[-1]: [] for element in root.iter()}
    for element in root.iter():
        texts[element.tag.split("}")[-1]].append(element.text or "")
    # Titles are text; descriptions and summaries are HTML, in which the text is escaped.
    assert evil("meeting") in texts["title"]
    html_parts = texts.get("description", []) + texts.get("summary", [])
    assert any(ESCAPED in part for part in html_parts)
    assert not any(SCRIPT in part for part in html_parts)


def test_the_sitemaps_are_plain_addresses(client, record):
    index = client.get(reverse("sitemap_index"))
    assert SCRIPT not in index.content.decode()
    for location in ElementTree.fromstring(index.content).iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
    ):
        section = client.get(location.text.replace("http://testserver", ""))
        assert section.status_code == 200
        assert SCRIPT not in section.content.decode()
        ElementTree.fromstring(section.content)

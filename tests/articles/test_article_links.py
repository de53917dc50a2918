"""The public article page links mentions of the entities tagged on the article."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.rendering import linked_paragraphs, paragraph_ranges, snippet
from diplomacy.models import Status
from tests.factories import ArticleFactory, OrganizationFactory, PersonFactory, country

BODY = (
    "Foreign Minister Bùi Thanh Sơn met Indonesian Foreign Minister Retno Marsudi in Geneva.\n\n"
    "Sơn said Vietnam and Indonesia would work together within ASEAN."
)


# Rendering -----------------------------------------------------------------------------


def test_paragraphs_split_on_blank_lines_and_keep_offsets_into_the_whole_text():
    text = "  One.\n\nTwo\nlines.\r\n\r\n\n  \nThree. \n"
    assert [text[start:end] for start, end in paragraph_ranges(text)] == [
        "One.",
        "Two\nlines.",
        "Three.",
    ]
    assert paragraph_ranges("") == [] and paragraph_ranges("\n\n \n") == []


def test_spans_become_links_in_the_right_paragraph():
    text = "Alpha met Beta.\n\nBeta left."
    second_beta = text.rindex("Beta")
    spans = [(0, 5, "/a/"), (10, 14, "/b/"), (second_beta, second_beta + 4, "/b/")]
    assert linked_paragraphs(text, spans) == [
        '<a href="/a/">Alpha</a> met <a href="/b/">Beta</a>.',
        '<a href="/b/">Beta</a> left.',
    ]


def test_every_piece_is_escaped():
    text = '<script>alert("x")</script> & Tom <Jr>'
    start = text.index("Tom")
    (html,) = linked_paragraphs(text, [(start, len(text), '/p/"><script>/')])
    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
        '<a href="/p/&quot;&gt;&lt;script&gt;/">Tom &lt;Jr&gt;</a>'
    )


def test_overlapping_spans_and_spans_across_paragraphs_are_not_links():
    text = "United Nations Council\n\nEnd"
    spans = [(7, 22, "/council/"), (0, 14, "/un/"), (15, 27, "/across/")]
    assert linked_paragraphs(text, spans) == [
        '<a href="/un/">United Nations</a> Council',
        "End",
    ]


def test_a_snippet_shows_the_mention_in_context_escaped():
    text = (
        "A long introduction that goes on and on. Then <b>Retno Marsudi</b> arrived in Geneva "
        "on a cold Monday morning."
    )
    start = text.index("Retno")
    assert snippet(text, start, start + len("Retno Marsudi")) == (
        "…that goes on and on. Then &lt;b&gt;<mark>Retno Marsudi</mark>&lt;/b&gt; arrived in "
        "Geneva on a…"
    )
    assert snippet("Sơn", 0, 3) == "<mark>Sơn</mark>"


# The article page ----------------------------------------------------------------------


@pytest.fixture
def record(db):
    son = PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
    retno = PersonFactory(name="Retno Marsudi", country=country("ID"))
    asean = OrganizationFactory(name="Association of Southeast Asian Nations", acronym="ASEAN")
    return son, retno, asean


def test_mentions_of_tagged_entities_link_to_their_pages(client, record):
    son, retno, asean = record
    article = ArticleFactory(headline="Ministers meet", body=BODY)
    article.people.add(son)
    article.countries.add(country("VN"))
    article.organizations.add(asean)
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'<p>Foreign Minister <a href="/people/{son.slug}/">Bùi Thanh Sơn</a> met Indonesian '
        "Foreign Minister Retno Marsudi in Geneva.</p>"
    ) in html
    assert (
        f'<p><a href="/people/{son.slug}/">Sơn</a> said <a href="/countries/vn/">Vietnam</a> '
        f'and Indonesia would work together within <a href="/organizations/{asean.slug}/">'
        "ASEAN</a>.</p>"
    ) in html


def test_untagged_entities_are_not_linked(client, record):
    son, retno, _ = record
    article = ArticleFactory(body=BODY)
    article.people.add(son)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/people/{retno.slug}/"' not in html
    assert 'href="/countries/id/"' not in html
    assert "Retno Marsudi in Geneva" in html


def test_a_draft_only_person_is_never_linked(client, record):
    # Retno appears only in a draft article: no public page, so no link either.
    son, retno, _ = record
    ArticleFactory(body=BODY, status=Status.DRAFT).people.add(retno)
    article = ArticleFactory(body=BODY)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"/people/{retno.slug}/" not in html
    assert client.get(f"/people/{retno.slug}/").status_code == 404


def test_the_plain_text_body_is_escaped(client, record):
    son, _, _ = record
    article = ArticleFactory(body="Bùi Thanh Sơn said a < b & \"c\" > 'd'.")
    article.people.add(son)
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'<p><a href="/people/{son.slug}/">Bùi Thanh Sơn</a> '
        "said a &lt; b &amp; &quot;c&quot; &gt; &#x27;d&#x27;.</p>"
    ) in html


def test_a_body_with_tags_is_html_and_loses_its_script(client, record):
    son, _, _ = record
    article = ArticleFactory(body="<script>alert('Bùi Thanh Sơn')</script>\n\nBùi Thanh Sơn <i>")
    article.people.add(son)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "alert" not in html
    assert "<p>Bùi Thanh Sơn <i></i></p>" in html


def test_an_ambiguous_name_links_to_the_one_option_tagged(client, db):
    first = PersonFactory(name="Lê Văn Thành")
    second = PersonFactory(name="Lê Văn Thành")
    article = ArticleFactory(body="Lê Văn Thành spoke.")
    assert "<p>Lê Văn Thành spoke.</p>" in client.get(article.get_absolute_url()).content.decode()
    article.people.add(second)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<p><a href="/people/{second.slug}/">Lê Văn Thành</a> spoke.</p>' in html
    article.people.add(first)
    assert "<p>Lê Văn Thành spoke.</p>" in client.get(article.get_absolute_url()).content.decode()


def page_queries(client, article, links):
    client.get(article.get_absolute_url())  # builds the suggestion matcher if needed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    body = response.content.decode().split('<div class="body">')[1].split("</div>")[0]
    assert body.count('<a href="/people/') == links
    return len(queries)


def test_the_article_page_query_count_does_not_grow_with_links(client, db):
    def article_naming(people):
        article = ArticleFactory(body="\n\n".join(f"{p.name} spoke." for p in people))
        article.people.add(*people)
        return article

    def people(count, surname):
        return [PersonFactory(name=f"{surname} {letter}son") for letter in "ABCDEFGH"[:count]]

    few = page_queries(client, article_naming(people(2, "Amara")), 2)
    cache.clear()
    many = page_queries(client, article_naming(people(8, "Bertil")), 8)
    assert many == few

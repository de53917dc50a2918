"""Article bodies holding HTML are cut down to an allow-list; plain text is left alone."""

import pytest
from django.urls import reverse

from articles.sanitize import looks_like_html, sanitize_body
from tests.factories import ArticleFactory, PersonFactory, country


@pytest.mark.parametrize(
    "text",
    [
        "First paragraph.\n\nSecond paragraph.",
        "a < b and b > c",
        "x<y",
        "<3 from Hà Nội",
        "Trade & investment, 5 > 3 &amp; more",
        "",
    ],
)
def test_plain_text_comes_back_unchanged(text):
    assert not looks_like_html(text)
    assert sanitize_body(text) == text


def test_allowed_markup_is_kept():
    html = (
        "<h2>Talks</h2><p><strong>Bold</strong>, <em>emphasis</em>, <b>b</b>, <i>i</i><br>"
        "line</p><ul><li>one</li></ul><ol><li>two</li></ol><blockquote>Quote</blockquote>"
        "<h3>Three</h3><h4>Four</h4>"
    )
    assert sanitize_body(html) == html


def test_scripts_styles_and_their_content_are_removed():
    html = '<p>Before</p><script>alert("x")</script><style>p { color: red }</style><p>After</p>'
    assert sanitize_body(html) == "<p>Before</p><p>After</p>"


def test_other_tags_are_removed_but_their_text_kept():
    html = '<div class="x"><h1>Title</h1><span>text</span><img src="x" onerror="alert(1)"></div>'
    assert sanitize_body(html) == "<p>Titletext</p>"


def test_event_handlers_and_styles_are_removed_from_allowed_tags():
    html = '<p onclick="alert(1)" style="color: red" class="lead" id="p1">Text</p>'
    assert sanitize_body(html) == "<p>Text</p>"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>x</script>",
        "vbscript:x",
    ],
)
def test_links_lose_dangerous_addresses(href):
    cleaned = sanitize_body(f'<p><a href="{href}">link</a></p>')
    assert cleaned == '<p><a rel="noopener noreferrer">link</a></p>'


@pytest.mark.parametrize(
    "href",
    [
        "https://example.org/a?b=1&amp;c=2",
        "http://example.org/",
        "mailto:desk@example.org",
        "/people/x/",
    ],
)
def test_links_keep_web_mail_and_relative_addresses_and_get_rel(href):
    cleaned = sanitize_body(f'<a href="{href}" title="More" target="_blank" rel="opener">x</a>')
    assert cleaned == f'<p><a href="{href}" title="More" rel="noopener noreferrer">x</a></p>'


def test_text_between_tags_is_escaped():
    assert sanitize_body("<p>a < b & c</p>") == "<p>a &lt; b &amp; c</p>"


def test_comments_are_removed():
    assert sanitize_body("<p>Kept</p><!-- editor's note -->") == "<p>Kept</p>"


def test_html_that_loses_every_tag_stays_html():
    cleaned = sanitize_body('<script>alert("x")</script>Trade & investment')
    assert cleaned == "<p>Trade &amp; investment</p>"
    assert looks_like_html(cleaned)


def test_inline_markup_alone_is_split_into_paragraphs_on_blank_lines():
    text = "Talks on <strong>trade</strong>.\r\n\r\nA second\nparagraph.\n\n\n<em>Third</em>"
    assert sanitize_body(text) == (
        "<p>Talks on <strong>trade</strong>.</p><p>A second\nparagraph.</p><p><em>Third</em></p>"
    )


def test_markup_with_blocks_keeps_its_own_paragraphs():
    text = "<p>One</p>\n\n<p>Two</p>"
    assert sanitize_body(text) == text


def test_html_with_nothing_left_becomes_empty():
    assert sanitize_body('<script>alert("x")</script>') == ""


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        '<p onclick="x">a <a href="https://example.org" rel="x">b</a></p>',
        "<script>x</script>Trade & investment",
        "<table><tr><td>cell</td></tr></table>",
    ],
)
def test_sanitizing_twice_changes_nothing_more(text):
    once = sanitize_body(text)
    assert sanitize_body(once) == once


# The public article page -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_html_body_is_shown_as_its_sanitized_html(client):
    article = ArticleFactory(
        body=(
            '<p>Talks on <strong>trade</strong>, <a href="https://example.org/">details</a>.</p>'
            '<script>alert("x")</script><p onclick="alert(1)">Second</p>'
        )
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<p>Talks on <strong>trade</strong>, <a href="https://example.org/" '
        'rel="noopener noreferrer">details</a>.</p><p>Second</p>'
    ) in html
    assert "alert" not in html
    assert "&lt;p&gt;" not in html


@pytest.mark.django_db
def test_a_plain_text_body_keeps_its_paragraphs_and_linked_mentions(client):
    son = PersonFactory(name="Bùi Thanh Sơn", country=country("VN"))
    article = ArticleFactory(body="Bùi Thanh Sơn said a < b.\n\nSecond & last paragraph.")
    article.people.add(son)
    html = client.get(reverse("article_detail", args=[article.slug])).content.decode()
    assert (
        f'<p><a href="{son.get_absolute_url()}">Bùi Thanh Sơn</a> said a &lt; b.</p>'
        "<p>Second &amp; last paragraph.</p>"
    ) in html

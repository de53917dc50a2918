"""Article bodies that hold HTML, cut down to an allow-list of harmless markup.

An article body is either plain text (paragraphs separated by blank lines, the usual case)
or an HTML fragment pasted or typed by an editor. `sanitize_body` runs on save and again
when the page is rendered:

- Text with nothing that looks like an HTML tag (`<` followed by a letter, `/` or `!`, then
  `>` before any other `<`) is plain text and comes back unchanged, so "a < b", "x<y", "<3"
  or a stray "&" stay as the editor typed them; the templates escape plain text when they
  show it. Text mistaken for plain text is therefore only ever shown escaped.
- Anything else is HTML and is cleaned with nh3: only the tags in ALLOWED_TAGS survive,
  links keep only `href` (http, https, mailto or a relative address) and `title` and get
  rel="noopener noreferrer", and script and style elements are dropped with their content.
  Text between the tags is escaped ("a < b" becomes "a &lt; b").

A fragment with inline markup only ("Talks on <strong>trade</strong>.", or one whose every
tag was removed) is split into paragraphs on blank lines, as plain text is. So a cleaned
fragment always has a tag: since `looks_like_html` decides which of the two a body is, HTML
stays HTML when saved again, and `sanitize_body` applied twice gives what it gave once.
"""

import re

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

# A tag, an end tag, a comment or a doctype: "<p>", "</p>", "<a href=...>", "<!-- -->".
TAG = re.compile(r"<[a-zA-Z/!][^<>]*>")
# The allowed tags that make blocks of their own.
BLOCK_TAG = re.compile(r"<(?:p|ul|ol|li|blockquote|h2|h3|h4)\b", re.IGNORECASE)
# A blank line, also with CRLF line ends, as between plain-text paragraphs.
BLANK_LINE = re.compile(r"\r?\n(?:[ \t]*\r?\n)+")

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(LINK_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def looks_like_html(text):
    """Whether `text` holds something that looks like an HTML tag."""
    return bool(TAG.search(text or ""))


def sanitize_body(text):
    """`text` unchanged when it is plain text, else its HTML reduced to the allow-list."""
    if not looks_like_html(text):
        return text
    cleaned = _cleaner.clean(text).strip()
    if not BLOCK_TAG.search(cleaned):
        cleaned = "".join(
            f"<p>{part.strip()}</p>" for part in BLANK_LINE.split(cleaned) if part.strip()
        )
    return cleaned

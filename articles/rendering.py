"""Article text as safe HTML: body paragraphs with linked mentions, HTML bodies, snippets."""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles.sanitize import sanitize_body

# A blank line, also when the text came from a browser with CRLF line ends.
BLANK_LINE = re.compile(r"\r?\n(?:[ \t]*\r?\n)+")
WHITESPACE = re.compile(r"\s")
SPACES = re.compile(r" +")


def paragraph_ranges(text):
    """(start, end) of each non-empty paragraph of `text`, paragraphs split on blank lines."""
    ranges = []
    start = 0
    for separator in [*BLANK_LINE.finditer(text), None]:
        end = separator.start() if separator else len(text)
        block = text[start:end]
        stripped = block.strip()
        if stripped:
            first = start + (len(block) - len(block.lstrip()))
            ranges.append((first, first + len(stripped)))
        if separator:
            start = separator.end()
    return ranges


def _non_overlapping(spans):
    """Spans sorted by start; of two overlapping spans, the earlier (then the longer) wins."""
    kept = []
    for start, end, url in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start < end and (not kept or start >= kept[-1][1]):
            kept.append((start, end, url))
    return kept


def linked_paragraphs(text, spans):
    """The paragraphs of `text` as safe HTML, each span (start, end, url) a link.

    Offsets are into the whole text. Every piece of text is escaped; a span that crosses a
    paragraph boundary is left as text.
    """
    spans = _non_overlapping(spans)
    paragraphs = []
    index = 0
    for start, end in paragraph_ranges(text):
        parts = []
        position = start
        while index < len(spans) and spans[index][0] < end:
            span_start, span_end, url = spans[index]
            index += 1
            if span_start < start or span_end > end:
                continue
            parts.append(escape(text[position:span_start]))
            parts.append(format_html('<a href="{}">{}</a>', url, text[span_start:span_end]))
            position = span_end
        parts.append(escape(text[position:end]))
        paragraphs.append(mark_safe("".join(parts)))
    return paragraphs


def body_html(text):
    """A body that holds HTML, as safe HTML.

    It was sanitized when the article was saved; it is sanitized again here, so a body
    written some other way (a bulk update, an import, a database edit) is no risk either.
    """
    return mark_safe(sanitize_body(text))


def snippet(text, start, end, context=30):
    """About `context` characters either side of text[start:end], the mention in <mark>."""
    before_start = max(0, start - context)
    after_end = min(len(text), end + context)
    before = WHITESPACE.sub(" ", text[before_start:start])
    after = WHITESPACE.sub(" ", text[end:after_end])
    # Cut at a word boundary where one is near, so the snippet shows whole words.
    if before_start > 0 and " " in before[: context // 2]:
        before = before[before.index(" ") + 1 :]
    if after_end < len(text) and " " in after[-(context // 2) :]:
        after = after[: after.rindex(" ")]
    return format_html(
        "{}{}<mark>{}</mark>{}{}",
        "…" if before_start > 0 else "",
        SPACES.sub(" ", before).lstrip(),
        SPACES.sub(" ", text[start:end]),
        SPACES.sub(" ", after).rstrip(),
        "…" if after_end < len(text) else "",
    )

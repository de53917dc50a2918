"""Text helpers shared by models, search and slugs: folding names to ASCII, slugs, lists."""

import re

from anyascii import anyascii
from django.utils.text import slugify

_SPACES = re.compile(r"\s+")
# Control characters (NUL above all, which PostgreSQL refuses in text) never belong in a name,
# and XML 1.0 forbids them (and the non-characters U+FFFE, U+FFFF and lone surrogates): one
# in a title would make the feeds unwritable. Tabs, newlines and carriage returns stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def to_ascii(text):
    """Transliterate to ASCII: 'Bùi Thanh Sơn' -> 'Bui Thanh Son', 'Đà Nẵng' -> 'Da Nang'."""
    return _SPACES.sub(" ", _CONTROL.sub("", anyascii(text or ""))).strip()


def strip_control(text):
    """The text without control characters or anything else XML 1.0 forbids (tabs and
    newlines are kept)."""
    return _CONTROL.sub("", text)


def strip_control_deep(value):
    """strip_control on every string inside lists, tuples and dicts."""
    if isinstance(value, str):
        return strip_control(value)
    if isinstance(value, list | tuple):
        return type(value)(strip_control_deep(item) for item in value)
    if isinstance(value, dict):
        return {key: strip_control_deep(item) for key, item in value.items()}
    return value


# PostgreSQL's text-search parser reads "<...>" as markup and drops the words inside.
_ANGLES = str.maketrans("<>", "  ")


def fold(text):
    """Search key: ASCII, lower case, single spaces. Both sides of a search are folded."""
    return _SPACES.sub(" ", to_ascii(text).lower().translate(_ANGLES)).strip()


def slugify_name(text, max_length=200):
    """A readable ASCII slug for any script; never empty."""
    slug = slugify(to_ascii(text))[:max_length].strip("-")
    return slug or "item"


def unique_slug(instance, text, field="slug", max_length=200):
    """Slug from `text` unique among `instance`'s model: bui-thanh-son, bui-thanh-son-2, ..."""
    base = slugify_name(text, max_length=max_length - 4)
    model = type(instance)
    taken = model._default_manager.exclude(pk=instance.pk).filter(**{f"{field}__startswith": base})
    taken = set(taken.values_list(field, flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def split_lines(text):
    """Non-empty stripped lines of a one-per-line field (aliases, other names)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]

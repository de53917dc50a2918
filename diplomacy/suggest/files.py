"""Plain-text article files, as the command-line tools read them."""

import datetime
import re
from pathlib import Path

# An optional first line "date 2024-12-25", possibly indented. The seed files put the
# dateline and first sentence on the same line, so only the date itself is removed.
DATE_LINE = re.compile(r"\A[^\S\n]*date[^\S\n]+(\d{4}-\d{2}-\d{2})(?![\w-])[^\S\n]*\n?")


class UnreadableFile(Exception):
    pass


def read_article(path):
    """(date or None, text) of a plain-text article file; UnreadableFile says why not."""
    try:
        # utf-8-sig: a byte-order mark some editors write is not part of the text.
        content = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UnreadableFile("no such file") from None
    except IsADirectoryError:
        raise UnreadableFile("is a directory, not a file") from None
    except PermissionError:
        raise UnreadableFile("permission denied") from None
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start})"
        ) from None
    except OSError as error:
        raise UnreadableFile(error.strerror or str(error)) from None

    match = DATE_LINE.match(content)
    if not match:
        return None, content
    try:
        date = datetime.date.fromisoformat(match[1])
    except ValueError:
        raise UnreadableFile(f"the date line says {match[1]}, which is not a date") from None
    return date, content[match.end() :]

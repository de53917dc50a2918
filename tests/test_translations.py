"""The Vietnamese catalogue is complete, compiled and up to date with the source.

When one of these fails after adding or changing a translatable string: run `make messages`,
translate the new entries in locale/vi/LC_MESSAGES/django.po (and remove any "#, fuzzy"
flag once the guess is checked), run `make messages` again to compile, and commit both the
.po and the .mo file.
"""

import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
# What `make messages` leaves out, besides hidden files and folders.
IGNORED = [".venv", "staticfiles", "artifacts"]

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def unquote(quoted):
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), quoted[1:-1])


def parse_po(path):
    """The entries of a .po file, obsolete ones (#~) left out, header included.

    Each entry is a dict with msgctxt (or None), msgid, msgid_plural (or None), msgstr (a
    list: one item, or one per plural form) and flags (a set: fuzzy, python-format, ...).
    """
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid_plural": None, "msgstr": [], "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, text = match.groups()
            if keyword.startswith("msgstr"):
                field = int(index or 0)
                entry["msgstr"].append(unquote(text))
            else:
                field = keyword
                entry[keyword] = unquote(text)
        elif line.startswith('"') and field is not None:
            if isinstance(field, int):
                entry["msgstr"][field] += unquote(line)
            else:
                entry[field] += unquote(line)
        else:
            raise AssertionError(f"{path}: cannot read the line {line!r}")
    finish()
    return entries


def entry_key(entry):
    return (entry["msgctxt"], entry["msgid"], entry["msgid_plural"])


def describe(entry):
    context = f" (context {entry['msgctxt']!r})" if entry["msgctxt"] else ""
    return f"{entry['msgid']!r}{context}"


def translatable(entries):
    return [entry for entry in entries if entry["msgid"]]


def read_mo(path):
    """A compiled catalogue as {original: translation}, both as text, as GNU gettext stores
    them: "context\\x04msgid", plural forms joined by NUL."""
    data = Path(path).read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    catalogue = {}
    for index in range(count):
        length, offset = struct.unpack(order + "2I", data[originals + 8 * index :][:8])
        original = data[offset : offset + length].decode("utf-8")
        length, offset = struct.unpack(order + "2I", data[translations + 8 * index :][:8])
        catalogue[original] = data[offset : offset + length].decode("utf-8")
    return catalogue


def mo_key(entry):
    key = entry["msgid"]
    if entry["msgid_plural"] is not None:
        key += "\x00" + entry["msgid_plural"]
    if entry["msgctxt"] is not None:
        key = entry["msgctxt"] + "\x04" + key
    return key


def placeholders(text):
    """Python-format and str.format placeholders, which a translation must keep."""
    named = re.findall(r"%\(\w+\)[sdifr]", text)
    positional = re.findall(r"%[sdifr]|\{\}", text)
    return sorted(named), sorted(positional)


@pytest.fixture(scope="module")
def entries():
    assert PO_FILE.exists(), f"{PO_FILE} is missing: run `make messages`"
    return parse_po(PO_FILE)


def test_every_entry_is_translated(entries):
    untranslated = [
        describe(entry)
        for entry in translatable(entries)
        if not entry["msgstr"] or not all(text.strip() for text in entry["msgstr"])
    ]
    assert not untranslated, "Translate in django.po: " + ", ".join(untranslated)


def test_no_entry_is_fuzzy(entries):
    fuzzy = [describe(entry) for entry in entries if "fuzzy" in entry["flags"]]
    assert not fuzzy, "Check and unflag the fuzzy entries in django.po: " + ", ".join(fuzzy)


def test_translations_keep_the_placeholders(entries):
    broken = []
    for entry in translatable(entries):
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if entry["msgid_plural"] else [])
        expected = [placeholders(source) for source in sources]
        for text in entry["msgstr"]:
            if text and placeholders(text) not in expected:
                broken.append(describe(entry))
    assert not broken, "Placeholders differ from the English in: " + ", ".join(broken)


def test_the_compiled_catalogue_matches_the_po_file(entries):
    assert MO_FILE.exists(), f"{MO_FILE} is missing: run `make messages`"
    compiled = read_mo(MO_FILE)
    expected = {
        mo_key(entry): "\x00".join(entry["msgstr"])
        for entry in translatable(entries)
        if "fuzzy" not in entry["flags"] and all(entry["msgstr"])
    }
    compiled.pop("", None)  # The header.
    assert compiled == expected, "django.mo is older than django.po: run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogue_has_every_string_of_the_source(entries, tmp_path):
    """Collect the strings again, as `make messages` does, from a copy of the project, and
    compare them with the committed catalogue."""
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    shutil.copytree(
        base,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "__pycache__", "*.pyc", "locale", "db.sqlite3*", *IGNORED
        ),
    )
    environment = {
        **os.environ,
        "SECRET_KEY": "messages",
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi"]
        + [f"--ignore={name}" for name in IGNORED],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
    )
    collected = {
        entry_key(entry)
        for entry in translatable(parse_po(copy / "locale/vi/LC_MESSAGES/django.po"))
    }
    committed = {entry_key(entry) for entry in translatable(entries)}
    missing = sorted(repr(key[1]) for key in collected - committed)
    stale = sorted(repr(key[1]) for key in committed - collected)
    assert not missing, "Run `make messages` and translate: " + ", ".join(missing)
    assert not stale, "No longer in the source, run `make messages`: " + ", ".join(stale)

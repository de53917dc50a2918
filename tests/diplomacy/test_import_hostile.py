"""import_record on malformed and hostile files: one message naming the file and the line,
and nothing changed, whatever the file holds."""

import errno
import io
import json
import sys
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections

from diplomacy.models import Meeting
from diplomacy.record import KINDS, field_type, record_fields
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = '{"format": "diplomacy-record", "version": 1}'
# A valid line before the broken one: an import that stops later must not keep it.
TOPIC = '{"type": "topic", "name": "fisheries", "slug": "fisheries"}'
MEETING = {"type": "meeting", "slug": "a-call", "title": "A call", "kind": "phone_call"}
PARTICIPANT = {"person": "le-van-a", "title": "Minister", "role": "host", "order": 0}
DEEP = "[" * 100_000 + "]" * 100_000


def counts():
    """The number of rows of every table (history, tags and link tables too)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def meeting(**fields):
    return json.dumps({**MEETING, **fields})


def participant(**fields):
    return meeting(participants=[{**PARTICIPANT, **fields}])


@pytest.fixture
def person(db):
    return PersonFactory(name="Lê Văn A")


def refused(path, *args):
    """The message of the import of `path`, which must fail and change nothing."""
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_record", str(path), *args, stdout=StringIO())
    assert counts() == before
    return str(error.value)


def broken_file(tmp_path, line):
    """A record whose third line is `line` (text, or bytes as they are)."""
    path = tmp_path / "broken.jsonl"
    line = line if isinstance(line, bytes) else line.encode("utf-8")
    path.write_bytes(f"{HEADER}\n{TOPIC}\n".encode() + line + b"\n")
    return path


# Each case: the third line of a record, and what the message says about it.
CASES = {
    "a number for a date": (
        meeting(start_date=20240105),
        "meeting 'a-call': start_date must be a date (YYYY-MM-DD) or null, not 20240105",
    ),
    "a date that does not exist": (
        meeting(start_date="2024-02-30"),
        "meeting 'a-call': start_date: “2024-02-30” value has the correct format (YYYY-MM-DD) "
        "but it is an invalid date.",
    ),
    "a number for a date and time": (
        meeting(created=1700000000),
        "meeting 'a-call': created must be a date and time (ISO 8601, such as "
        "2024-02-27T08:30:00Z), not 1700000000",
    ),
    "a date and time past the year 9999 in UTC": (
        meeting(published_at="9999-12-31T23:00:00-05:00"),
        "meeting 'a-call': published_at must be a date and time within the years 1 to 9999 in "
        "UTC, not '9999-12-31T23:00:00-05:00'",
    ),
    "a line nested 100,000 deep": (DEEP, "lists and objects nested too deeply to read"),
    "a field nested 100,000 deep": (
        meeting()[:-1] + f', "summary": {DEEP}}}',
        "lists and objects nested too deeply to read",
    ),
    "a field nested 500 deep": (
        meeting()[:-1] + f', "summary": {"[" * 500}{"]" * 500}}}',
        "meeting 'a-call': summary must be text, not a list",
    ),
    "a list for a line": ("[1, 2]", "each line must be a JSON object, not a list"),
    "a number for a line": ("42", "each line must be a JSON object, not 42"),
    "text for a line": ('"meeting"', "each line must be a JSON object, not 'meeting'"),
    "null for a line": ("null", "each line must be a JSON object, not null"),
    "an unknown field": (meeting(colour="red"), "meeting 'a-call': unknown field 'colour'"),
    "an unknown type": ('{"type": ["ship"]}', "unknown type a list (known types: country,"),
    "a number for text": (meeting(title=5), "meeting 'a-call': title must be text, not 5"),
    "true for text": (meeting(title=True), "meeting 'a-call': title must be text, not true"),
    "an object for text": (
        meeting(title={}),
        "meeting 'a-call': title must be text, not an object",
    ),
    "null for required text": (
        meeting(title=None),
        "meeting 'a-call': title must be text, not null",
    ),
    "text too long": (
        meeting(title="x" * 301),
        "meeting 'a-call': title: Ensure this value has at most 300 characters (it has 301).",
    ),
    "an invalid choice": (
        meeting(kind="banquet"),
        "meeting 'a-call': kind: Value 'banquet' is not a valid choice.",
    ),
    "a number for a choice": (meeting(kind=1), "meeting 'a-call': kind must be text, not 1"),
    "NUL in text": (
        meeting(title="A\x00call"),
        "meeting 'a-call': title must be text without NUL characters or unpaired surrogates, "
        "not 'A\\x00call'",
    ),
    "NUL in a key": (
        meeting(slug="a-\x00call"),
        "meeting: slug must be text without NUL characters or unpaired surrogates, "
        "not 'a-\\x00call'",
    ),
    "NUL in a reference": (
        meeting(location_country="V\x00N"),
        "meeting 'a-call': location_country must be text without NUL characters or unpaired "
        "surrogates, not 'V\\x00N'",
    ),
    "an unpaired surrogate in text": (
        meeting()[:-1] + ', "summary": "half \\ud83d of a pair"}',
        "meeting 'a-call': summary must be text without NUL characters or unpaired "
        "surrogates, not 'half \\ud83d of a pair'",
    ),
    "an empty key": (meeting(slug=""), "meeting: slug must be a meeting slug, not ''"),
    "a number for a key": (meeting(slug=7), "meeting: slug must be a meeting slug, not 7"),
    "a number for a reference": (
        meeting(parent=7),
        "meeting 'a-call': parent must be a meeting slug or null, not 7",
    ),
    "text for a list": (
        meeting(countries="VN"),
        "meeting 'a-call': countries must be a list of country codes, not 'VN'",
    ),
    "a number in a list": (
        meeting(countries=["VN", 704]),
        "meeting 'a-call': countries item 2 must be a country code, not 704",
    ),
    "NUL in a list": (
        meeting(topics=["fish\x00eries"]),
        "meeting 'a-call': topics item 1 must be text without NUL characters or unpaired "
        "surrogates, not 'fish\\x00eries'",
    ),
    "an object for a list of objects": (
        meeting(participants={}),
        "meeting 'a-call': participants must be a list of objects, not an object",
    ),
    "text for a nested object": (
        meeting(participants=["le-van-a"]),
        "meeting 'a-call', participant 1 must be an object, not 'le-van-a'",
    ),
    "a fraction for a whole number": (
        participant(order=1.5),
        "meeting 'a-call', participant 1: order must be a whole number from 0 to 32767, not 1.5",
    ),
    "true for a whole number": (
        participant(order=True),
        "meeting 'a-call', participant 1: order must be a whole number from 0 to 32767, not true",
    ),
    "a whole number overflowing its column": (
        participant(order=40_000),
        "meeting 'a-call', participant 1: order must be a whole number from 0 to 32767, not 40000",
    ),
    "a whole number overflowing 64 bits": (
        participant(order=2**63),
        "meeting 'a-call', participant 1: order must be a whole number from 0 to 32767, "
        f"not {2**63}",
    ),
    "a number of 5,000 digits": (
        meeting()[:-1] + f', "summary": {"9" * 5000}}}',
        "number too large (5000 digits)",
    ),
    "a number beyond floating point": (
        meeting()[:-1] + ', "summary": 1e400}',
        "number too large (1e400)",
    ),
    "NaN": (meeting()[:-1] + ', "summary": NaN}', "not valid JSON: NaN is not a JSON number"),
    "bytes that are not UTF-8": (
        b'{"type": "topic", "name": "caf\xe9"}',
        "not UTF-8 text (byte 0xe9 at column 31)",
    ),
    "half a line": (
        meeting()[:20],
        "not valid JSON: Expecting property name enclosed in double quotes (column 21)",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_hostile_line_is_refused_with_its_line_and_nothing_is_imported(person, tmp_path, case):
    line, reason = CASES[case]
    path = broken_file(tmp_path, line)

    message = refused(path)

    assert message.startswith(f"Nothing was imported. {path}, line 3: {reason}")
    assert "\n" not in message


def test_the_command_exits_with_status_1_and_one_line_on_standard_error(
    person, tmp_path, capsys, monkeypatch
):
    path = broken_file(tmp_path, meeting(start_date=20240105))
    before = counts()
    # A command run from the shell closes the connections when it ends: not the test's.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as stopped:
        execute_from_command_line(["manage.py", "import_record", str(path)])

    assert stopped.value.code == 1
    assert capsys.readouterr().err == (
        f"CommandError: Nothing was imported. {path}, line 3: meeting 'a-call': start_date must "
        "be a date (YYYY-MM-DD) or null, not 20240105\n"
    )
    assert counts() == before


def test_a_header_whose_version_is_true_is_refused(db, tmp_path):
    path = tmp_path / "record.jsonl"
    path.write_text('{"format": "diplomacy-record", "version": true}\n', encoding="utf-8")

    assert refused(path) == (
        f"Nothing was imported. {path}, line 1: format version true is not supported (this "
        "reads version 1)"
    )


def test_an_empty_file_is_refused_at_line_1(db, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")

    assert refused(path) == (
        f"Nothing was imported. {path}, line 1: the file is empty: it has no header line"
    )


def test_a_directory_is_refused(db, tmp_path):
    assert refused(tmp_path) == f"Nothing was imported. {tmp_path}: cannot read: Is a directory"


def test_a_missing_file_is_refused(db, tmp_path):
    path = tmp_path / "nothing-here.jsonl"

    assert refused(path) == (
        f"Nothing was imported. {path}: cannot read: No such file or directory"
    )


class FailingInput(io.RawIOBase):
    """Standard input whose reads fail after the header, as a failing disk's would."""

    def __init__(self):
        self.lines = [f"{HEADER}\n{TOPIC}\n".encode()]

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self.lines:
            raise OSError(errno.EIO, "Input/output error")
        data = self.lines.pop()
        buffer[: len(data)] = data
        return len(data)


def test_a_read_error_midway_is_refused(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(FailingInput())))

    assert refused("-") == "Nothing was imported. <stdin>: cannot read: Input/output error"


def test_control_characters_are_removed_from_imported_text(person, tmp_path):
    path = tmp_path / "record.jsonl"
    title = "A\x0bcall\x1b[31m about\x7f fisheries"
    lines = [HEADER, TOPIC, meeting(title=title, summary="Line one\nline\ttwo\x0c")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    call_command("import_record", str(path), stdout=StringIO())

    imported = Meeting.objects.get(slug="a-call")
    assert imported.title == "Acall[31m about fisheries"
    assert imported.summary == "Line one\nline\ttwo"


def test_every_field_of_the_record_has_a_type(db):
    for kind in KINDS:
        fields = list(record_fields(kind.model, key=kind.key))
        for nested in kind.nested:
            fields += record_fields(nested.model, parent=nested.parent)
        for field in fields:
            assert field_type(field).words, field

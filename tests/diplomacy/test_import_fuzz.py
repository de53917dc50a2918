"""Hostile records: import_record either imports a file or refuses it, never anything else.

Hypothesis takes objects of the exported demo record, puts random JSON at random places in
them (numbers of any size, NaN, text with control characters, NUL and unpaired surrogates,
nested lists and objects, null, lists nested 100,000 deep), adds and removes fields, cuts
lines and inserts bytes that are not UTF-8, then imports the file. The import must succeed,
or fail with "Nothing was imported. FILE, line N: ..." on one line, having changed nothing.

FUZZ_EXAMPLES sets the number of files (default 100). With CI set, the examples are
derandomized; otherwise Hypothesis keeps the failing examples it finds in .hypothesis/ and
tries them first next time.
"""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from diplomacy.models import Meeting, Organization, Participant
from diplomacy.record import KINDS, export_objects
from tests.fuzzing import ANY_CHAR, CONTROL_CHAR, FUZZ

# The exported demo record: the header, and the objects of each type.
RECORD = {"header": None, "objects": {}}
# Text that is right somewhere in the record, read from it.
VALID_TEXT = []


@pytest.fixture(scope="module", autouse=True)
def demo_record(django_db_setup, django_db_blocker):
    """The demo record, loaded and exported once for the module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        header, *objects = export_objects()
        RECORD["header"] = header
        for data in objects:
            RECORD["objects"].setdefault(data["type"], []).append(data)
        VALID_TEXT.extend(valid_text())
        yield
        transaction.set_rollback(True)


def counts():
    """The number of rows of every table (history, tags and link tables too)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


# Random JSON ------------------------------------------------------------------------------

# Stands for a value nested deeper than the JSON decoder can read; replaced in the text.
DEEP = "\ue000deep\ue000"

SNIPPETS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "\x0b",
    "\x1b[31m",
    "\x7f",
    "\ufeff",
    "\ufffe",
    "\r\n",
    "\t",
    "x" * 301,
    "2024-02-30",
    "2024-13-01",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-02-26T10:00",
    "2024-02-26T10:00:00+25:00",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00",
    "２０２４-０２-２６",
    "Bùi Thanh Sơn",
    "null",
    "[]",
    "NaN",
    "1e309",
    "-1",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    DEEP,
]
texts = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(ANY_CHAR, max_size=20),
    st.text(CONTROL_CHAR | st.sampled_from("aZ0 -\ud83d"), min_size=1, max_size=10),
    st.deferred(lambda: st.sampled_from(VALID_TEXT)),
)
numbers = st.one_of(
    st.integers(min_value=-3, max_value=40_000),
    st.sampled_from([32767, 32768, 2**31, 2**63, -(2**63) - 1, 10**39, 10**40, 10**400]),
    st.integers(),
    st.floats(),  # NaN and infinities too, which json.dumps writes as NaN and Infinity
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=10,
)


def valid_text():
    """Values that are right somewhere in the record: keys, choices, dates, field names."""
    values = set()
    for objects in RECORD["objects"].values():
        for data in objects[:20]:
            values.update(value for value in data.values() if isinstance(value, str))
    for model in (Meeting, Organization, Participant):
        for field in model._meta.fields:
            values.add(field.name)
            values.update(str(value) for value, _ in field.choices or ())
    return sorted(value for value in values if len(value) < 200)


# Mutations --------------------------------------------------------------------------------


def places(value, path=()):
    """Every path to a value inside `value` (keys of objects, indexes of lists)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


def containers(value, path=()):
    return [place for place in places(value, path) if isinstance(at(value, place), dict)]


def at(value, path):
    for step in path:
        value = value[step]
    return value


@st.composite
def mutated(draw, data):
    """`data` (an object of the record, or its header) with one to three random changes."""
    data = json.loads(json.dumps(data))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        action = draw(st.sampled_from(["set", "set", "set", "add", "remove"]))
        if action == "set":
            path = draw(st.sampled_from(places(data)[1:] or [()]))
            if not path:
                return draw(json_values)
            at(data, path[:-1])[path[-1]] = draw(json_values)
        elif action == "add":
            where = at(data, draw(st.sampled_from(containers(data) or [()])))
            if isinstance(where, dict):
                where[draw(texts)] = draw(json_values)
        else:
            removable = [place for place in places(data)[1:] if isinstance(place[-1], str)]
            if removable:
                path = draw(st.sampled_from(removable))
                del at(data, path[:-1])[path[-1]]
    return data


def encode(draw, data):
    """A line of the file: `data` as JSON (an unpaired surrogate written as it is, when not
    escaped, gives bytes that are not UTF-8)."""
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    depth = draw(st.sampled_from([3, 500, 100_000]))
    text = text.replace(json.dumps(DEEP, ensure_ascii=False), "[" * depth + "]" * depth)
    text = text.replace(json.dumps(DEEP), "[" * depth + "]" * depth)
    return text.encode("utf-8", "surrogatepass")


def damaged(draw, raw):
    """Now and then, a line cut short or with stray bytes."""
    damage = draw(st.sampled_from(["none"] * 8 + ["cut", "bytes"]))
    if damage == "cut":
        return raw[: draw(st.integers(min_value=0, max_value=len(raw)))]
    if damage == "bytes":
        index = draw(st.integers(min_value=0, max_value=len(raw)))
        return raw[:index] + draw(st.binary(min_size=1, max_size=3)) + raw[index:]
    return raw


@st.composite
def record_files(draw):
    """The header and one to three objects of the record, some of them mutated."""
    header = RECORD["header"]
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        header = draw(mutated(header))
    lines = [encode(draw, header)]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from([kind.type for kind in KINDS]))
        data = draw(st.sampled_from(RECORD["objects"][kind]))
        if draw(st.booleans()):
            data = draw(mutated(data))
        lines.append(encode(draw, data))
    index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
    lines[index] = damaged(draw, lines[index]).replace(b"\n", b" ")
    return b"".join(line + b"\n" for line in lines)


# The test ---------------------------------------------------------------------------------


@FUZZ
@given(record_files())
def test_import_either_imports_or_refuses_with_one_message_and_changes_nothing(
    db, tmp_path, content
):
    path = tmp_path / "record.jsonl"
    path.write_bytes(content)
    before = counts()
    refusal = None
    with transaction.atomic():
        try:
            call_command("import_record", str(path), stdout=StringIO(), stderr=StringIO())
        except CommandError as error:
            refusal = str(error)
            assert counts() == before, refusal
        transaction.set_rollback(True)

    if refusal is not None:
        assert refusal.startswith(f"Nothing was imported. {path}, line "), refusal
        assert "\n" not in refusal

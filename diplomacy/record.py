"""The whole editorial record as JSON Lines, to move it between databases.

The format is described in docs/record-format.md: a header line, then one object per line in
dependency order (countries, outlets, topics, organizations, people with their positions,
meetings with their participants, articles). Every reference is a natural key (a slug, an ISO
code, a topic's name, a username), never a database id.

Which fields an object carries is read from the models' `_meta`, so a field added to a model
travels in the record without a change here. Left out: the database id, fields the model
computes on save (`editable=False`, such as `search_text`), and the edit counter `version`.
Kept although not editable: the timestamps filled on save (`created`, `updated`) and the
editors (`created_by`, `updated_by`), so that a record moves with its history.
"""

import datetime
import decimal
import functools
import json
import math
import re
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    connections,
    models,
    router,
    transaction,
)
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.functions import Collate
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TagBase

from articles.models import Article, Outlet
from diplomacy.models import Country, Meeting, Organization, Participant, Person, Position, Topic
from diplomacy.text import strip_control

FORMAT = "diplomacy-record"
VERSION = 1

# Never in the record: an optimistic-locking counter belongs to one database, and the
# search key is computed on save.
SKIPPED_FIELDS = {"version", "search_text"}

# How many rows are fetched (with their prefetched relations) at a time on export.
CHUNK_SIZE = 500


@dataclass(frozen=True)
class Nested:
    """Rows that belong to one object and are written inside it: a person's positions."""

    name: str  # the reverse accessor, and the key of the list in the object
    model: type
    parent: str  # the foreign key to the owning object
    match: tuple = ()  # fields that identify a row within its owner (none: by content)
    sort: tuple = ()  # fields that order the rows in the file


@dataclass(frozen=True)
class Kind:
    """One type of object in the record."""

    type: str
    model: type
    key: str
    tree: str = ""  # a foreign key to the same model: parents are written first
    nested: tuple = ()
    create: bool = True  # False for countries: they are preloaded, only updated


KINDS = (
    Kind("country", Country, "code", create=False),
    Kind("outlet", Outlet, "slug"),
    Kind("topic", Topic, "name"),
    Kind("organization", Organization, "slug", tree="parent"),
    Kind(
        "person",
        Person,
        "slug",
        nested=(Nested("positions", Position, "person", sort=("start_date", "end_date", "title")),),
    ),
    Kind(
        "meeting",
        Meeting,
        "slug",
        tree="parent",
        nested=(
            Nested("participants", Participant, "meeting", match=("person",), sort=("order",)),
        ),
    ),
    Kind("article", Article, "slug"),
)
KINDS_BY_TYPE = {kind.type: kind for kind in KINDS}
KINDS_BY_MODEL = {kind.model: kind for kind in KINDS}


# Shown escaped in messages, so that every message is one printable line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


class RecordError(Exception):
    """A record that cannot be read or imported; says where (file and line) and why."""

    def __init__(self, message, path=None, line=None):
        message = _UNPRINTABLE.sub(lambda match: repr(match.group())[1:-1], message)
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self):
        where = ", ".join(
            part
            for part in (self.path, f"line {self.line}" if self.line is not None else None)
            if part
        )
        return f"{where}: {self.message}" if where else self.message


# Fields --------------------------------------------------------------------------------


def _is_user(model):
    return model is get_user_model()


def _is_history(model):
    return model is not None and model.__name__.startswith("Historical")


def natural_key(model):
    """The field that names a row of `model` in the record."""
    if model in KINDS_BY_MODEL:
        return KINDS_BY_MODEL[model].key
    if _is_user(model):
        return model.USERNAME_FIELD
    try:
        slug = model._meta.get_field("slug")
    except Exception:
        slug = None
    if slug is not None and slug.unique:
        return "slug"
    raise ImproperlyConfigured(
        f"{model._meta.label} has no natural key, so the record cannot refer to it."
    )


def label(model):
    kind = KINDS_BY_MODEL.get(model)
    return kind.type if kind else model._meta.model_name


def _carried(field):
    """Whether a concrete field travels in the record (see the module docstring)."""
    if field.name in SKIPPED_FIELDS:
        return False
    if field.is_relation and _is_history(field.related_model):
        return False
    if field.editable:
        return True
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return True
    return field.is_relation and _is_user(field.related_model)


@functools.cache
def record_fields(model, key="", parent=""):
    """The concrete fields of `model` in the record, in the model's order, key first."""
    fields = []
    for f in model._meta.concrete_fields:
        if f.name == parent or (f.primary_key and f.name != key) or not _carried(f):
            continue
        if f.name == "type":
            raise ImproperlyConfigured(
                f"{model._meta.label}.type clashes with the record's 'type'."
            )
        fields.append(f)
    fields.sort(key=lambda f: f.name != key)
    return tuple(fields)


@functools.cache
def m2m_fields(model):
    return tuple(
        f
        for f in model._meta.many_to_many
        if f.name not in SKIPPED_FIELDS and not _is_history(f.related_model)
    )


def _required(field):
    """A field the file must give: no default, not nullable, not blank, not filled on save."""
    return not (
        field.has_default()
        or field.null
        or field.blank
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
    )


# Types ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Type:
    """What a field takes in the file: the JSON types, and the same in words for messages."""

    words: str
    json: tuple  # the Python types json.loads gives for it (bool apart from int)
    parse: bool = False  # text read by the field's own to_python (dates, decimals...)
    range: tuple = ()  # (lowest, highest) for a whole number


TEXT = Type("text", (str,))
# Whole numbers are held to the narrowest range Django knows for their column (PostgreSQL's),
# on every database, so that a record SQLite accepts imports into PostgreSQL too.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges
# By the field's internal type (docs/record-format.md, "Values"). A carried field of a type
# missing here cannot be imported: tests/diplomacy/test_import_hostile.py checks them all.
TYPES = {
    **dict.fromkeys(
        ["CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField"], TEXT
    ),
    "GenericIPAddressField": Type("an IP address", (str,), parse=True),
    "DateField": Type("a date (YYYY-MM-DD)", (str,), parse=True),
    "DateTimeField": Type(
        "a date and time (ISO 8601, such as 2024-02-27T08:30:00Z)", (str,), parse=True
    ),
    "TimeField": Type("a time (HH:MM:SS)", (str,), parse=True),
    "DecimalField": Type("a decimal number written as text", (str,), parse=True),
    "UUIDField": Type("a UUID", (str,), parse=True),
    "BooleanField": Type("true or false", (bool,)),
    "FloatField": Type("a number", (int, float), parse=True),
    **{
        name: Type(f"a whole number from {low} to {high}", (int,), range=(low, high))
        for name, (low, high) in INTEGER_RANGES.items()
    },
}
# Longer numbers are refused as the line is read; the widest column takes 19 digits.
MAX_DIGITS = 40
# NUL (which PostgreSQL cannot store) and halves of a surrogate pair (which UTF-8 cannot
# encode) are refused; the other control characters are removed, as every save does.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _noun(model):
    """How the record names a row of `model`: 'country code', 'person slug', 'username'."""
    key = natural_key(model)
    return key if _is_user(model) else f"{label(model)} {key}"


def _a(noun):
    return f"{'an' if noun[0] in 'aeio' else 'a'} {noun}"  # a username, an organization slug


@functools.cache
def field_type(field):
    """The Type `field` takes in the file: from its internal type, or a reference."""
    if field.is_relation:
        return Type(_a(_noun(field.related_model)), (str,))
    internal = field.get_internal_type()
    if internal not in TYPES:
        raise ImproperlyConfigured(
            f"{field.model._meta.label}.{field.name} is a {internal}, a type the record does "
            "not carry (see TYPES in diplomacy/record.py)."
        )
    return TYPES[internal]


def _shown(raw):
    """A JSON value as a message shows it: a list or an object by its kind, long text cut."""
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, dict):
        return "an object"
    if isinstance(raw, str):
        return repr(raw) if len(raw) <= 60 else f"{raw[:60]!r}… ({len(raw)} characters)"
    return json.dumps(raw)


def _wrong(name, words, raw):
    """'meeting 'a-call': start_date must be a date (YYYY-MM-DD) or null, not 20240105'."""
    return RecordError(f"{name} must be {words}, not {_shown(raw)}")


def _text(name, raw):
    if _UNSTORABLE.search(raw):
        raise _wrong(name, "text without NUL characters or unpaired surrogates", raw)
    return strip_control(raw)


def _key(model, raw, name, null=False):
    """A natural key from the file, checked as text: never empty. `name` says where it is."""
    words = _a(_noun(model)) + (" or null" if null else "")
    if raw is None and null:
        return None
    if not isinstance(raw, str):
        raise _wrong(name, words, raw)
    key = _text(name, raw)
    if not key:
        raise _wrong(name, words, raw)
    return key


def checked(field, raw, what):
    """The value `raw` of the file as the Python value of `field` (a reference as its key),
    or a RecordError naming the object (`what`), the field and the type it takes."""
    name = f"{what}: {field.name}"
    if field.is_relation:
        return _key(field.related_model, raw, name, null=field.null)
    type_ = field_type(field)
    words = type_.words + (" or null" if field.null else "")
    if raw is None and field.null:
        return None
    if type(raw) not in type_.json:
        raise _wrong(name, words, raw)
    if isinstance(raw, str):
        raw = _text(name, raw)
    if type_.range and not type_.range[0] <= raw <= type_.range[1]:
        raise _wrong(name, words, raw)
    if not type_.parse:
        return raw
    try:
        value = field.to_python(raw)
    except ValidationError as error:
        raise RecordError(f"{name}: {_messages(error)}") from None
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        try:
            value = value.astimezone(datetime.UTC)
        except OverflowError:
            raise _wrong(name, "a date and time within the years 1 to 9999 in UTC", raw) from None
    return value


def _messages(error):
    """A ValidationError as one line: 'end_date: ...; slug: ...'."""
    if hasattr(error, "error_dict"):
        parts = []
        for name, errors in error.message_dict.items():
            text = " ".join(str(message) for message in errors)
            parts.append(text if name == "__all__" else f"{name}: {text}")
        return "; ".join(parts)
    return " ".join(str(message) for message in error.messages)


# Export --------------------------------------------------------------------------------


def _utc_iso(value):
    if timezone.is_aware(value):
        value = value.astimezone(datetime.UTC)
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()


def _dump_value(field, obj):
    if field.is_relation:
        target = getattr(obj, field.name)
        return None if target is None else getattr(target, natural_key(field.related_model))
    value = field.value_from_object(obj)
    if isinstance(value, datetime.datetime):
        return _utc_iso(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return field.value_to_string(obj)


def _sort_key(item, names):
    values = tuple(
        (item.get(name) is None, "" if item.get(name) is None else item.get(name)) for name in names
    )
    return (*values, json.dumps(item, sort_keys=True, ensure_ascii=False))


def _dump_object(kind, obj):
    data = {"type": kind.type}
    for f in record_fields(kind.model, key=kind.key):
        data[f.name] = _dump_value(f, obj)
    for f in m2m_fields(kind.model):
        key = natural_key(f.related_model)
        data[f.name] = sorted(getattr(related, key) for related in getattr(obj, f.name).all())
    for nested in kind.nested:
        fields = record_fields(nested.model, parent=nested.parent)
        rows = [
            {f.name: _dump_value(f, row) for f in fields} for row in getattr(obj, nested.name).all()
        ]
        sort = nested.sort + nested.match
        data[nested.name] = sorted(rows, key=lambda item, sort=sort: _sort_key(item, sort))
    return data


def _foreign_keys(model, exclude=""):
    return [
        f.name
        for f in record_fields(model)
        if f.is_relation and f.many_to_one and f.name != exclude
    ]


def _queryset(kind, using):
    """Every row of a kind with what its lines show, in a constant number of queries."""
    queryset = kind.model._default_manager.using(using).select_related(*_foreign_keys(kind.model))
    for f in m2m_fields(kind.model):
        if isinstance(f, TaggableManager):
            queryset = queryset.prefetch_related(f.name)
        else:
            target = f.related_model
            queryset = queryset.prefetch_related(
                models.Prefetch(
                    f.name,
                    queryset=target._default_manager.only(
                        target._meta.pk.name, natural_key(target)
                    ),
                )
            )
    for nested in kind.nested:
        rows = nested.model._default_manager.select_related(
            *_foreign_keys(nested.model, exclude=nested.parent)
        )
        queryset = queryset.prefetch_related(models.Prefetch(nested.name, queryset=rows))
    return queryset.order_by(_by_code_point(kind.key, using))


def _by_code_point(name, using):
    """Order by `name` character by character (as Python sorts), whatever the database's
    collation, so that the same data gives the same file from SQLite and PostgreSQL."""
    if connections[using].vendor == "postgresql":
        return Collate(models.F(name), "C")
    return models.F(name)  # SQLite compares text byte by byte already


def _rows(kind, using):
    """The rows of a kind, parents before their children for a tree (by depth, then key)."""
    queryset = _queryset(kind, using)
    if not kind.tree:
        yield from queryset.iterator(chunk_size=CHUNK_SIZE)
        return
    written, depth = 0, 0
    while True:
        chain = "__".join([kind.tree] * (depth + 1))
        level = queryset.filter(**{f"{chain}__isnull": True})
        if depth:
            level = level.filter(**{f"{chain.rsplit('__', 1)[0]}__isnull": False})
        count = 0
        for obj in level.iterator(chunk_size=CHUNK_SIZE):
            count += 1
            yield obj
        if not count:
            break
        written += count
        depth += 1
    if written != kind.model._default_manager.using(using).count():
        raise RecordError(
            f"some {kind.model._meta.verbose_name_plural} are their own ancestors "
            f"(a cycle of '{kind.tree}'), so they cannot be written parents first"
        )


def header():
    return {"format": FORMAT, "version": VERSION, "exported_at": _utc_iso(timezone.now())}


def export_objects(using=None):
    """The header, then every object of the record as a dict, in dependency order."""
    yield header()
    using = using or router.db_for_read(Meeting)
    for kind in KINDS:
        for obj in _rows(kind, using):
            yield _dump_object(kind, obj)


def dump_object(obj, using):
    """The line of one saved object of the record, read afresh from database `using` (the
    same dict as `export_objects` gives for it)."""
    kind = KINDS_BY_MODEL[type(obj)]
    return _dump_object(kind, _queryset(kind, using).get(pk=obj.pk))


def dumps(data):
    return json.dumps(data, ensure_ascii=False)


@contextmanager
def snapshot(using=None):
    """One consistent view of the database for a whole export, while editors keep working:
    a read-only repeatable-read transaction on PostgreSQL (a read transaction on SQLite)."""
    using = using or router.db_for_read(Meeting)
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield using


def export_record(write, using=None):
    """Write the record, one JSON line at a time, through `write`; returns the counts of
    objects written per type."""
    counts = Counter()
    with snapshot(using) as alias:
        for data in export_objects(alias):
            write(dumps(data) + "\n")
            if "type" in data:
                counts[data["type"]] += 1
    return counts


# Import --------------------------------------------------------------------------------


def _whole_number(text):
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise RecordError(f"number too large ({len(text.lstrip('-'))} digits)")
    return int(text)


def _number(text):
    value = float(text)
    if not math.isfinite(value):
        raise RecordError(f"number too large ({text[:30]})")
    return value


def _not_a_number(text):
    raise RecordError(f"not valid JSON: {text} is not a JSON number")


def _refusal(error):
    """A database's error message on one line (PostgreSQL adds a DETAIL line)."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Tally:
    """What an import did, per type: {"meeting": {"created": 3, ...}, ...}."""

    counts: dict = field(default_factory=dict)

    def add(self, type_, state):
        per_type = self.counts.setdefault(type_, {CREATED: 0, UPDATED: 0, UNCHANGED: 0})
        per_type[state] += 1

    def total(self, state):
        return sum(per_type[state] for per_type in self.counts.values())

    def summary(self):
        parts = [
            f"{label}: {sum(self.counts[kind.type].values())}"
            for kind in KINDS
            if kind.type in self.counts
            for label in [kind.model._meta.verbose_name_plural]
        ]
        return (
            f"{self.total(CREATED)} created, {self.total(UPDATED)} updated, "
            f"{self.total(UNCHANGED)} unchanged ({', '.join(parts) or 'no objects'})."
        )


class Importer:
    """Creates or updates the objects of one or more record files. Call inside a transaction:
    the first error raises a RecordError and leaves the transaction to be rolled back."""

    def __init__(self, log=None):
        self.log = log
        self.tally = Tally()
        self.pks = {}  # (model, key) -> pk of rows already looked up or imported
        self.users = {}
        self.preloaded = {}  # model -> {key: row} for the kinds the record only updates

    # Reading ---------------------------------------------------------------------------

    def import_file(self, stream, path):
        """Import the lines of a binary `stream`; errors name `path` and the line."""
        number = 0
        seen_header = False
        try:
            for number, raw in enumerate(stream, 1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise RecordError(
                        f"not UTF-8 text (byte 0x{raw[error.start]:02x} "
                        f"at column {error.start + 1})"
                    ) from None
                if number == 1:
                    text = text.removeprefix("\ufeff")
                if not text.strip():
                    continue
                data = self.parse(text)
                if not seen_header:
                    self.check_header(data)
                    seen_header = True
                    continue
                self.import_object(data)
        except RecordError as error:
            error.path, error.line = path, number
            raise
        except OSError as error:  # a directory given as standard input, a failing disk
            raise RecordError(f"cannot read: {error.strerror or error}", path) from None
        except DatabaseError as error:
            message = f"the database refused it: {_refusal(error)}"
            raise RecordError(message, path, number) from error
        if not seen_header:
            raise RecordError("the file is empty: it has no header line", path, 1)

    def parse(self, text):
        try:
            data = json.loads(
                text.rstrip("\r\n"),
                parse_int=_whole_number,
                parse_float=_number,
                parse_constant=_not_a_number,
            )
        except json.JSONDecodeError as error:
            raise RecordError(f"not valid JSON: {error.msg} (column {error.colno})") from None
        except RecursionError:
            raise RecordError("lists and objects nested too deeply to read") from None
        if not isinstance(data, dict):
            raise RecordError(f"each line must be a JSON object, not {_shown(data)}")
        return data

    def check_header(self, data):
        if data.get("format") != FORMAT or "type" in data:
            raise RecordError(
                f'the first line must be the header {{"format": "{FORMAT}", "version": {VERSION}, '
                '"exported_at": ...}'
            )
        version = data.get("version")
        if type(version) is not int or version != VERSION:
            raise RecordError(
                f"format version {_shown(version)} is not supported (this reads version {VERSION})"
            )

    # References ------------------------------------------------------------------------

    def lookup(self, model, key):
        name = natural_key(model)
        if issubclass(model, TagBase) and getattr(settings, "TAGGIT_CASE_INSENSITIVE", False):
            return {f"{name}__iexact": key}
        return {name: key}

    def reference(self, model, key):
        """The pk of the row of `model` named `key` (checked text); None for an unknown user."""
        if _is_user(model):
            if key not in self.users:
                user = model._default_manager.filter(**{model.USERNAME_FIELD: key}).first()
                self.users[key] = user.pk if user else None
            return self.users[key]
        kind = KINDS_BY_MODEL.get(model)
        if (model, key) not in self.pks and kind is not None and not kind.create:
            row = self.find(kind, key)
            if row is None:
                raise RecordError(f"{label(model)} {key!r} not found")
            self.pks[(model, key)] = row.pk
        if (model, key) not in self.pks:
            pk = (
                model._default_manager.filter(**self.lookup(model, key))
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                raise RecordError(f"{label(model)} {key!r} not found")
            self.pks[(model, key)] = pk
        return self.pks[(model, key)]

    def find(self, kind, key):
        """The existing row of `kind` named `key`, or None. The kinds the record only updates
        (countries: a fixed list of 249) are read in one query rather than one per line."""
        if not kind.create:
            if kind.model not in self.preloaded:
                rows = kind.model._default_manager.all()
                self.preloaded[kind.model] = {getattr(row, kind.key): row for row in rows}
            return self.preloaded[kind.model].get(key)
        return kind.model._default_manager.filter(**self.lookup(kind.model, key)).first()

    # Values ----------------------------------------------------------------------------

    def values(self, fields, data, what):
        """{attname: Python value} of the fields `data` gives, checked one by one."""
        allowed = {f.name for f in fields}
        unknown = [name for name in data if name not in allowed]
        if unknown:
            raise RecordError(f"{what}: unknown field {_shown(unknown[0])}")
        values = {}
        for f in fields:
            if f.name not in data:
                if _required(f):
                    raise RecordError(f"{what}: missing field {f.name!r}")
                continue
            values[f.attname] = self.value(f, data[f.name], what)
        return values

    def value(self, f, raw, what):
        value = checked(f, raw, what)
        if f.is_relation and value is not None:
            return self.reference(f.related_model, value)
        return value

    # Saving ----------------------------------------------------------------------------

    def assign(self, obj, values):
        """Set `values` on `obj`; True if any differed."""
        changed = False
        for attname, value in values.items():
            if getattr(obj, attname) != value:
                setattr(obj, attname, value)
                changed = True
        return changed

    def save(self, obj, values, what):
        """Validate and save `obj`, then put back any value its save() replaced: the file's
        timestamps, or a participant's title left empty on purpose."""
        # The reason the history (where a model keeps one) gives for this change.
        obj._change_reason = "import_record"
        try:
            obj.full_clean()
        except ValidationError as error:
            raise RecordError(f"{what}: {_messages(error)}") from None
        try:
            with transaction.atomic():
                obj.save()
        except (IntegrityError, DataError) as error:
            raise RecordError(f"{what}: the database refused it: {_refusal(error)}") from None
        replaced = {name: value for name, value in values.items() if getattr(obj, name) != value}
        if replaced:
            type(obj)._base_manager.filter(pk=obj.pk).update(**replaced)
            for name, value in replaced.items():
                setattr(obj, name, value)

    def import_object(self, data):
        type_ = data.get("type")
        kind = KINDS_BY_TYPE.get(type_) if isinstance(type_, str) else None
        if kind is None:
            known = ", ".join(KINDS_BY_TYPE)
            raise RecordError(f"unknown type {_shown(type_)} (known types: {known})")
        model = kind.model
        if data.get(kind.key) is None:
            raise RecordError(f"{kind.type}: missing field {kind.key!r}")
        key = _key(model, data[kind.key], f"{kind.type}: {kind.key}")
        what = f"{kind.type} {_shown(key)}"

        body = {name: value for name, value in data.items() if name != "type"}
        m2m = {f.name: f for f in m2m_fields(model)}
        nested = {n.name: n for n in kind.nested}
        related = {name: body.pop(name) for name in list(body) if name in m2m or name in nested}

        obj = self.find(kind, key)
        created = obj is None
        if created and not kind.create:
            raise RecordError(
                f"{kind.type} {key!r} not found: the record updates the preloaded "
                f"{model._meta.verbose_name_plural}, it cannot add one"
            )
        if created:
            obj = model(**{kind.key: key})
        values = self.values(record_fields(model, key=kind.key), body, what)
        changed = self.assign(obj, values) or created
        if changed:
            self.save(obj, values, what)
        self.pks[(model, key)] = obj.pk

        for name, raw in related.items():
            if name in m2m:
                changed |= self.set_m2m(obj, m2m[name], raw, what)
            else:
                changed |= self.set_nested(obj, nested[name], raw, created, what)

        state = CREATED if created else UPDATED if changed else UNCHANGED
        self.tally.add(kind.type, state)
        if self.log and state != UNCHANGED:
            self.log(f"{state} {what}")

    def set_m2m(self, obj, f, raw, what):
        target = f.related_model
        if not isinstance(raw, list):
            raise _wrong(f"{what}: {f.name}", f"a list of {_noun(target)}s", raw)
        wanted = {
            self.reference(target, _key(target, item, f"{what}: {f.name} item {index}"))
            for index, item in enumerate(raw, 1)
        }
        manager = getattr(obj, f.name)
        if set(manager.values_list("pk", flat=True)) == wanted:
            return False
        if isinstance(f, TaggableManager):
            manager.set(list(target._default_manager.filter(pk__in=wanted)))
        else:
            manager.set(wanted)
        return True

    def set_nested(self, obj, nested, raw, created, what):
        """Make the rows under `obj` exactly those of the file: rows that match (by the
        `match` fields, else by equal values) are kept or updated, the others replaced."""
        if not isinstance(raw, list):
            raise _wrong(f"{what}: {nested.name}", "a list of objects", raw)
        fields = record_fields(nested.model, parent=nested.parent)
        singular = nested.model._meta.verbose_name
        items = []
        for index, item in enumerate(raw, 1):
            where = f"{what}, {singular} {index}"
            if not isinstance(item, dict):
                raise _wrong(where, "an object", item)
            items.append((where, self.values(fields, item, where)))

        existing = [] if created else list(getattr(obj, nested.name).order_by("pk"))
        pairs = [None] * len(items)
        if nested.match:
            names = [nested.model._meta.get_field(name).attname for name in nested.match]
            by_key = {tuple(getattr(row, name) for name in names): row for row in existing}
            for index, (_, values) in enumerate(items):
                pairs[index] = by_key.pop(tuple(values.get(name) for name in names), None)
        else:
            # Same values first, so an unchanged list changes nothing; then in order.
            free = list(existing)
            for index, (_, values) in enumerate(items):
                for row in free:
                    if all(getattr(row, name) == value for name, value in values.items()):
                        pairs[index] = row
                        free.remove(row)
                        break
            for index in range(len(items)):
                if pairs[index] is None and free:
                    pairs[index] = free.pop(0)
        kept = {row.pk for row in pairs if row is not None}
        stale = [row for row in existing if row.pk not in kept]
        changed = bool(stale)
        for row in stale:
            row.delete()

        for (where, values), row in zip(items, pairs, strict=True):
            if row is None:
                row = nested.model(**{nested.parent: obj})
                self.assign(row, values)
                self.save(row, values, where)
                changed = True
            elif self.assign(row, values):
                self.save(row, values, where)
                changed = True
        return changed


def import_records(sources, log=None):
    """Import (path, binary stream) pairs in order; returns the Tally. Call inside a
    transaction: a RecordError leaves it to be rolled back, so nothing is half-imported."""
    importer = Importer(log=log)
    for path, stream in sources:
        importer.import_file(stream, path)
    return importer.tally

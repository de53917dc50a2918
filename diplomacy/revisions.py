"""Review of changes to published content: an editor's change to a published meeting or
article is kept as a pending revision until a publisher approves it; readers see the
record as it was until then.

Who needs review: a user without the model's publish permission changing a meeting or an
article whose status is published (scheduled ones included). Their save runs as usual in a
savepoint that is rolled back (diplomacy/admin_revisions.py), and the record as that save
left it is what the revision proposes: fields, many-to-many fields, participants and source
articles, in the format of the record's export (diplomacy/record.py), every reference by its
natural key. The publication state is never part of a revision.

The actions, each in one transaction:
- `propose_revision` keeps a proposal, superseding the proposer's earlier pending one;
- `approve_revision` applies it to the record with one history row naming the proposer (the
  approver is the row's user), unless the record changed since the change was proposed;
  the other pending revisions of the record, made to the version it replaces, are superseded;
- `reject_revision` marks it rejected, with who and why.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, models, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from taggit.managers import TaggableManager
from taggit.models import TagBase

from articles.models import Article
from diplomacy.models import EditConflict, Meeting, Revision, Status, record_history
from diplomacy.record import (
    KINDS_BY_MODEL,
    Importer,
    RecordError,
    dump_object,
    m2m_fields,
    natural_key,
    record_fields,
)

REVIEWED_MODELS = (Meeting, Article)

# Never part of a revision: who changed the record and when (set when it is approved), and
# the publication state, which only the publish permission changes.
NOT_REVISED = frozenset(
    {"created", "updated", "created_by", "updated_by", "status", "publish_at", "published_at"}
)


@dataclass(frozen=True)
class Links:
    """Another model's many-to-many field to this one, edited on this one's page: a
    meeting's source articles (`Article.meetings`). The record's export writes them on the
    other side only."""

    name: str  # the key in a revision
    label: str
    field: models.ManyToManyField

    @property
    def through(self):
        return self.field.remote_field.through

    @property
    def own(self):
        """The link's foreign key to the record under review."""
        return self.field.m2m_reverse_field_name()

    @property
    def other(self):
        return self.field.m2m_field_name()


def links_of(model):
    """The Links edited on the change page of a `model` record."""
    if model is Meeting:
        return (Links("articles", _("source articles"), Article._meta.get_field("meetings")),)
    return ()


class RevisionError(Exception):
    """A revision that cannot be approved or rejected, with the reason. Nothing was changed."""


def can_review(user, model):
    """Whether `user` may approve changes to published records of `model`: its publish
    permission (`diplomacy.publish_meeting`, `articles.publish_article`)."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{get_permission_codename('publish', opts)}")


def reviewed_models(user):
    """The models whose revisions `user` may approve."""
    return [model for model in REVIEWED_MODELS if can_review(user, model)]


def needs_review(user, model, saved_status):
    """Whether a change by `user` to a `model` record whose saved status is `saved_status`
    is kept as a revision rather than applied."""
    return (
        model in REVIEWED_MODELS
        and saved_status == Status.PUBLISHED
        and not can_review(user, model)
    )


# Snapshots -----------------------------------------------------------------------------


def revised_fields(model):
    """The fields of `model` a revision holds, in the order of the model."""
    kind = KINDS_BY_MODEL[model]
    return [f for f in record_fields(model, key=kind.key) if f.name not in NOT_REVISED]


def snapshot(obj, using=None):
    """`obj` as a revision holds it, read afresh from the database: its line of the
    record's export without NOT_REVISED, and the links edited on its page."""
    model = type(obj)
    using = using or router.db_for_write(model)
    data = {
        name: value
        for name, value in dump_object(obj, using).items()
        if name != "type" and name not in NOT_REVISED
    }
    for links in links_of(model):
        rows = links.through._default_manager.using(using).filter(**{links.own: obj.pk})
        key = f"{links.other}__{natural_key(links.field.model)}"
        data[links.name] = sorted(rows.values_list(key, flat=True))
    return data


class RevisionWriter(Importer):
    """The record's importer, writing a revision onto its record: natural keys to rows, the
    participants matched by person. Its saves carry the approver and the approval as the
    history's who and why."""

    def __init__(self, user, reason):
        super().__init__()
        self.user = user
        self.reason = reason

    def save(self, obj, values, what):
        obj._history_user = self.user
        obj._change_reason = self.reason
        try:
            obj.full_clean()
        except ValidationError as error:
            raise RecordError(f"{what}: {' '.join(error.messages)}") from None
        try:
            with transaction.atomic():
                obj.save()
        except (IntegrityError, DataError) as error:
            raise RecordError(f"{what}: {error}") from None

    def set_m2m(self, obj, f, raw, what):
        if not isinstance(f, TaggableManager):
            return super().set_m2m(obj, f, raw, what)
        manager = getattr(obj, f.name)
        if sorted(manager.names()) == sorted(raw):
            return False
        # By name: a topic the editor typed was created by the trial save, rolled back since.
        manager.set(list(raw))
        return True

    def set_links(self, obj, links, raw, what):
        wanted = {self.reference(links.field.model, key) for key in raw}
        kept = set()
        for row in links.through._default_manager.filter(**{links.own: obj}):
            other = getattr(row, f"{links.other}_id")
            if other in wanted:
                kept.add(other)
            else:
                row.delete()
        for other in wanted - kept:
            links.through(**{links.own: obj, f"{links.other}_id": other}).save()


def write_snapshot(obj, data, *, user, reason):
    """Make the record `obj` what the snapshot `data` says, with one history row by `user`
    giving `reason`. Raises RecordError when that cannot be done (a person it names was
    deleted, its slug was taken meanwhile) and EditConflict when `obj` is an old copy."""
    model = type(obj)
    kind = KINDS_BY_MODEL[model]
    writer = RevisionWriter(user, reason)
    what = f"{model._meta.verbose_name} “{obj}”"
    fields = revised_fields(model)
    writer.assign(
        obj, writer.values(fields, {f.name: data[f.name] for f in fields if f.name in data}, what)
    )
    obj.updated_by = user
    # One history row for the whole change, written last (as the admin does).
    obj.skip_history_when_saving = True
    try:
        writer.save(obj, {}, what)
        for f in m2m_fields(model):
            writer.set_m2m(obj, f, data.get(f.name, []), what)
        for nested in kind.nested:
            writer.set_nested(obj, nested, data.get(nested.name, []), False, what)
        for links in links_of(model):
            writer.set_links(obj, links, data.get(links.name, []), what)
    finally:
        del obj.skip_history_when_saving
    record_history(obj, "~", reason=reason)


# Actions -------------------------------------------------------------------------------


def user_label(user):
    if user is None:
        return _("a deleted user")
    return user.get_full_name() or user.get_username()


def propose_revision(obj, proposed, *, user):
    """Keep `proposed` (a snapshot: `obj` as `user`'s save would have left it) as their
    pending revision of `obj`, which is not changed. Their earlier pending revision of it is
    superseded. Returns the revision, or None when `proposed` is the record as it is (which
    withdraws the earlier one)."""
    model = type(obj)
    using = router.db_for_write(model)
    with transaction.atomic(using=using):
        base = snapshot(obj, using)
        version = model._base_manager.using(using).values_list("version", flat=True).get(pk=obj.pk)
        revisions = Revision.objects.using(using)
        revisions.pending().of(obj).filter(proposed_by=user).update(state=Revision.State.SUPERSEDED)
        if proposed == base:
            return None
        return revisions.create(
            content_object=obj,
            base_version=version,
            base=base,
            proposed=proposed,
            proposed_by=user,
        )


def _decide(revision, state, user, comment, using):
    """Mark a pending revision `state`: of two publishers deciding at once, one does."""
    if not can_review(user, revision.content_type.model_class()):
        raise PermissionDenied
    decided = (
        Revision.objects.using(using)
        .pending()
        .filter(pk=revision.pk)
        .update(state=state, reviewed_by=user, reviewed_at=timezone.now(), comment=comment)
    )
    if not decided:
        current = Revision.objects.using(using).filter(pk=revision.pk).first()
        raise RevisionError(
            _("Only a pending revision can be approved or rejected; this one is “%(state)s”.")
            % {"state": current.get_state_display() if current else _("deleted")}
        )


def is_current(revision, obj, using=None):
    """Whether `obj` is still as it was when `revision` was proposed."""
    return obj.version == revision.base_version and snapshot(obj, using) == revision.base


def approve_revision(revision, *, user, comment=""):
    """Apply `revision` to its record, with one history row by `user`: "Approved revision 3
    proposed by Minh Anh". Refused (RevisionError, nothing changed) unless it is pending and
    the record is as it was when the change was proposed. The record's other pending
    revisions are superseded. Returns the record."""
    model = revision.content_type.model_class()
    using = router.db_for_write(model)
    with transaction.atomic(using=using):
        _decide(revision, Revision.State.APPROVED, user, comment, using)
        obj = (
            model._base_manager.using(using)
            .select_for_update()
            .filter(pk=revision.object_id)
            .first()
        )
        name = model._meta.verbose_name
        if obj is None:
            raise RevisionError(_("The %(name)s was deleted.") % {"name": name})
        if not is_current(revision, obj, using):
            raise RevisionError(
                _(
                    "The %(name)s was changed after this revision was proposed, so approving "
                    "it would undo that change. Reject it, and ask for the change to be made "
                    "again to the %(name)s as it is now."
                )
                % {"name": name}
            )
        reason = _("Approved revision %(number)s proposed by %(user)s") % {
            "number": revision.pk,
            "user": user_label(revision.proposed_by),
        }
        try:
            write_snapshot(obj, revision.proposed, user=user, reason=reason)
        except (RecordError, EditConflict) as error:
            raise RevisionError(
                _("The revision cannot be applied: %(error)s") % {"error": error}
            ) from None
        Revision.objects.using(using).pending().of(obj).update(state=Revision.State.SUPERSEDED)
    revision.refresh_from_db()
    return obj


def reject_revision(revision, *, user, comment=""):
    """Mark `revision` rejected by `user`, with their reason; the record is not changed."""
    using = router.db_for_write(Revision)
    with transaction.atomic(using=using):
        _decide(revision, Revision.State.REJECTED, user, comment, using)
    revision.refresh_from_db()


# What a revision changes ---------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """Some text of a value, `mark`ed "removed" or "added" where it differs."""

    text: str
    mark: str = ""


@dataclass(frozen=True)
class Change:
    """One field that differs: its label, and the old and new values as pieces of text.
    `kind` says how to show them: "value", "list" (one piece per item) or "text" (the
    pieces of one text)."""

    label: str
    old: list
    new: list
    kind: str = "value"


# Words, the spaces between them and punctuation: the units of a change to a text.
TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
# Tokens of unchanged text kept on each side of a change to a long text.
CONTEXT = 40


def _unchanged(tokens, first, last):
    """Unchanged text between changes, shortened to the context on each side of them."""
    if len(tokens) <= 2 * CONTEXT:
        return "".join(tokens)
    before = "" if first else "".join(tokens[:CONTEXT])
    after = "" if last else "".join(tokens[-CONTEXT:])
    return f"{before} … {after}".strip()


def text_changes(old, new):
    """The old and the new text as pieces, the words removed and added marked."""
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    left, right = [], []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            text = _unchanged(a[i1:i2], index == 0, index == len(opcodes) - 1)
            left.append(Piece(text))
            right.append(Piece(text))
            continue
        if i2 > i1:
            left.append(Piece("".join(a[i1:i2]), "removed"))
        if j2 > j1:
            right.append(Piece("".join(b[j1:j2]), "added"))
    return left, right


def list_changes(old, new):
    """Two lists of names as pieces, those only in one of them marked."""
    return (
        [Piece(item, "" if item in new else "removed") for item in old],
        [Piece(item, "" if item in old else "added") for item in new],
    )


class _Names:
    """The names of the records that snapshots refer to by natural key, read with one query
    per model."""

    def __init__(self, model, snapshots):
        wanted = defaultdict(set)
        for f in revised_fields(model):
            if f.is_relation:
                wanted[f.related_model].update(s.get(f.name) for s in snapshots)
        for f in m2m_fields(model):
            wanted[f.related_model].update(key for s in snapshots for key in s.get(f.name, []))
        for nested in KINDS_BY_MODEL[model].nested:
            for f in record_fields(nested.model, parent=nested.parent):
                if f.is_relation:
                    wanted[f.related_model].update(
                        row.get(f.name) for s in snapshots for row in s.get(nested.name, [])
                    )
        for links in links_of(model):
            wanted[links.field.model].update(key for s in snapshots for key in s[links.name])
        self.names = {}
        for related, keys in wanted.items():
            keys.discard(None)
            if not keys or issubclass(related, TagBase):
                continue  # a topic's natural key is its name
            key = natural_key(related)
            rows = related._default_manager.filter(**{f"{key}__in": keys})
            self.names[related] = {getattr(row, key): str(row) for row in rows}

    def of(self, model, key):
        return self.names.get(model, {}).get(key, key)


def _display(f, value, names):
    """A field's value in a snapshot as an editor reads it."""
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return str(names.of(f.related_model, value))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(f, models.DateTimeField):
        moment = parse_datetime(value)
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else value
    if isinstance(f, models.DateField):
        day = parse_date(value)
        return date_format(day, "DATE_FORMAT") if isinstance(day, datetime.date) else value
    return str(value)


def _row_label(nested, row, names):
    """A participant as a line: "Bùi Thanh Sơn (Minister of Foreign Affairs, Vietnam, Host)"."""
    fields = [f for f in record_fields(nested.model, parent=nested.parent) if f.name != "order"]
    first, *rest = [_display(f, row.get(f.name), names) for f in fields]
    details = [text for text in rest if text != "—"]
    return f"{first} ({', '.join(details)})" if details else first


def changes(model, old, new):
    """What the snapshot `new` changes in the snapshot `old` of a `model` record, field by
    field: Change rows with the fields' labels, choices by their labels and related
    records by their names."""
    names = _Names(model, [old, new])
    rows = []
    for f in revised_fields(model):
        before, after = old.get(f.name), new.get(f.name)
        if before == after:
            continue
        label = capfirst(f.verbose_name)
        if isinstance(f, models.TextField):
            rows.append(Change(label, *text_changes(before, after), kind="text"))
        else:
            old_value, new_value = _display(f, before, names), _display(f, after, names)
            rows.append(Change(label, [Piece(old_value)], [Piece(new_value)]))
    lists = [
        (
            f.verbose_name,
            [str(names.of(f.related_model, key)) for key in old.get(f.name, [])],
            [str(names.of(f.related_model, key)) for key in new.get(f.name, [])],
        )
        for f in m2m_fields(model)
    ]
    lists += [
        (
            nested.model._meta.verbose_name_plural,
            [_row_label(nested, row, names) for row in old.get(nested.name, [])],
            [_row_label(nested, row, names) for row in new.get(nested.name, [])],
        )
        for nested in KINDS_BY_MODEL[model].nested
    ]
    lists += [
        (
            links.label,
            [str(names.of(links.field.model, key)) for key in old.get(links.name, [])],
            [str(names.of(links.field.model, key)) for key in new.get(links.name, [])],
        )
        for links in links_of(model)
    ]
    for label, before, after in lists:
        if before != after:
            rows.append(Change(capfirst(label), *list_changes(before, after), kind="list"))
    return rows

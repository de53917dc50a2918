"""Merging duplicate people, organizations and topics into one record.

`plan_merge(survivor, duplicates)` says what a merge would do and changes nothing.
`merge(survivor, duplicates)` does it in one transaction and returns the same kind of plan,
made again under row locks, as the summary of what was done. The admin actions
(`diplomacy.admin_merge`) and the `merge_records` command are built on these two.

Locking: the survivor and the duplicates are locked with SELECT ... FOR UPDATE, in primary
key order so that two merges cannot deadlock, before anything else is read. On PostgreSQL
that also holds back every concurrent insert or update of a row that refers to them (a
participant, a position, an article's tag), so nothing can be linked to a duplicate between
the moment the plan is made and the moment the duplicate is deleted.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from taggit.models import ItemBase

from articles.models import Article
from diplomacy.models import Meeting, Organization, Participant, Person, Position, Topic
from diplomacy.text import split_lines, to_ascii

# How many items each section of a plan lists; its count is always exact.
PREVIEW_LIMIT = 50
# Rows are changed in batches of this many primary keys (SQLite limits query parameters).
BATCH_SIZE = 500


class MergeError(ValueError):
    """A merge that cannot be done. Nothing was changed."""


@dataclass
class Section:
    """One kind of thing a merge moves: meetings, positions, articles' tags..."""

    key: str
    label: str
    count: int
    items: list
    # The model counted, for "3 meetings" in the one-line summary.
    noun: object = None
    # False for sections that only report, such as meetings both people took part in.
    moves: bool = True

    @property
    def more(self):
        """How many items are counted but not listed."""
        return max(self.count - len(self.items), 0)

    def counted(self):
        opts = self.noun._meta
        return f"{self.count} {opts.verbose_name if self.count == 1 else opts.verbose_name_plural}"


@dataclass
class MergePlan:
    """What a merge moves, adds and deletes; also the summary of a merge that was done."""

    survivor: models.Model
    duplicates: list
    sections: list = field(default_factory=list)
    aliases_added: list = field(default_factory=list)
    # Fields of the survivor filled from a duplicate: [(label, value), ...]
    filled: list = field(default_factory=list)
    # Where the records disagree, and what the merge keeps.
    conflicts: list = field(default_factory=list)
    # What else the editor should know.
    notes: list = field(default_factory=list)
    # Rows that refer to a duplicate and that merging cannot move: the merge is refused.
    blockers: list = field(default_factory=list)
    # What merge() runs to do it: callables, then the survivor's new field values.
    steps: list = field(default_factory=list, repr=False)
    fields: dict = field(default_factory=dict, repr=False)

    @property
    def model(self):
        return type(self.survivor)

    @property
    def merged_names(self):
        return [str(duplicate) for duplicate in self.duplicates]

    def section(self, key):
        return next((section for section in self.sections if section.key == key), None)

    def count(self, key):
        section = self.section(key)
        return section.count if section else 0

    def items(self, key):
        section = self.section(key)
        return list(section.items) if section else []

    @property
    def visible_sections(self):
        return [section for section in self.sections if section.count]

    def summary(self):
        """One paragraph for the editor: what was merged into what, and what moved."""
        opts = self.model._meta
        count = len(self.duplicates)
        text = ngettext(
            "Merged %(count)d %(item)s (%(names)s) into “%(survivor)s”.",
            "Merged %(count)d %(items)s (%(names)s) into “%(survivor)s”.",
            count,
        ) % {
            "count": count,
            "item": opts.verbose_name,
            "items": opts.verbose_name_plural,
            "names": ", ".join(self.merged_names),
            "survivor": self.survivor,
        }
        moved = [s.counted() for s in self.sections if s.moves and s.count and s.noun]
        if moved:
            text += " " + _("Moved: %(things)s.") % {"things": ", ".join(moved)}
        if self.aliases_added:
            text += " " + _("Aliases added: %(aliases)s.") % {
                "aliases": ", ".join(self.aliases_added)
            }
        return text

    def lines(self):
        """The plan as plain text, a line each, for the command line."""
        lines = [
            _("Keep: %(survivor)s") % {"survivor": describe(self.survivor)},
            _("Merge into it and delete: %(duplicates)s")
            % {"duplicates": ", ".join(describe(d) for d in self.duplicates)},
        ]
        for section in self.visible_sections:
            lines.append(f"{section.label} ({section.count}):")
            lines.extend(f"  - {describe(item)}" for item in section.items)
            if section.more:
                lines.append("  " + _("… and %(count)d more") % {"count": section.more})
        if not self.visible_sections:
            lines.append(_("Nothing refers to the duplicates: they are only deleted."))
        if self.aliases_added:
            lines.append(
                _("Aliases added: %(aliases)s") % {"aliases": ", ".join(self.aliases_added)}
            )
        for label, value in self.filled:
            lines.append(
                _("Taken from a duplicate, %(field)s: %(value)s") % {"field": label, "value": value}
            )
        for title, entries in [
            (_("Conflicts:"), self.conflicts),
            (_("Notes:"), self.notes),
            (_("Cannot merge:"), self.blockers),
        ]:
            if entries:
                lines.append(title)
                lines.extend(f"  - {entry}" for entry in entries)
        return lines


def describe(obj):
    """A record as a plan lists it: a meeting with its date, a person with their slug."""
    if isinstance(obj, Meeting):
        return f"{obj} ({obj.date_label})"
    if isinstance(obj, Article):
        return f"{obj} ({obj.published_on.isoformat()})" if obj.published_on else str(obj)
    slug = getattr(obj, "slug", "")
    return f"{obj} ({slug})" if slug else str(obj)


# The interface -------------------------------------------------------------------------


def plan_merge(survivor, duplicates):
    """What merging `duplicates` into `survivor` would do. Changes nothing.

    Raises MergeError (a ValueError) when the merge cannot be done at all; a plan with
    `blockers` is one that merge() would refuse.
    """
    survivor, duplicates = _fetch(survivor, duplicates, lock=False)
    return _planner(survivor)(survivor, duplicates)


def merge(survivor, duplicates, *, user=None):
    """Merge `duplicates` into `survivor` in one transaction and return what was done.

    Raises MergeError (a ValueError), changing nothing, when the merge cannot be done.
    `user`, when given, is recorded as the survivor's last editor.
    """
    with transaction.atomic():
        survivor, duplicates = _fetch(survivor, duplicates, lock=True)
        plan = _planner(survivor)(survivor, duplicates)
        if plan.blockers:
            raise MergeError(" ".join(plan.blockers))
        # What the history of each record changed records as the reason.
        reason = _("%(names)s merged into %(survivor)s.") % {
            "names": ", ".join(plan.merged_names),
            "survivor": survivor,
        }
        for step in plan.steps:
            step(reason, user)
        if not isinstance(survivor, Topic):
            for name, value in plan.fields.items():
                setattr(survivor, name, value)
            if user is not None:
                survivor.updated_by = user
            _save(survivor, reason)
        _delete_duplicates(plan)
    return plan


def merge_people(survivor, duplicates, *, user=None):
    _expect(Person, survivor)
    return merge(survivor, duplicates, user=user)


def merge_organizations(survivor, duplicates, *, user=None):
    _expect(Organization, survivor)
    return merge(survivor, duplicates, user=user)


def merge_topics(survivor, duplicates):
    """Tag every meeting and article tagged with a duplicate topic with `survivor` instead
    (an item tagged with both keeps one tag), then delete the duplicates."""
    _expect(Topic, survivor)
    return merge(survivor, duplicates)


# Checking, locking, deleting -----------------------------------------------------------

MERGEABLE = (Person, Organization, Topic)


def _expect(model, obj):
    if not isinstance(obj, model):
        raise MergeError(
            _("“%(obj)s” is not a %(model)s.") % {"obj": obj, "model": model._meta.verbose_name}
        )


def _fetch(survivor, duplicates, *, lock):
    """The survivor and the duplicates as the database has them now, checked. With `lock`
    (inside a transaction) their rows stay locked until it ends."""
    if not isinstance(survivor, MERGEABLE):
        raise MergeError(_("Only people, organizations and topics can be merged."))
    model = type(survivor)
    duplicates = list(duplicates or [])
    for obj in [survivor, *duplicates]:
        if type(obj) is not model:
            raise MergeError(
                _("“%(obj)s” is not a %(model)s and cannot be merged into “%(survivor)s”.")
                % {"obj": obj, "model": model._meta.verbose_name, "survivor": survivor}
            )
        if obj.pk is None:
            raise MergeError(_("“%(name)s” is not saved yet.") % {"name": obj})
    if not duplicates:
        raise MergeError(
            _("Nothing to merge: name at least one duplicate to merge into “%(survivor)s”.")
            % {"survivor": survivor}
        )
    if any(duplicate.pk == survivor.pk for duplicate in duplicates):
        raise MergeError(_("“%(name)s” cannot be merged into itself.") % {"name": survivor})
    # A duplicate named twice is merged once.
    pks = list(dict.fromkeys([survivor.pk, *(duplicate.pk for duplicate in duplicates)]))
    rows = model._base_manager.filter(pk__in=pks).order_by("pk")
    if lock:
        rows = rows.select_for_update()
    found = {row.pk: row for row in rows}
    for obj in [survivor, *duplicates]:
        if obj.pk not in found:
            raise MergeError(
                _("“%(name)s” no longer exists: it may have been merged or deleted meanwhile.")
                % {"name": obj}
            )
    return found[pks[0]], [found[pk] for pk in pks[1:]]


def _planner(survivor):
    if isinstance(survivor, Person):
        return _plan_people
    if isinstance(survivor, Organization):
        return _plan_organizations
    return _plan_topics


def _delete_duplicates(plan):
    pks = [duplicate.pk for duplicate in plan.duplicates]
    try:
        plan.model._base_manager.filter(pk__in=pks).delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        still = sorted({str(obj) for obj in error.args[1]})[:5]
        raise MergeError(
            _("The duplicates are still referred to by %(objects)s.")
            % {"objects": ", ".join(still)}
        ) from error


def _blockers(model, handled, duplicates):
    """Relations to the duplicates that merging does not move, and that have rows: deleting
    the duplicates would fail, or silently delete those rows with them."""
    found = []
    for rel in model._meta.related_objects:
        through = getattr(rel, "through", None)
        if handled.intersection([rel.related_model, through, rel.get_accessor_name()]):
            continue
        if rel.many_to_many:
            column = rel.field.m2m_reverse_field_name()
            rows = rel.through._base_manager.filter(**{f"{column}__in": duplicates})
        elif rel.field.concrete:
            rows = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": duplicates})
        else:
            continue
        if rows.exists():
            found.append(
                _("Some %(things)s refer to a duplicate and merging cannot move them.")
                % {"things": rel.related_model._meta.verbose_name_plural}
            )
    return found


# Shared pieces -------------------------------------------------------------------------


def _save(obj, reason, **kwargs):
    """save(), so that derived fields, the version and the history follow; `reason` is what
    django-simple-history records as the change reason."""
    obj._change_reason = reason
    obj.save(**kwargs)


def _batches(pks):
    pks = list(pks)
    for start in range(0, len(pks), BATCH_SIZE):
        yield pks[start : start + BATCH_SIZE]


def _listed(queryset):
    """How many rows, and the first few of them."""
    return queryset.count(), list(queryset[:PREVIEW_LIMIT])


def _link_sections(plan, through, own, other, keys, labels):
    """A many-to-many link (a meeting's organizations, an article's people or topics): the
    items linked to a duplicate and not to the survivor move; the items linked to both keep
    the survivor's row only."""
    survivor, duplicates = plan.survivor, plan.duplicates
    other_model = through._meta.get_field(other).related_model
    to_duplicate = Exists(
        through.objects.filter(**{other: OuterRef("pk"), f"{own}__in": duplicates})
    )
    to_survivor = Exists(through.objects.filter(**{other: OuterRef("pk"), own: survivor}))
    items = other_model._default_manager.filter(to_duplicate)
    count, listed = _listed(items.exclude(to_survivor))
    plan.sections.append(Section(keys[0], labels[0], count, listed, noun=other_model))
    count, listed = _listed(items.filter(to_survivor))
    plan.sections.append(Section(keys[1], labels[1], count, listed, moves=False))

    def step(reason, user):
        # One duplicate after the other, so that an item linked to two duplicates (and not
        # to the survivor) keeps one row too.
        for duplicate in duplicates:
            held = through.objects.filter(**{own: survivor}).values(other)
            through.objects.filter(**{own: duplicate, f"{other}__in": held}).delete()
            through.objects.filter(**{own: duplicate}).update(**{own: survivor})

    plan.steps.append(step)


def _fill_gaps(plan, names):
    """Fields the survivor lacks are taken from the first duplicate that has them; where both
    have one and they differ, the survivor's is kept and the difference reported."""
    survivor = plan.survivor
    for name, label in names:
        mine = getattr(survivor, name)
        for duplicate in plan.duplicates:
            theirs = getattr(duplicate, name)
            if not theirs:
                continue
            if not mine:
                plan.fields[name] = mine = theirs
                plan.filled.append((label, theirs))
            elif theirs != mine:
                plan.conflicts.append(
                    _(
                        "The %(field)s differs: %(kept)s is kept, %(dropped)s (of %(name)s) "
                        "is dropped."
                    )
                    % {"field": label, "kept": mine, "dropped": theirs, "name": duplicate}
                )


def _newest_first(meetings):
    return sorted(
        meetings,
        key=lambda m: (m.start_date is not None, m.start_date or datetime.date.min, m.pk),
        reverse=True,
    )


def _same_text(text):
    return " ".join((text or "").split()).casefold()


# People --------------------------------------------------------------------------------


def new_aliases(survivor, duplicates):
    """The duplicates' names, ASCII names and aliases that the survivor does not have yet
    (as its name, its ASCII name or an alias), each once, in order."""
    known = [survivor.name, survivor.name_ascii or to_ascii(survivor.name), *survivor.alias_list]
    seen = {_same_text(text) for text in known}
    added = []
    for duplicate in duplicates:
        for text in [duplicate.name, duplicate.name_ascii, *duplicate.alias_list]:
            text = " ".join((text or "").split())
            if text and _same_text(text) not in seen:
                seen.add(_same_text(text))
                added.append(text)
    return added


def _plan_people(survivor, duplicates):
    plan = MergePlan(survivor, duplicates)
    _plan_participants(plan)
    _plan_positions(plan)
    _link_sections(
        plan,
        Article.people.through,
        "person",
        "article",
        keys=("articles", "shared_articles"),
        labels=(
            _("Articles tagging a duplicate, moving to the survivor"),
            _("Articles tagging the survivor too: they keep one tag"),
        ),
    )
    plan.aliases_added = new_aliases(survivor, duplicates)
    if plan.aliases_added:
        plan.fields["aliases"] = "\n".join(split_lines(survivor.aliases) + plan.aliases_added)
    _fill_gaps(plan, [("country", _("country")), ("wikidata_id", _("Wikidata id"))])
    plan.blockers = _blockers(Person, {"participations", "positions", "articles"}, duplicates)
    return plan


def _plan_participants(plan):
    """A meeting keeps one participant row per person: the survivor's when it has one,
    completed with the title and side of the duplicate's row when its own are empty."""
    survivor, duplicates = plan.survivor, plan.duplicates
    rows = Participant.objects.filter(person__in=[survivor, *duplicates])
    rows = rows.select_related("person", "meeting", "country").order_by("pk")
    by_person = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    kept = {row.meeting_id: row for row in by_person.get(survivor.pk, [])}
    moved, dropped, completed, shared = [], [], {}, {}
    for duplicate in duplicates:
        for row in by_person.get(duplicate.pk, []):
            keeper = kept.get(row.meeting_id)
            if keeper is None:
                kept[row.meeting_id] = row
                moved.append(row)
                continue
            dropped.append(row)
            shared.setdefault(row.meeting_id, row.meeting)
            notes = []
            if row.title and not keeper.title:
                keeper.title = row.title
                completed[keeper.pk] = keeper
                notes.append(
                    _("the empty title is taken from it: “%(title)s”") % {"title": row.title}
                )
            elif row.title and _same_text(row.title) != _same_text(keeper.title):
                notes.append(
                    _("the title “%(kept)s” is kept, “%(dropped)s” dropped")
                    % {"kept": keeper.title, "dropped": row.title}
                )
            if row.country_id and not keeper.country_id:
                keeper.country = row.country
                completed[keeper.pk] = keeper
                notes.append(
                    _("the empty side is taken from it: %(country)s") % {"country": row.country}
                )
            elif row.country_id and row.country_id != keeper.country_id:
                notes.append(
                    _("the side %(kept)s is kept, %(dropped)s dropped")
                    % {"kept": keeper.country, "dropped": row.country}
                )
            text = _(
                "Both %(survivor)s and %(duplicate)s took part in “%(meeting)s”: one "
                "participant row is kept for %(survivor)s"
            ) % {"survivor": survivor, "duplicate": row.person, "meeting": row.meeting}
            plan.conflicts.append(text + "".join(f"; {note}" for note in notes) + ".")

    meetings = _newest_first({row.meeting_id: row.meeting for row in moved}.values())
    plan.sections.append(
        Section(
            "meetings",
            _("Meetings a duplicate took part in, moving to the survivor"),
            len(meetings),
            meetings[:PREVIEW_LIMIT],
            noun=Meeting,
        )
    )
    meetings = _newest_first(shared.values())
    plan.sections.append(
        Section(
            "shared_meetings",
            _("Meetings the survivor took part in too: one participant row is kept"),
            len(meetings),
            meetings[:PREVIEW_LIMIT],
            moves=False,
        )
    )

    def step(reason, user):
        for batch in _batches(row.pk for row in dropped):
            Participant.objects.filter(pk__in=batch).delete()
        # Row by row, so that each participant's history records the change.
        for row in [*moved, *(row for row in completed.values() if row.person_id == survivor.pk)]:
            row.person = survivor
            _save(row, reason, update_fields=["person", "title", "country"])

    plan.steps.append(step)


def _position_key(position):
    return (
        _same_text(position.title),
        position.organization_id,
        position.country_id,
        position.start_date,
        position.end_date,
    )


def _plan_positions(plan):
    """Positions move; one the survivor already has (same office, same dates) is removed."""
    survivor, duplicates = plan.survivor, plan.duplicates
    held = {_position_key(position) for position in Position.objects.filter(person=survivor)}
    moving, identical = [], []
    positions = Position.objects.filter(person__in=duplicates).select_related("person")
    for position in positions.order_by("person_id", "pk"):
        key = _position_key(position)
        if key in held:
            identical.append(position)
        else:
            held.add(key)
            moving.append(position)
    plan.sections.append(
        Section(
            "positions",
            _("Positions moving to the survivor"),
            len(moving),
            moving[:PREVIEW_LIMIT],
            noun=Position,
        )
    )
    plan.sections.append(
        Section(
            "identical_positions",
            _("Positions the survivor already has, with the same dates: removed"),
            len(identical),
            identical[:PREVIEW_LIMIT],
            moves=False,
        )
    )

    def step(reason, user):
        for batch in _batches(position.pk for position in identical):
            Position.objects.filter(pk__in=batch).delete()
        for position in moving:
            position.person = survivor
            _save(position, reason, update_fields=["person"])

    plan.steps.append(step)


# Organizations -------------------------------------------------------------------------


def _plan_organizations(survivor, duplicates):
    plan = MergePlan(survivor, duplicates)
    _link_sections(
        plan,
        Meeting.organizations.through,
        "organization",
        "meeting",
        keys=("meetings", "shared_meetings"),
        labels=(
            _("Meetings naming a duplicate, moving to the survivor"),
            _("Meetings naming the survivor too: it is named once"),
        ),
    )
    _link_sections(
        plan,
        Article.organizations.through,
        "organization",
        "article",
        keys=("articles", "shared_articles"),
        labels=(
            _("Articles tagging a duplicate, moving to the survivor"),
            _("Articles tagging the survivor too: they keep one tag"),
        ),
    )
    positions = Position.objects.filter(organization__in=duplicates).select_related("person")
    count, listed = _listed(positions)
    plan.sections.append(
        Section(
            "positions",
            _("Positions in a duplicate, moving to the survivor"),
            count,
            listed,
            noun=Position,
        )
    )

    def move_positions(reason, user):
        for position in Position.objects.filter(organization__in=duplicates).order_by("pk"):
            position.organization = survivor
            _save(position, reason, update_fields=["organization"])

    plan.steps.append(move_positions)
    _plan_hierarchy(plan)
    _fill_gaps(plan, [("acronym", _("acronym")), ("country", _("country"))])
    plan.notes.append(
        ngettext(
            "Organizations have no other names: the name %(names)s is kept in the admin "
            "history of the survivor only.",
            "Organizations have no other names: the names %(names)s are kept in the admin "
            "history of the survivor only.",
            len(duplicates),
        )
        % {"names": ", ".join(f"“{duplicate}”" for duplicate in duplicates)}
    )
    plan.blockers = _blockers(
        Organization, {"meetings", "articles", "positions", "children"}, duplicates
    )
    return plan


def _plan_hierarchy(plan):
    """Organizations under a duplicate move under the survivor. Once merged the duplicates
    *are* the survivor, so no organization may end up both above and below it."""
    survivor, duplicates = plan.survivor, plan.duplicates
    merged = {survivor.pk, *(duplicate.pk for duplicate in duplicates)}
    names = {obj.pk: str(obj) for obj in [survivor, *duplicates]}
    parents = {}

    def parent_of(pk):
        if pk not in parents:
            row = Organization._base_manager.filter(pk=pk).values_list("parent_id", flat=True)
            parents[pk] = row.first()
        return parents[pk]

    def above(pk):
        """The organizations above `pk`, nearest first (stopping at a loop)."""
        chain, parent = [], parent_of(pk)
        while parent is not None and parent not in chain and parent != pk:
            chain.append(parent)
            parent = parent_of(parent)
        return chain

    def nearest_unmerged_above(pk):
        return next((p for p in above(pk) if p not in merged), None)

    def name_of(pk):
        if pk is None:
            return _("no organization")
        return names.get(pk) or str(Organization._base_manager.get(pk=pk))

    above_survivor = set(above(survivor.pk))
    children = Organization._base_manager.filter(parent__in=duplicates).exclude(pk__in=merged)
    children = list(children.order_by("name", "pk"))
    new_parents, moving = {}, []
    for child in children:
        if child.pk in above_survivor:
            # The survivor is below this child, which is below a duplicate: the child takes
            # the duplicate's place instead of becoming the survivor's child.
            new_parents[child.pk] = nearest_unmerged_above(child.parent_id)
            plan.conflicts.append(
                _("%(child)s, above the survivor, moves from under %(old)s to under %(new)s.")
                % {
                    "child": child,
                    "old": name_of(child.parent_id),
                    "new": name_of(new_parents[child.pk]),
                }
            )
        else:
            new_parents[child.pk] = survivor.pk
            moving.append(child)
    plan.sections.append(
        Section(
            "children",
            _("Organizations under a duplicate, moving under the survivor"),
            len(moving),
            moving[:PREVIEW_LIMIT],
            noun=Organization,
        )
    )

    if survivor.parent_id in merged:
        plan.fields["parent_id"] = nearest_unmerged_above(survivor.pk)
        plan.conflicts.append(
            _("The survivor was under %(old)s; it will be under %(new)s.")
            % {"old": name_of(survivor.parent_id), "new": name_of(plan.fields["parent_id"])}
        )
    elif survivor.parent_id is None:
        for duplicate in duplicates:
            parent = duplicate.parent_id
            # A parent that is itself below a merged record would end up above and below it.
            if parent is not None and not merged.intersection([parent, *above(parent)]):
                plan.fields["parent_id"] = parent
                plan.filled.append((_("parent organization"), name_of(parent)))
                break
    else:
        for duplicate in duplicates:
            if duplicate.parent_id not in (None, survivor.parent_id, *merged):
                plan.conflicts.append(
                    _(
                        "The parent organization differs: %(kept)s is kept, %(dropped)s (of "
                        "%(name)s) is dropped."
                    )
                    % {
                        "kept": name_of(survivor.parent_id),
                        "dropped": name_of(duplicate.parent_id),
                        "name": duplicate,
                    }
                )

    def step(reason, user):
        for child in children:
            child.parent_id = new_parents[child.pk]
            if user is not None:
                child.updated_by = user
            _save(child, reason)
        # Duplicates under one another let go, so that they can be deleted together.
        Organization._base_manager.filter(pk__in=merged - {survivor.pk}).update(parent=None)

    plan.steps.append(step)


# Topics --------------------------------------------------------------------------------


def tagged_models():
    """Every tagged-item model whose tag is a Topic: meetings' and articles' tags."""
    return [
        rel.related_model
        for rel in Topic._meta.related_objects
        if issubclass(rel.related_model, ItemBase)
    ]


def _plan_topics(survivor, duplicates):
    plan = MergePlan(survivor, duplicates)
    tagged = tagged_models()
    labels = {
        Meeting: (
            _("Meetings tagged with a duplicate, moving to the survivor"),
            _("Meetings tagged with the survivor too: they keep one tag"),
        ),
        Article: (
            _("Articles tagged with a duplicate, moving to the survivor"),
            _("Articles tagged with the survivor too: they keep one tag"),
        ),
    }
    for through in tagged:
        items = through._meta.get_field("content_object").related_model
        name = items._meta.model_name
        _link_sections(
            plan,
            through,
            "tag",
            "content_object",
            keys=(f"{name}s", f"shared_{name}s"),
            labels=labels.get(items, (items._meta.verbose_name_plural,) * 2),
        )
    plan.blockers = _blockers(Topic, set(tagged), duplicates)
    return plan

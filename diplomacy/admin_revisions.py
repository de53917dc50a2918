"""Review of changes to published content in the admin (the work is done by
diplomacy/revisions.py).

- `RevisionAdminMixin`, first among the bases of the meeting and article admins: an
  editor's save of a published record becomes a pending revision, and the change page says
  which revisions are pending, showing its proposer their own to edit again.
- `RevisionAdmin`: the publishers' list of revisions (the pending ones unless asked
  otherwise) and the review page of each: what it changes, field by field, and approving or
  rejecting it.
"""

from types import SimpleNamespace

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from taggit.managers import TaggableManager
from taggit.utils import edit_string_for_tags

from diplomacy.models import Revision
from diplomacy.record import KINDS_BY_MODEL, Importer, RecordError, m2m_fields, record_fields
from diplomacy.revisions import (
    RevisionError,
    approve_revision,
    can_review,
    changes,
    links_of,
    needs_review,
    propose_revision,
    reject_revision,
    reviewed_models,
    revised_fields,
    snapshot,
    user_label,
)

REVIEW_TEMPLATE = "admin/diplomacy/revision/review.html"


def admin_url(obj, view="change"):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[quote(obj.pk)])


# The change form of a meeting or an article ----------------------------------------------


def form_values(model, data):
    """A revision's snapshot as the values of the change form: {"fields": {name: value},
    "rows": {inline model: (the field matching saved rows, [row values])}}. Raises
    RecordError when it names a record that is gone."""
    reader = Importer()
    what = model._meta.verbose_name
    fields = {
        f.name: reader.value(f, data[f.name], what) for f in revised_fields(model) if f.name in data
    }
    for f in m2m_fields(model):
        keys = data.get(f.name, [])
        if isinstance(f, TaggableManager):
            fields[f.name] = edit_string_for_tags([SimpleNamespace(name=key) for key in keys])
        else:
            fields[f.name] = [reader.reference(f.related_model, key) for key in keys]
    rows = {}
    for nested in KINDS_BY_MODEL[model].nested:
        nested_fields = record_fields(nested.model, parent=nested.parent)
        rows[nested.model] = (
            nested.match[0],
            [
                {f.name: reader.value(f, row.get(f.name), what) for f in nested_fields}
                for row in data.get(nested.name, [])
            ],
        )
    for links in links_of(model):
        rows[links.through] = (
            links.other,
            [
                {links.other: reader.reference(links.field.model, key)}
                for key in data.get(links.name, [])
            ],
        )
    return {"fields": fields, "rows": rows}


class ProposedValuesForm:
    """Mixed into a change form: opened on the values of a pending revision."""

    proposed_values = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(
            (name, value) for name, value in self.proposed_values.items() if name in self.fields
        )


def proposed_rows_formset(formset, match, rows):
    """`formset` opened on a revision's `rows` instead of the saved ones: a saved row that
    `match`es a proposed one shows its values, one not proposed is ticked for deletion, and
    the new rows are extra forms."""

    class ProposedRowsFormSet(formset):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            saved = {getattr(row, f"{match}_id") for row in self.get_queryset()}
            self.proposed = {row[match]: row for row in rows}
            self.initial_extra = [row for key, row in self.proposed.items() if key not in saved]
            self.extra = formset.extra + len(self.initial_extra)

        def _construct_form(self, i, **kwargs):
            form = super()._construct_form(i, **kwargs)
            if i < self.initial_form_count():
                row = self.proposed.get(getattr(form.instance, f"{match}_id"))
                if row is not None:
                    form.initial.update(row)
                elif "DELETE" in form.fields:
                    form.fields["DELETE"].initial = True
            return form

    return ProposedRowsFormSet


class RevisionAdminMixin:
    """Changes to published records by users without the publish permission go through
    review. Put it first among the admin's bases, before the admin's own save methods.

    Such a save runs as usual, every hook and inline included, in a savepoint: `save_model`
    opens it, `log_change` (called once everything is saved) reads the record as saved,
    rolls the savepoint back and keeps what it read as a pending revision. The form that
    reverts to an old version goes the same way.
    """

    def needs_review(self, request, saved_status):
        return needs_review(request.user, self.model, saved_status)

    def save_model(self, request, obj, form, change):
        if change and self.needs_review(request, getattr(form, "saved_status", None)):
            using = router.db_for_write(self.model)
            # The change and the history views save in a transaction (retry_after_conflict).
            if not transaction.get_connection(using).in_atomic_block:
                raise RuntimeError("A change to be reviewed must be saved in a transaction.")
            obj._revision_savepoint = transaction.savepoint(using=using)
        super().save_model(request, obj, form, change)

    def start_reviewed_change(self, request, obj):
        """For a change made outside the change form (tagging from the suggestion panel):
        call it inside the change's transaction, before the change. When the change needs
        review, what follows up to `log_change` is kept as a revision and rolled back, as a
        form save is; `obj._proposal` then tells the caller."""
        if self.needs_review(request, obj.status):
            obj._revision_savepoint = transaction.savepoint(using=router.db_for_write(self.model))

    def report_proposal(self, request, obj):
        """Tell the user their change to `obj` was kept as a revision (or that it changed
        nothing); False, saying nothing, when the change was applied."""
        proposal = getattr(obj, "_proposal", None)
        if proposal is None:
            return False
        if proposal.revision is None:
            self.message_user(
                request,
                _("Nothing differs from the published %(name)s, so no revision was kept.")
                % {"name": self.opts.verbose_name},
                messages.INFO,
            )
        else:
            self.message_user(
                request,
                _("Your change was saved as a revision for a Publisher to review."),
                messages.SUCCESS,
            )
        return True

    def log_change(self, request, obj, message):
        savepoint = getattr(obj, "_revision_savepoint", None)
        if savepoint is None:
            return super().log_change(request, obj, message)
        del obj._revision_savepoint
        using = router.db_for_write(self.model)
        proposed = snapshot(obj, using)
        transaction.savepoint_rollback(savepoint, using=using)
        obj._proposal = SimpleNamespace(revision=propose_revision(obj, proposed, user=request.user))
        return None

    def response_change(self, request, obj):
        if not self.report_proposal(request, obj):
            return super().response_change(request, obj)
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_change(request, obj)

    # The change form -------------------------------------------------------------------

    def pending_revisions(self, request, obj):
        """The pending revisions of `obj`, oldest first (read once per request)."""
        cache = request.__dict__.setdefault("_pending_revisions", {})
        key = (self.model, obj.pk)
        if key not in cache:
            cache[key] = list(
                Revision.objects.pending().of(obj).select_related("proposed_by").order_by("pk")
            )
        return cache[key]

    def shown_revision(self, request, obj):
        """The user's own pending revision of `obj`, made to its current version, which the
        change form shows instead of the record: {"revision", "values"} or None."""
        if request.method != "GET" or obj is None or obj.pk is None:
            return None
        cache = request.__dict__.setdefault("_shown_revisions", {})
        key = (self.model, obj.pk)
        if key not in cache:
            cache[key] = None
            for revision in self.pending_revisions(request, obj):
                if revision.proposed_by_id == request.user.pk and revision.base_version == (
                    obj.version
                ):
                    try:
                        values = form_values(self.model, revision.proposed)
                    except RecordError:
                        break  # it names a record deleted since: the form shows the saved one
                    cache[key] = {"revision": revision, "values": values}
        return cache[key]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        shown = self.shown_revision(request, obj)
        if shown is None:
            return form
        return type(form)(
            form.__name__,
            (ProposedValuesForm, form),
            {"proposed_values": shown["values"]["fields"]},
        )

    def get_formsets_with_inlines(self, request, obj=None):
        shown = self.shown_revision(request, obj)
        rows = shown["values"]["rows"] if shown else {}
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if inline.model in rows:
                formset = proposed_rows_formset(formset, *rows[inline.model])
            yield formset, inline

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            shown = self.shown_revision(request, obj)
            reviewer = can_review(request.user, self.model)
            context["pending_revisions"] = [
                {
                    "mine": revision.proposed_by_id == request.user.pk,
                    "shown": shown is not None and shown["revision"] == revision,
                    "current": revision.base_version == obj.version,
                    "by": user_label(revision.proposed_by),
                    "at": revision.proposed_at,
                    "url": admin_url(revision) if reviewer else "",
                }
                for revision in self.pending_revisions(request, obj)
            ]
            context["review_needed"] = self.needs_review(request, obj.status)
        return super().render_change_form(request, context, add, change, form_url, obj)


# The publishers' list and review page ------------------------------------------------------


class StateFilter(admin.SimpleListFilter):
    """The state of revisions, pending ones unless another (or all) is asked for."""

    title = gettext_lazy("state")
    parameter_name = "state"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Revision.State.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or Revision.State.PENDING

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(state=self.value())

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Publishers review revisions here; only those of the models they may publish are
    listed. Nothing is edited in a form: a revision is approved or rejected."""

    list_display = ["record", "kind", "proposed_by", "proposed_at", "state", "currency"]
    list_filter = [StateFilter]
    list_per_page = 50

    def get_queryset(self, request):
        types = ContentType.objects.get_for_models(*reviewed_models(request.user)).values()
        return super().get_queryset(request).filter(content_type__in=list(types)).for_list()

    def has_module_permission(self, request):
        return bool(reviewed_models(request.user))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return bool(reviewed_models(request.user))
        return can_review(request.user, obj.content_type.model_class())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("record"))
    def record(self, revision):
        return str(revision.content_object) if revision.content_object else "—"

    @admin.display(description=gettext_lazy("kind"), ordering="content_type")
    def kind(self, revision):
        return revision.content_type.model_class()._meta.verbose_name

    @admin.display(description=gettext_lazy("made to the current version"))
    def currency(self, revision):
        if not revision.is_pending or revision.content_object is None:
            return "—"
        current = revision.content_object.version == revision.base_version
        return _("Yes") if current else _("No: the record changed since")

    # The review page -----------------------------------------------------------------

    def get_urls(self):
        decide = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(require_POST(view)),
                name=f"diplomacy_revision_{name}",
            )
            for name, view in (("approve", self.approve_view), ("reject", self.reject_view))
        ]
        return decide + super().get_urls()

    def get_revision(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            raise Http404(_("No revision with this id."))
        return revision

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_revision(request, object_id)
        model = revision.content_type.model_class()
        record = revision.content_object
        current = False
        old = revision.base
        if revision.is_pending and record is not None:
            # What approving it would change: against the record as it is now.
            old = snapshot(record)
            current = record.version == revision.base_version and old == revision.base
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revision %(number)s of “%(record)s”")
            % {"number": revision.pk, "record": record or _("a deleted record")},
            "opts": self.opts,
            "record_opts": model._meta,
            "revision": revision,
            "record": record,
            "proposer": user_label(revision.proposed_by),
            "reviewer": user_label(revision.reviewed_by) if revision.reviewed_at else "",
            "current": current,
            "changes": changes(model, old, revision.proposed),
            "record_url": admin_url(record) if record else "",
            "history_url": admin_url(record, "history") if record else "",
            "public_url": record.get_absolute_url() if record and record.is_published else "",
            "approve_url": reverse("admin:diplomacy_revision_approve", args=[revision.pk]),
            "reject_url": reverse("admin:diplomacy_revision_reject", args=[revision.pk]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, REVIEW_TEMPLATE, context)

    def decide(self, request, object_id, action, done):
        revision = self.get_revision(request, object_id)
        comment = request.POST.get("comment", "").strip()
        try:
            action(revision, user=request.user, comment=comment)
        except RevisionError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(admin_url(revision))
        self.message_user(request, done % {"number": revision.pk}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:diplomacy_revision_changelist"))

    def approve_view(self, request, object_id):
        return self.decide(
            request,
            object_id,
            approve_revision,
            _("Revision %(number)s was approved: the change is now in the record."),
        )

    def reject_view(self, request, object_id):
        return self.decide(
            request, object_id, reject_revision, _("Revision %(number)s was rejected.")
        )

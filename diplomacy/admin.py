"""The editors' tool: admin for countries, people, organizations, meetings and topics.

The mixins here are shared with `articles/admin.py`.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext, quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import router, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.choices import flatten_choices
from django.utils.formats import date_format
from django.utils.text import capfirst, smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from articles.models import Article
from diplomacy.admin_delete import InUseDeleteMixin, PublishedDeleteMixin
from diplomacy.admin_merge import merge_organizations, merge_people, merge_topics_action
from diplomacy.admin_revisions import RevisionAdminMixin
from diplomacy.admin_sources import (
    MeetingFormSourcesMixin,
    MeetingSourceMixin,
    SourceArticleFormSet,
)
from diplomacy.models import (
    PUBLISHER_STATUSES,
    Country,
    EditConflict,
    Meeting,
    Organization,
    Participant,
    Person,
    Position,
    Status,
    Topic,
    record_history,
)
from diplomacy.text import fold

admin.site.site_header = _("Diplomatic record")
admin.site.site_title = _("Diplomatic record")
admin.site.index_title = _("Editing the record")

FOLDED_SEARCH_HELP = _("Accents are optional: “bui thanh son” finds Bùi Thanh Sơn.")


# Mixins --------------------------------------------------------------------------------


class FoldedSearchMixin:
    """Search that ignores case and diacritics, for the changelist and autocomplete alike.

    Models keep a folded copy of their names in `search_text` (see diplomacy.text.fold).
    Each word of the search term, folded, must occur in one of `folded_search_fields`;
    objects matching that way are added to those the normal `search_fields` find.
    """

    folded_search_fields = ("search_text",)
    search_help_text = FOLDED_SEARCH_HELP

    def get_folded_search_q(self, word):
        return Q.create(
            [(f"{field}__contains", word) for field in self.folded_search_fields],
            connector=Q.OR,
        )

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = []
        for bit in smart_split(search_term or ""):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            if word := fold(bit):
                words.append(word)
        if words and self.folded_search_fields:
            results |= queryset.filter(*[self.get_folded_search_q(word) for word in words])
        return results, may_have_duplicates


class ListPrefetchChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.prefetch_related(*self.model_admin.list_prefetch_related)


class ListPrefetchMixin:
    """`list_prefetch_related`: what the changelist's computed columns read, loaded in one
    query per relation. Only the changelist pays for it, not the change form or autocomplete.
    """

    list_prefetch_related = ()

    def get_changelist(self, request, **kwargs):
        return ListPrefetchChangeList


class OptionalSlugMixin:
    """The slug may be left empty: the model's save() makes an ASCII one from the name
    (đ → d), unique among its kind."""

    slug_optional_on_change = True

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        slug = form.base_fields.get("slug")
        if slug is not None and (obj is None or self.slug_optional_on_change):
            slug.required = False
            slug.help_text = _("Leave empty to make one from the name when saving.")
        return form


class EditorialAdminMixin:
    """Fills created_by / updated_by from the editor and shows the record read-only."""

    record_fields = (("created", "created_by"), ("updated", "updated_by"))

    def _record_field_names(self):
        return [name for row in self.record_fields for name in row]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self._record_field_names()]

    def get_fieldsets(self, request, obj=None):
        record = set(self._record_field_names())
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in record]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None:
            fieldsets.append((_("Record"), {"fields": self.record_fields, "classes": ["collapse"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class HistoryAdminMixin:
    """One history row per save in the admin, written when the whole form is saved: the
    record's fields, its many-to-many fields and its inlines, with the admin's change
    message ("Changed Start date.") as the reason. Without this, django-simple-history
    writes a row for the save and another for each many-to-many change.

    Combine with `simple_history.admin.SimpleHistoryAdmin`, which gives the History page
    (who, when, what changed) and reverting to an older version.
    """

    history_list_display = []

    def save_model(self, request, obj, form, change):
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._record_history(obj, "+", entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._record_history(obj, "~", entry)
        return entry

    def _record_history(self, obj, history_type, entry):
        # Only after save_model: actions and other views save with their own history rows.
        if hasattr(obj, "skip_history_when_saving"):
            del obj.skip_history_when_saving
            record_history(obj, history_type, reason=entry.get_change_message() if entry else None)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting saves like the change form: only with the change permission, in one
        transaction, and refused with the conflict message if the record changed meanwhile."""
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return retry_after_conflict(
            self.model,
            lambda: super(HistoryAdminMixin, self).history_form_view(
                request, object_id, version_id, extra_context
            ),
        )


def retry_after_conflict(model, view):
    """Run `view` in a transaction; if its save lost a race to another save (EditConflict,
    everything rolled back), run it once more: its form then reports the conflict."""
    using = router.db_for_write(model)
    try:
        with transaction.atomic(using=using):
            return view()
    except EditConflict:
        with transaction.atomic(using=using):
            return view()


def display_value(value):
    """A field's value as an editor reads it, for the conflict table."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, (list, tuple, QuerySet)):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def saved_display(obj, name):
    """The value of field `name` in the saved record `obj`."""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return display_value(getattr(obj, name, None))
    if field.many_to_many:
        return display_value(list(getattr(obj, name).all()))
    if field.choices:
        return display_value(obj._get_FIELD_display(field))
    return display_value(getattr(obj, name))


def submitted_display(form, name):
    """The value of field `name` as the editor submitted it."""
    field = form.fields[name]
    if name not in form.cleaned_data:
        return display_value(form[name].value())  # not valid: as typed
    value = form.cleaned_data[name]
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return display_value(dict(flatten_choices(field.choices)).get(value, value))
    return display_value(value)


def inline_row_label(obj, parent_model):
    """A row of an inline: the object itself, or for a bare many-to-many row the object at
    its other end (a source article, not "Article_meetings object (3)")."""
    if obj._meta.auto_created:
        for field in obj._meta.concrete_fields:
            if field.is_relation and field.related_model is not parent_model:
                return str(getattr(obj, field.name, "") or "")
    return str(obj)


def person_name(user):
    if user is None:
        return _("another editor")
    return user.get_full_name() or user.get_username()


class VersionedForm(forms.ModelForm):
    """The change form of a VersionedModel: carries the version it was opened at, and
    refuses to save over a newer one (see `clean`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.is_change:
            # Not a model form field (editors never type it), so set here.
            self.initial["version"] = self.instance.version
            historic = getattr(self.instance, "_history", None)
            if historic is not None:
                self.set_historic_relations(historic)

    @property
    def is_change(self):
        return self.instance.pk is not None and not self.instance._state.adding

    def set_historic_relations(self, historic):
        """Reverting: the many-to-many fields as they were in that version too (the form
        would otherwise show the current ones)."""
        for field in historic._history_m2m_fields:
            if field.name in self.fields:
                rows = getattr(historic, field.name)
                self.initial[field.name] = list(
                    rows.values_list(field.m2m_reverse_field_name(), flat=True)
                )

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_change:
            return cleaned_data
        saved = self.instance  # read from the database for this request
        submitted = cleaned_data.get("version")
        if submitted == saved.version:
            # The save itself checks the database against the version the editor opened,
            # in one statement (VersionedModel.save): a save committed since this check
            # still makes it fail.
            self.instance.version = submitted
            return cleaned_data
        self.conflict = {"version": saved.version, "submitted": submitted}
        # The form now carries the saved version: saving the (reviewed) form again works.
        data = self.data.copy()
        data[self.add_prefix("version")] = str(saved.version)
        self.data = data
        name = saved._meta.verbose_name
        if submitted is None:
            message = _(
                "This form does not say which version of the %(name)s it changes, so your "
                "changes were not saved. Compare them with the saved %(name)s below and "
                "save again."
            ) % {"name": name}
        else:
            message = _(
                "This %(name)s was changed by %(user)s at %(time)s after you opened it. "
                "Your changes were not saved."
            ) % {
                "name": name,
                "user": person_name(saved.updated_by),
                "time": display_value(saved.updated),
            }
        raise forms.ValidationError(message, code="edit_conflict")


class PublishableForm(VersionedForm):
    """The change form of a meeting or an article. Without the publish permission the
    status can only be draft or in review, and publish_at cannot be set; values posted
    anyway are refused with an error, never silently applied."""

    can_publish = True  # set per request by PublishableAdminMixin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_status, self.saved_publish_at = None, None
        if self.is_change:
            # From the database: a form reverting to an old version holds its old values.
            self.saved_status, self.saved_publish_at = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("status", "publish_at")
                .get()
            )
        if not self.can_publish:
            self.limit_to_editing()

    def limit_to_editing(self):
        status = self.fields.get("status")
        if status is not None:
            if self.saved_status == Status.PUBLISHED:
                status.disabled = True
                status.help_text = _("Only a publisher can unpublish it.")
            else:
                allowed = {Status.DRAFT, Status.IN_REVIEW, self.saved_status}
                # The field still knows every status, so a forged one gets a clear error.
                status.widget.choices = [
                    choice for choice in Status.choices if choice[0] in allowed
                ]
                status.help_text = _("Set it to “In review” when it is ready to be published.")
            if self.saved_status is not None:
                self.initial["status"] = self.saved_status
        publish_at = self.fields.get("publish_at")
        if publish_at is not None:
            publish_at.disabled = True
            publish_at.help_text = _("Only a publisher can schedule publication.")
            self.initial["publish_at"] = self.saved_publish_at

    def posted_change(self, name, saved):
        """Whether the POST holds a value for field `name` other than `saved` (for a
        disabled field, whose posted value the form otherwise ignores)."""
        field = self.fields[name]
        key = self.add_prefix(name)
        if field.widget.value_omitted_from_data(self.data, self.files, key):
            return False
        raw = field.widget.value_from_datadict(self.data, self.files, key)
        try:
            return field.clean(raw) != saved
        except forms.ValidationError:
            return True

    def refusal(self):
        return forms.ValidationError(
            _(
                "Only a publisher can publish, unpublish or schedule this %(name)s. Set the "
                "status to “In review” to ask for it to be published."
            )
            % {"name": self.instance._meta.verbose_name},
            code="publisher_only",
        )

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if self.can_publish:
            return status
        if self.fields["status"].disabled:
            if self.posted_change("status", self.saved_status):
                raise self.refusal()
            return status
        if status != self.saved_status and (
            status in PUBLISHER_STATUSES or self.saved_status == Status.PUBLISHED
        ):
            raise self.refusal()
        return status

    def clean_publish_at(self):
        if not self.can_publish and self.posted_change("publish_at", self.saved_publish_at):
            raise self.refusal()
        return self.cleaned_data.get("publish_at")


class VersionedAdminMixin:
    """Optimistic locking in the admin (see VersionedModel). The change form carries the
    version it was opened at in a hidden field. Saving from an older version is refused
    with a message naming who changed the record and when, a table of the fields where
    the saved record and the editor's version differ, and the editor's version still in
    the form: saving it again (after review) then succeeds."""

    form = VersionedForm

    def get_exclude(self, request, obj=None):
        # The form declares its own `version` field; the model's is not editable.
        return [*(super().get_exclude(request, obj) or []), "version"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not fieldsets:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return retry_after_conflict(
            self.model,
            lambda: super(VersionedAdminMixin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context.get("adminform")
        if change and obj is not None and adminform and getattr(adminform.form, "conflict", None):
            context["edit_conflict"] = self.edit_conflict(
                request, adminform.form, context.get("inline_admin_formsets", []), obj
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def edit_conflict(self, request, form, inline_admin_formsets, obj):
        """The saved record beside the editor's version: the fields that differ."""
        # `obj` now holds the submitted values; the saved record is read again.
        saved = type(obj)._default_manager.get(pk=obj.pk)
        rows = [
            {
                "label": form.fields[name].label or name,
                "saved": saved_display(saved, name),
                "yours": submitted_display(form, name),
            }
            for name in form.changed_data
            if name != "version"
        ]
        for inline_admin_formset in inline_admin_formsets:
            formset = inline_admin_formset.formset
            saved_rows = [inline_row_label(row, type(obj)) for row in formset.get_queryset()]
            your_rows = [
                inline_row_label(inline.instance, type(obj))
                for inline in formset.forms
                if not (formset.can_delete and formset._should_delete_form(inline))
                and (inline.instance.pk is not None or inline.has_changed())
            ]
            if saved_rows != your_rows:
                rows.append(
                    {
                        "label": capfirst(inline_admin_formset.opts.verbose_name_plural),
                        "saved": "; ".join(saved_rows) or "—",
                        "yours": "; ".join(your_rows) or "—",
                    }
                )
        opts = self.opts
        history_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(obj.pk)]
        )
        return {
            "rows": rows,
            "saved_by": person_name(saved.updated_by),
            "saved_at": display_value(saved.updated),
            "saved_version": saved.version,
            "your_version": form.conflict["submitted"],
            "history_url": history_url,
            "name": opts.verbose_name,
        }


class PublishableAdminMixin(PublishedDeleteMixin):
    """The editorial workflow: draft -> in review -> published (now or at `publish_at`),
    and unpublished. Editors submit for review; publishing, unpublishing and scheduling need
    the model's `publish_...` permission, in the form and in the actions alike.
    `published_at` is set by the model, never typed. Deleting what is or was published needs
    it too (PublishedDeleteMixin)."""

    form = PublishableForm
    actions = ["submit_for_review", "publish_selected", "unpublish_selected"]
    history_list_display = ["status"]

    def has_publish_permission(self, request, obj=None):
        codename = get_permission_codename("publish", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_publish = self.has_publish_permission(request, obj)
        return form

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "published_at"]

    def save_model(self, request, obj, form, change):
        obj.stamp_first_publication()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("status"), ordering="status")
    def publication(self, obj):
        if obj.is_scheduled:
            return _("Scheduled for %(time)s") % {"time": display_value(obj.publish_at)}
        return obj.get_status_display()

    def publication_refusal(self, obj):
        """Why `obj`, changed by an action and about to be saved, may not be (a message), or
        None. Meetings need a source to be published (diplomacy.admin_sources)."""
        return None

    def _set_status(self, request, queryset, change, message):
        """Apply `change` to each object it returns True for (and `publication_refusal`
        does not refuse); returns how many changed and how many were changed by someone
        else meanwhile (and left alone)."""
        changed = conflicts = 0
        for obj in queryset:
            if not change(obj):
                continue
            refusal = self.publication_refusal(obj)
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
                continue
            obj.updated_by = request.user
            try:
                with transaction.atomic(using=router.db_for_write(self.model)):
                    obj.save()
                    self.log_change(request, obj, message)
            except EditConflict:
                conflicts += 1
                continue
            changed += 1
        if conflicts:
            self.message_user(
                request,
                ngettext(
                    "%(count)d %(items)s was changed by someone else meanwhile and was "
                    "left as it is.",
                    "%(count)d %(items)s were changed by someone else meanwhile and were "
                    "left as they are.",
                    conflicts,
                )
                % {"count": conflicts, "items": model_ngettext(self.opts, conflicts)},
                messages.WARNING,
            )
        return changed

    @admin.action(
        description=_("Submit selected %(verbose_name_plural)s for review"),
        permissions=["change"],
    )
    def submit_for_review(self, request, queryset):
        def submit(obj):
            if obj.status != Status.DRAFT:
                return False
            obj.status = Status.IN_REVIEW
            return True

        count = self._set_status(request, queryset, submit, _("Submitted for review"))
        self.message_user(
            request,
            _("%(count)d %(items)s submitted for review.")
            % {"count": count, "items": model_ngettext(self.opts, count)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Publish selected %(verbose_name_plural)s"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        def publish(obj):
            if obj.status == Status.PUBLISHED:
                return False
            obj.publish()  # stamps published_at the first time
            return True

        count = self._set_status(request, queryset, publish, _("Published"))
        self.message_user(
            request,
            _("%(count)d %(items)s published.")
            % {"count": count, "items": model_ngettext(self.opts, count)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected %(verbose_name_plural)s"), permissions=["publish"]
    )
    def unpublish_selected(self, request, queryset):
        def unpublish(obj):
            if obj.status != Status.PUBLISHED:
                return False
            obj.unpublish()
            return True

        count = self._set_status(request, queryset, unpublish, _("Unpublished"))
        self.message_user(
            request,
            _("%(count)d %(items)s unpublished.")
            % {"count": count, "items": model_ngettext(self.opts, count)},
            messages.SUCCESS,
        )


# Countries -----------------------------------------------------------------------------


@admin.register(Country)
class CountryAdmin(FoldedSearchMixin, HistoryAdminMixin, SimpleHistoryAdmin):
    """All ISO countries are preloaded: editors add names and demonyms, nothing else."""

    list_display = ["name", "code", "other_name_summary", "demonym_summary"]
    search_fields = ["name", "code", "other_names", "demonyms"]
    ordering = ["name"]
    fields = ["code", "name", "other_names", "demonyms"]

    @admin.display(description=_("other names"))
    def other_name_summary(self, obj):
        return ", ".join(obj.other_name_list)

    @admin.display(description=_("demonyms"))
    def demonym_summary(self, obj):
        return ", ".join(obj.demonym_list)

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# People and organizations --------------------------------------------------------------


class PositionInline(admin.TabularInline):
    model = Position
    fields = ["title", "organization", "country", "start_date", "end_date"]
    autocomplete_fields = ["organization", "country"]
    extra = 0


@admin.register(Person)
class PersonAdmin(
    InUseDeleteMixin,
    FoldedSearchMixin,
    ListPrefetchMixin,
    OptionalSlugMixin,
    VersionedAdminMixin,
    EditorialAdminMixin,
    HistoryAdminMixin,
    SimpleHistoryAdmin,
):
    list_display = ["name", "name_ascii", "country", "current_position", "wikidata_id"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    list_prefetch_related = ["positions"]
    search_fields = ["name", "name_ascii", "aliases", "=wikidata_id"]
    ordering = ["name"]
    fields = ["name", "name_ascii", "aliases", "slug", "country", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    inlines = [PositionInline]
    actions = [merge_people]
    published_references = [(Meeting, "participants__person"), (Article, "people")]

    @admin.display(description=_("current position"))
    def current_position(self, obj):
        position = obj.position_on(None)
        return position.title if position else ""


@admin.register(Organization)
class OrganizationAdmin(
    InUseDeleteMixin,
    FoldedSearchMixin,
    OptionalSlugMixin,
    VersionedAdminMixin,
    EditorialAdminMixin,
    HistoryAdminMixin,
    SimpleHistoryAdmin,
):
    list_display = ["name", "acronym", "kind", "country", "parent"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country", "parent"]
    search_fields = ["name", "acronym"]
    ordering = ["name"]
    fields = ["name", "acronym", "slug", "kind", "country", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "parent"]
    actions = [merge_organizations]
    published_references = [(Meeting, "organizations"), (Article, "organizations")]


# Topics --------------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(InUseDeleteMixin, FoldedSearchMixin, OptionalSlugMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "meeting_count", "article_count"]
    search_fields = ["name", "slug"]
    # Topic slugs are ASCII (biển-đông -> bien-dong), so they serve as the folded name.
    folded_search_fields = ("slug",)
    ordering = ["name"]
    fields = ["name", "slug"]
    actions = [merge_topics_action]
    published_references = [(Meeting, "tagged_items__tag"), (Article, "tagged_items__tag")]
    # An empty slug is only filled when a topic is created.
    slug_optional_on_change = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                meeting_count=Count("tagged_meetings", distinct=True),
                article_count=Count("tagged_articles", distinct=True),
            )
        )

    @admin.display(description=_("meetings"), ordering="meeting_count")
    def meeting_count(self, obj):
        return obj.meeting_count

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


# Meetings ------------------------------------------------------------------------------


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = ["person", "title", "country", "role", "order"]
    autocomplete_fields = ["person", "country"]
    extra = 1


class SourceArticleInline(admin.TabularInline):
    model = Article.meetings.through
    formset = SourceArticleFormSet
    autocomplete_fields = ["article"]
    extra = 0
    verbose_name = _("source article")
    verbose_name_plural = _("source articles")


class MeetingForm(MeetingFormSourcesMixin, PublishableForm):
    """A published meeting needs a source readers can follow (diplomacy.admin_sources)."""


@admin.register(Meeting)
class MeetingAdmin(
    RevisionAdminMixin,
    MeetingSourceMixin,
    FoldedSearchMixin,
    ListPrefetchMixin,
    OptionalSlugMixin,
    PublishableAdminMixin,
    VersionedAdminMixin,
    EditorialAdminMixin,
    HistoryAdminMixin,
    SimpleHistoryAdmin,
):
    list_display = ["title", "date", "kind", "place", "participant_names", "publication"]
    list_filter = [
        "status",
        "kind",
        "date_precision",
        ("location_country", admin.RelatedOnlyFieldListFilter),
        ("countries", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["location_country"]
    list_prefetch_related = [
        Prefetch("participants", queryset=Participant.objects.select_related("person"))
    ]
    search_fields = ["title", "location_city"]
    date_hierarchy = "start_date"
    ordering = [F("start_date").desc(nulls_last=True), "-id"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent", "location_country", "countries", "organizations"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", ("status", "publish_at", "published_at")]}),
        (_("Date"), {"fields": [("start_date", "end_date", "date_precision")]}),
        (_("Place"), {"fields": [("location_city", "location_country")]}),
        (
            _("Context"),
            {
                "fields": [
                    "parent",
                    "summary",
                    "outcomes",
                    "countries",
                    "organizations",
                    "topics",
                    "source_url",
                ]
            },
        ),
    ]
    inlines = [ParticipantInline, SourceArticleInline]
    form = MeetingForm

    def get_folded_search_q(self, word):
        # A participant's name finds the meeting too: "bui" lists Bùi Thanh Sơn's meetings.
        return super().get_folded_search_q(word) | Exists(
            Participant.objects.filter(meeting=OuterRef("pk"), person__search_text__contains=word)
        )

    @admin.display(description=_("date"), ordering="start_date")
    def date(self, obj):
        return obj.date_label

    @admin.display(description=_("place"), ordering="location_city")
    def place(self, obj):
        return obj.place_label

    @admin.display(description=_("participants"))
    def participant_names(self, obj):
        return ", ".join(str(p.person) for p in obj.participants.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the participants are saved, so their sides are known.
        form.instance.sync_countries_from_participants()

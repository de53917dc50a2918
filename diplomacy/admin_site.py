"""The admin site: Django's, with every model admin on it guarded the same way.

`AdminSite.register` mixes `GuardedAdminMixin` into each model admin it is given (the
record's own and those of the apps it uses: users, groups, login attempts), and replaces the
"Delete selected" action with `delete_selected` below. `diplomacy.apps.AdminConfig` makes
this site the default one, `admin.site`.
"""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions, helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import DatabaseError, DataError, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# What a list's query string can make the database or Python refuse, besides what Django's
# ChangeList already turns into IncorrectLookupParameters (errors of `filter()` itself): a
# year past datetime's range in the date hierarchy (OverflowError), an integer out of range
# or a bad regular expression for PostgreSQL (DataError), a LIKE pattern too long for SQLite
# (OperationalError), a lookup that fails only when the query is compiled (`name__range=x`:
# IndexError), a malformed value (ValueError, TypeError, ValidationError).
LOOKUP_ERRORS = (OverflowError, ValueError, TypeError, LookupError, ValidationError, DatabaseError)
# A search longer than this finds nothing, in lists and autocompletes alike: no name is that
# long, and SQLite refuses LIKE patterns over 50,000 bytes.
SEARCH_MAX_LENGTH = 1000
# What an id in an address can make the lookup of one record raise, besides the errors
# ModelAdmin.get_object already answers with "does not exist".
OBJECT_ID_ERRORS = (OverflowError, DataError)

# At most this many names in a message about several records.
NAMES_SHOWN = 10


def quoted_names(objects, limit=NAMES_SHOWN, detail=None):
    """ "“A”, “B”, “C”", or "“A”, “B” and more" when `objects` holds more than `limit`;
    with `detail`, each name is followed by detail(obj) in brackets: "“A” (Draft)"."""
    objects = list(objects)
    names = ", ".join(
        f"“{obj}” ({detail(obj)})" if detail else f"“{obj}”" for obj in objects[:limit]
    )
    if len(objects) > limit:
        return _("%(names)s and more") % {"names": names}
    return names


def protected_message(error):
    """Why a delete stopped on a foreign key that protects the rows referring to it."""
    referring = list(error.protected_objects if isinstance(error, ProtectedError) else [])
    referring += list(getattr(error, "restricted_objects", []))
    return _(
        "Nothing was deleted: other records refer to it and must be changed first (%(objects)s)."
    ) % {
        "objects": quoted_names(
            f"{capfirst(obj._meta.verbose_name)}: {obj}" for obj in referring[: NAMES_SHOWN + 1]
        )
    }


def has_nul(text):
    return "\x00" in text


def could_be_key(field, value):
    """Whether `value` (sent by a browser) could be a value of model field `field` that the
    database can look up: a number in the column's range, text without NUL."""
    try:
        python = field.to_python(value)
        field.run_validators(python)
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return not (isinstance(python, str) and has_nul(python))


def to_field(remote_field):
    """The model field a relation points at (usually the primary key)."""
    opts = remote_field.model._meta
    return opts.get_field(getattr(remote_field, "field_name", None) or opts.pk.name)


class GuardedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a value that cannot be an id before Django looks all of them up at once
    (`id IN (...)`), which SQLite cannot do with an integer beyond its 64 bits."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for item in value if isinstance(value, (list, tuple)) else []:
            if isinstance(item, str) and not could_be_key(key, item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class GuardedAutocompleteMixin:
    """The admin's autocomplete widget, which shows the choices a form was sent with: only
    those that could be ids. Django's looks them all up, so a form sent back with an id too
    large for the database (or a NUL in a text id) failed while showing its errors."""

    def optgroups(self, name, value, attr=None):
        key = to_field(self.field.remote_field)
        return super().optgroups(name, [v for v in value if could_be_key(key, v)], attr)


class GuardedAutocompleteSelect(GuardedAutocompleteMixin, AutocompleteSelect):
    pass


class GuardedAutocompleteSelectMultiple(GuardedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class GuardedFormfieldsMixin:
    """For model admins and their inlines: the guarded autocomplete widgets and
    many-to-many fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", GuardedModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GuardedAdminMixin(GuardedFormfieldsMixin):
    """What every model admin of the site does besides its own work.

    Hostile input: a list's query string that cannot be applied sends the editor to the
    unfiltered list with a message (Django's own answer to filters it cannot read, widened to
    every error the filters, the date hierarchy and the database can raise), and an id in an
    address that cannot be a record's id is a record that does not exist. Never an error
    page; the tests in tests/diplomacy/test_admin_fuzz.py try every registered model.

    Deleting: a row that came to be protected by a foreign key after the confirmation page
    was shown (ProtectedError, RestrictedError) gives a message, not an error page.
    """

    def get_changelist_instance(self, request):
        if any(has_nul(key) or any(map(has_nul, values)) for key, values in request.GET.lists()):
            # Nothing holds one, and PostgreSQL refuses to compare text with it.
            self.refuse_filters(request)
            raise IncorrectLookupParameters("NUL character in the query string")
        try:
            # A savepoint: on PostgreSQL a failed query would end the whole transaction.
            with transaction.atomic(using=router.db_for_read(self.model)):
                changelist = super().get_changelist_instance(request)
                # The page's rows, read now rather than while the template renders.
                len(changelist.result_list)
                return changelist
        except IncorrectLookupParameters:
            self.refuse_filters(request)
            raise
        except LOOKUP_ERRORS as error:
            self.refuse_filters(request)
            raise IncorrectLookupParameters(error) from error

    def refuse_filters(self, request):
        # With the flag already there, Django answers with its "database error" page.
        if ERROR_FLAG not in request.GET:
            self.message_user(
                request,
                _(
                    "The list could not be filtered or sorted as the address asked: here it is "
                    "without filters."
                ),
                messages.WARNING,
            )

    def get_search_results(self, request, queryset, search_term):
        # No name holds NUL (which PostgreSQL cannot compare) or is that long.
        if len(search_term) > SEARCH_MAX_LENGTH or has_nul(search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(could_be_key(self.opts.pk, pk) for pk in selected):
            # Django would look the selection up as it is (ValueError, OverflowError).
            self.message_user(
                request,
                _("The selection holds something that is not a %(name)s: nothing was done.")
                % {"name": self.opts.verbose_name},
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def get_object(self, request, object_id, from_field=None):
        try:
            with transaction.atomic(using=router.db_for_read(self.model)):
                return super().get_object(request, object_id, from_field)
        except OBJECT_ID_ERRORS:
            return None

    def is_object_id(self, object_id, model=None):
        """Whether `object_id`, from an address, can be the primary key of a `model` (this
        admin's model by default)."""
        return could_be_key((model or self.model)._meta.pk, unquote(object_id))

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history's version of the view looks the id up as it is.
        if not self.is_object_id(object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """django-simple-history's page of one version (its admins alone have the address)."""
        history_model = getattr(self.model, self.opts.simple_history_manager_attribute).model
        if not (self.is_object_id(object_id) and self.is_object_id(version_id, history_model)):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ProtectedError, RestrictedError) as error:
            # The view's transaction was rolled back: nothing deleted, nothing logged. Shown
            # again, the confirmation page lists what protects the row.
            self.message_user(request, protected_message(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.action(permissions=["delete"], description=actions.delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    """Django's "Delete selected" action, with two differences. A model admin may refuse the
    whole selection with a message (its `delete_refusal(request, queryset)`), and then
    nothing is deleted. The deletion and its log entries are one transaction, so a row that
    a foreign key came to protect meanwhile stops it with a message, deleting nothing."""
    refusal = getattr(modeladmin, "delete_refusal", None)
    message = refusal(request, queryset) if refusal is not None else None
    if message:
        modeladmin.message_user(request, message, messages.ERROR)
        return None
    try:
        with transaction.atomic(using=router.db_for_write(modeladmin.model)):
            return actions.delete_selected(modeladmin, request, queryset)
    except (ProtectedError, RestrictedError) as error:
        modeladmin.message_user(request, protected_message(error), messages.ERROR)
        return None


def guarded(admin_class, mixin=None):
    """`admin_class` (a model admin, or with `mixin` an inline) with the guard mixin first
    in its bases, and its inlines guarded too; itself if it has it already."""
    mixin = mixin or GuardedAdminMixin
    if issubclass(admin_class, mixin):
        return admin_class
    attrs = {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__}
    if mixin is GuardedAdminMixin and admin_class.inlines:
        attrs["inlines"] = [
            guarded(inline, GuardedFormfieldsMixin) for inline in admin_class.inlines
        ]
    return type(admin_class.__name__, (mixin, admin_class), attrs)


class LoginAttemptsMixin:
    """For django-axes' admins: their "Clean up expired attempts" action reads the attempt
    time that axes sets on a request only while it checks a login, so in the admin it raised
    AttributeError (a 500). The request gets axes' attributes before the list is answered."""

    def changelist_view(self, request, extra_context=None):
        AxesProxyHandler.update_request(request)
        return super().changelist_view(request, extra_context)


class AdminSite(admin.AdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)
        self.add_action(delete_selected, "delete_selected")

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = guarded(admin_class or admin.ModelAdmin)
        if admin_class.__module__.startswith("axes."):
            admin_class = type(admin_class.__name__, (LoginAttemptsMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

"""The admin site: Django's, with every model admin on it guarded the same way.

`AdminSite.register` mixes `GuardedAdminMixin` into each model admin it is given (the
record's own and those of the apps it uses: users, groups, login attempts), and replaces the
"Delete selected" action with `delete_selected` below. `diplomacy.apps.AdminConfig` makes
this site the default one, `admin.site`.
"""

from django.contrib import admin, messages
from django.contrib.admin import actions
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# At most this many names in a message about several records.
NAMES_SHOWN = 10


def quoted_names(objects, limit=NAMES_SHOWN):
    """ "“A”, “B”, “C”", or "“A”, “B” and more" when `objects` holds more than `limit`."""
    objects = list(objects)
    names = ", ".join(f"“{obj}”" for obj in objects[:limit])
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


class GuardedAdminMixin:
    """What every model admin of the site does besides its own work.

    Deleting: a row that came to be protected by a foreign key after the confirmation page
    was shown (ProtectedError, RestrictedError) gives a message, not an error page.
    """

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


def guarded(admin_class):
    """`admin_class` with GuardedAdminMixin first in its bases (itself if it has it)."""
    if issubclass(admin_class, GuardedAdminMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (GuardedAdminMixin, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class AdminSite(admin.AdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)
        self.add_action(delete_selected, "delete_selected")

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, guarded(admin_class or admin.ModelAdmin), **options)

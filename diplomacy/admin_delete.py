"""Who may delete what in the admin, beyond the model permissions.

- A meeting or an article that is published (scheduled ones too), or was public once, is
  deleted only by a publisher: deleting takes it off the record for good, which is more than
  unpublishing. Editors delete drafts that were never public.
- A person, an organization or a topic that published meetings or articles refer to is not
  deleted by anyone: that would change published pages. A duplicate is merged instead
  (docs/merging.md), which moves what refers to it.

Both hold for the delete page and the "Delete selected" action alike (diplomacy.admin_site).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import quote, unquote
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from diplomacy.admin_site import NAMES_SHOWN, quoted_names
from diplomacy.models import Status


class PublishedDeleteMixin:
    """For the admin of a publishable model (with PublishableAdminMixin's
    `has_publish_permission`): only a publisher deletes what is or was published."""

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if not allowed or obj is None or not obj.ever_published:
            return allowed
        return self.has_publish_permission(request, obj)

    def delete_refusal(self, request, queryset):
        """The "Delete selected" action: refused as a whole when the selection holds anything
        only a publisher may delete."""
        if self.has_publish_permission(request):
            return None
        published = list(queryset.ever_published()[: NAMES_SHOWN + 1])
        if not published:
            return None
        return _(
            "Only a publisher can delete %(items)s that are or were published: %(names)s. "
            "Nothing was deleted."
        ) % {"items": self.opts.verbose_name_plural, "names": quoted_names(published)}

    def delete_view(self, request, object_id, extra_context=None):
        # Refused with a message on the record's page rather than a bare "403 Forbidden".
        if TO_FIELD_VAR not in request.GET and TO_FIELD_VAR not in request.POST:
            obj = self.get_object(request, unquote(object_id))
            if (
                obj is not None
                and self.has_delete_permission(request)
                and not self.has_delete_permission(request, obj)
            ):
                self.message_user(request, self.published_refusal(obj), messages.ERROR)
                opts = self.opts
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change",
                        args=[quote(obj.pk)],
                        current_app=self.admin_site.name,
                    )
                )
        return super().delete_view(request, object_id, extra_context)

    def published_refusal(self, obj):
        if obj.is_scheduled:
            reason = _("it is scheduled for publication")
        elif obj.status == Status.PUBLISHED:
            reason = _("it is published")
        else:
            reason = _("it was published before")
        return _("Only a publisher can delete the %(name)s “%(object)s”: %(reason)s.") % {
            "name": self.opts.verbose_name,
            "object": obj,
            "reason": reason,
        }


class InUseDeleteMixin:
    """For the admin of people, organizations and topics: one that published meetings or
    articles refer to cannot be deleted. The delete page and the "Delete selected" action
    list those meetings and articles as protected, like rows a foreign key protects, and say
    how to merge a duplicate instead.

    `published_references`: (publishable model, lookup from it to this model), one per
    relation to check.
    """

    published_references = ()

    def published_referrers(self, objs):
        """The published (or scheduled) meetings and articles that refer to `objs`, at most
        NAMES_SHOWN + 1 of each kind."""
        pks = [obj.pk for obj in objs]
        found = []
        for model, lookup in self.published_references:
            referring = model.objects.filter(
                pk__in=model.objects.filter(**{f"{lookup}__in": pks}).values("pk"),
                status=Status.PUBLISHED,
            )
            found += referring.order_by("pk")[: NAMES_SHOWN + 1]
        return found

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        objs = list(objs)
        in_use = self.published_referrers(objs)
        protected = [*protected, *(self.referrer_label(request, obj) for obj in in_use)]
        if protected:
            self.message_user(request, self.merge_hint(objs), messages.WARNING)
        return deleted, model_count, perms_needed, protected

    def referrer_label(self, request, obj):
        """Like Django's entries for protected rows: "Meeting: <link>Title</link> (published)"."""
        opts = obj._meta
        label = capfirst(opts.verbose_name)
        site = self.admin_site
        if not (
            site.is_registered(type(obj))
            and site.get_model_admin(type(obj)).has_view_or_change_permission(request, obj)
        ):
            return format_html("{}: {} ({})", label, obj, _("published"))
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )
        return format_html('{}: <a href="{}">{}</a> ({})', label, url, obj, _("published"))

    def merge_hint(self, objs):
        opts = self.opts
        changelist = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_changelist",
            current_app=self.admin_site.name,
        )
        if len(objs) == 1:
            changelist += "?" + urlencode({"q": str(objs[0])})
        return format_html(
            _(
                "The records listed below refer to what you chose to delete. A duplicate is "
                "not deleted but merged into the record to keep: select both in the "
                '<a href="{}">list of {}</a> and choose “Merge selected {} (preview first)”; '
                "what referred to the duplicate then refers to the record kept."
            ),
            changelist,
            opts.verbose_name_plural,
            opts.verbose_name_plural,
        )

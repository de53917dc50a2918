"""The count of revisions waiting for review, on the admin's start page."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from diplomacy.models import Revision
from diplomacy.revisions import reviewed_models

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_revision_count(context):
    """{"count", "url"} of the pending revisions the user may review; None for a user who
    reviews none."""
    request = context.get("request")
    models = reviewed_models(request.user) if request is not None else []
    if not models:
        return None
    types = ContentType.objects.get_for_models(*models).values()
    count = Revision.objects.pending().filter(content_type__in=list(types)).count()
    return {"count": count, "url": reverse("admin:diplomacy_revision_changelist")}

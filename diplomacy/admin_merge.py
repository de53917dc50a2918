"""Admin actions that merge duplicate people, organizations and topics, after a preview.

For two or more selected rows the action shows them, one chosen to be kept (by default the
one in the most meetings), and what merging the others into it moves. Choosing another one
and pressing "Preview" shows its own preview; "Merge" posts back with post=yes, like Django's
delete confirmation, and only merges into the record whose preview the editor saw.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.exceptions import NotRegistered
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diplomacy.merging import describe, merge, plan_merge

TEMPLATE = "admin/merge_preview.html"
# More rows than this are a "select all" by mistake rather than one set of duplicates.
MAX_SELECTED = 50


@admin.action(
    description=gettext_lazy("Merge selected %(verbose_name_plural)s (preview first)"),
    permissions=["change"],
)
def merge_people(modeladmin, request, queryset):
    return merge_selected(modeladmin, request, queryset, "merge_people", meetings="participations")


@admin.action(
    description=gettext_lazy("Merge selected %(verbose_name_plural)s (preview first)"),
    permissions=["change"],
)
def merge_organizations(modeladmin, request, queryset):
    return merge_selected(modeladmin, request, queryset, "merge_organizations", meetings="meetings")


@admin.action(
    description=gettext_lazy("Merge selected %(verbose_name_plural)s (preview first)"),
    permissions=["change"],
)
def merge_topics_action(modeladmin, request, queryset):
    return merge_selected(
        modeladmin,
        request,
        queryset,
        "merge_topics_action",
        meetings="tagged_meetings",
        articles="tagged_articles",
    )


def merge_selected(modeladmin, request, queryset, action, *, meetings, articles="articles"):
    """The preview page, or, confirmed, the merge. `meetings` and `articles` name the
    relations counted to propose the record to keep."""
    opts = modeladmin.model._meta
    # The action is offered to editors who may change the records (Django grants an action
    # when any of its permissions is held); merging deletes the duplicates, so it needs both.
    if not (
        modeladmin.has_change_permission(request) and modeladmin.has_delete_permission(request)
    ):
        modeladmin.message_user(
            request,
            _("Merging deletes the duplicates: you need permission to delete %(items)s.")
            % {"items": opts.verbose_name_plural},
            messages.ERROR,
        )
        return None
    pks = list(queryset.order_by().values_list("pk", flat=True).distinct())
    if len(pks) < 2:
        modeladmin.message_user(
            request,
            _("Select at least two %(items)s to merge.") % {"items": opts.verbose_name_plural},
            messages.WARNING,
        )
        return None

    if len(pks) > MAX_SELECTED:
        modeladmin.message_user(
            request,
            _("Select at most %(max)d %(items)s to merge at a time.")
            % {"max": MAX_SELECTED, "items": opts.verbose_name_plural},
            messages.WARNING,
        )
        return None

    candidates = _candidates(modeladmin.model, pks, meetings, articles)
    chosen = request.POST.get("survivor")
    survivor = next((c for c in candidates if str(c.pk) == chosen), candidates[0])
    duplicates = [c for c in candidates if c.pk != survivor.pk]
    confirmed = request.POST.get("post") == "yes"
    previewed = request.POST.get("previewed") == str(survivor.pk)

    if confirmed and previewed:
        try:
            with transaction.atomic():
                modeladmin.log_deletions(request, duplicates)
                done = merge(survivor, duplicates, user=request.user)
                modeladmin.log_change(request, done.survivor, done.summary())
        except ValueError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return None
        modeladmin.message_user(request, done.summary(), messages.SUCCESS)
        return None

    try:
        plan = plan_merge(survivor, duplicates)
    except ValueError as error:
        modeladmin.message_user(request, str(error), messages.ERROR)
        return None

    site = modeladmin.admin_site
    request.current_app = site.name
    context = {
        **site.each_context(request),
        "title": _("Merge %(items)s") % {"items": opts.verbose_name_plural},
        "subtitle": None,
        "opts": opts,
        "app_label": opts.app_label,
        "media": modeladmin.media,
        "action_name": request.POST.get("action") or action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "candidates": [
            {
                "obj": candidate,
                "label": describe(candidate),
                "url": _admin_url(site, request, candidate),
                "meetings": candidate.meeting_total,
                "articles": candidate.article_total,
                "chosen": candidate.pk == survivor.pk,
            }
            for candidate in candidates
        ],
        "survivor": survivor,
        "duplicates": duplicates,
        "plan": plan,
        "sections": [
            {
                "key": section.key,
                "label": section.label,
                "count": section.count,
                "more": section.more,
                "moves": section.moves,
                "items": [
                    {"label": describe(item), "url": _admin_url(site, request, item)}
                    for item in section.items
                ],
            }
            for section in plan.visible_sections
        ],
        # The editor pressed Merge after choosing another record, without its preview.
        "choice_changed": confirmed and not previewed,
    }
    return TemplateResponse(request, TEMPLATE, context)


def _candidates(model, pks, meetings, articles):
    """The selected rows, most meetings first (then most articles, then the oldest), each
    with `meeting_total` and `article_total`. One query per count: counting both relations
    in one query would multiply them together."""
    rows = model._default_manager.filter(pk__in=pks)
    meeting_totals = dict(rows.annotate(n=Count(meetings)).values_list("pk", "n"))
    article_totals = dict(rows.annotate(n=Count(articles)).values_list("pk", "n"))
    candidates = list(rows)
    for candidate in candidates:
        candidate.meeting_total = meeting_totals.get(candidate.pk, 0)
        candidate.article_total = article_totals.get(candidate.pk, 0)
    candidates.sort(key=lambda c: (-c.meeting_total, -c.article_total, c.pk))
    return candidates


def _admin_url(site, request, obj):
    """The admin page of `obj`, when the editor may see it there."""
    try:
        model_admin = site.get_model_admin(type(obj))
    except NotRegistered:
        return None
    if not model_admin.has_view_or_change_permission(request, obj):
        return None
    opts = obj._meta
    try:
        return reverse(
            f"{site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[obj.pk],
            current_app=site.name,
        )
    except NoReverseMatch:
        return None

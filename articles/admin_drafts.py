""" "Draft meetings" on the article page: the meetings the article reports, proposed by
`diplomacy.drafting`, shown in a review form where the editor corrects each one, then saved
as draft meetings linked to the article. A proposal the database holds already is offered as
"also reported by this article": linking the article to it instead of creating a double."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin_actions import ArticleActionsMixin
from diplomacy.drafting import draft_for_article
from diplomacy.models import Country, Meeting, Participant, Status

COUNTRY_CODES = re.compile(r"[A-Za-z]{2}")


def participant_line(person):
    """ "Retno Marsudi | Foreign Minister | ID": how the review form shows a participant."""
    return " | ".join([person.name, person.title or "", person.country or ""]).rstrip(" |")


def parse_participants(text):
    """[(name, title, country code)] from the review form's participant lines."""
    people = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        name = " ".join(parts[0].split())
        if not name:
            raise ValidationError(
                _("Line %(number)d has no name before the first “|”."), params={"number": number}
            )
        title = " ".join(parts[1].split()) if len(parts) > 1 else ""
        code = parts[2].upper() if len(parts) > 2 else ""
        if code and not COUNTRY_CODES.fullmatch(code):
            raise ValidationError(
                _("Line %(number)d: “%(code)s” is not a two-letter country code."),
                params={"number": number, "code": code},
            )
        people.append((name[:200], title[:300], code))
    return people


def recorded_meetings(ids):
    """The meetings of the review form's hidden "existing" field ("12 40")."""
    ids = [int(value) for value in (ids or "").split() if value.isdigit()]
    return list(Meeting.objects.filter(pk__in=ids).order_by("pk")) if ids else []


class DraftMeetingForm(forms.Form):
    create = forms.BooleanField(label=_("create this meeting"), required=False)
    link_existing = forms.BooleanField(
        label=_("link the meeting already recorded to this article"), required=False
    )
    title = forms.CharField(
        label=_("title"), max_length=300, widget=forms.TextInput(attrs={"class": "vTextField"})
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Meeting.Kind.choices)
    start_date = forms.DateField(label=_("start date"), required=False)
    end_date = forms.DateField(label=_("end date"), required=False)
    date_precision = forms.ChoiceField(label=_("date precision"), choices=Meeting.Precision.choices)
    location_city = forms.CharField(label=_("city"), max_length=200, required=False)
    location_country = forms.ModelChoiceField(
        label=_("country of venue"), queryset=Country.objects.all(), required=False
    )
    participants = forms.CharField(
        label=_("participants"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60, "class": "vLargeTextField"}),
        required=False,
        help_text=_("One per line: name | title then | country code."),
    )
    countries = forms.CharField(
        label=_("countries"),
        max_length=300,
        required=False,
        help_text=_("Country codes, separated by spaces."),
    )
    topics = forms.CharField(
        label=_("topics"), max_length=500, required=False, help_text=_("Separated by commas.")
    )
    parent = forms.ChoiceField(label=_("part of"), required=False)
    sentence = forms.CharField(widget=forms.HiddenInput, required=False)
    referenced = forms.BooleanField(widget=forms.HiddenInput, required=False)
    existing = forms.CharField(widget=forms.HiddenInput, required=False)
    date_note = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parent_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—"), *parent_choices]

    def clean_participants(self):
        return parse_participants(self.cleaned_data["participants"])

    def clean_countries(self):
        codes = self.cleaned_data["countries"].replace(",", " ").upper().split()
        wrong = [code for code in codes if not COUNTRY_CODES.fullmatch(code)]
        known = set(Country.objects.filter(code__in=codes).values_list("code", flat=True))
        wrong += [code for code in codes if COUNTRY_CODES.fullmatch(code) and code not in known]
        if wrong:
            raise ValidationError(
                _("Not a country code: %(codes)s."), params={"codes": ", ".join(wrong)}
            )
        return list(dict.fromkeys(codes))

    def clean_topics(self):
        names = [" ".join(name.split()) for name in self.cleaned_data["topics"].split(",")]
        return list(dict.fromkeys(name[:100] for name in names if name))

    def clean_existing(self):
        return recorded_meetings(self.cleaned_data["existing"])

    def clean(self):
        data = super().clean()
        if not data.get("create"):
            return data
        start, end = data.get("start_date"), data.get("end_date")
        if end and not start:
            self.add_error("end_date", _("An end date needs a start date."))
        elif start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        if not data.get("participants") and "participants" not in self.errors:
            self.add_error("participants", _("A meeting needs at least one participant."))
        return data


class BaseDraftFormSet(forms.BaseFormSet):
    def __init__(self, *args, parent_choices=(), **kwargs):
        self.parent_choices = parent_choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "parent_choices": self.parent_choices}

    def clean(self):
        if any(self.errors):
            return
        for number, form in enumerate(self.forms):
            parent = form.cleaned_data.get("parent")
            if not form.cleaned_data.get("create") or not parent:
                continue
            index = int(parent)
            other = self.forms[index].cleaned_data if index < len(self.forms) else {}
            recorded = other.get("link_existing") and other.get("existing")
            if index == number:
                form.add_error("parent", _("A meeting cannot be part of itself."))
            elif not other.get("create") and not recorded:
                form.add_error(
                    "parent",
                    _("The event it is part of is not being created: tick it, or choose “—”."),
                )


DraftFormSet = forms.formset_factory(DraftMeetingForm, formset=BaseDraftFormSet, extra=0)


def initial_for(draft):
    return {
        "create": not draft.referenced and not draft.existing,
        "link_existing": bool(draft.existing),
        "title": draft.title[:300],
        "kind": draft.kind,
        "start_date": draft.start,
        "end_date": draft.end,
        "date_precision": draft.date_precision or Meeting.Precision.DAY,
        "location_city": draft.location_city,
        "location_country": draft.location_country,
        "participants": "\n".join(participant_line(person) for person in draft.participants),
        "countries": " ".join(draft.countries),
        "topics": ", ".join(draft.topics),
        "sentence": draft.sentence,
        "referenced": draft.referenced,
        "existing": " ".join(str(meeting.pk) for meeting in draft.existing),
        "date_note": draft.date_note if not draft.start else "",
    }


class MeetingDraftsMixin(ArticleActionsMixin):
    """The article admin's "Draft meetings" page and action."""

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/draft-meetings/",
                self.admin_site.admin_view(self.draft_meetings_view),
                name="articles_article_draft_meetings",
            ),
        ]
        return urls + super().get_urls()

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.can_draft_meetings(request):
            actions["draft_meetings"] = (
                type(self).draft_meetings_action,
                "draft_meetings",
                type(self).draft_meetings_action.short_description,
            )
        return actions

    def draft_meetings_action(self, request, queryset):
        articles = list(queryset[:2])
        if len(articles) != 1:
            self.message_user(
                request, _("Select one article to draft its meetings."), messages.WARNING
            )
            return None
        return HttpResponseRedirect(
            reverse("admin:articles_article_draft_meetings", args=[articles[0].pk])
        )

    draft_meetings_action.short_description = _("Draft meetings from the selected article")

    def can_draft_meetings(self, request):
        return request.user.has_perm(
            f"diplomacy.{get_permission_codename('add', Meeting._meta)}"
        ) and self.has_change_permission(request)

    def draft_meetings_view(self, request, object_id):
        article = self.get_article_to_change(request, object_id)
        if not self.can_draft_meetings(request):
            raise PermissionDenied
        drafts = draft_for_article(article) if request.method != "POST" else []
        count = len(drafts) if drafts else int(request.POST.get("form-TOTAL_FORMS", 0) or 0)
        titles = (
            [draft.title for draft in drafts]
            if drafts
            else [request.POST.get(f"form-{i}-title", "") for i in range(min(count, 100))]
        )
        parent_choices = [(str(i), title[:80] or f"#{i + 1}") for i, title in enumerate(titles)]
        if request.method == "POST":
            formset = DraftFormSet(request.POST, parent_choices=parent_choices)
            if formset.is_valid():
                try:
                    with transaction.atomic():
                        created, linked = self.save_drafts(request, article, formset)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.report_saved(request, created, linked)
                    return self.redirect_to_article(article)
        else:
            initial = [initial_for(draft) for draft in drafts]
            for index, draft in enumerate(drafts):
                if draft.parent is not None and draft.parent in drafts:
                    initial[index]["parent"] = str(drafts.index(draft.parent))
            formset = DraftFormSet(initial=initial, parent_choices=parent_choices)
        rows = [
            {
                "form": form,
                "sentence": form["sentence"].value() or "",
                "date_note": form["date_note"].value() or "",
                "referenced": form["referenced"].value() in (True, "True", "true", "on"),
                "existing": recorded_meetings(form["existing"].value()),
            }
            for form in formset.forms
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Draft meetings from “%(headline)s”") % {"headline": article.headline},
            "formset": formset,
            "rows": rows,
            "article_date": article.published_on,
            "can_add_person": self.can_add_person(request),
            "change_url": reverse("admin:articles_article_change", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/draft_meetings.html", context)

    def save_drafts(self, request, article, formset):
        """Create the ticked meetings as drafts and link them and the ticked existing ones
        to the article. Raises ValidationError (and the caller's transaction rolls back)
        when a new person is needed and the editor may not add people."""
        created, linked, made = [], [], {}
        for index, form in enumerate(formset.forms):
            data = form.cleaned_data
            if data.get("link_existing") and data.get("existing"):
                article.meetings.add(*data["existing"])
                linked += data["existing"]
            if not data.get("create"):
                continue
            meeting = Meeting(
                title=data["title"],
                kind=data["kind"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                date_precision=data["date_precision"],
                location_city=data["location_city"],
                location_country=data["location_country"],
                status=Status.DRAFT,
            )
            meeting.created_by = meeting.updated_by = request.user
            meeting.full_clean(exclude=["slug", "parent"])
            meeting.save()
            codes = list(data["countries"])
            for order, (name, title, code) in enumerate(data["participants"]):
                person = self.person_for(request, name, title, code, article)
                country_id = code if code and Country.objects.filter(code=code).exists() else None
                country_id = country_id or person.country_id
                Participant.objects.get_or_create(
                    meeting=meeting,
                    person=person,
                    defaults={"title": title, "country_id": country_id, "order": order},
                )
                if country_id:
                    codes.append(country_id)
            if codes:
                meeting.countries.add(*dict.fromkeys(codes))
            if data["topics"]:
                meeting.topics.add(*data["topics"])
            article.meetings.add(meeting)
            self.log_addition(request, meeting, [{"added": {}}])
            made[index] = meeting
            created.append(meeting)
        for index, meeting in made.items():
            parent = formset.forms[index].cleaned_data.get("parent")
            if parent:
                # The event it was part of: created now, or the one already recorded.
                other = formset.forms[int(parent)].cleaned_data
                meeting.parent = made.get(int(parent)) or other["existing"][0]
                meeting.save(update_fields=["parent"])
        if created or linked:
            self.touch(request, article)
            self.log_change(
                request,
                article,
                _("Linked %(count)d meetings from “Draft meetings”.")
                % {"count": len(created) + len(linked)},
            )
        return created, linked

    def person_for(self, request, name, title, code, article):
        """The person of that name (and country, when given), or a new one with the title
        as a position from the article's date."""
        candidates = self.people_named(name)
        if code:
            candidates = [p for p in candidates if p.country_id in (code, None)] or candidates
        if candidates:
            return candidates[0]
        if not self.can_add_person(request):
            raise ValidationError(
                _("%(name)s is not in the database, and you may not add people."),
                params={"name": name},
            )
        country = Country.objects.filter(code=code).first() if code else None
        return self.create_person(request, name, title, country, article)

    def report_saved(self, request, created, linked):
        if not created and not linked:
            self.message_user(request, _("Nothing was ticked: no meeting saved."), messages.WARNING)
            return
        parts = []
        if created:
            links = format_html(
                ", ".join(['<a href="{}">{}</a>'] * len(created)),
                *[
                    value
                    for meeting in created
                    for value in (
                        reverse("admin:diplomacy_meeting_change", args=[meeting.pk]),
                        meeting.title,
                    )
                ],
            )
            parts.append(
                format_html(
                    "{} {}",
                    ngettext(
                        "Created %(count)d draft meeting:",
                        "Created %(count)d draft meetings:",
                        len(created),
                    )
                    % {"count": len(created)},
                    links,
                )
            )
        if linked:
            parts.append(
                ngettext(
                    "Linked %(count)d meeting already recorded.",
                    "Linked %(count)d meetings already recorded.",
                    len(linked),
                )
                % {"count": len(linked)}
            )
        self.message_user(
            request, format_html(" ".join(["{}"] * len(parts)), *parts), messages.SUCCESS
        )

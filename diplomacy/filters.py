"""The public meeting list's filters. Their parameter names are part of the public interface:
country (ISO code, repeatable), country_match (any/all), person (slug), organization (slug),
kind, date_from, date_to (YYYY-MM-DD), topic (tag slug), q.

Every condition on a relation is a semi-join subquery on the meeting row (MeetingQuerySet),
so conditions on different relations always describe the same meeting ("person X and
country Y in one meeting") and a meeting never appears twice, whatever the combination.
"""

import re

import django_filters
from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from diplomacy.caching import remembered
from diplomacy.models import Country, Meeting, Organization, Person, Topic
from diplomacy.text import fold, strip_control

ISO_CODE = re.compile(r"^[A-Za-z]{2}$")
# The most countries one list takes (every EU member fits): each chip and facet link repeats
# the whole query, so a list naming all 249 countries was a page of over a megabyte.
MAX_COUNTRIES = 30


def country_choices():
    """[(code, name)] of every country in the reader's language, in the order of the names
    the reader sees; computed once per language until the record changes."""

    def compute():
        names = [(country.code, country.local_name) for country in Country.objects.all()]
        return sorted(names, key=lambda choice: fold(choice[1]))

    return remembered("country-choices", get_language(), compute)


class LocalNameChoices(ModelChoiceIterator):
    """Countries in the order of the names the reader sees."""

    def __iter__(self):
        yield from country_choices()


class CountrySelectMultiple(forms.SelectMultiple):
    """The country list as Django's multiple select renders it, but built in Python: 249
    options through the template engine cost more than the rest of the list page."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item).upper() for item in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (code, mark_safe(" selected") if str(code) in chosen else "", label)
                for code, label in self.choices
            ),
        )
        return format_html("<select{} multiple>\n{}\n</select>", flatatt(final_attrs), options)


class CountryCodesField(django_filters.fields.ModelMultipleChoiceField):
    """Accepts ISO codes in any case (vn, VN) and rejects junk before it reaches the database."""

    iterator = LocalNameChoices

    def label_from_instance(self, obj):
        return obj.local_name

    def clean(self, value):
        if value:
            value = [code.strip() for code in value]
            bad = [code for code in value if not ISO_CODE.match(code)]
            if bad:
                raise forms.ValidationError(
                    _("“%(code)s” is not a country code (use ISO codes such as VN or PS)."),
                    params={"code": bad[0][:20]},
                )
            value = list(dict.fromkeys(code.upper() for code in value))
            if len(value) > MAX_COUNTRIES:
                raise forms.ValidationError(
                    _("Choose at most %(limit)d countries."), params={"limit": MAX_COUNTRIES}
                )
        return super().clean(value)


class EntityField(forms.CharField):
    """A slug, or a name that identifies exactly one row; cleans to the row itself.

    Readers without JavaScript can type a name ("Bui Thanh Son"); shared links carry slugs.
    `rows` is called for each value rather than being a queryset built when the filter class
    is defined: `public()` reads the clock when it is called, and a queryset built at start-up
    would never see a meeting whose scheduled publication came after it.
    """

    def __init__(self, *, rows, noun, **kwargs):
        self.rows = rows
        self.noun = noun
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        rows = self.rows()
        by_slug = list(rows.filter(slug=value)[:1])
        if by_slug:
            return by_slug[0]
        matches = list(rows.filter(search_text__contains=fold(value))[:2])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise forms.ValidationError(
                _("No %(noun)s matches “%(value)s”."), params={"noun": self.noun, "value": value}
            )
        raise forms.ValidationError(
            _("Several %(noun)s entries match “%(value)s”; pick one from the suggestions."),
            params={"noun": self.noun, "value": value},
        )


class TopicField(forms.CharField):
    """A public topic's slug or name. A topic used only on drafts gets the answer a missing
    one gets, so the filter cannot be used to list unpublished topics."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        topic = Topic.objects.public().filter(Q(slug=value) | Q(name__iexact=value)).first()
        if topic is None:
            raise forms.ValidationError(_("No topic “%(value)s”."), params={"value": value})
        return topic


class CountryFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CountryCodesField


class EntityFilter(django_filters.Filter):
    field_class = EntityField


class TopicFilter(django_filters.Filter):
    field_class = TopicField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)  # as long as a topic name can be
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MeetingFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range is before its start."))
        return cleaned


class MeetingFilter(django_filters.FilterSet):
    class CountryMatch:
        ANY = "any"
        ALL = "all"
        choices = [
            (ANY, _("any of these countries")),
            (ALL, _("all of these countries")),
        ]

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, place, name")}),
    )
    country = CountryFilter(
        label=_("Countries"),
        queryset=Country.objects.all(),
        to_field_name="code",
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        method="filter_countries",
        widget=CountrySelectMultiple(attrs={"size": 6}),
    )
    country_match = django_filters.ChoiceFilter(
        label=_("Match"),
        choices=CountryMatch.choices,
        empty_label=None,
        method="filter_nothing",
        widget=forms.RadioSelect,
    )
    person = EntityFilter(
        label=_("Person"),
        method="filter_person",
        rows=Person.objects.public,
        noun=_("person"),
        widget=forms.TextInput(
            attrs={"list": "person-options", "data-suggest": "people", "autocomplete": "off"}
        ),
    )
    organization = EntityFilter(
        label=_("Organization"),
        method="filter_organization",
        rows=Organization.objects.public,
        noun=_("organization"),
        widget=forms.TextInput(
            attrs={
                "list": "organization-options",
                "data-suggest": "organizations",
                "autocomplete": "off",
            }
        ),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Meeting.Kind.choices, empty_label=_("Any kind")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_date_from", widget=DateInput()
    )
    date_to = django_filters.DateFilter(label=_("To"), method="filter_date_to", widget=DateInput())
    topic = TopicFilter(label=_("Topic"), method="filter_topic")
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[("newest", _("Newest first")), ("oldest", _("Oldest first"))],
        empty_label=None,
        method="filter_sort",
    )

    class Meta:
        model = Meeting
        form = MeetingFilterForm
        fields = [
            "q",
            "country",
            "country_match",
            "person",
            "organization",
            "kind",
            "date_from",
            "date_to",
            "topic",
            "sort",
        ]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Control characters mean nothing in a filter and cannot appear in XML feeds.
            data = data.copy()
            for name in list(data):
                if hasattr(data, "setlist"):
                    data.setlist(name, [strip_control(value) for value in data.getlist(name)])
                elif isinstance(data[name], str):
                    data[name] = strip_control(data[name])
        # A missing country_match means "any", without turning the form invalid.
        if data is not None and not (data.get("country_match") and data.get("sort")):
            data = data.copy()
            data.setdefault("country_match", self.CountryMatch.ANY)
            data.setdefault("sort", "newest")
            # An empty value in a shared link ("sort=") means the default too.
            data["country_match"] = data["country_match"] or self.CountryMatch.ANY
            data["sort"] = data["sort"] or "newest"
        super().__init__(data, *args, **kwargs)

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.oldest_first() if value == "oldest" else queryset.newest_first()

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_countries(self, queryset, name, countries):
        if not countries:
            return queryset
        data = self.form.cleaned_data
        match_all = data.get("country_match") == self.CountryMatch.ALL
        narrowed = bool(data.get("person") or data.get("organization"))
        return queryset.with_countries([c.pk for c in countries], match_all, probe=narrowed)

    def filter_person(self, queryset, name, person):
        return queryset.with_person(person)

    def filter_organization(self, queryset, name, organization):
        return queryset.with_organization(organization)

    def filter_topic(self, queryset, name, topic):
        return queryset.with_topic(topic)

    def filter_date_from(self, queryset, name, day):
        # A meeting matches when any of its days falls in the range.
        return queryset.filter(Q(end_date__gte=day) | Q(end_date__isnull=True, start_date__gte=day))

    def filter_date_to(self, queryset, name, day):
        return queryset.filter(start_date__lte=day)


def filter_meetings(params):
    """The meeting list's filter for these query parameters, and the published meetings it
    selects (none when a parameter is malformed). The list, its exports and its feeds share
    it, so a link gives the same meetings in every format."""
    filterset = MeetingFilter(params or None, queryset=Meeting.objects.published())
    if filterset.is_bound and not filterset.is_valid():
        return filterset, Meeting.objects.none()
    if not filterset.is_bound:
        return filterset, filterset.qs.newest_first()
    return filterset, filterset.qs


def query_without(params, name, value=None):
    """The query string without parameter `name` (or only its `value`), and without page."""
    query = params.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [item for item in query.getlist(name) if item != value])
    return query.urlencode()


def query_with(params, **values):
    """The query string with these parameters set (lists add to repeatable ones)."""
    query = params.copy()
    query.pop("page", None)
    for name, value in values.items():
        if isinstance(value, list):
            current = query.getlist(name)
            query.setlist(name, current + [item for item in value if item not in current])
        else:
            query[name] = value
    return query.urlencode()


def active_filters(filterset):
    """(label, value, query string without it) for each filter in use: the removable chips."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    data, cleaned = filterset.data, filterset.form.cleaned_data
    chips = []
    for country in cleaned.get("country") or []:
        raw = next((code for code in data.getlist("country") if code.upper() == country.pk), "")
        chips.append((_("Country"), country.local_name, query_without(data, "country", raw)))
    if len(cleaned.get("country") or []) > 1:
        match = dict(MeetingFilter.CountryMatch.choices)[cleaned["country_match"]]
        chips.append((_("Match"), match, query_without(data, "country_match")))
    for name, label in [("person", _("Person")), ("organization", _("Organization"))]:
        if cleaned.get(name):
            chips.append((label, cleaned[name], query_without(data, name)))
    if cleaned.get("kind"):
        chips.append((_("Kind"), Meeting.Kind(cleaned["kind"]).label, query_without(data, "kind")))
    if cleaned.get("date_from"):
        chips.append((_("From"), cleaned["date_from"], query_without(data, "date_from")))
    if cleaned.get("date_to"):
        chips.append((_("To"), cleaned["date_to"], query_without(data, "date_to")))
    if cleaned.get("topic"):
        chips.append((_("Topic"), cleaned["topic"], query_without(data, "topic")))
    if cleaned.get("q"):
        chips.append((_("Search"), cleaned["q"], query_without(data, "q")))
    return chips

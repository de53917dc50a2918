"""Hostile input at every admin page of every registered model: no query string, id or form
post gives a server error.

Logged in as a publisher (the most an editorial account may do), Hypothesis sends each
model's list random query strings: the model's fields with their lookups, the list's filter
parameters, the date hierarchy and the admin's own parameters (`q`, `o`, `p`, `e`,
`_to_field`, `_facets`...), with hostile values (huge and negative numbers, dates out of
range, NUL and other control characters, any Unicode, very long text). It opens random ids
at the change, delete and history pages, posts the change and add forms with hostile values
in place of valid ones (the inlines' management forms included), runs the list's actions on
hostile selections and asks the autocomplete for hostile terms. Models a publisher may not
see (users, groups, login attempts, taggit's own tags) answer 403; they are tried as a
superuser too.

An answer may be anything below 500. Run it on SQLite and on PostgreSQL (DATABASE_URL): they
refuse different things (PostgreSQL: NUL in text, integers out of range; SQLite: integers
beyond 64 bits, LIKE patterns over 50,000 bytes).

FUZZ_EXAMPLES sets the examples per test as in tests/fuzzing.py (`make fuzz`); without it,
10, which keeps `make test` quick. The requests are counted in the same `fuzz_cases` line.
"""

import traceback
from functools import cache
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from diplomacy.roles import PUBLISHER_PERMISSIONS
from tests.factories import PublisherFactory, UserFactory
from tests.fuzzing import (
    FUZZ,
    SNIPPETS,
    TALLY,
    count_cases,
    env_int,
    hostile_text,
    quiet_request_logs,
)

EXAMPLES = env_int("FUZZ_EXAMPLES", 10)
ADMIN_FUZZ = hypothesis_settings(FUZZ, max_examples=EXAMPLES)

MODELS = {f"{model._meta.label}": model for model in admin.site._registry}


def publisher_may_view(model):
    opts = model._meta
    return "view" in PUBLISHER_PERMISSIONS.get(opts.app_label, {}).get(opts.model_name, [])


# Every model as the publisher; those the publisher may not even see, as a superuser too.
WHO = [(label, "publisher") for label in MODELS] + [
    (label, "superuser") for label, model in MODELS.items() if not publisher_may_view(model)
]
WHO_IDS = [f"{label}-{user}" for label, user in WHO]


def url_name(model, view):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


# The record and the users, once for the module ---------------------------------------------

USERS = {}


@pytest.fixture(scope="module", autouse=True)
def demo_record(request, django_db_setup, django_db_blocker):
    """The demo record and the two users, made once for the module and rolled back after."""
    count_cases(request.config)
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        USERS["publisher"] = PublisherFactory(username="fuzz-publisher")
        USERS["superuser"] = UserFactory(username="fuzz-root", is_staff=True, is_superuser=True)
        yield
        transaction.set_rollback(True)
    USERS.clear()
    FORM_VALUES.clear()
    keys_of.cache_clear()
    pks_of.cache_clear()


@pytest.fixture(scope="module", autouse=True)
def quiet_logs():
    with quiet_request_logs():
        yield


@pytest.fixture
def send(db):
    """send(user, method, path, data=None, query="") -> the response, failing the test on a
    5xx with the request and the server's traceback. Each request runs in a savepoint that is
    rolled back, so one request's changes and database errors stay out of the next."""
    clients = {}
    errors = []

    def record(sender, **kwargs):
        errors.append(traceback.format_exc())

    got_request_exception.connect(record, weak=False)

    def send(user, method, path, data=None, query=""):
        if user not in clients:
            clients[user] = Client(raise_request_exception=False)
            clients[user].force_login(USERS[user])
        TALLY.cases += 1
        errors.clear()
        client = clients[user]
        with transaction.atomic():
            if method == "GET":
                response = client.get(path, QUERY_STRING=query)
            else:
                response = client.post(f"{path}?{query}" if query else path, data or {})
            transaction.set_rollback(True)
        shown = repr(query if len(query) <= 300 else f"{query[:300]}... ({len(query)})")
        sent = repr(data)[:1500]
        described = f"{user}: {method} {path!r} query={shown} data={sent}"
        assert not errors, f"{described} raised:\n{errors[0]}"
        assert response.status_code < 500, f"{described} answered {response.status_code}"
        return response

    yield send
    got_request_exception.disconnect(record)


# What to send ---------------------------------------------------------------------------------

LOOKUPS = [
    "exact",
    "iexact",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "range",
    "isnull",
    "contains",
    "icontains",
    "startswith",
    "regex",
    "year",
    "month",
    "day",
    "date",
]
ADMIN_PARAMETERS = ["q", "o", "p", "e", "all", "_to_field", "_facets", "_popup", "t"]


@cache
def keys_of(label):
    """The query parameters the list of `label` could read: every field with its lookups
    (and the related model's key for a relation), the list's filters, the date hierarchy."""
    model = MODELS[label]
    model_admin = admin.site._registry[model]
    keys = list(ADMIN_PARAMETERS)
    for field in model._meta.get_fields():
        keys.append(field.name)
        keys += [f"{field.name}__{lookup}" for lookup in LOOKUPS]
        if field.is_relation and field.related_model is not None:
            related = field.related_model._meta.pk.name
            keys += [f"{field.name}__{related}", f"{field.name}__{related}__in"]
    request = RequestFactory().get("/")
    request.user = USERS["superuser"]
    changelist = model_admin.get_changelist_instance(request)
    for spec in changelist.filter_specs:
        keys += spec.expected_parameters()
    if model_admin.date_hierarchy:
        keys += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return tuple(dict.fromkeys(keys))


@cache
def pks_of(label):
    model = MODELS[label]
    return tuple(str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:50])


def choice_values(label):
    model = MODELS[label]
    return sorted(
        {str(value) for field in model._meta.fields for value, _label in field.flatchoices}
    )


numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "0",
            "-1",
            "1",
            "2147483647",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "9223372036854775808",
            "99999999999999999999",
            "1e309",
            "NaN",
            "1.5",
            "١٢",
        ]
    ),
)
dates = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "10000-01-01",
            "0000-00-00",
            "2024-02-30",
            "-2024-01-01",
            "2024-02-26T25:00",
            "9999-12-31 23:59:59",
        ]
    ),
)
orderings = st.one_of(
    st.lists(st.integers(min_value=-30, max_value=30).map(str), max_size=4).map(".".join),
    st.sampled_from(["-", ".", "..", "1.-1", "99999999999999999999", "-0"]),
)
# Year, month and day of a date hierarchy, near and past the ends of the calendar.
calendar_parts = st.one_of(
    st.integers(min_value=-2, max_value=10_001).map(str),
    st.sampled_from(["0", "1", "12", "13", "31", "32", "9999", "99999999999", "x"]),
)


def values_for(label):
    return st.one_of(
        hostile_text,
        numbers,
        dates,
        orderings,
        calendar_parts,
        st.sampled_from([*pks_of(label), *choice_values(label), "True", "False", "1", "0"])
        if pks_of(label) or choice_values(label)
        else st.just(""),
    )


def query_strings(label):
    keys = st.sampled_from(keys_of(label))
    pairs = st.one_of(
        st.tuples(keys, values_for(label)),
        st.tuples(keys, values_for(label)),
        st.tuples(hostile_text, hostile_text),
    )
    return st.lists(pairs, max_size=8).map(urlencode)


def path_segment(label):
    """An id for an address: a real one, a number, or hostile text, percent-escaped."""
    text = st.one_of(st.sampled_from(pks_of(label) or ("1",)), numbers, hostile_text)
    return st.one_of(
        text.map(lambda value: quote(value, safe="")),
        st.binary(min_size=1, max_size=12).map(lambda raw: quote(raw, safe="")),
    )


# The tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("label, user", WHO, ids=WHO_IDS)
@ADMIN_FUZZ
@given(data=st.data())
def test_every_list_survives_any_query(send, label, user, data):
    query = data.draw(query_strings(label), label="query")
    send(user, "GET", reverse(url_name(MODELS[label], "changelist")), query=query)


@pytest.mark.parametrize("label, user", WHO, ids=WHO_IDS)
@ADMIN_FUZZ
@given(data=st.data())
def test_every_object_page_survives_any_id(send, label, user, data):
    base = reverse(url_name(MODELS[label], "changelist"))
    object_id = data.draw(path_segment(label), label="id")
    end = data.draw(
        st.sampled_from(["change/", "delete/", "history/", "", "change"])
        | path_segment(label).map(lambda version: f"history/{version}/"),
        label="page",
    )
    send(user, "GET", f"{base}{object_id}/{end}")


FORM_VALUES = {}


def form_of(send, form_values, user, path):
    """What a browser would post from the form at `path` (empty if the user may not open it),
    read once per module."""
    if (user, path) not in FORM_VALUES:
        response = send(user, "GET", path)
        FORM_VALUES[user, path] = (
            form_values(response)
            if response.status_code == 200 and "adminform" in (response.context or {})
            else {}
        )
    return dict(FORM_VALUES[user, path])


def changed_names(names):
    """A form's names, and the same names for another row of an inline."""
    rows = st.integers(min_value=0, max_value=1001)
    renamed = st.sampled_from(names).flatmap(
        lambda name: rows.map(lambda row: _other_row(name, row))
    )
    return st.one_of(st.sampled_from(names), renamed, hostile_text)


def _other_row(name, row):
    prefix, dash, rest = name.partition("-")
    index, dash2, field = rest.partition("-")
    return f"{prefix}-{row}-{field}" if dash and dash2 and index.isdigit() else name


@pytest.mark.parametrize("label, user", WHO, ids=WHO_IDS)
@ADMIN_FUZZ
@given(data=st.data())
def test_every_form_survives_any_post(send, form_values, label, user, data):
    model = MODELS[label]
    pks = pks_of(label)
    target = data.draw(st.sampled_from(["add", *(["change"] if pks else [])]), label="form")
    if target == "add":
        path = reverse(url_name(model, "add"))
    else:
        pk = data.draw(st.sampled_from(pks), label="pk")
        path = reverse(url_name(model, "change"), args=[pk])
    values = form_of(send, form_values, user, path)
    names = sorted(values) or ["_save"]
    changes = data.draw(
        st.lists(st.tuples(changed_names(names), values_for(label)), min_size=1, max_size=4),
        label="changes",
    )
    for name, value in changes:
        values[name] = value
    submit = data.draw(st.sampled_from(["_save", "_continue", "_addanother", "_saveasnew"]))
    send(user, "POST", path, {**values, submit: "Save"})


@pytest.mark.parametrize("label, user", WHO, ids=WHO_IDS)
@ADMIN_FUZZ
@given(data=st.data())
def test_every_action_survives_any_selection(send, label, user, data):
    model = MODELS[label]
    request = RequestFactory().post("/")
    request.user = USERS[user]
    actions = sorted(admin.site._registry[model].get_actions(request)) or ["delete_selected"]
    selection = st.one_of(st.sampled_from(pks_of(label) or ("1",)), numbers, hostile_text)
    post = {
        "action": data.draw(st.sampled_from(actions) | hostile_text, label="action"),
        "_selected_action": data.draw(st.lists(selection, max_size=5), label="selected"),
        "index": data.draw(st.sampled_from(["0", "1", "-1", "x"]), label="index"),
    }
    extra = st.sampled_from(["post", "select_across", "survivor", "previewed", "q"])
    for name, value in data.draw(st.lists(st.tuples(extra, values_for(label)), max_size=3)):
        post[name] = value
    query = data.draw(st.one_of(st.just(""), query_strings(label)), label="query")
    send(user, "POST", reverse(url_name(model, "changelist")), post, query=query)


def autocomplete_fields():
    """(app label, model name, field name) of every autocomplete in the admin, with its
    inlines'."""
    found = []
    for model, model_admin in admin.site._registry.items():
        owners = [(model, model_admin)] + [
            (inline.model, inline(model, admin.site)) for inline in model_admin.inlines
        ]
        for owner, owner_admin in owners:
            for name in owner_admin.autocomplete_fields:
                found.append((owner._meta.app_label, owner._meta.model_name, name))
    return sorted(set(found))


@pytest.mark.parametrize("source", autocomplete_fields(), ids="-".join)
@ADMIN_FUZZ
@given(data=st.data())
def test_every_autocomplete_survives_any_term(send, source, data):
    app_label, model_name, field_name = source
    parameters = [
        ("app_label", data.draw(st.just(app_label) | hostile_text)),
        ("model_name", data.draw(st.just(model_name) | hostile_text)),
        ("field_name", data.draw(st.just(field_name) | hostile_text)),
        ("term", data.draw(hostile_text | st.sampled_from(SNIPPETS), label="term")),
        ("page", data.draw(numbers)),
    ]
    send("publisher", "GET", reverse("admin:autocomplete"), query=urlencode(parameters))

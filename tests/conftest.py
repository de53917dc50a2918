from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.factories import EditorFactory, PublisherFactory


@pytest.fixture
def editor(db):
    """A staff user in the Editors group, not a superuser."""
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher(db):
    """A staff user in the Publishers group, not a superuser."""
    return PublisherFactory()


@pytest.fixture
def publisher_client(publisher):
    """Its own client, so a test can use it beside `editor_client`."""
    client = Client()
    client.force_login(publisher)
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no page rendered by an earlier test (whose data
    was rolled back without any commit to end the generation) is served to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fresh_gazetteer(monkeypatch):
    """Each test starts with no cached matcher: tests never commit, so the rebuild that a
    commit triggers in production would otherwise leave one test's names in the next."""
    from django.core.cache import cache

    from diplomacy.suggest import gazetteer

    cache.delete(gazetteer.VERSION_KEY)
    monkeypatch.setattr(gazetteer, "_cached", (None, None))


class _FormValues(HTMLParser):
    """The values a browser would submit from the form with id `form_id`: enabled inputs
    (checkboxes and radios when checked), textareas and selected options."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.values = []
        self.select = None  # (name, multiple, options, selected)
        self.option = None
        self.textarea = None

    def wanted(self, attrs):
        name = attrs.get("name")
        return (
            self.in_form
            and name
            and "__prefix__" not in name
            and "disabled" not in attrs
            and attrs.get("form", self.form_id) == self.form_id
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        elif tag == "input" and self.wanted(attrs):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.values.append((attrs["name"], attrs.get("value") or default))
        elif tag == "textarea" and self.wanted(attrs):
            self.textarea = [attrs["name"], ""]
        elif tag == "select" and self.wanted(attrs):
            self.select = (attrs["name"], "multiple" in attrs, [], [])
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), ""]
            self.select[2].append(self.option)
            if "selected" in attrs:
                self.select[3].append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        if self.option is not None:
            self.option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # Browsers drop the line break that follows <textarea>.
            self.values.append(
                (name, text[2:] if text.startswith("\r\n") else text.removeprefix("\n"))
            )
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            name, multiple, options, selected = self.select
            if not selected and not multiple and options:
                selected = options[:1]
            self.values += [(name, o[0] if o[0] is not None else o[1]) for o in selected]
            self.select = None


def admin_form_values(response):
    """What a browser would post from the admin change form in `response`, as a dict with
    a list for names that occur more than once (multiple selects)."""
    assert response.status_code == 200
    opts = response.context["opts"]
    parser = _FormValues(f"{opts.model_name}_form")
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.values:
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    return data


@pytest.fixture
def open_form():
    """open_form(client, url): open an admin form as an editor's browser would, returning
    the values it would post (edit them, then post them)."""

    def open_(client, url):
        return admin_form_values(client.get(url))

    return open_


@pytest.fixture
def form_values():
    """form_values(response): what a browser would post from the admin form it shows."""
    return admin_form_values

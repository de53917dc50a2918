import pytest

from tests.factories import EditorFactory


@pytest.fixture
def editor(db):
    """A staff user in the Editors group, not a superuser."""
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def fresh_gazetteer(monkeypatch):
    """Each test starts with no cached matcher: tests never commit, so the rebuild that a
    commit triggers in production would otherwise leave one test's names in the next."""
    from django.core.cache import cache

    from diplomacy.suggest import gazetteer

    cache.delete(gazetteer.VERSION_KEY)
    monkeypatch.setattr(gazetteer, "_cached", (None, None))

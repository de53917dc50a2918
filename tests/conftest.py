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

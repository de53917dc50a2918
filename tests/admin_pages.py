"""Small helpers the admin tests share: a record's change page, saving a form, the messages
a response carries."""

from django.contrib.messages import get_messages
from django.urls import reverse


def change_url(obj):
    """The admin change page of `obj`."""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def save(client, url, data, follow=False):
    """Post the change form's `data` with the "Save" button."""
    return client.post(url, {**data, "_save": "Save"}, follow=follow)


def messages_of(response):
    """The texts of the messages the response's request carries (shown or still queued)."""
    return [str(message) for message in get_messages(response.wsgi_request)]

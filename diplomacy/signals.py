"""Keep derived data in step with the record, and keep text the record cannot hold out of it."""

from functools import cache

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from articles.models import Article
from diplomacy.models import Country, Meeting, Organization, Person, Revision
from diplomacy.suggest.gazetteer import invalidate_gazetteer
from diplomacy.text import strip_control

# The apps whose text reaches public pages, feeds and exports.
TEXT_APPS = frozenset({"diplomacy", "articles"})


@receiver([post_save, post_delete], sender=Country)
@receiver([post_save, post_delete], sender=Person)
@receiver([post_save, post_delete], sender=Organization)
def rebuild_gazetteer(sender, **kwargs):
    invalidate_gazetteer()


@cache
def text_fields(model):
    """The attribute names of the model's text columns (CharField and TextField, slugs and
    URLs included)."""
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    )


@receiver(pre_save)
def strip_control_characters(sender, instance, **kwargs):
    """Every save, whatever writes it (the admin, the import, accepted drafts, demo data),
    drops the control characters XML 1.0 forbids from the record's text: an ESC pasted from
    a terminal into a title would otherwise make the RSS and Atom feeds unwritable."""
    if sender._meta.app_label not in TEXT_APPS:
        return
    for name in text_fields(sender):
        value = getattr(instance, name)
        if isinstance(value, str):
            setattr(instance, name, strip_control(value))


@receiver(post_delete, sender=Meeting)
@receiver(post_delete, sender=Article)
def forget_revisions(sender, instance, using, **kwargs):
    """The revisions of a deleted meeting or article can no longer be applied."""
    Revision.objects.using(using).of(instance).delete()

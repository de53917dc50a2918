"""Keep derived data in step with the record."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from diplomacy.models import Country, Organization, Person
from diplomacy.suggest.gazetteer import invalidate_gazetteer


@receiver([post_save, post_delete], sender=Country)
@receiver([post_save, post_delete], sender=Person)
@receiver([post_save, post_delete], sender=Organization)
def rebuild_gazetteer(sender, **kwargs):
    invalidate_gazetteer()

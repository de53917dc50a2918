"""Keep derived data in step with the record."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article
from diplomacy.models import Country, Meeting, Organization, Person, Revision
from diplomacy.suggest.gazetteer import invalidate_gazetteer


@receiver([post_save, post_delete], sender=Country)
@receiver([post_save, post_delete], sender=Person)
@receiver([post_save, post_delete], sender=Organization)
def rebuild_gazetteer(sender, **kwargs):
    invalidate_gazetteer()


@receiver(post_delete, sender=Meeting)
@receiver(post_delete, sender=Article)
def forget_revisions(sender, instance, using, **kwargs):
    """The revisions of a deleted meeting or article can no longer be applied."""
    Revision.objects.using(using).of(instance).delete()

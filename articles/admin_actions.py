"""What the article admin's own pages share ("Suggested entities" and "Draft meetings"):
the article to change, the way back to it, marking it changed, and people by name."""

from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from diplomacy.models import Person, Position
from diplomacy.text import fold


class ArticleActionsMixin:
    def get_article_to_change(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No article with this id."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def redirect_to_article(self, article):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def touch(self, request, article):
        article.updated_by = request.user
        article.save(update_fields=["updated", "updated_by"])

    def can_add_person(self, request):
        return all(
            request.user.has_perm(f"diplomacy.{get_permission_codename('add', model._meta)}")
            for model in (Person, Position)
        )

    @staticmethod
    def people_named(name, **filters):
        """The people (matching `filters`) whose name or ASCII name is `name`, whatever its
        case or diacritics."""
        key = fold(name)
        return [
            person
            for person in Person.objects.search(name).filter(**filters)
            if key in (fold(person.name), fold(person.name_ascii))
        ]

    def create_person(self, request, name, title, country, article):
        """A new person, with `title` (when given) as a position from the article's date."""
        person = Person(name=name, country=country)
        person.created_by = person.updated_by = request.user
        person.save()
        if title:
            Position.objects.create(
                person=person, title=title, country=country, start_date=article.published_on
            )
        self.log_addition(request, person, [{"added": {}}])
        return person

"""Public article pages. Drafts never appear, nor do draft meetings they report."""

import re

from django.conf import settings
from django.shortcuts import get_object_or_404, render

from articles.models import Article, Outlet
from articles.rendering import body_html, linked_paragraphs
from articles.sanitize import looks_like_html
from diplomacy.suggest import COUNTRY, ORGANIZATION, PERSON, suggest
from diplomacy.views import paginate

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


def article_list(request):
    articles = Article.objects.published().for_list().newest_first()
    query = request.GET.get("q", "")[:200]
    if query:
        articles = articles.search(query)
    outlet = None
    outlet_slug = request.GET.get("outlet", "")
    if outlet_slug:
        # Only a well-formed slug reaches the database; anything else matches nothing.
        outlet = (
            Outlet.objects.filter(slug=outlet_slug).first() if SLUG.match(outlet_slug) else None
        )
        articles = articles.filter(outlet=outlet) if outlet else articles.none()
    page = paginate(request, articles, settings.ARTICLES_PER_PAGE)
    return render(
        request,
        "articles/article_list.html",
        {"page": page, "query": query, "outlet": outlet},
    )


def mention_links(article):
    """(start, end, url) of every mention in the body of an entity tagged on the article.

    Only tagged entities are linked: the editor has confirmed them, and an entity tagged on a
    published article has a public page. An ambiguous name links to the one option tagged.
    """
    urls = {
        COUNTRY: {c.pk: c.get_absolute_url() for c in article.countries.all()},
        PERSON: {p.pk: p.get_absolute_url() for p in article.people.all()},
        ORGANIZATION: {o.pk: o.get_absolute_url() for o in article.organizations.all()},
    }
    if not any(urls.values()):
        return []
    found = suggest({"body": article.body})
    spans = []
    for entity in found.all_entities():
        url = urls[entity.kind].get(entity.key)
        if url:
            spans.extend((m.start, m.end, url) for m in entity.mentions)
    for ambiguity in found.ambiguous:
        tagged = {urls[kind][key] for kind, key, _ in ambiguity.options if key in urls[kind]}
        if len(tagged) == 1:
            url = tagged.pop()
            spans.extend((m.start, m.end, url) for m in ambiguity.mentions)
    return spans


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published().for_detail(), slug=slug)
    context = {
        "article": article,
        "meetings": article.meetings.published().for_list().newest_first(),
    }
    if looks_like_html(article.body):
        # The editor's own markup, reduced to the allow-list; mentions are not linked.
        context["body_html"] = body_html(article.body)
    else:
        # Plain text: paragraphs split on blank lines, tagged entities' mentions linked.
        context["paragraphs"] = linked_paragraphs(article.body, mention_links(article))
    return render(request, "articles/article_detail.html", context)

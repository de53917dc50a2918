"""Public article pages. Drafts never appear, nor do draft meetings they report."""

import re

from django.conf import settings
from django.shortcuts import get_object_or_404, render

from articles.models import Article, Outlet
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


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published().for_detail(), slug=slug)
    context = {
        "article": article,
        "meetings": article.meetings.published().for_list().newest_first(),
    }
    return render(request, "articles/article_detail.html", context)

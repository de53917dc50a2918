"""The interface in English and Vietnamese: the browser's language until the reader picks one
with the switcher, country names and dates in the reader's language."""

import datetime
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from diplomacy.models import Meeting
from tests.factories import ArticleFactory, MeetingFactory, PersonFactory, country

pytestmark = pytest.mark.django_db

VIETNAMESE = {"HTTP_ACCEPT_LANGUAGE": "vi"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def html_lang(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def switcher(html):
    """The language switcher form's markup."""
    match = re.search(r'<form id="language-switcher".*?</form>', html, re.S)
    assert match, "no language switcher on the page"
    return match.group(0)


def render(source, **context):
    return Template("{% load i18n_names %}" + source).render(Context(context))


def test_a_vietnamese_browser_gets_the_vietnamese_interface(client):
    html = html_of(client.get("/", **VIETNAMESE))
    assert html_lang(html) == "vi"
    assert ">Cuộc gặp</a>" in html
    assert ">Quốc gia</a>" in html
    assert ">Meetings</a>" not in html


def test_an_english_browser_gets_the_english_interface(client):
    html = html_of(client.get("/", **ENGLISH))
    assert html_lang(html) == "en"
    assert ">Meetings</a>" in html
    assert ">Cuộc gặp</a>" not in html


def test_a_browser_in_another_language_gets_english(client):
    html = html_of(client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"))
    assert html_lang(html) == "en"


def test_the_switcher_keeps_the_chosen_language_whatever_the_browser_says():
    client = Client(enforce_csrf_checks=True)
    # The switcher posts no CSRF token (public pages carry none, so they can be cached).
    page = html_of(client.get("/meetings/?kind=talks", **ENGLISH))
    assert "csrfmiddlewaretoken" not in switcher(page)
    response = client.post(
        "/i18n/setlang/", {"language": "vi", "next": "/meetings/?kind=talks"}, **ENGLISH
    )
    assert response.status_code == 302
    assert response["Location"] == "/meetings/?kind=talks"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    for path in ["/", "/meetings/", "/articles/"]:
        html = html_of(client.get(path, **ENGLISH))
        assert html_lang(html) == "vi", path
        assert ">Bài viết</a>" in html, path


def test_the_switcher_can_go_back_to_english(client):
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert html_lang(html_of(client.get("/", **VIETNAMESE))) == "en"


def test_an_unknown_language_in_the_switcher_is_ignored(client):
    for code in ["xx", "", "vi<script>", "../../etc"]:
        response = client.post("/i18n/setlang/", {"language": code, "next": "/people/"})
        assert response.status_code == 302, code
        assert response["Location"] == "/people/"
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies, code
    assert html_lang(html_of(client.get("/", **ENGLISH))) == "en"


def test_a_language_the_site_does_not_offer_falls_back_to_the_browser(client):
    # Django knows German, so the cookie is set, but the site only offers en and vi.
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert html_lang(html_of(client.get("/", **VIETNAMESE))) == "vi"
    assert html_lang(html_of(client.get("/", HTTP_ACCEPT_LANGUAGE="de"))) == "en"


def test_the_switcher_does_not_redirect_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_every_public_page_has_the_switcher_with_a_labelled_select(client):
    article = ArticleFactory(headline="Ministers meet")
    meeting = MeetingFactory(title="Talks in Hà Nội")
    for path in [
        "/",
        "/meetings/",
        meeting.get_absolute_url(),
        "/people/",
        "/countries/",
        "/countries/vn/",
        "/organizations/",
        "/articles/",
        article.get_absolute_url(),
    ]:
        form = switcher(html_of(client.get(path, **ENGLISH)))
        assert 'action="/i18n/setlang/"' in form and 'method="post"' in form, path
        assert "csrfmiddlewaretoken" not in form, path
        assert f'name="next" value="{path}"' in form, path
        select_id = re.search(r'<select id="([^"]+)" name="language"', form).group(1)
        assert f'<label for="{select_id}">Language</label>' in form, path
        assert '<option value="en" lang="en" selected>English</option>' in form, path
        assert '<option value="vi" lang="vi">Tiếng Việt</option>' in form, path
        assert '<button type="submit">Go</button>' in form, path


def test_the_switcher_speaks_vietnamese_and_keeps_the_query_string(client):
    form = switcher(html_of(client.get("/articles/?q=ha+noi&page=1", **VIETNAMESE)))
    assert '<label for="language-select">Ngôn ngữ</label>' in form
    assert '<option value="vi" lang="vi" selected>Tiếng Việt</option>' in form
    assert '<button type="submit">Chọn</button>' in form
    assert 'name="next" value="/articles/?q=ha+noi&amp;page=1"' in form


def test_the_not_found_page_is_translated(client):
    response = client.get("/articles/no-such-article/", **VIETNAMESE)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_local_name_gives_country_names_in_the_active_language():
    germany = country("DE")
    with translation.override("vi"):
        assert render("{{ c|local_name }}", c=germany) == "Đức"
        assert render("{{ c|local_name }}", c="de") == "Đức"
        assert render("{{ c|local_name }}", c=country("VN")) == "Việt Nam"
        # Corrected where django-countries is wrong or unidiomatic.
        assert render("{{ c|local_name }}", c=country("PS")) == "Palestine"
        assert render("{{ c|local_name }}", c=country("IS")) == "Iceland"
    with translation.override("en"):
        assert render("{{ c|local_name }}", c=germany) == "Germany"
    assert render("{{ c|local_name }}", c=None) == ""


def test_local_name_keeps_the_record_name_in_english_and_for_unknown_codes():
    vietnam = country("VN")
    vietnam.name = "Viet Nam"
    with translation.override("en"):
        assert render("{{ c|local_name }}", c=vietnam) == "Viet Nam"
    with translation.override("vi"):
        assert render("{{ c|local_name }}", c="XK") == "XK"


def test_by_local_name_sorts_countries_as_the_reader_sees_them():
    countries = [country("DE"), country("AT"), country("DK")]  # Germany, Austria, Denmark
    with translation.override("vi"):
        names = render(
            "{% for c in cs|by_local_name %}{{ c|local_name }};{% endfor %}", cs=countries
        )
    assert names == "Áo;Đan Mạch;Đức;"


def test_country_names_are_vietnamese_on_the_pages(client):
    PersonFactory(name="Annalena Baerbock", country=country("DE"))
    article = ArticleFactory(headline="Ministers meet")
    article.countries.add(country("DE"))
    article.people.add(*article.people.model.objects.filter(name="Annalena Baerbock"))
    assert ">Đức</a>" in html_of(client.get(article.get_absolute_url(), **VIETNAMESE))
    assert ">Đức</a>" in html_of(client.get("/countries/", **VIETNAMESE))
    assert "· Đức</span>" in html_of(client.get("/people/", **VIETNAMESE))
    assert ">Germany</a>" in html_of(client.get("/countries/", **ENGLISH))


def test_meeting_dates_have_vietnamese_month_names():
    meeting = MeetingFactory(start_date=datetime.date(2024, 2, 26))
    month = MeetingFactory(
        start_date=datetime.date(2023, 8, 1), date_precision=Meeting.Precision.MONTH
    )
    with translation.override("vi"):
        assert "26 tháng 2" in meeting.date_label.lower()
        assert "tháng 8" in month.date_label.lower()
        assert "2023" in month.date_label
    with translation.override("en"):
        assert meeting.date_label == "26 February 2024"
        assert month.date_label == "August 2023"


def test_meeting_and_article_dates_are_vietnamese_on_the_pages(client):
    MeetingFactory(title="Talks in Hà Nội", start_date=datetime.date(2024, 2, 26))
    ArticleFactory(headline="Ministers meet", published_on=datetime.date(2024, 2, 27))
    assert "26 tháng 2" in html_of(client.get("/meetings/", **VIETNAMESE)).lower()
    articles = html_of(client.get("/articles/", **VIETNAMESE))
    assert ">27 tháng 2 năm 2024</time>" in articles
    assert ">27 February 2024</time>" in html_of(client.get("/articles/", **ENGLISH))


def test_the_model_labels_are_translated():
    with translation.override("vi"):
        assert str(Meeting.Kind.STATE_VISIT.label) == "Thăm cấp Nhà nước"
        assert str(Meeting.Kind.PHONE_CALL.label) == "Điện đàm"
        assert str(Meeting._meta.verbose_name) == "cuộc gặp"

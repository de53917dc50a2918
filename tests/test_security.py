"""Deployment security: HTTPS settings, the Content-Security-Policy, the admin's address and
the throttling of failed logins."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from articles.models import Article
from diplomacy.models import Meeting, Organization, Person, Status
from diplomacy.settings import client_ip_address
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]

# The policy every response carries, directive by directive.
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# <script> elements that hold data rather than code, which the policy does not block.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


def run_manage(*args, **env):
    """manage.py in a fresh interpreter with exactly `env`, and no developer's .env."""
    clean = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME")}
    clean.update(env, ENV_FILE="", DJANGO_SETTINGS_MODULE="diplomacy.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra):
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "diplomacy.example",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
        **extra,
    }


def show_settings(*names, **env):
    code = "from django.conf import settings; " + "; ".join(
        f"print({name!r}, repr(settings.{name}))" for name in names
    )
    result = run_manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def parse_policy(header):
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCodeFinder(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocked = []
        self._inline_script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.blocked.append(f"style attribute on <{tag}>: {value!r}")
            if name.startswith("on"):
                self.blocked.append(f"event handler {name} on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"javascript: address in <{tag} {name}>")
        if tag == "style":
            self.blocked.append("<style> element")
        if tag == "script" and not attributes.get("src"):
            script_type = (attributes.get("type") or "").strip().lower()
            if script_type not in DATA_SCRIPT_TYPES:
                self._inline_script = []

    def handle_data(self, data):
        if self._inline_script is not None:
            self._inline_script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._inline_script is not None:
            self.blocked.append("inline <script>: " + "".join(self._inline_script)[:80])
            self._inline_script = None


def inline_code(html):
    """Inline scripts, inline styles and event-handler attributes in `html`, described."""
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.blocked


# HTTPS and the other settings `check --deploy` looks at ------------------------------------


def test_production_settings_pass_the_deployment_checks_without_a_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_checks_warn_when_the_cache_is_not_shared():
    env = production_env()
    del env["CACHE_URL"]
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "diplomacy.W001" in result.stderr
    assert "CACHE_URL" in result.stderr


def test_production_settings_require_https_everywhere():
    found = show_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "X_FRAME_OPTIONS",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        **production_env(),
    )
    assert found == {
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
        "SECURE_HSTS_PRELOAD": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_PROXY_SSL_HEADER": "None",
        "X_FRAME_OPTIONS": "'DENY'",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "'same-origin'",
    }


def test_a_development_configuration_serves_plain_http_and_says_so_in_the_checks():
    env = {"SECRET_KEY": "dev", "DEBUG": "1"}
    found = show_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        **env,
    )
    assert found == {
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
    }
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG is on
    assert "security.W004" in result.stderr  # no HSTS


def test_the_https_settings_come_from_the_environment():
    found = show_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        **production_env(
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="3600",
            SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        ),
    )
    assert found == {
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "3600",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
    }


def test_a_malformed_proxy_header_stops_start_up_naming_the_variable():
    result = run_manage(
        "check", **production_env(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto https")
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be a header and a value" in result.stderr


@pytest.mark.django_db
def test_https_requests_get_strict_transport_security(client):
    with override_settings(SECURE_HSTS_SECONDS=31536000):
        response = client.get(reverse("home"), secure=True)
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_when_asked_for(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get(reverse("meeting_list"))
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/meetings/"


# The Content-Security-Policy ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/meetings/", "/no-such-page/", "/admin/login/"])
def test_every_response_carries_the_content_security_policy(client, url):
    response = client.get(url)
    assert parse_policy(response.headers["Content-Security-Policy"]) == EXPECTED_POLICY


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def public_pages():
    """The address of every kind of public HTML page, filled from the demo data."""
    meeting = Meeting.objects.published().exclude(participants=None).first()
    person = Person.objects.filter(participations__meeting=meeting).first()
    organization = Organization.objects.filter(meetings__status=Status.PUBLISHED).first()
    article = Article.objects.published().first()
    codes = sorted(meeting.countries.values_list("code", flat=True))[:2]
    return [
        reverse("home"),
        reverse("meeting_list"),
        reverse("meeting_list") + f"?country={codes[0]}&kind=bilateral&q=a&date_from=2000-01-01",
        reverse("meeting_list") + "?date_from=not-a-date",
        meeting.get_absolute_url(),
        reverse("person_list"),
        person.get_absolute_url(),
        reverse("country_list"),
        reverse("country_detail", args=[codes[0].lower()]),
        reverse("country_pair", args=[codes[0].lower(), codes[1].lower()]),
        reverse("organization_list"),
        organization.get_absolute_url(),
        reverse("article_list"),
        article.get_absolute_url(),
        reverse("search") + "?q=minister",
        "/no-such-page/",
    ]


def test_public_pages_have_no_inline_scripts_or_styles(client, demo):
    for url in public_pages():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert inline_code(response.content.decode()) == [], url


def test_the_meeting_page_keeps_its_json_ld(client, demo):
    meeting = Meeting.objects.published().first()
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert '<script type="application/ld+json">' in html


def test_the_inline_code_finder_finds_what_the_policy_blocks():
    html = (
        '<script>alert(1)</script><script src="/static/a.js"></script>'
        '<script type="application/ld+json">{}</script><p style="color: red">x</p>'
        '<a href="javascript:go()" onclick="go()">y</a><style>p {}</style>'
    )
    assert inline_code(html) == [
        "inline <script>: alert(1)",
        "style attribute on <p>: 'color: red'",
        "javascript: address in <a href>",
        "event handler onclick on <a>",
        "<style> element",
    ]


@pytest.mark.django_db
def test_the_admin_forms_load_every_script_from_a_file(client, demo):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    meeting = Meeting.objects.first()
    article = Article.objects.first()
    for url in [
        reverse("admin:index"),
        reverse("admin:diplomacy_meeting_add"),
        reverse("admin:diplomacy_meeting_change", args=[meeting.pk]),
        reverse("admin:diplomacy_meeting_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_changelist"),
        reverse("admin:diplomacy_person_add"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url


@pytest.mark.django_db
def test_the_change_form_loads_the_slug_folding_script_after_urlify(editor_client):
    html = editor_client.get(reverse("admin:diplomacy_person_add")).content.decode()
    urlify = html.index("admin/js/urlify.js")
    folding = re.search(r'<script id="diplomacy-urlify-folding" src="([^"]+)"></script>', html)
    assert folding and folding.group(1).endswith("/js/admin-urlify.js")
    assert urlify < folding.start()


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the admin JS")
def test_the_slug_folding_script_transliterates_vietnamese():
    urlify = Path(__import__("django").__file__).parent / "contrib/admin/static/admin/js/urlify.js"
    program = f"""
        globalThis.window = globalThis;
        {urlify.read_text()}
        {(ROOT / "static/js/admin-urlify.js").read_text()}
        for (const name of ["Bùi Thanh Sơn", "Đà Nẵng", "Phạm Minh Chính"]) {{
            console.log(URLify(name, 200, false));
        }}
    """
    output = subprocess.run(
        ["node", "-e", program], capture_output=True, text=True, check=True, timeout=30
    ).stdout.split()
    assert output == ["bui-thanh-son", "da-nang", "pham-minh-chinh"]


# The admin's address -----------------------------------------------------------------------


def test_admin_path_moves_the_admin():
    code = (
        "from django.urls import resolve, reverse, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n"
        "    resolve('/admin/')\n"
        "    print('admin still at /admin/')\n"
        "except Resolver404:\n"
        "    print('nothing at /admin/')\n"
    )
    result = run_manage(
        "shell", "--no-imports", "-c", code, SECRET_KEY="k", ADMIN_PATH="/editors-desk/"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["/editors-desk/", "nothing at /admin/"]


# Throttled logins --------------------------------------------------------------------------


def log_in(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_five_failed_logins_lock_the_username_out_from_that_address(client, editor):
    for _ in range(4):
        response = log_in(client, "editor", "wrong password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    fifth = log_in(client, "editor", "wrong password")
    assert fifth.status_code == 429

    locked = log_in(client, "editor", "correct horse battery staple")
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "Too many failed logins" in html
    assert "Logging in as “editor” from this address is paused after 5 failed attempts." in html
    assert "Wait 15 minutes" in html
    assert "_auth_user_id" not in client.session
    # The lockout page is one of the admin's pages, under the same policy.
    assert "Content-Security-Policy" in locked.headers
    assert inline_code(html) == []


@pytest.mark.django_db
def test_a_locked_out_username_does_not_lock_out_other_users_or_addresses(client, editor):
    UserFactory(username="colleague", is_staff=True)
    for _ in range(5):
        log_in(client, "editor", "wrong password")
    assert log_in(client, "editor", "correct horse battery staple").status_code == 429

    colleague = log_in(client, "colleague", "correct horse battery staple")
    assert colleague.status_code == 302
    assert colleague.headers["Location"] == reverse("admin:index")

    client.logout()
    elsewhere = log_in(client, "editor", "correct horse battery staple", address="198.51.100.7")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_forgets_the_earlier_failures(client, editor):
    for _ in range(4):
        log_in(client, "editor", "wrong password")
    assert log_in(client, "editor", "correct horse battery staple").status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "editor", "wrong password")
    assert log_in(client, "editor", "correct horse battery staple").status_code == 302


class FakeRequest:
    def __init__(self, remote_addr, forwarded_for=None):
        self.META = {"REMOTE_ADDR": remote_addr}
        if forwarded_for is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded_for


def test_without_proxies_the_client_is_the_connection_address():
    request = FakeRequest("203.0.113.5", forwarded_for="10.0.0.1")
    assert client_ip_address(request) == "203.0.113.5"


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_is_the_address_the_proxy_forwarded():
    # A client's own X-Forwarded-For entries stand left of the proxy's and are ignored.
    spoofed = FakeRequest("10.0.0.2", forwarded_for="192.0.2.66, 203.0.113.5")
    assert client_ip_address(spoofed) == "203.0.113.5"
    direct = FakeRequest("203.0.113.9")
    assert client_ip_address(direct) == "203.0.113.9"


@override_settings(AXES_IPWARE_PROXY_COUNT=2)
def test_behind_two_proxies_the_client_is_the_second_address_from_the_right():
    request = FakeRequest("10.0.0.2", forwarded_for="192.0.2.66, 203.0.113.5, 10.0.0.1")
    assert client_ip_address(request) == "203.0.113.5"


@pytest.mark.django_db
def test_signing_in_in_tests_passes_a_request_to_the_axes_backend(client, editor):
    from django.http import HttpRequest

    assert client.login(request=HttpRequest(), username="editor", password="wrong") is False
    assert client.login(
        request=HttpRequest(), username="editor", password="correct horse battery staple"
    )

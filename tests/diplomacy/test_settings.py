"""Settings come from the environment and refuse bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from diplomacy.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    """Import the production settings in a fresh interpreter with exactly `env` set."""
    clean = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME")}
    clean.update(env, ENV_FILE="")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import diplomacy.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, "
            "s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )


def test_env_helpers_parse_and_reject(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("NUMBER", "12")
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_bool("FLAG") is True
    assert env_int("NUMBER", 0) == 12
    assert env_list("HOSTS") == ["a.example", "b.example"]
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG")
    monkeypatch.setenv("NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        env_int("NUMBER", 0)


def test_settings_refuse_to_start_without_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = load_settings(SECRET_KEY="k")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"
    assert "sqlite3" in result.stdout
    on = load_settings(SECRET_KEY="k", DEBUG="1")
    assert on.stdout.startswith("True ['127.0.0.1', 'localhost']")


def test_database_url_selects_postgresql():
    result = load_settings(SECRET_KEY="k", DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def site_url_of(**env):
    clean = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME")}
    clean.update(env, ENV_FILE="", SECRET_KEY="k")
    return subprocess.run(
        [sys.executable, "-c", "import diplomacy.settings as s; print(s.SITE_URL)"],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )


def test_the_site_url_defaults_to_the_local_server_or_the_first_allowed_host():
    assert site_url_of(DEBUG="1").stdout.strip() == "http://127.0.0.1:8000"
    assert site_url_of(DEBUG="1", PORT="8123").stdout.strip() == "http://127.0.0.1:8123"
    production = site_url_of(ALLOWED_HOSTS="record.example.org,www.record.example.org")
    assert production.stdout.strip() == "https://record.example.org"
    given = site_url_of(SITE_URL="https://news.example.org/", ALLOWED_HOSTS="x.example")
    assert given.stdout.strip() == "https://news.example.org"


@pytest.mark.parametrize(
    "value", ["news.example.org", "ftp://news.example.org", "https://news.example.org/record"]
)
def test_a_malformed_site_url_stops_start_up_with_its_name(value):
    result = site_url_of(SITE_URL=value)
    assert result.returncode != 0
    assert "SITE_URL must be a scheme and a host" in result.stderr

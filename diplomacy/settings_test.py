"""Test settings: the normal settings with a throwaway key and a fast password hasher.

Production's security settings stay on (django-axes, the Content-Security-Policy header,
HSTS) except the HTTPS redirect and secure-only cookies: the test client speaks plain HTTP.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from diplomacy.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
WHITENOISE_AUTOREFRESH = True
SITE_URL = "http://testserver"

"""Fast settings for the suite; real PostgreSQL and Redis when the CI variables say so."""

import dj_database_url

from .base import *  # noqa: F403
from .base import PACKAGE_DIR, TEST_DATABASE_URL, TEST_REDIS_URL, cache_settings

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if TEST_DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(TEST_DATABASE_URL)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

CACHES = cache_settings(TEST_REDIS_URL, "nashra-test")
if TEST_REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = PACKAGE_DIR.parent / "var" / "test-media"
SECURE_SSL_REDIRECT = False
NASHRA_VIEW_COUNTERS = {
    "default": {"BACKEND": "nashra.discovery.counters.RecordingViewCounter", "OPTIONS": {}}
}
# Every purge the front caches would get, recorded (nashra.core.pagecache).
WAGTAILFRONTENDCACHE = {"recording": {"BACKEND": "nashra.core.pagecache.RecordingPurgeBackend"}}
NASHRA_PAGE_CACHE = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

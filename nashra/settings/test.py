"""Fast settings for the suite; real PostgreSQL and Redis when the CI variables say so."""

import copy

import dj_database_url

from .base import *  # noqa: F403
from .base import MIDDLEWARE, PACKAGE_DIR, TEST_DATABASE_URL, TEST_REDIS_URL, cache_settings

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if TEST_DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(TEST_DATABASE_URL)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
# A second database standing in for a read replica (nashra/core/tests/test_db_router.py):
# test_<name>_replica on the same PostgreSQL server, or a second in-memory SQLite database.
# pytest-django creates it only when a collected test names it in `databases`, and the
# router stays off for the rest of the suite even when DATABASE_REPLICA_URLS is set.
DATABASES["replica1"] = copy.deepcopy(DATABASES["default"])
if TEST_DATABASE_URL:
    DATABASES["replica1"]["NAME"] = f"{DATABASES['default']['NAME']}_replica"
# Tables straight from the models, no migrations: a replica gets its rows by replication
# (the tests copy them), and data migrations would write to "default" anyway.
DATABASES["replica1"]["TEST"] = {"MIGRATE": False, "DEPENDENCIES": []}
NASHRA_DATABASE_REPLICAS = []
DATABASE_ROUTERS = []
MIDDLEWARE = [m for m in MIDDLEWARE if m != "nashra.core.db_router.PrimaryPinMiddleware"]

CACHES = cache_settings(TEST_REDIS_URL, "nashra-test")
if TEST_REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

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
# The test replica is the primary's twin: no lag to wait out (nashra/core/tests/test_fragments.py
# tests the window itself).
NASHRA_FRAGMENT_REPLICA_WINDOW = 0
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Background work runs in the request, so a test sees its effect at once; the tests of the
# queue itself (nashra/core/tests/test_tasks.py) switch to the database backend and a worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                     "QUEUES": ["front", "default"]}}
TASKS_ENGINE = "immediate"

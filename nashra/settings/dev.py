"""`make run`: the embedded database, debug pages, a throwaway key."""

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-0f6b8c1e7a"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
# `nashra setup --demo` gives the demo accounts the passwords the README prints (admin /
# nashra-admin, …); under any other settings it makes random ones and prints them once.
NASHRA_DEMO_KNOWN_PASSWORDS = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

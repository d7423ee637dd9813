"""`make run`: the embedded database, a throwaway key, demo passwords.

DEBUG stays as the environment says (off unless DEBUG=1): `make run` is how a newcomer first
sees the site, and it should show the readers' Arabic 404 and 500 pages, not Django's English
debug page, which under DEBUG takes the place of any handler. WhiteNoise serves the static
files from the apps without DEBUG (WHITENOISE_USE_FINDERS below). `DEBUG=1 make run` brings
the debug pages back.
"""

from .base import *  # noqa: F403
from .base import SECRET_KEY

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

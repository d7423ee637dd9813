"""Production: everything comes from the environment (read in base.py); refuse to start without it."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import HSTS_INCLUDE_SUBDOMAINS, HSTS_PRELOAD, REDIS_URL, SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
# Sent by nashra alone (deploy/nginx adds none), so every answer agrees; docs/deployment.md.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HSTS_INCLUDE_SUBDOMAINS
SECURE_HSTS_PRELOAD = HSTS_PRELOAD
# `check --deploy` asks for both; they are off unless NASHRA_HSTS_* turn them on (base.py).
SILENCED_SYSTEM_CHECKS = [
    *([] if HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if HSTS_PRELOAD else ["security.W021"]),
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if not REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

"""Every setting lives here; the only module that reads the environment.

dev.py, test.py and production.py adjust a few values on top of this one.
"""

import datetime
import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- environment (read once, here) -------------------------------------------------------
VAR_DIR = Path(os.environ.get("NASHRA_VAR_DIR", BASE_DIR / "var"))
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'nashra.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
# Read-only copies of the primary (streaming replication), comma separated: aliases replica1..N.
DATABASE_REPLICA_URLS = _env_list("DATABASE_REPLICA_URLS")
REDIS_URL = os.environ.get("REDIS_URL", "")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# The site's public address (https://news.example.org): `nashra setup` writes it into the
# Wagtail Site that every absolute link is built from (nashra.core.addresses); unset, the
# Site keeps the address it has, and `nashra check --deploy` fails while that is local.
BASE_URL = os.environ.get("BASE_URL", "").strip()
WAGTAILADMIN_BASE_URL = BASE_URL or "http://127.0.0.1:8000"
# Production redirects http to https unless told that a proxy in front already does.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
# HSTS (production, over https) is sent for a year; includeSubDomains and preload only when
# asked: they bind every subdomain (and, once preloaded, browsers' built-in lists) to https
# for that long, which a publisher with one plain-http subdomain cannot take back.
HSTS_INCLUDE_SUBDOMAINS = _env_bool("NASHRA_HSTS_INCLUDE_SUBDOMAINS", False)
HSTS_PRELOAD = _env_bool("NASHRA_HSTS_PRELOAD", False)
# Players that stories embed (origins, comma separated: https://www.youtube-nocookie.com),
# which the Content-Security-Policy lets pages frame; none by default (docs/deployment.md).
CSP_FRAME_ORIGINS = _env_list("NASHRA_CSP_FRAME_SRC")
SERVE_MEDIA = _env_bool("NASHRA_SERVE_MEDIA", True)
# An S3-compatible bucket for media when set (needs django-storages installed).
MEDIA_STORAGE_BACKEND = os.environ.get(
    "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
TEST_DATABASE_URL = os.environ.get("NASHRA_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("NASHRA_TEST_REDIS_URL", "")
EMAIL_URL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_HOST = EMAIL_URL_HOST or "localhost"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "nashra@localhost")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# `nashra serve`: address, workers (0: the CPU count), threads per worker, access log, and
# whether the minute scheduler runs beside it (one application server runs it).
SERVE_BIND = os.environ.get("NASHRA_BIND", "127.0.0.1:8000")
SERVE_WORKERS = int(os.environ.get("WEB_CONCURRENCY", "0"))
SERVE_THREADS = int(os.environ.get("NASHRA_THREADS", "4"))
SERVE_ACCESS_LOG = _env_bool("NASHRA_ACCESS_LOG", False)
SCHEDULER_IN_SERVER = _env_bool("NASHRA_SCHEDULER", True)
# Background work (nashra.core.tasks): "database" (django-tasks-db, the embedded default),
# "rq" (Redis; the default when REDIS_URL is set) or "immediate" (run in the request; tests).
# `nashra serve` and `make run` start one task worker beside the server unless
# NASHRA_TASK_WORKER=0; start more with `nashra worker` (docs/deployment.md).
TASKS_ENGINE = os.environ.get("NASHRA_TASKS", "").strip().lower() or (
    "rq" if REDIS_URL else "database")
TASK_WORKER_IN_SERVER = _env_bool("NASHRA_TASK_WORKER", True)
# An Elasticsearch 8 cluster for search when one machine's database is not enough.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Proxies whose X-Forwarded-For is believed for the reader's address (nginx on this machine;
# add a CDN's or load balancer's addresses). Empty: REMOTE_ADDR as the connection gives it.
TRUSTED_PROXIES = _env_list("NASHRA_TRUSTED_PROXIES", "127.0.0.1,::1")
# The full-page cache for anonymous readers: NASHRA_PAGE_CACHE=off turns it off (measuring,
# debugging); entries live this many seconds at most (purges are exact; this bounds what no
# purge covers, such as a comment count on a story card).
PAGE_CACHE_ON = os.environ.get("NASHRA_PAGE_CACHE", "on").strip().lower() not in {
    "0", "off", "false", "no"}
PAGE_CACHE_SECONDS = int(os.environ.get("NASHRA_PAGE_CACHE_SECONDS", "600"))
# Front caches (nginx, a CDN) are told to keep a page at most this long (s-maxage). Stories
# are purged there exactly; this bounds what a purge does not reach there — a change every
# page shows (site settings, the section tree), which nashra's own cache drops at once.
FRONT_CACHE_SECONDS = int(os.environ.get("NASHRA_FRONT_CACHE_SECONDS", "60"))
# ... and a CDN may serve its copy this many seconds past that while it fetches the new one
# (stale-while-revalidate). Unset: 30 where a CDN is configured below, else 0 (nginx serves
# stale while updating by its own configuration, and browsers have nothing to gain from it).
FRONT_STALE_SECONDS = os.environ.get("NASHRA_FRONT_STALE_SECONDS", "")
# What many pages share (settings, breaking bar, most read, picks, related cards) is kept in
# each process at most this many seconds between renders (nashra.core.fragments); 0: never.
FRAGMENT_SECONDS = int(os.environ.get("NASHRA_FRAGMENT_SECONDS", "300"))
# Front caches nashra purges on publish (wagtail.contrib.frontend_cache): nginx or Varnish
# answering PURGE at these URLs, and/or Cloudflare or CloudFront (docs/deployment.md).
PURGE_URLS = _env_list("NASHRA_PURGE_URLS")
# Seconds a front cache may take to answer one purge before the task gives up and retries.
FRONT_CACHE_TIMEOUT = float(os.environ.get("NASHRA_FRONT_CACHE_TIMEOUT", "5"))
CLOUDFLARE_ZONE_ID = os.environ.get("NASHRA_CLOUDFLARE_ZONE_ID", "")
CLOUDFLARE_API_TOKEN = os.environ.get("NASHRA_CLOUDFLARE_API_TOKEN", "")
CLOUDFRONT_DISTRIBUTION_ID = os.environ.get("NASHRA_CLOUDFRONT_DISTRIBUTION_ID", "")
# Comments are also checked by Akismet (a foreign cloud service) when a key is given.
AKISMET_API_KEY = os.environ.get("AKISMET_API_KEY", "")
# Comment rate limits count a reader's posts under this many leading bits of the address: the
# whole IPv4 address and an IPv6 /64 (one home or phone), so readers behind one carrier-grade
# NAT or provider do not share a limit; shorter prefixes count whole networks together.
COMMENT_RATE_IPV4_PREFIX = int(os.environ.get("NASHRA_COMMENT_RATE_IPV4_PREFIX", "32"))
COMMENT_RATE_IPV6_PREFIX = int(os.environ.get("NASHRA_COMMENT_RATE_IPV6_PREFIX", "64"))
# Sign-in protection (nashra.accounts; docs/deployment.md): this many failed sign-ins lock
# further tries out for this many minutes, counted per what NASHRA_LOGIN_LOCKOUT_BY names
# (comma separated: "ip_address", "username", or a pair joined by "+", counted together).
LOGIN_FAILURE_LIMIT = int(os.environ.get("NASHRA_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_COOLOFF_MINUTES = float(os.environ.get("NASHRA_LOGIN_COOLOFF_MINUTES", "15"))
LOGIN_LOCKOUT_BY = _env_list("NASHRA_LOGIN_LOCKOUT_BY", "ip_address,username")
# The wire desk (docs/wire.md): seconds an agency has to answer, days an unused item is kept.
WIRE_TIMEOUT = float(os.environ.get("NASHRA_WIRE_TIMEOUT", "10"))
WIRE_RETENTION_DAYS = int(os.environ.get("NASHRA_WIRE_RETENTION_DAYS", "30"))
# -------------------------------------------------------------------------------------------

INSTALLED_APPS = [
    "nashra.core",
    "nashra.news",
    "nashra.search",
    "nashra.comments",
    "nashra.distribution",
    "nashra.discovery",
    "nashra.live",
    "nashra.wordpress",
    "nashra.accounts",
    "nashra.wire",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
if TASKS_ENGINE == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

MIDDLEWARE = [
    # First: it answers cached pages and must see every header the others add.
    "nashra.core.pagecache.PageCacheMiddleware",
    # The database or Redis down: an Arabic 503 with Retry-After, not a 500 (nashra.core.faults).
    "nashra.core.faults.OutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (nashra.core.headers): before WhiteNoise,
    # so static files get them too, and inside the page cache, which keeps them with a page.
    "nashra.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Wagtail Site of a page request from a per-process memo (nashra.core.sites).
    "nashra.core.sites.SiteMiddleware",
    # Drops a session cookie whose key no session can have (one with a NUL failed the lookup).
    "nashra.core.sessions.SessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in: whether this session gave its code, then what it may open until it
    # does (nashra.accounts.middleware).
    "django_otp.middleware.OTPMiddleware",
    "nashra.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "nashra.wordpress.middleware.WordpressIdRedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nashra.urls"
WSGI_APPLICATION = "nashra.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]


def database_settings(url: str) -> dict:
    """One database alias from its URL.

    PostgreSQL (psycopg 3) keeps each connection open between requests (CONN_MAX_AGE) and
    checks it before reusing it (CONN_HEALTH_CHECKS), so a connection broken by a database
    restart or failover is replaced before a request uses it, not reported as an error. Under `nashra serve` every granian thread holds
    one connection for its life, which is what a pool would give: psycopg's pool
    (OPTIONS["pool"], CONN_MAX_AGE 0) answered no faster in bench/db_connections.sh — ahead in
    one run, behind in the other, both 3-5x a new connection per request on a one-query page
    (docs/benchmarks.md, "Database connections") — and needs one more package and a size to
    tune per worker.
    """
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer (a replica's host down) fails a connection in
        # seconds, not after the system's TCP timeout of minutes.
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the scheduler and the web server write the same file without "database is
        # locked". Connections stay open between requests as on PostgreSQL: opening one (and
        # its PRAGMAs) cost about 2 ms of every rendered page.
        database["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return database


DATABASES = {"default": database_settings(DATABASE_URL)}
NASHRA_DATABASE_REPLICAS = []
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = database_settings(_url)
    NASHRA_DATABASE_REPLICAS.append(f"replica{_number}")
# After a write (a POST, or anything the router sends to the primary) the browser reads the
# primary for this long, so editors see their own edit even when a replica lags.
NASHRA_REPLICA_PIN_SECONDS = 5
# A replica found unreachable is left out (its reads go to another or the primary) this long.
NASHRA_REPLICA_RETRY_SECONDS = 30
# Editors' paths: always read the primary.
NASHRA_PRIMARY_PATHS = ["/admin/"]
if NASHRA_DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["nashra.core.db_router.ReplicaRouter"]
    # Before the session and everything after it, so every read of the request is routed.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
                      "nashra.core.db_router.PrimaryPinMiddleware")


def cache_settings(redis_url: str, prefix: str, *, page_dir: Path | None = None) -> dict:
    """Redis for every cache when a URL is given, process memory otherwise.

    Without Redis the full-page cache ("pages") lives in files under `page_dir`, so the
    scheduler's and every server process's purges reach the same entries.
    """
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    if not redis_url:
        pages = {"BACKEND": locmem, "LOCATION": "pages"}
        if page_dir is not None:
            pages = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                     "LOCATION": str(page_dir), "OPTIONS": {"MAX_ENTRIES": 20_000}}
        return {
            "default": {"BACKEND": locmem},
            "renditions": {"BACKEND": locmem, "LOCATION": "renditions"},
            "pages": {**pages, "TIMEOUT": PAGE_CACHE_SECONDS},
        }
    redis = "nashra.core.cache.RedisCache"  # Django's, reusing its redis-py clients
    return {
        "default": {"BACKEND": redis, "LOCATION": redis_url, "KEY_PREFIX": prefix},
        "renditions": {"BACKEND": redis, "LOCATION": redis_url,
                       "KEY_PREFIX": f"{prefix}-renditions", "TIMEOUT": 60 * 60 * 24},
        "pages": {"BACKEND": redis, "LOCATION": redis_url, "KEY_PREFIX": f"{prefix}-pages",
                  "TIMEOUT": PAGE_CACHE_SECONDS},
    }


CACHES = cache_settings(REDIS_URL, "nashra", page_dir=VAR_DIR / "page-cache")
# Sessions are read from Redis and kept in the database too: an editor stays signed in
# through a Redis outage or restart (docs/deployment.md, "When Redis or PostgreSQL is down").
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# After Redis fails a call, each process leaves it alone this many seconds before trying again
# (nashra.core.cache): a Redis whose host is gone costs no request its connect time-out.
NASHRA_CACHE_RETRY_SECONDS = 5
# A request that needs the database (or Redis) while it is down is answered 503 with this
# Retry-After (nashra.core.faults); task workers wait at most this long between tries.
NASHRA_OUTAGE_RETRY_AFTER = 30

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية")]
TIME_ZONE = "Asia/Amman"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365

FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "nashra.core.logs.WithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Per-page task and publish chatter drowns real problems during imports.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "modelsearch": {"level": "WARNING"},
        # Failures and lockouts are warnings; its start-up banner on every command is not.
        "axes": {"level": "WARNING"},
        # A Host header not in ALLOWED_HOSTS: a line, not a traceback (nashra.core.logs).
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
}

# --- response headers (nashra.core.headers; docs/deployment.md, "Headers") ----------------
def _origin(url: str) -> list[str]:
    """The scheme and host of an absolute URL (MEDIA_URL on a bucket or CDN), else none."""
    scheme, _, rest = url.partition("://")
    return [f"{scheme}://{rest.split('/', 1)[0]}"] if rest and scheme in ("http", "https") else []


MEDIA_ORIGINS = _origin(MEDIA_URL)
# Reader pages: nothing from another site (the demo and every shipped template need none), no
# inline script or style, no plugins, never framed. A site that embeds players lists them in
# NASHRA_CSP_FRAME_SRC; images and video may come from MEDIA_URL's host.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", *MEDIA_ORIGINS],
    "media-src": ["'self'", *MEDIA_ORIGINS],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'", *CSP_FRAME_ORIGINS],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}}
# The Wagtail admin (paths below) for a signed-in user: what it needs beyond the readers'
# policy, found by loading its pages in a browser (nashra/core/tests/test_e2e_csp.py). Its
# widgets start themselves with inline scripts (date pickers, choosers, StreamField), and its
# scripts add inline ones and <style> elements, which no nonce can reach (wagtail/wagtail#1288).
# The sign-in page keeps the readers' policy.
NASHRA_ADMIN_CSP_PATHS = ["/admin/"]
NASHRA_ADMIN_CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    # An upload's thumbnail is drawn from the file before it is sent.
    "img-src": [*CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"], "blob:"],
    # The preview panel frames the page being edited.
    "frame-ancestors": ["'self'"],
}}
# Features no page of the site uses, refused to it and to anything it frames.
NASHRA_PERMISSIONS_POLICY = {
    feature: [] for feature in (
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation",
        "gyroscope", "interest-cohort", "magnetometer", "microphone", "midi", "payment",
        "serial", "usb")
}
# Editors' avatars come from their uploads only, never from gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The sign-in form with an Arabic label on its password field (nashra.accounts.forms).
WAGTAILADMIN_USER_LOGIN_FORM = "nashra.accounts.forms.LoginForm"
# Arabic formats for Django's date filters and the admin (the Arabic comma «،»).
FORMAT_MODULE_PATH = ["nashra.formats"]

# --- Wagtail ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "نشرة"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ar", "العربية")]
WAGTAIL_CONTENT_LANGUAGES = [("ar", "العربية")]
WAGTAILIMAGES_IMAGE_MODEL = "core.NashraImage"
WAGTAILIMAGES_IMAGE_FORM_BASE = "nashra.core.forms.NashraImageForm"
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_RENDITION_STORAGE = "default"
# Terms arrive analysed (nashra.core.search); PostgreSQL must not stem them again, and
# Elasticsearch gets the same terms, so switching is configuration alone.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}
}
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX": "nashra",
            "TIMEOUT": 5,
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        }
    }
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# --- nashra ---------------------------------------------------------------------------
# Seconds past each minute at which the scheduler publishes what is due.
NASHRA_SCHEDULER_OFFSET_SECONDS = 1
NASHRA_PAGE_SIZE = 20
# Granted to the editors' group by `nashra setup` ("app_label.codename"): moderating comments
# and the discovery snippets (breaking news, picks, related lists, the lead story setting).
NASHRA_EDITOR_PERMISSIONS = [
    "comments.change_comment", "comments.delete_comment",
    "comments.add_articlecomments", "comments.change_articlecomments",
    "discovery.add_breakingnews", "discovery.change_breakingnews",
    "discovery.delete_breakingnews",
    "discovery.add_pickslist", "discovery.change_pickslist", "discovery.delete_pickslist",
    "discovery.add_relatedcuration", "discovery.change_relatedcuration",
    "discovery.delete_relatedcuration",
    "discovery.change_discoverysettings",
    # live coverage: posting, and pinning, correcting, deleting and ending (docs/live.md)
    "live.post_entry", "live.moderate_entry",
    # The wire desk's subject-to-tag mapping (admin › إعداد الوكالات).
    "wire.add_subjectmapping", "wire.change_subjectmapping", "wire.delete_subjectmapping",
]
NASHRA_HEADLINE_MAX_LENGTH = 255

# --- comments (nashra.comments; docs/comments.md) -------------------------------------
# The scheduler deletes spam and trash past retention every minute (NASHRA_SCHEDULER_JOBS).
# Posts per hour are counted per network of this many leading bits (nashra.comments.keys.ip_key;
# 1-32 and 1-128, checked at start): by default one IPv4 address, one IPv6 /64.
NASHRA_COMMENT_RATE_IPV4_PREFIX = COMMENT_RATE_IPV4_PREFIX
NASHRA_COMMENT_RATE_IPV6_PREFIX = COMMENT_RATE_IPV6_PREFIX
NASHRA_COMMENT_MODERATOR = "nashra.comments.moderation.CommentModerator"
NASHRA_COMMENT_SPAM_BACKENDS = {
    "local": {"BACKEND": "nashra.comments.spam.backends.LocalBackend"},
}
if AKISMET_API_KEY:
    NASHRA_COMMENT_SPAM_BACKENDS["akismet"] = {
        "BACKEND": "nashra.comments.spam.backends.AkismetBackend",
        "OPTIONS": {"API_KEY": AKISMET_API_KEY, "SITE_URL": WAGTAILADMIN_BASE_URL, "TIMEOUT": 2.0},
    }
# Moderators' decisions take effect at once (the filter's memory); the model itself is retrained
# from the shipped set and every lesson, in a task, once this many lessons have gathered.
NASHRA_COMMENT_RETRAIN_AFTER = int(os.environ.get("NASHRA_COMMENT_RETRAIN_AFTER", "25"))
# A story's cached copies (nginx, CDN) take new comments at most this often (seconds).
NASHRA_COMMENT_REFRESH_SECONDS = float(os.environ.get("NASHRA_COMMENT_REFRESH_SECONDS", "5"))
# Links to these domains (and their subdomains) are citations, not contacts, for the filter,
# besides governments, the UN family, universities and Wikipedia (spam/signals.py).
NASHRA_COMMENT_TRUSTED_DOMAINS = tuple(
    d.lower() for d in _env_list("NASHRA_COMMENT_TRUSTED_DOMAINS"))
# --- distribution (feeds, sitemaps, head tags, short links) -----------------------------
# A slug, section or move change leaves a permanent redirect from every old URL (Wagtail).
WAGTAILREDIRECTS_AUTO_CREATE = True
NASHRA_FEED_ITEMS = 30
NASHRA_FEED_CACHE_SECONDS = 60 * 60
NASHRA_SITEMAP_CACHE_SECONDS = 60 * 60 * 24
# Stories are grouped into child sitemaps by blocks of this many page ids (< 50,000 URLs each).
NASHRA_SITEMAP_IDS_PER_FILE = 10_000
# --- discovery (issue 5) ------------------------------------------------------------------
# Where reads are counted before the batch flush: in this process on the embedded install,
# in Redis when there is one (shared by every web process; the scheduler flushes it).
NASHRA_VIEW_COUNTERS = {
    "default": {"BACKEND": "nashra.discovery.counters.DatabaseViewCounter", "OPTIONS": {}}
}
if REDIS_URL:
    NASHRA_VIEW_COUNTERS = {
        "default": {"BACKEND": "nashra.discovery.counters.RedisViewCounter",
                    "OPTIONS": {"url": REDIS_URL, "key": "nashra:views"}}
    }
# One reader (an IPv4 address, an IPv6 /64) counts one read of a story in each window of this
# many seconds, aligned to the clock, however many beacons it sends (discovery.services).
NASHRA_VIEWS_READER_SECONDS = 60 * 60
# One story's reads in one hour never count beyond this: a last stop for a flood from very
# many addresses at once (one address cannot come near it).
NASHRA_VIEWS_MAX_PER_HOUR = 50_000
# The demo accounts of `nashra setup --demo` get the README's passwords only where this is
# on (dev.py, for `make run`); elsewhere random ones, printed once (nashra.news.demo).
NASHRA_DEMO_KNOWN_PASSWORDS = False
# Called as hook(home=…) by `nashra setup --demo` after the demo stories are loaded.
NASHRA_DEMO_HOOKS = ["nashra.discovery.demo.demo_ensure"]
# Dotted paths the minute scheduler calls after publishing what is due (each on its own).
NASHRA_SCHEDULER_JOBS = [
    "nashra.discovery.services.scheduler_job",
    "nashra.comments.services.comments_purge",
    "nashra.wire.services.scheduler_job",
]
# --- wire desk (nashra.wire; docs/wire.md) --------------------------------------------------
# Seconds to connect to, and then to hear from, an agency before its round fails.
NASHRA_WIRE_TIMEOUT = WIRE_TIMEOUT
# A feed (or a picture) larger than this is refused.
NASHRA_WIRE_MAX_BYTES = 20 * 1024 * 1024
# Items no story was made from are deleted after this many days.
NASHRA_WIRE_RETENTION_DAYS = WIRE_RETENTION_DAYS
# The same event is looked for among items of this many days.
NASHRA_WIRE_GROUP_DAYS = 3

# --- full-page cache and front caches (nashra.core.pagecache; docs/deployment.md) ----------
NASHRA_TRUSTED_PROXIES = TRUSTED_PROXIES
NASHRA_PAGE_CACHE = PAGE_CACHE_ON
NASHRA_PAGE_CACHE_SECONDS = PAGE_CACHE_SECONDS
NASHRA_FRONT_CACHE_SECONDS = FRONT_CACHE_SECONDS
NASHRA_FRONT_STALE_SECONDS = int(FRONT_STALE_SECONDS or (
    30 if CLOUDFLARE_ZONE_ID or CLOUDFRONT_DISTRIBUTION_ID else 0))
# Listing pages (sections, tags, authors) are cached and purged up to this page number.
NASHRA_PAGE_CACHE_LISTING_PAGES = 5
# A request carrying one of these cookies is a logged-in editor's or has a message waiting:
# never served from, nor stored in, a shared cache (deploy/nginx bypasses on the same names).
# nashra_primary: the few seconds after a browser's own write, when it reads the primary
# database (nashra.core.db_router; set only on sites with read replicas).
NASHRA_PAGE_CACHE_BYPASS_COOKIES = ["sessionid", "messages", "nashra_primary"]
# Seconds after a purge during which renders of that page are not kept: a replica may still
# hold the old story (0 on a single database).
NASHRA_PAGE_CACHE_PURGE_WINDOW = NASHRA_REPLICA_PIN_SECONDS if NASHRA_DATABASE_REPLICAS else 0
# Shared blocks kept in each process between renders (nashra.core.fragments): how long at
# most, and how many (least recently used go first).
NASHRA_FRAGMENT_SECONDS = FRAGMENT_SECONDS
NASHRA_FRAGMENT_ENTRIES = 5000
# ... and not kept at all for this long after a change, while a replica may lag behind it.
NASHRA_FRAGMENT_REPLICA_WINDOW = NASHRA_PAGE_CACHE_PURGE_WINDOW
# Front caches: purged by a task (nashra.core.tasks), each request given up after
# NASHRA_FRONT_CACHE_TIMEOUT seconds and the purge retried with backoff.
NASHRA_FRONT_CACHE_TIMEOUT = FRONT_CACHE_TIMEOUT
WAGTAILFRONTENDCACHE = {
    f"http{n}": {"BACKEND": "nashra.core.pagecache.HTTPPurgeBackend", "LOCATION": url}
    for n, url in enumerate(PURGE_URLS, 1)
}
if CLOUDFLARE_ZONE_ID:
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": CLOUDFLARE_API_TOKEN, "ZONEID": CLOUDFLARE_ZONE_ID,
    }
if CLOUDFRONT_DISTRIBUTION_ID:
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": CLOUDFRONT_DISTRIBUTION_ID,
    }

# --- background work (nashra.core.tasks; docs/deployment.md) -----------------------------
TASKS = {"default": {"BACKEND": {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}[TASKS_ENGINE], "QUEUES": ["front", "default"]}}  # "front": front caches, taken first
RQ_QUEUES = {name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}
             for name in ("front", "default")}
# A failed task (a front cache that does not answer, say) runs again after each of these
# delays in turn, then is given up and logged.
NASHRA_TASK_RETRY_SECONDS = [5, 20, 60, 300, 900, 3600]

# --- sign-in protection (nashra.accounts; docs/deployment.md) ------------------------------
# django-axes counts failed sign-ins through any login that calls authenticate() (the
# admin's, Wagtail's for restricted pages) in the database: the same on the embedded SQLite
# install and with Redis, and a Redis restart does not forget them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
# Each entry is counted on its own; a list entry counts its parameters together.
AXES_LOCKOUT_PARAMETERS = [item.split("+") if "+" in item else item
                           for item in LOGIN_LOCKOUT_BY]
# REMOTE_ADDR, already the reader's address behind trusted proxies (nashra.wsgi).
AXES_CLIENT_IP_CALLABLE = "nashra.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "nashra.accounts.lockout.lockout_response"
AXES_COOLOFF_MESSAGE = "أُوقف تسجيل الدخول مؤقتًا بعد محاولات دخول فاشلة كثيرة. أعد المحاولة لاحقًا."
# A success does not wipe the count: one good sign-in of one's own account must not clear
# an address's failures against another account.
AXES_RESET_ON_SUCCESS = False
# Failures are what is kept, and only for the cool-off; no record of every successful sign-in.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # django.contrib.admin is not installed; `nashra axes_*` commands
# Two-factor sign-in (django-otp): an authenticator app's code after the password, for those
# who set it up (admin › account › التحقق بخطوتين) and for the editors' group when the
# setting «تسجيل الدخول» requires it. The name the app shows beside the account:
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

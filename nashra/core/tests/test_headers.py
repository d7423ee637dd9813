"""Security headers: Content-Security-Policy (the readers' and the admin's), Permissions-Policy
on every answer, cached or not, and Strict-Transport-Security as production sets it.

What reader pages contain is checked against the policy in test_rendered_pages.py, and in a
real browser, with the admin, in test_e2e_csp.py; the same headers through nginx in
test_nginx.py.
"""

from urllib.parse import unquote_to_bytes

import pytest
from django.test import Client, override_settings

from nashra.core import pagecache
from nashra.core.tests.test_settings import settings_probe

PRODUCTION_ENV = {"SECRET_KEY": "x" * 60}


# --- HSTS ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("env", "subdomains", "preload"), [
    # Off unless asked: both bind every subdomain (and, preloaded, every browser's built-in
    # list) to https for a year, which a publisher with one plain-http subdomain cannot undo.
    ({}, False, False),
    ({"NASHRA_HSTS_INCLUDE_SUBDOMAINS": "1"}, True, False),
    ({"NASHRA_HSTS_INCLUDE_SUBDOMAINS": "true", "NASHRA_HSTS_PRELOAD": "yes"}, True, True),
    ({"NASHRA_HSTS_INCLUDE_SUBDOMAINS": "0", "NASHRA_HSTS_PRELOAD": "off"}, False, False),
])
def test_hsts_subdomains_and_preload_only_when_asked(env, subdomains, preload):
    production = settings_probe(**PRODUCTION_ENV, **env)
    assert production.SECURE_HSTS_SECONDS == 60 * 60 * 24 * 365  # a year, as before
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is subdomains
    assert production.SECURE_HSTS_PRELOAD is preload


@pytest.mark.parametrize(("env", "header"), [
    ({}, "max-age=31536000"),
    ({"NASHRA_HSTS_INCLUDE_SUBDOMAINS": "1", "NASHRA_HSTS_PRELOAD": "1"},
     "max-age=31536000; includeSubDomains; preload"),
])
def test_the_header_over_https(client, db, env, header):
    production = settings_probe(**PRODUCTION_ENV, **env)
    hsts = {name: getattr(production, name) for name in (
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")}
    with override_settings(**hsts):
        assert client.get("/robots.txt", secure=True)["Strict-Transport-Security"] == header
        assert "Strict-Transport-Security" not in client.get("/robots.txt")  # plain http


def test_preload_without_subdomains_is_reported():
    from nashra.core.apps import hsts_check

    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_PRELOAD=True,
                           SECURE_HSTS_INCLUDE_SUBDOMAINS=False):
        assert [m.id for m in hsts_check(None)] == ["core.W001"]
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_PRELOAD=True,
                           SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        assert hsts_check(None) == []


# --- Content-Security-Policy and Permissions-Policy -------------------------------------------

def _policy(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


def _permissions(header: str) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in header.split(","))


@pytest.fixture
def story(make_article):
    return make_article(title="خبر بسياسة أمان المحتوى", tags=["غزة"])


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_permissions_policy_refuses_what_no_page_uses(client, story):
    allowed = _permissions(client.get(story.url)["Permissions-Policy"])
    for feature in ("camera", "microphone", "geolocation", "interest-cohort",
                    "browsing-topics", "payment", "usb"):
        assert allowed[feature] == "()", feature


def test_every_answer_carries_both_headers(client, editor, story):
    answers = {
        "story": client.get(story.url),
        "home": client.get("/"),
        "404": client.get("/لا-توجد-صفحة/"),
        "feed": client.get("/feeds/rss/"),
        "api": client.get("/api/v2/articles/"),
        "search": client.get("/search/?q=خبر"),
        "robots.txt": client.get("/robots.txt"),
        "short link (a redirect)": client.get(f"/s/{story.pk:x}/"),
        "static file (WhiteNoise)": client.get("/static/nashra/css/site.css"),
        "beacon refused": client.get("/discovery/v/garbage/"),
        "admin sign-in": client.get("/admin/login/"),
        "admin, signed in": editor.get("/admin/"),
        "admin, redirect to sign in": client.get("/admin/pages/"),
    }
    missing = {name: [h for h in ("Content-Security-Policy", "Permissions-Policy")
                      if h not in response]
               for name, response in answers.items()}
    assert {name: m for name, m in missing.items() if m} == {}


def test_readers_policy_is_strict(client, story):
    policy = _policy(client.get(story.url)["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src", "font-src", "connect-src", "img-src"):
        assert policy[directive] == ["'self'"], directive
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


def test_the_admin_gets_inline_script_only_once_signed_in(client, editor):
    # The sign-in page: where a password is typed, nothing inline runs.
    sign_in = _policy(client.get("/admin/login/")["Content-Security-Policy"])
    assert sign_in["script-src"] == ["'self'"] and sign_in["style-src"] == ["'self'"]
    # Wagtail's editing pages start their widgets with inline scripts (wagtail/wagtail#1288).
    admin = _policy(editor.get("/admin/")["Content-Security-Policy"])
    assert admin["script-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["style-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["img-src"] == ["'self'", "blob:"]  # upload thumbnails
    assert admin["frame-ancestors"] == ["'self'"]  # the preview panel
    assert admin["object-src"] == ["'none'"] and admin["default-src"] == ["'self'"]
    # ... and nothing else of the admin's reaches a reader page, even for an editor.
    assert "'unsafe-inline'" not in editor.get("/")["Content-Security-Policy"]


def test_the_admins_preview_of_a_page_is_framed_by_the_admin(editor, story):
    response = editor.get(f"/admin/pages/{story.pk}/edit/preview/")
    assert response.status_code == 200
    # Rendered through the middleware for the page's own URL, then answered under /admin/.
    assert _policy(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize(("env", "images", "frames"), [
    ({}, ["'self'"], ["'self'"]),
    # Media on a bucket or CDN (MEDIA_URL): its host may serve pictures and video, no more.
    ({"MEDIA_URL": "https://cdn.example.org/media/"}, ["'self'", "https://cdn.example.org"],
     ["'self'"]),
    # Players stories embed, named by the site.
    ({"NASHRA_CSP_FRAME_SRC": "https://www.youtube-nocookie.com, https://player.vimeo.com"},
     ["'self'"], ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"]),
])
def test_other_origins_only_when_configured(env, images, frames):
    readers = settings_probe(**PRODUCTION_ENV, **env).CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert readers["img-src"] == readers["media-src"] == images
    assert readers["frame-src"] == frames
    assert readers["script-src"] == readers["style-src"] == ["'self'"]


def _warm(client, url):
    for _ in range(3):
        response = client.get(url)
        if response.get("X-Page-Cache") == "MISS":
            return response
    raise AssertionError(f"{url} was never stored")


def test_cached_pages_keep_both_headers(client, story):
    miss = _warm(client, story.url)
    hit = client.get(story.url)
    assert hit["X-Page-Cache"] == "HIT"
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options",
                   "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert hit[header] == miss[header], header
    # ... and so does the WSGI fast path, which answers before any middleware.
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    def django(environ, start_response):
        raise AssertionError("a hit must not reach Django")

    path = unquote_to_bytes(story.url).decode("latin-1")
    pagecache.page_cache_fast_path(django)(
        {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": ""}, start_response)
    assert seen["headers"]["X-Page-Cache"] == "HIT"
    assert seen["headers"]["Content-Security-Policy"] == miss["Content-Security-Policy"]
    assert seen["headers"]["Permissions-Policy"] == miss["Permissions-Policy"]

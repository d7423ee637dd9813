"""The public address (issue 17, item 3): BASE_URL → the Wagtail Site → every absolute link.

`nashra setup` writes BASE_URL into the default Site; pages, feeds, sitemaps, robots.txt, the
API and short links then carry that host whatever Host header a request came with, and
`nashra check --deploy` fails while the Site is still local.
"""

import io
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import override_settings
from wagtail.models import Site

from nashra.core.addresses import AddressError, address_parse, is_local
from nashra.core.tests.test_settings import migrated_sqlite, server_env, settings_probe  # noqa: F401
from nashra.distribution.apps import public_address_check

PUBLIC = "https://news.example.org"


@pytest.mark.parametrize(
    ("base_url", "hostname", "port", "root_url"),
    [
        ("https://news.example.org", "news.example.org", 443, "https://news.example.org"),
        ("https://News.Example.org/", "news.example.org", 443, "https://news.example.org"),
        ("http://news.example.org", "news.example.org", 80, "http://news.example.org"),
        # make run: its own host and port
        ("http://127.0.0.1:8000", "127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("https://news.example.org:443", "news.example.org", 443, "https://news.example.org"),
    ],
)
def test_base_url_is_read_as_a_host_and_port(base_url, hostname, port, root_url):
    address = address_parse(base_url)
    assert (address.hostname, address.port, address.root_url) == (hostname, port, root_url)


@pytest.mark.parametrize(
    "base_url",
    [
        "news.example.org",  # no scheme
        "ftp://news.example.org",
        "https://",  # no host
        "https://news.example.org/ar/",  # a path: the site is served at the root of its host
        "https://news.example.org/?x=1",
        "https://news.example.org:8443",  # a Wagtail Site reads only 443 as https
        "https://news.example.org:99999",
    ],
)
def test_an_address_a_site_cannot_hold_is_refused_in_arabic(base_url):
    with pytest.raises(AddressError, match="BASE_URL"):
        address_parse(base_url)


@pytest.mark.parametrize(
    ("hostname", "local"),
    [("localhost", True), ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True),
     ("app.localhost", True), ("testserver", True), ("news.example.org", False),
     ("localhost.example.org", False)],
)
def test_local_names(hostname, local):
    assert is_local(hostname) is local


def _site() -> Site:
    return Site.objects.get(is_default_site=True)


@pytest.mark.django_db
def test_setup_writes_base_url_into_the_site_and_pages_carry_it(client, make_article):
    story = make_article(title="خبر بعنوان عام")
    assert _site().root_url == "http://localhost"
    out = io.StringIO()
    with override_settings(BASE_URL=PUBLIC):
        call_command("setup", stdout=out, stderr=io.StringIO())
    site = _site()
    assert (site.hostname, site.port, site.root_url) == ("news.example.org", 443, PUBLIC)
    assert PUBLIC in out.getvalue()
    # Whatever host the request named, every absolute address is the public one.
    story.refresh_from_db()
    for path in (story.url, "/feeds/rss/", "/sitemap.xml", "/sitemaps/news.xml", "/robots.txt",
                 f"/api/v2/articles/{story.pk}/"):
        body = client.get(path, HTTP_HOST="localhost").content.decode()
        assert PUBLIC in body, path
        assert not re.search(r"https?://(localhost|testserver|127\.0\.0\.1)", body), path
    page = client.get(story.url, HTTP_HOST="localhost").content.decode()
    assert f'<link rel="canonical" href="{PUBLIC}/' in page
    assert f'<meta property="og:url" content="{PUBLIC}/' in page
    # running setup again changes nothing and says nothing about the address
    out = io.StringIO()
    with override_settings(BASE_URL=PUBLIC):
        call_command("setup", stdout=out, stderr=io.StringIO())
    assert PUBLIC not in out.getvalue()


@pytest.mark.django_db
def test_setup_without_base_url_warns_while_the_site_is_local(home):
    err = io.StringIO()
    with override_settings(BASE_URL=""):
        call_command("setup", stdout=io.StringIO(), stderr=err)
    assert "http://localhost" in err.getvalue() and "BASE_URL" in err.getvalue()
    _site().__class__.objects.filter(pk=_site().pk).update(hostname="news.example.org", port=443)
    err = io.StringIO()
    with override_settings(BASE_URL=""):
        call_command("setup", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""
    assert _site().root_url == PUBLIC  # kept: no BASE_URL never moves a site back


@pytest.mark.django_db
def test_setup_refuses_a_bad_base_url_before_writing_anything(home):
    with override_settings(BASE_URL="https://news.example.org/ar/"), \
            pytest.raises(CommandError, match="BASE_URL"):
        call_command("setup", stdout=io.StringIO(), stderr=io.StringIO())
    assert _site().root_url == "http://localhost"


@pytest.mark.django_db
def test_check_deploy_fails_while_the_site_is_local(home):
    with pytest.raises(SystemCheckError, match="distribution.E001"):
        call_command("check", deploy=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert [m.id for m in public_address_check()] == ["distribution.E001"]
    Site.objects.filter(is_default_site=True).update(hostname="news.example.org", port=443)
    assert public_address_check() == []


def test_make_run_settings_show_the_readers_error_pages():
    # `make run` (dev.py) leaves DEBUG off unless asked: under DEBUG Django's English debug
    # page takes the place of the Arabic 404 and 500 whatever handler is set.
    assert settings_probe("dev").DEBUG is False
    assert settings_probe("dev", DEBUG="1").DEBUG is True


def test_make_run_site_has_its_own_address_and_the_arabic_404(tmp_path, migrated_sqlite):  # noqa: F811
    """What `make run` does: setup under dev settings with BASE_URL set to its host and port,
    then the server's answers (Django's test client in that process, dev settings)."""
    env = server_env(DJANGO_SETTINGS_MODULE="nashra.settings.dev",
               DATABASE_URL=f"sqlite:///{migrated_sqlite}", NASHRA_VAR_DIR=str(tmp_path),
               BASE_URL="http://127.0.0.1:8104", NASHRA_TASKS="immediate")
    env.pop("DEBUG", None)
    subprocess.run([sys.executable, "-m", "nashra.cli", "setup"], env=env, check=True,
                   capture_output=True)
    probe = (
        "import django; django.setup();"
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "r = c.get('/no-such-page/', HTTP_HOST='127.0.0.1:8104');"
        "print(r.status_code); print(r.content.decode());"
        "print(c.get('/robots.txt', HTTP_HOST='localhost').content.decode())"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, check=True,
                         capture_output=True, text=True).stdout
    status, _, rest = out.partition("\n")
    assert status == "404"
    assert 'lang="ar"' in rest and "الصفحة غير موجودة" in rest
    assert "Page not found" not in rest and "DEBUG = True" not in rest
    assert "Sitemap: http://127.0.0.1:8104/sitemap.xml" in rest

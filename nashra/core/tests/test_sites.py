"""The request's Site from the per-process memo: Wagtail's choice, its root page remembered
until it is published (or the section tree changes)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from nashra.core.sites import site_for_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home


def _request(host):
    return RequestFactory().get("/", HTTP_HOST=host)


def _wagtails(request):
    return Site._find_for_request(request)


@pytest.fixture
def two_sites(home):
    other_root = Page.get_first_root_node().add_child(
        instance=Page(title="موقع آخر", slug="other-root"))
    other = Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    port_site = Site.objects.create(hostname="other.example", port=8080, root_page=home)
    return home, other, port_site


def test_same_site_as_wagtail_for_every_host(two_sites):
    hosts = [
        "localhost",             # the default site
        "127.0.0.1:8000",        # the default site, another port
        "other.example",         # its own site on port 80
        "other.example:8080",    # the same host name on another port
        "other.example:9999",    # host name known, port not: Wagtail's fallback
        "unknown.example",       # no such host: the default site
    ]
    for host in hosts:
        expected = _wagtails(_request(host))
        for _ in range(2):  # cold, then from the memo
            got = site_for_request(_request(host))
            assert (got.pk, got.root_page.pk) == (expected.pk, expected.root_page_id), host
    assert type(site_for_request(_request("localhost")).root_page).__name__ == "HomePage"


def test_warm_lookup_reads_nothing(home):
    site_for_request(_request("localhost"))
    with CaptureQueriesContext(connection) as ctx:
        site = site_for_request(_request("localhost"))
        assert site.root_page.title == home.title  # the specific row, remembered
        assert type(site.root_page).__name__ == "HomePage"
    assert len(ctx.captured_queries) == 0


def test_site_changes_and_root_page_edits_show_at_once(two_sites, client):
    home, other, _ = two_sites
    assert site_for_request(_request("other.example")).pk == other.pk
    other.hostname = "renamed.example"
    other.save()
    assert site_for_request(_request("other.example")).pk == _wagtails(
        _request("other.example")).pk
    assert site_for_request(_request("renamed.example")).pk == other.pk
    other.delete()
    assert site_for_request(_request("renamed.example")).pk == _wagtails(
        _request("renamed.example")).pk
    # The root page is content: kept only until it is published again.
    home.title = "عنوان جديد للرئيسية"
    home.save_revision().publish()
    assert site_for_request(_request("localhost")).root_page.title == "عنوان جديد للرئيسية"


def test_each_request_gets_its_own_site_object(home):
    first, second = site_for_request(_request("localhost")), site_for_request(_request("localhost"))
    assert first is not second and first.root_page is not second.root_page


def test_page_requests_use_the_memo_other_views_are_left_alone(client, make_article, settings):
    settings.NASHRA_PAGE_CACHE = False
    article = make_article()
    client.get(article.url)  # warm
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(article.url).status_code == 200
    assert not [q for q in ctx.captured_queries if '"wagtailcore_site"' in q["sql"]]
    with CaptureQueriesContext(connection) as ctx:  # search finds its Site as Wagtail does
        assert client.get("/search/?q=خبر").status_code == 200
    assert [q for q in ctx.captured_queries if '"wagtailcore_site"' in q["sql"]]

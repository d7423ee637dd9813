"""Issue 16, finding 6: plain anonymous GETs an outside probe answered with 500.

Each is now a clear 400 or 404 (JSON on the API, an Arabic page elsewhere). The fuzz test
(test_fuzz.py) walks every public URL with generated input; these are the probe's own cases.
"""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    return shared_home


PROBED = [
    # url, status expected
    ("/api/v2/articles/?author=%00", 400),  # PostgreSQL refuses NUL in a string literal
    ("/api/v2/articles/?tag=%00", 400),
    ("/api/v2/articles/?search=%00", 400),
    ("/api/v2/articles/?offset=99999999999999999999999", 400),  # past a 64-bit OFFSET
    ("/api/v2/articles/?offset=9223372036854775808", 400),  # 2**63
    ("/api/v2/articles/?limit=9223372036854775808", 400),
    ("/api/v2/articles/find/?html_path=%00", 400),
    ("/api/v2/images/?search=%00", 400),
    ("/api/v2/authors/?search=%00", 400),
    ("/api/v2/sections/?search=%00", 400),
    ("/feeds/tag/%00/rss/", 404),
    ("/feeds/tag/%00/atom/", 404),
    ("/feeds/author/%00/rss/", 404),
    ("/feeds/author/%00/atom/", 404),
]


@pytest.mark.parametrize(("url", "status"), PROBED)
def test_probed_urls_answer_a_clear_error(home, caplog, url, status):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert not [r for r in caplog.records if r.name == "django.request"
                and r.levelno >= logging.ERROR], url
    if url.startswith("/api/"):
        assert response["Content-Type"] == "application/json"
        assert response.json()["message"]
    else:
        assert "text/html" in response["Content-Type"]


# Found by the fuzz test (test_fuzz.py), in core's own code.
@pytest.mark.parametrize("query", [
    "page=%C2%B2",  # "²": str.isdigit() says yes, int() refuses it
    "page=" + "9" * 5000,  # int() refuses more than 4,300 digits
])
def test_odd_page_numbers_are_not_cached_and_answer(home, query):
    from nashra.core.pagecache import cache_key

    assert cache_key("/", query) is None
    assert cache_key("/أخبار/", query) is None
    assert Client().get(f"/?{query}").status_code == 200  # the home page has no pages


def test_a_media_name_too_long_for_any_file_is_a_404(home):
    # The file system refused the name with OSError: a 500 from Django's static serve.
    assert Client().get("/media/" + "9" * 300).status_code == 404
    assert Client().get("/media/images/" + "a/" * 2100).status_code == 404


@pytest.mark.parametrize("cookie", [
    'sessionid="\\000\\000\\000\\000\\000\\000\\000\\000"',  # a quoted cookie spells NUL
    "sessionid=NOT-A-SESSION-KEY",
])
def test_a_session_cookie_no_session_can_have_is_dropped(home, cookie):
    # Django looked the key up: with a NUL, PostgreSQL failed the query on every page.
    response = Client(raise_request_exception=False).get("/", HTTP_COOKIE=cookie)
    assert response.status_code == 200
    assert "sessionid" not in response.wsgi_request.COOKIES


def test_a_real_session_is_kept(home, admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_authenticated


def test_a_document_id_no_database_can_hold_is_a_404(home):
    # Wagtail's document link takes (\d+): int() refused 5,000 digits with ValueError.
    assert Client().get("/documents/" + "9" * 5000 + "/x.pdf").status_code == 404
    assert Client().get(f"/documents/{2**63}/x.pdf").status_code == 404
    assert Client().get("/documents/1/x.pdf").status_code == 404  # no such document

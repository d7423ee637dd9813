"""Bad input to the API and the feeds gets a clear 400 or 404, never a 500 (issue 16, item 6).

Each row was a 500 that the fuzz test (nashra/core/tests/test_fuzz.py) found; the probe's own
URLs are in nashra/core/tests/test_no_5xx.py.
"""

import pytest

pytestmark = pytest.mark.django_db

PAST_ANY_ID = "99999999999999999999"


@pytest.fixture
def home(shared_home):
    return shared_home


@pytest.mark.parametrize(("url", "status"), [
    # A date field filtered with no date: Django's ValidationError went through Wagtail.
    ("/api/v2/sections/1/?first_published_at=0", 400),
    ("/api/v2/articles/?last_published_at=2025-13-01", 400),
    # An operator Wagtail's search refuses with ValueError.
    ("/api/v2/images/?search=x&search_operator=%0D%0A", 400),
    ("/api/v2/articles/?search=x&search_operator=xor", 400),
    # find by an id that is not a number (a ValueError), or past any id (an overflow).
    ("/api/v2/authors/find/?id=%F4%8F%BF%B8", 400),
    (f"/api/v2/articles/find/?id={PAST_ANY_ID}", 400),
    # A story's or section's id is a key to its page: Django checks no range on it.
    ("/api/v2/articles/9223372036854775808/", 404),
    (f"/api/v2/sections/{PAST_ANY_ID}/", 404),
    # Filters on a key, with a number past any id (in Arabic-Indic digits, too).
    ("/api/v2/articles/?alias_of=" + "%D9%A1" * 30, 400),
    (f"/api/v2/articles/?hero_image={PAST_ANY_ID}", 400),
    (f"/api/v2/articles/?section={PAST_ANY_ID}", 400),
    # A day at an end of the calendar overflowed when moved to UTC (SQLite).
    ("/api/v2/articles/?published_after=0001-01-01", 400),
    ("/api/v2/articles/?published_before=0001-01-01", 400),
    ("/api/v2/articles/?first_published_at=0001-01-01", 400),
    ("/feeds/section/9223372036854775808/rss/", 404),
    (f"/feeds/section/{PAST_ANY_ID}/atom/", 404),
])
def test_bad_input_gets_a_clear_error(client, home, url, status):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    if url.startswith("/api/"):
        assert response.json()["message"]


def test_good_input_still_works(client, home, make_article):
    story = make_article(title="خبر للمقارنة")
    assert client.get(f"/api/v2/articles/find/?id={story.pk}").status_code == 302
    assert client.get(f"/api/v2/articles/{story.pk}/").status_code == 200
    assert client.get("/api/v2/articles/?search=خبر&search_operator=or").status_code == 200
    section = story.get_parent()
    assert client.get(f"/feeds/section/{section.pk}/rss/").status_code == 200

"""Empty blocks are hidden; most read on the front page shows the latest until reads count."""

import pytest

pytestmark = pytest.mark.django_db


def test_most_read_falls_back_to_the_latest_on_the_home_page(client, make_article):
    story = make_article(title="خبر لم يقرأه أحد بعد")
    html = client.get("/").content.decode()
    start = html.index('id="most-read-title"')
    block = html[start:html.index("</section>", start)]
    assert story.title in block
    assert "لا قراءات" not in html
    # No tabs for a list that is not a ranking, and no refresh that would empty it.
    assert 'role="tablist"' not in block and "data-live-src" not in block


def test_most_read_is_hidden_beside_a_story_and_on_a_section_without_reads(client, make_article):
    story = make_article(title="خبر جديد")
    for url in (story.url, story.get_parent().url):
        html = client.get(url).content.decode()
        assert "أهم الأخبار" not in html and "لا قراءات" not in html, url


def test_most_read_tabs_control_their_panels(client, make_article):
    from nashra.discovery.counters import current_hour
    from nashra.discovery.models import HourlyViews

    story = make_article(title="خبر مقروء")
    HourlyViews.objects.create(article=story, hour=current_hour(), count=5)
    html = client.get("/").content.decode()
    for window in ("day", "week"):
        assert f'aria-controls="most-read-{window}"' in html
        assert f'id="most-read-{window}"' in html

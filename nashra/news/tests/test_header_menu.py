"""The header's sections come from the cached section map and follow every editor change."""

import re

import pytest

from nashra.news import services
from nashra.news.models import SectionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home


def _menu(client):
    html = client.get("/").content.decode()
    nav = html[html.index('class="site-nav"'):html.index("</nav>", html.index('class="site-nav"'))]
    return re.findall(r">([^<]+)</a>", nav)


def test_menu_follows_publish_unpublish_move_and_menu_flag(client, home, settings):
    settings.NASHRA_PAGE_CACHE = False
    for path in ("أخبار", "رياضة", "ثقافة", "أخبار/فلسطين"):
        services.section_ensure_path(path=path, home=home)
    # Top-level sections in the tree's order; a subsection is not in the header.
    assert _menu(client) == ["أخبار", "رياضة", "ثقافة"]

    sport = SectionPage.objects.get(title="رياضة")
    sport.show_in_menus = False
    sport.save_revision()
    assert _menu(client) == ["أخبار", "رياضة", "ثقافة"]  # a draft does not change the site
    sport.get_latest_revision().publish()
    assert _menu(client) == ["أخبار", "ثقافة"]

    sport.show_in_menus = True
    sport.save_revision().publish()
    culture = SectionPage.objects.get(title="ثقافة")
    culture.move(home, pos="first-child")
    assert _menu(client) == ["ثقافة", "أخبار", "رياضة"]

    culture.refresh_from_db()
    culture.unpublish()
    assert _menu(client) == ["أخبار", "رياضة"]


def test_section_map_read_once_per_request(client, make_article, settings, monkeypatch):
    settings.NASHRA_PAGE_CACHE = False
    from nashra.core import fragments
    from nashra.news import selectors

    for i in range(6):
        story = make_article(title=f"خبر {i}", section=["رياضة", "أخبار/فلسطين"][i % 2])
    reads = []
    real_read = fragments._read_generations

    def spy():
        reads.append(1)
        return real_read()

    # The tree's version comes with the generations: one read of the shared store a request.
    monkeypatch.setattr(fragments, "_read_generations", spy)
    for url in ("/", story.get_parent().url, story.url):
        reads.clear()
        assert client.get(url).status_code == 200
        assert len(reads) == 1, url
    # Outside a request (the scheduler, a shell) every call asks the store, as before.
    reads.clear()
    selectors.section_for_path(story.path)
    selectors.section_for_path(story.path)
    assert len(reads) == 2

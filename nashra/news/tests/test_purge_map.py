"""The invalidation map: each editor action purges exactly these URLs from the front caches
(recorded by nashra.core.pagecache.RecordingPurgeBackend), and never a page of a story that
did not change."""

from urllib.parse import quote

import pytest

from nashra.core.pagecache import RecordingPurgeBackend
from nashra.news import services

ROOT = "http://localhost"
NEWS, WORLD, SPORT = "/أخبار/", "/أخبار/عربية-ودولية/", "/رياضة/"


def u(*paths: str) -> set[str]:
    return {ROOT + quote(p, safe="/?=%") for p in paths}


def listing(path: str) -> set[str]:
    return u(path, *(f"{path}?page={n}" for n in range(2, 6)))


def feeds(*prefixes: str) -> set[str]:
    return u(*(f"/feeds/{p}{kind}/" for p in prefixes for kind in ("rss", "atom")))


SITEMAPS = u("/sitemap.xml", "/sitemaps/news.xml", "/sitemaps/pages.xml",
             "/sitemaps/articles-0.xml")


@pytest.fixture
def purged(django_capture_on_commit_callbacks):
    """Run an action with commit hooks on; the set of URLs the front caches were told."""

    def _run(action):
        RecordingPurgeBackend.purged.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result, set(RecordingPurgeBackend.purged)

    return _run


@pytest.fixture
def bystander(make_article):
    """A story that nothing below touches: its page must never be purged."""
    return make_article(title="خبر لا يتغير", section="أخبار/عربية ودولية", tags=["اقتصاد"])


def _section_ids(article):
    return [str(p.pk) for p in article.get_ancestors().specific() if p.depth > 2]


def test_publishing_a_story_purges_its_pages_lists_feeds_and_sitemaps(purged, make_article,
                                                                      bystander):
    story, urls = purged(lambda: make_article(title="قمة عربية", tags=["غزة"],
                                               authors=["سلمى حداد"]))
    sections = _section_ids(story)
    expected = (u("/", WORLD + "قمة-عربية/") | listing(NEWS) | listing(WORLD)
                | listing("/tag/غزة/") | listing("/author/سلمى-حداد/")
                | feeds("", *(f"section/{i}/" for i in sections), "tag/غزة/",
                        "author/سلمى-حداد/")
                | SITEMAPS)
    assert urls == expected
    assert not any(quote("خبر-لا-يتغير") in url for url in urls)
    assert not any(quote("اقتصاد") in url for url in urls)  # the bystander's tag


def test_an_edit_that_drops_a_tag_purges_the_old_tag_page_too(purged, make_article, bystander):
    story = make_article(title="قمة عربية", tags=["غزة", "القدس"], external_id="e1")
    _, urls = purged(lambda: make_article(title="قمة عربية", tags=["غزة"], external_id="e1"))
    assert listing("/tag/القدس/") <= urls  # it listed the story until now
    assert feeds("tag/القدس/") <= urls
    assert listing("/tag/غزة/") <= urls
    assert u(story.url) <= urls
    assert not any(quote("خبر-لا-يتغير") in url for url in urls)


def test_moving_a_story_purges_old_and_new_sections(purged, make_article, bystander):
    make_article(title="مباراة الفصل", section="أخبار/عربية ودولية", external_id="m1")
    _, urls = purged(lambda: make_article(title="مباراة الفصل", section="رياضة",
                                          external_id="m1"))
    assert u(WORLD + "مباراة-الفصل/", SPORT + "مباراة-الفصل/") <= urls
    assert listing(WORLD) | listing(NEWS) | listing(SPORT) | u("/") <= urls
    assert not any(quote("خبر-لا-يتغير") in url for url in urls)


def test_unpublishing_and_deleting_purge_where_the_story_was(purged, make_article, bystander):
    story = make_article(title="قمة عربية", tags=["غزة"])
    where = u(story.url, "/") | listing(WORLD) | listing("/tag/غزة/")
    _, urls = purged(lambda: story.unpublish())
    assert where <= urls
    from nashra.news.models import StoryFootprint

    assert not StoryFootprint.objects.filter(page_id=story.pk).exists()
    again = make_article(title="خبر سيحذف", tags=["الضفة"])
    _, urls = purged(lambda: again.delete())
    assert u(again.url, "/") | listing(WORLD) | listing("/tag/الضفة/") <= urls
    assert not any(quote("خبر-لا-يتغير") in url for url in urls)


def test_approving_a_comment_purges_only_its_story(purged, make_article, bystander):
    from nashra.comments import services as comments

    story = make_article(title="قمة عربية")
    comment = comments.comment_create(page=story, author_name="سارة",
                                      author_email="s@example.org", body="تعليق")
    _, urls = purged(lambda: comments.comment_moderate(comment=comment, action="approve"))
    assert urls == u(story.url)


def test_home_front_changes_purge_the_home_page_only(purged, make_article, bystander, home):
    from nashra.discovery.models import PickItem, PicksList

    story = make_article(title="قمة عربية")

    def edit_picks():
        picks = PicksList(name="اخترنا لكم")
        picks.items = [PickItem(story=story)]
        picks.save()

    _, urls = purged(edit_picks)
    assert urls == u("/")


def test_a_section_rename_purges_home_and_section_and_renews_our_cache(purged, make_article,
                                                                     client):
    from nashra.news.models import SectionPage

    story = make_article(title="قمة عربية")
    client.get(story.url)
    assert client.get(story.url)["X-Page-Cache"] == "HIT"
    section = SectionPage.objects.get(slug="أخبار")

    def rename():
        section.title = "الأخبار"
        section.save_revision().publish()

    _, urls = purged(rename)
    assert listing(NEWS) | u("/") <= urls
    assert not any(quote("قمة-عربية") in url for url in urls)
    # Every page shows the section menu: our own copies are all renewed at once.
    response = client.get(story.url)
    assert response.get("X-Page-Cache") != "HIT"
    assert "الأخبار" in response.content.decode()


def test_the_scheduler_publishing_a_story_purges_like_an_editor(purged, make_article, home):
    import datetime as dt

    from django.utils import timezone

    from nashra.core import scheduler

    later = timezone.now() + dt.timedelta(minutes=5)
    story = make_article(title="خبر مجدول", published_at=later)
    assert not story.live

    import time_machine

    with time_machine.travel(later + dt.timedelta(minutes=1)):
        _, urls = purged(scheduler.scheduler_tick)
    assert u(WORLD + "خبر-مجدول/", "/") | listing(WORLD) <= urls


def test_site_root_url_comes_from_the_site(make_article):
    story = make_article()
    assert services.story_purge(article=story)[0].startswith(ROOT + "/")

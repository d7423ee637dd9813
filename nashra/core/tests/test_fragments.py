"""What reader pages share, remembered between renders (nashra.core.fragments): a rendered
story costs only its own queries, and every change shows on the next render."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import PageViewRestriction, Site

from nashra.comments.models import ArticleComments, Comment, CommentSettings
from nashra.comments.services import comment_moderate
from nashra.core import fragments, pagecache
from nashra.core.models import SiteSettings
from nashra.discovery.models import BreakingNews, PickItem, PicksList, RelatedCuration, RelatedPin
from nashra.news.models import Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home


@pytest.fixture(autouse=True)
def _rendered(settings):
    settings.NASHRA_PAGE_CACHE = False  # every request below is a real render
    fragments.forget_all()
    yield
    fragments.forget_all()


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _aside(html: str) -> str:
    start = html.index('class="discovery-aside"')
    return html[start:html.index("</aside>", start)]


# --- the story page ---------------------------------------------------------------------------

def test_a_warm_story_render_reads_only_the_story_and_its_restrictions(client, make_article):
    story = make_article(title="خبر للقياس", tags=["غزة"], authors=["سلمى حداد"])
    other = make_article(title="خبر آخر")
    RelatedPin.objects.create(curation=RelatedCuration.objects.create(article=story), story=other)
    _page(client, story.url)
    with CaptureQueriesContext(connection) as ctx:
        html = _page(client, story.url)
    assert "خبر آخر" in _aside(html) and "سلمى حداد" in html and "غزة" in html
    tables = [q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in ctx.captured_queries]
    # The story's own row, by its URL path: that it is live and what state it is in. Its body,
    # byline, tags and <head> are kept by that state (page.cache_key), its comment thread by
    # its own version; what it shares with other pages by the site's generations. And its view
    # restrictions, read on every request: a security check never rests on a remembered answer.
    assert tables == ["news_articlepage", "wagtailcore_pageviewrestriction"], tables


# Each case: what an editor or moderator does, and what the next render of the subject story
# must show (a text in it, or a text gone from it).
def _retitle_related(ctx):
    ctx["related"].title = "عنوان جديد للخبر ذي العلاقة"
    ctx["related"].save_revision().publish()
    return "عنوان جديد للخبر ذي العلاقة", True


def _unpublish_related(ctx):
    ctx["related"].unpublish()
    return "خبر ذو علاقة", False


def _breaking(ctx):
    BreakingNews.objects.create(text="انفجار في الميناء")
    return "انفجار في الميناء", True


def _pick(ctx):
    picks = PicksList.objects.create(name="اخترنا لكم", show_beside_articles=True)
    PickItem.objects.create(picks=picks, story=ctx["related"], sort_order=0)
    return "اخترنا لكم", True


def _site_name(ctx):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.site_name = "نشرة المساء"
    settings.save()
    return "نشرة المساء", True


def _comments_off(ctx):
    config = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    config.enabled = False
    config.save()
    return 'name="author_name"', False


def _approve_comment(page, *, author_name: str, body: str) -> None:
    """A reader's comment, held, then approved by a moderator."""
    comment = Comment.objects.create(page=page, author_name=author_name, body=body,
                                     author_email="reader@example.com",
                                     status=Comment.Status.PENDING)
    comment_moderate(comment=comment, action="approve")


def _comment_on_related(ctx):
    _approve_comment(ctx["related"], author_name="قارئ", body="تعليق")
    return "تعليق واحد", True


def _section_renamed(ctx):
    section = ctx["story"].get_parent().specific
    section.title = "شؤون عربية ودولية"
    section.save_revision().publish()
    return "شؤون عربية ودولية", True


def _edit_story(ctx):
    ctx["story"].standfirst = "مقدمة جديدة كتبها المحرر"
    ctx["story"].save_revision().publish()
    return "مقدمة جديدة كتبها المحرر", True


def _author_renamed(ctx):
    author = Author.objects.get(name="سلمى حداد")
    author.name = "سلمى الحداد"
    author.save()
    return "سلمى الحداد", True


def _tag_renamed(ctx):
    tag = Tag.objects.get(name="غزة")
    tag.name = "قطاع غزة"
    tag.save()
    return "قطاع غزة", True


def _story_comments_closed(ctx):
    ArticleComments.objects.create(page=ctx["story"], closed=True)
    return "أُغلقت التعليقات على هذا المقال", True


def _comment_approved(ctx):
    _approve_comment(ctx["story"], author_name="قارئة", body="رأي القارئة")
    return "رأي القارئة", True


CHANGES = [_retitle_related, _unpublish_related, _breaking, _pick, _site_name, _comments_off,
           _comment_on_related, _section_renamed, _edit_story, _author_renamed, _tag_renamed,
           _story_comments_closed, _comment_approved]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_shows_on_the_next_render(client, make_article, change):
    story = make_article(title="الخبر المعروض", authors=["سلمى حداد"], tags=["غزة"])
    related = make_article(title="خبر ذو علاقة")
    RelatedPin.objects.create(curation=RelatedCuration.objects.create(article=story),
                              story=related)
    for _ in range(2):  # remembered now
        before = _page(client, story.url)
    text, shown = change({"story": story, "related": related})
    assert (text in before) is not shown  # the case changes something
    after = _page(client, story.url)
    assert (text in after) is shown


def test_a_first_curation_shows_on_the_next_render(client, make_article):
    story = make_article(title="خبر بلا تحرير")
    pinned = make_article(title="خبر ثبّته المحرر")
    with CaptureQueriesContext(connection) as ctx:
        before = _page(client, story.url)
    # Few stories are curated: the others' first render does not ask for pins or exclusions.
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "discovery_relatedpin" not in tables and "discovery_relatedexclusion" not in tables
    assert "خبر ثبّته المحرر" not in _aside(_page(client, story.url))
    RelatedPin.objects.create(curation=RelatedCuration.objects.create(article=story), story=pinned)
    assert "خبر ثبّته المحرر" not in _aside(before)
    assert "خبر ثبّته المحرر" in _aside(_page(client, story.url))


def test_a_view_restriction_applies_at_once(client, make_article):
    story = make_article()
    _page(client, story.url)
    _page(client, story.url)
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(story.url).status_code == 302  # to the login page


def test_what_changes_by_itself_ends_on_time(client, make_article):
    story = make_article()
    now = timezone.now()
    BreakingNews.objects.create(text="خبر عاجل قصير", starts_at=now - dt.timedelta(minutes=1),
                                expires_at=now + dt.timedelta(minutes=2))
    picks = PicksList.objects.create(name="قائمة مؤقتة", show_beside_articles=True)
    PickItem.objects.create(picks=picks, story=make_article(title="خبر مختار لوقت"),
                            sort_order=0, ends_at=now + dt.timedelta(minutes=3))
    with time_machine.travel(now, tick=False):
        html = _page(client, story.url)
        assert "خبر عاجل قصير" in html and "خبر مختار لوقت" in _aside(html)
        assert "خبر عاجل قصير" in _page(client, story.url)  # remembered
    with time_machine.travel(now + dt.timedelta(minutes=2, seconds=1), tick=False):
        html = _page(client, story.url)
        assert "خبر عاجل قصير" not in html and "خبر مختار لوقت" in _aside(html)
    with time_machine.travel(now + dt.timedelta(minutes=3, seconds=1), tick=False):
        assert "خبر مختار لوقت" not in _aside(_page(client, story.url))


# --- remember() itself --------------------------------------------------------------------------

@pytest.fixture
def counted():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return calls, compute


def test_kept_until_the_content_changes_in_any_process(rf, counted, home):
    calls, compute = counted
    assert fragments.remember(rf.get("/"), "k", compute) == 1
    assert fragments.remember(rf.get("/"), "k", compute) == 1
    fragments.content_changed()
    assert fragments.remember(rf.get("/"), "k", compute) == 2
    # Another process's change reaches this one through the shared store alone.
    caches[pagecache.CACHE_ALIAS].set(fragments.CONTENT_GEN_KEY, (0.0, "elsewhere"), None)
    assert fragments.remember(rf.get("/"), "k", compute) == 3
    # So does a new site generation (the section tree, the home page).
    pagecache.everything_purge()
    assert fragments.remember(rf.get("/"), "k", compute) == 4
    assert len(calls) == 4


def test_one_request_reads_the_generations_once(rf, counted, home, django_assert_num_queries):
    _, compute = counted
    request = rf.get("/")
    fragments.remember(request, "a", compute)
    fragments.content_changed()  # after this request began: it keeps its own view
    assert fragments.remember(request, "a", compute) == 1
    assert fragments.remember(rf.get("/"), "a", compute) == 2


def test_lifetimes(rf, counted, home, settings):
    calls, compute = counted
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        fragments.remember(rf.get("/"), "until", compute, until=now + dt.timedelta(seconds=10))
        fragments.remember(rf.get("/"), "until", compute, until=now + dt.timedelta(seconds=10))
        fragments.remember(rf.get("/"), "short", compute, seconds=5)
        fragments.remember(rf.get("/"), "own", lambda: fragments.Expiring(
            "x", now + dt.timedelta(seconds=3)))
        assert len(calls) == 2
    with time_machine.travel(now + dt.timedelta(seconds=4), tick=False):
        assert fragments.remember(rf.get("/"), "own", lambda: "fresh") == "fresh"
        fragments.remember(rf.get("/"), "short", compute)
        assert len(calls) == 2
    with time_machine.travel(now + dt.timedelta(seconds=11), tick=False):
        fragments.remember(rf.get("/"), "until", compute)
        fragments.remember(rf.get("/"), "short", compute)
        assert len(calls) == 4
    settings.NASHRA_FRAGMENT_SECONDS = 0  # off: computed every time
    fragments.remember(rf.get("/"), "short", compute)
    fragments.remember(rf.get("/"), "short", compute)
    assert len(calls) == 6


def test_not_kept_while_a_replica_may_lag(rf, counted, home, settings):
    calls, compute = counted
    settings.NASHRA_FRAGMENT_REPLICA_WINDOW = 5
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        fragments.content_changed()
        fragments.remember(rf.get("/"), "k", compute)
        fragments.remember(rf.get("/"), "k", compute)
        assert len(calls) == 2  # a replica may still show what came before the change
    with time_machine.travel(now + dt.timedelta(seconds=6), tick=False):
        fragments.remember(rf.get("/"), "k", compute)
        fragments.remember(rf.get("/"), "k", compute)
        assert len(calls) == 3


def test_least_recently_used_go_first(rf, counted, home, settings):
    calls, compute = counted
    settings.NASHRA_FRAGMENT_ENTRIES = 2
    for key in ("a", "b", "a", "c"):  # c pushes out b, not a (used just before)
        fragments.remember(rf.get("/"), key, compute)
    assert len(calls) == 3
    fragments.remember(rf.get("/"), "a", compute)
    assert len(calls) == 3
    fragments.remember(rf.get("/"), "b", compute)
    assert len(calls) == 4


def test_each_site_its_own(counted, home):
    calls, compute = counted
    other = Site.objects.create(hostname="other.example", port=80, root_page=home)
    factory = RequestFactory()
    fragments.remember(factory.get("/", HTTP_HOST="localhost"), "k", compute)
    fragments.remember(factory.get("/", HTTP_HOST="other.example"), "k", compute)
    fragments.remember(factory.get("/", HTTP_HOST="other.example"), "k", compute)
    assert len(calls) == 2 and other.pk


def test_nothing_of_a_story_is_kept_while_a_replica_may_lag(client, make_article, settings):
    settings.NASHRA_FRAGMENT_REPLICA_WINDOW = 5
    story = make_article()
    comment = Comment.objects.create(page=story, author_name="قارئ", body="تعليق جديد",
                                     author_email="c@example.com", status=Comment.Status.PENDING)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        comment_moderate(comment=comment, action="approve")  # a new thread version, and content
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                assert "تعليق جديد" in _page(client, story.url)
            read = " ".join(q["sql"] for q in ctx.captured_queries)
            assert '"comments_comment"' in read and '"news_articlepageauthor"' in read
    with time_machine.travel(now + dt.timedelta(seconds=6), tick=False):
        _page(client, story.url)
        with CaptureQueriesContext(connection) as ctx:
            assert "تعليق جديد" in _page(client, story.url)
        assert len(ctx.captured_queries) == 2  # kept from here on: the story and its restrictions

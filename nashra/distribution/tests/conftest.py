"""A small newsroom for the distribution tests: two sections, bylines, tags, a hero image."""

import datetime as dt

import pytest
from django.utils import timezone

from nashra.conftest import article_maker, home_install, shared_rows


def _newsroom_build() -> dict[str, int]:
    from nashra.news.demo import demo_image

    make_article = article_maker(home_install(), prefix="newsroom")
    now = timezone.now()
    lead = make_article(
        title="وزير الصحة يفتتح مستشفى جديداً في غزة & يعد بالمزيد",
        standfirst="افتتاح مستشفى بسعة مئة سرير <وسط> المدينة.",
        body="فقرة أولى عن المستشفى.\n\nفقرة ثانية عن الأطباء.",
        section="أخبار/فلسطين", authors=["سلمى حداد", "عمر يوسف"], tags=["غزة", "الصحة"],
        source="الأناضول", published_at=now - dt.timedelta(hours=2),
    )
    lead.hero_image = demo_image(title="المستشفى", alt="مبنى المستشفى الجديد", seed=3,
                                 size=(640, 360))
    lead.save_revision().publish()
    second = make_article(
        title="المنتخب يفوز في التصفيات", section="رياضة", authors=["عمر يوسف"],
        tags=["كرة القدم"], published_at=now - dt.timedelta(hours=5),
    )
    old = make_article(
        title="خبر من الأرشيف", section="أخبار/فلسطين", source="وفا",
        published_at=now - dt.timedelta(days=30),
    )
    return {"lead": lead.pk, "second": second.pk, "old": old.pk}


@pytest.fixture(scope="class")
def _newsroom_built(request, django_db_setup, django_db_blocker):
    """The newsroom's rows, built once for a test class, or for a test outside one (each
    test's writes are still rolled back after it)."""
    with shared_rows(request, django_db_blocker, _newsroom_build) as pks:
        yield pks


@pytest.fixture
def newsroom(_newsroom_built, home):
    """Three published stories; the first has a hero image and two authors. Read afresh
    for each test, which may change them."""
    from nashra.news.models import ArticlePage

    return {name: ArticlePage.objects.get(pk=pk) for name, pk in _newsroom_built.items()}


@pytest.fixture
def uncached_queries(client):
    """uncached_queries(url): how many queries `url` costs when its response is not cached."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nashra.distribution import cache as response_cache

    def count(url):
        client.get(url)  # warm per-process caches (site, settings, section map)
        response_cache.tree_changed()  # but not the response itself
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url)["X-Cache"] == "miss"
        return len(ctx.captured_queries)

    return count

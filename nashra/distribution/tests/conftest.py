"""A small newsroom for the distribution tests: two sections, bylines, tags, a hero image."""

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def newsroom(make_article):
    """Three published stories; the first has a hero image and two authors."""
    from nashra.news.demo import demo_image

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
    lead.refresh_from_db()
    second = make_article(
        title="المنتخب يفوز في التصفيات", section="رياضة", authors=["عمر يوسف"],
        tags=["كرة القدم"], published_at=now - dt.timedelta(hours=5),
    )
    old = make_article(
        title="خبر من الأرشيف", section="أخبار/فلسطين", source="وفا",
        published_at=now - dt.timedelta(days=30),
    )
    return {"lead": lead, "second": second, "old": old}


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

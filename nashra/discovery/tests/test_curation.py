"""Editor's picks on their times, the breaking bar on every page, the editors' lead story."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from nashra.discovery import selectors
from nashra.discovery.models import BreakingNews, DiscoverySettings, PickItem, PicksList

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_picks_appear_and_disappear_on_their_times(client, make_article):
    always, timed = make_article(title="خبر دائم في القائمة"), make_article(title="خبر مؤقت")
    picks = PicksList.objects.create(name="اخترنا لكم", show_beside_articles=False)
    PickItem.objects.create(picks=picks, story=timed, sort_order=0,
                            starts_at=NOW + dt.timedelta(hours=1),
                            ends_at=NOW + dt.timedelta(hours=3))
    PickItem.objects.create(picks=picks, story=always, sort_order=1)

    def shown(at):
        with time_machine.travel(at, tick=False):
            blocks = selectors.picks(placement="home")
            html = client.get("/").content.decode()
        titles = [a.title for block in blocks for a in block.articles]
        start = html.index('class="discovery-block picks"')
        on_page = html[start:html.index("</section>", start)]
        assert [t for t in (timed.title, always.title) if t in on_page] == titles
        return titles

    assert shown(NOW) == [always.title]
    assert shown(NOW + dt.timedelta(hours=1)) == [timed.title, always.title]  # editors' order
    assert shown(NOW + dt.timedelta(hours=2, minutes=59)) == [timed.title, always.title]
    assert shown(NOW + dt.timedelta(hours=3)) == [always.title]
    # The list is for the home page only.
    assert selectors.picks(placement="article") == []


def test_pick_times_must_be_in_order(make_article):
    item = PickItem(story=make_article(), starts_at=NOW, ends_at=NOW)
    with pytest.raises(ValidationError, match="بعد"):
        item.clean()


def test_breaking_bar_on_every_page_and_in_the_fragment(client, make_article):
    article = make_article(title="انفجار في ميناء المدينة")
    BreakingNews.objects.create(story=article, expires_at=timezone.now() + dt.timedelta(hours=1))
    BreakingNews.objects.create(text="مجلس الأمن يعقد جلسة طارئة الليلة",
                                expires_at=timezone.now() + dt.timedelta(hours=1))
    BreakingNews.objects.create(text="خبر عاجل انتهى وقته",
                                starts_at=timezone.now() - dt.timedelta(hours=3),
                                expires_at=timezone.now() - dt.timedelta(hours=1))
    for url in ("/", article.get_parent().url, article.url):
        html = client.get(url).content.decode()
        bar = html[html.index('class="breaking"'):html.index("<main")]
        assert "مجلس الأمن يعقد جلسة طارئة الليلة" in bar
        assert f'<a href="{article.url}">انفجار في ميناء المدينة</a>' in bar
        assert "انتهى وقته" not in bar
    fragment = client.get("/discovery/live/breaking/")
    assert "max-age=5" in fragment["Cache-Control"]
    assert "مجلس الأمن" in fragment.content.decode()


def test_breaking_item_needs_text_or_a_story():
    with pytest.raises(ValidationError, match="اكتب نص الخبر العاجل"):
        BreakingNews(text="  ").clean()
    with pytest.raises(ValidationError, match="سطر واحد"):
        BreakingNews(text="سطر\nوسطر").clean()


def test_editors_lead_until_its_time_then_the_latest(client, make_article):
    chosen = make_article(title="الخبر الذي اختاره المحررون")
    latest = make_article(title="أحدث خبر")
    settings = DiscoverySettings.for_site(chosen.get_site())
    settings.lead_story = chosen
    settings.lead_until = NOW + dt.timedelta(hours=1)
    settings.save()

    def lead_title(at):
        with time_machine.travel(at, tick=False):
            html = client.get("/").content.decode()
        lead = html[html.index("card--lead"):]
        return lead[lead.index('<h3 class="card__title">'):lead.index("</h3>")]

    assert chosen.title in lead_title(NOW)
    assert latest.title in lead_title(NOW + dt.timedelta(hours=2))


def test_section_page_shows_its_lead_and_its_own_most_read(client, make_article):
    from nashra.discovery.counters import current_hour
    from nashra.discovery.models import HourlyViews

    sport = make_article(title="خبر رياضي مقروء", section="رياضة")
    make_article(title="أحدث خبر رياضي", section="رياضة")
    politics = make_article(title="خبر سياسي مقروء", section="أخبار/عربية ودولية")
    for story in (sport, politics):
        HourlyViews.objects.create(article=story, hour=current_hour(), count=50)
    html = client.get(sport.get_parent().url).content.decode()
    lead = html[html.index("card--lead"):]
    assert "أحدث خبر رياضي" in lead[:lead.index("</article>")]
    start = html.index("أهم الأخبار")
    most_read = html[start:html.index("</aside>", start)]
    assert sport.title in most_read and politics.title not in most_read

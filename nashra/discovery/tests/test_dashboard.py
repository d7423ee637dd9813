"""The newsroom dashboard in the admin: reads per hour as SVG, most read now, today's stories."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from nashra.discovery.models import HourlyViews

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home
NOW = dt.datetime(2026, 11, 30, 10, 30, tzinfo=dt.UTC)


def test_dashboard_draws_reads_per_hour_and_lists(client, make_article):
    with time_machine.travel(NOW, tick=False):
        read, quiet = make_article(title="خبر كثير القراءة"), make_article(title="خبر بلا قراء")
        hour = int(NOW.timestamp() // 3600)
        HourlyViews.objects.create(article=read, hour=hour, count=120)
        HourlyViews.objects.create(article=read, hour=hour - 5, count=60)
        HourlyViews.objects.create(article=read, hour=hour - 60, count=999)  # outside 48 h
        admin = get_user_model().objects.create_superuser("chief", "c@example.org", "x")
        client.force_login(admin)
        html = client.get("/admin/newsroom/").content.decode()
    assert html.count("<rect ") == 48
    assert "المجموع: 180 قراءة" in html
    # The tallest bar (this hour, 120) fills the plot; the one five hours ago is half as tall.
    # Hours are the site's (Asia/Amman, UTC+3); numbers in SVG are never localised (no "184,0").
    assert 'x="29.9" y="28.0" width="15.1" height="184.0" fill="#8a1538"><title>2026-11-30 13:00: 120</title>' in html
    assert 'height="92.0" fill="#8a1538"><title>2026-11-30 08:00: 60</title>' in html
    top = html[html.index("الأكثر قراءة الآن"):html.index("نُشر اليوم")]
    assert read.title in top and "180" in top and quiet.title not in top
    today = html[html.index("نُشر اليوم"):]
    assert read.title in today and quiet.title in today


def test_dashboard_needs_the_admin(client, home):
    response = client.get("/admin/newsroom/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editors_screens_open(client, home):
    """The snippet and setting forms editors use (panels, choosers, inline ordering) render."""
    admin = get_user_model().objects.create_superuser("chief", "c@example.org", "x")
    client.force_login(admin)
    for url in ("/admin/snippets/discovery/breakingnews/add/",
                "/admin/snippets/discovery/pickslist/add/",
                "/admin/snippets/discovery/relatedcuration/add/",
                f"/admin/settings/discovery/discoverysettings/{home.get_site().pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
    html = client.get("/admin/snippets/discovery/pickslist/add/").content.decode()
    assert "يظهر من" in html and "يختفي في" in html


def test_breaking_form_refuses_an_empty_item_with_an_arabic_error(client, home):
    from nashra.discovery.models import BreakingNews

    admin = get_user_model().objects.create_superuser("chief", "c@example.org", "x")
    client.force_login(admin)
    response = client.post("/admin/snippets/discovery/breakingnews/add/", {
        "text": "", "story": "", "starts_at": "2026-11-30 10:00", "expires_at": "2026-11-30 09:00",
    })
    assert response.status_code == 200
    assert "اكتب نص الخبر العاجل أو اختر خبراً." in response.content.decode()
    assert not BreakingNews.objects.exists()


def _main_text(html: str) -> str:
    """The dashboard's own words: its <main> block without tags, attributes or the SVG."""
    import re

    body = html[html.index('<h2 id="reads-title"'):html.index("</main>")]
    body = re.sub(r"<svg.*?</svg>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.mark.parametrize(("digits", "shown", "absent"), [
    ("arabic_indic", "٠١٢٣٤٥٦٧٨٩", "0123456789"),
    ("western", "0123456789", "٠١٢٣٤٥٦٧٨٩"),
])
def test_dashboard_numbers_follow_the_site_digit_setting(client, make_article, home, digits,
                                                          shown, absent):
    """No «٤٨» beside «0» and «1»: every figure in the site's digits, counts in Arabic agreement."""
    from nashra.core.models import SiteSettings

    options = SiteSettings.for_site(home.get_site())
    options.digits = digits
    options.save()
    with time_machine.travel(NOW, tick=False):
        story = make_article(title="خبر مقروء")
        HourlyViews.objects.create(article=story, hour=int(NOW.timestamp() // 3600), count=1)
        admin = get_user_model().objects.create_superuser("chief", "c@example.org", "x")
        client.force_login(admin)
        html = client.get("/admin/newsroom/").content.decode()
    text = _main_text(html)
    assert not any(d in text for d in absent), text
    assert any(d in text for d in shown)
    # one read is «قراءة واحدة», never «1 قراءة»
    assert "المجموع: قراءة واحدة" in text
    assert "خبر واحد" in text

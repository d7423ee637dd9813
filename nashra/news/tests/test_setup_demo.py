"""`nashra setup --demo` (what `make run` calls): loads the demo once, keeps every edit after."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from nashra.core.models import SiteSettings
from nashra.news.demo import PUBLISHER_NAME, REFERENCE_EXTERNAL_ID, demo_articles
from nashra.news.models import ArticlePage, HomePage

pytestmark = pytest.mark.django_db


def test_setup_demo_is_idempotent_and_keeps_edits(client, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # related lists are made on commit
        call_command("setup", "--demo", stdout=out)
    assert "admin / nashra-admin" in out.getvalue()
    assert ArticlePage.objects.count() == 1 + len(demo_articles())
    reference = ArticlePage.objects.get(external_id=REFERENCE_EXTERNAL_ID)
    assert reference.source == "الأناضول"
    assert [a.title for a in reference.get_ancestors().filter(depth__gt=2)] == [
        "أخبار", "عربية ودولية"]
    home_html = client.get("/").content.decode()
    assert reference.title in home_html and PUBLISHER_NAME in home_html
    # the reference page's blocks are all on the demo story: related news, most read, picks
    story_html = client.get(reference.url).content.decode()
    for block in ("أخبار ذات علاقة", "اخترنا لكم", "ترك الرد"):
        assert block in story_html

    # an editor changes the headline; running setup again must keep it and add nothing
    reference.title = "عنوان عدّله المحرر"
    reference.save_revision().publish()
    call_command("setup", "--demo", stdout=StringIO())
    assert ArticlePage.objects.count() == 1 + len(demo_articles())
    assert ArticlePage.objects.get(external_id=REFERENCE_EXTERNAL_ID).title == "عنوان عدّله المحرر"
    from nashra.discovery.models import PicksList

    assert PicksList.objects.count() == 1 and PicksList.objects.get().items.count() == 4
    assert HomePage.objects.count() == 1
    settings = SiteSettings.objects.get()
    assert settings.site_name == PUBLISHER_NAME


def test_500_page_stands_alone_in_arabic():
    # The 500 page renders with no context processors and no database.
    html = render_to_string("500.html")
    assert '<html lang="ar" dir="rtl">' in html and "حدث خطأ في الخادم" in html

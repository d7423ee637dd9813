"""`nashra setup --demo` (what `make run` calls): loads the demo once, keeps every edit after."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings

from nashra.core.models import SiteSettings
from nashra.news.demo import PUBLISHER_NAME, REFERENCE_EXTERNAL_ID, demo_articles
from nashra.news.models import ArticlePage, HomePage

pytestmark = pytest.mark.django_db


@override_settings(NASHRA_DEMO_KNOWN_PASSWORDS=True)  # as dev.py, for `make run`
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


def _printed_logins(out: str) -> dict[str, str]:
    return dict(re.findall(r"^  .+: (\w+) / (\S+)$", out, flags=re.MULTILINE))


def test_setup_demo_outside_dev_makes_random_passwords_and_prints_them_once(rf):
    # What `nashra setup --demo` does under production settings: the probe of issue 16 found
    # admin / nashra-admin there. Only dev.py (`make run`) keeps the documented passwords.
    out = StringIO()
    call_command("setup", "--demo", stdout=out)
    logins = _printed_logins(out.getvalue())
    assert set(logins) == {"admin", "editor", "reporter"}
    assert "nashra-admin" not in out.getvalue() and "nashra-editor" not in out.getvalue()
    for username, password in logins.items():
        assert len(password) >= 16
        assert authenticate(rf.post("/admin/login/"), username=username,
                            password=password).username == username
        assert authenticate(rf.post("/admin/login/"), username=username,
                            password=f"nashra-{username}") is None
    assert "لا تُعرض مرة أخرى" in out.getvalue()

    # once: a second run leaves them and prints none
    again = StringIO()
    call_command("setup", "--demo", stdout=again)
    assert _printed_logins(again.getvalue()) == {}
    assert authenticate(rf.post("/admin/login/"), username="admin",
                        password=logins["admin"]) is not None


def test_setup_demo_outside_dev_replaces_a_known_demo_password_left_from_before(rf):
    # An install made by an older `setup --demo` still has admin / nashra-admin.
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org",
                                                      "nashra-admin")
    kept = get_user_model().objects.create_user("editor", password="an-editor-own-password")
    out = StringIO()
    call_command("setup", "--demo", stdout=out)
    logins = _printed_logins(out.getvalue())
    assert set(logins) == {"admin", "reporter"}  # the editor chose a password of their own
    admin.refresh_from_db()
    assert not admin.check_password("nashra-admin") and admin.check_password(logins["admin"])
    kept.refresh_from_db()
    assert kept.check_password("an-editor-own-password")


def test_500_page_stands_alone_in_arabic():
    # The 500 page renders with no context processors and no database.
    html = render_to_string("500.html")
    assert '<html lang="ar" dir="rtl">' in html and "حدث خطأ في الخادم" in html

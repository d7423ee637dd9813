"""Arabic words in the admin and Django's formats (issue 17, item 5): the sign-in page names
the site, labels in Arabic, no gravatar, the project's own translations where Wagtail's read
badly, and dates with the Arabic comma."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import formats, timesince, translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db


def test_sign_in_page_names_the_site_and_labels_in_arabic(client, home):
    from nashra.core.models import SiteSettings

    options = SiteSettings.for_site(home.get_site())
    options.site_name = "الجريدة العربية"
    options.save()
    html = client.get("/admin/login/").content.decode()
    assert "<h1>تسجيل الدخول إلى الجريدة العربية</h1>" in html
    assert "Wagtail</h1>" not in html
    assert "كلمة المرور" in html and "Password<" not in html.replace(" ", "").replace("\n", "")


def test_admin_makes_no_gravatar_request(client, home):
    admin = get_user_model().objects.create_superuser("chief", "chief@example.org", "x")
    client.force_login(admin)
    for path in ("/admin/", "/admin/newsroom/", "/admin/account/"):
        html = client.get(path).content.decode()
        assert "gravatar" not in html, path


@pytest.mark.parametrize(
    ("msgid", "arabic"),
    [
        ("Snippets", "المقتطفات"),  # Wagtail: «قصصات»
        ("View live", "عرض على الموقع"),  # Wagtail: «انظر في الواقع»
    ],
)
def test_project_translations_win(msgid, arabic):
    with translation.override("ar"):
        assert gettext(msgid) == arabic


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (10, "لحظات"),  # Wagtail printed «قبل 0 دقيقة»
        (60, "دقيقة"),
        (120, "دقيقتين"),
        (5 * 60, "5 دقائق"),
        (2 * 3600, "ساعتين"),
        (11 * 86400, "أسبوع"),
        (40 * 86400, "شهر"),
    ],
)
def test_time_since_reads_in_arabic(seconds, text):
    now = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    with translation.override("ar"):
        said = timesince.timesince(now - dt.timedelta(seconds=seconds), now, depth=1)
    assert said.replace("\xa0", " ") == text


def test_django_dates_use_the_arabic_comma_and_24_hours():
    value = dt.datetime(2026, 12, 7, 0, 39)
    with translation.override("ar"):
        assert formats.date_format(value, "DATETIME_FORMAT") == "7 ديسمبر 2026، 00:39"
        assert formats.date_format(value.date(), "DATE_FORMAT") == "7 ديسمبر 2026"
        assert formats.time_format(value.time(), "TIME_FORMAT") == "00:39"

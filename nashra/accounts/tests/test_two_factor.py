"""Two-factor sign-in for the newsroom (django-otp): an authenticator app's code after the
password, recovery codes for a lost phone, and a setting that requires it of the editors.

Codes are made here as the phone makes them, with django_otp's own TOTP helper; the clock is
held still (time_machine) wherever a test types a second code, since django-otp makes a
client wait 1, 2, 4 … s after each wrong one and never takes the same code twice.
"""

import datetime as dt
import re
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import PageViewRestriction

from nashra.accounts import services
from nashra.accounts.models import SignInSettings
from nashra.news.services import EDITORS_GROUP, REPORTERS_GROUP

pytestmark = pytest.mark.django_db

MANAGE = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"
PASSWORD = "correct-horse-battery"
START = timezone.now().replace(microsecond=0)


def code_for(device: TOTPDevice, *, step: int = 0) -> str:
    """The code the user's phone shows now (or `step` periods later)."""
    token = totp(device.bin_key, step=device.step, t0=device.t0 - step * device.step,
                 digits=device.digits, drift=device.drift)
    return f"{token:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, step=s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def editor(home, django_user_model):
    user = django_user_model.objects.create_user(username="editor", password=PASSWORD)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def reporter(home, django_user_model):
    user = django_user_model.objects.create_user(username="reporter", password=PASSWORD)
    user.groups.add(Group.objects.get(name=REPORTERS_GROUP))
    return user


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """A user who has set up their phone: the device and their recovery codes."""
    device = services.totp_device_start(user=user)
    codes = services.totp_device_confirm(user=user, token=code_for(device)).codes
    device.refresh_from_db()
    return device, codes


def sign_in(client, username="editor", password=PASSWORD, url="/admin/login/"):
    return client.post(url, {"username": username, "password": password, "next": "/admin/"})


def test_enrolment_shows_a_qr_code_then_takes_a_code_and_gives_recovery_codes(
        client, editor, clock):
    client.force_login(editor)
    html = client.get(MANAGE).content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    # the QR code is drawn here, inline, and nothing is fetched from anyone else
    assert "<svg" in html and "<img" not in html.split("<main", 1)[-1]
    assert "otpauth://totp/" in html and "issuer=" in html
    assert "التحقق بخطوتين" in html and "تطبيق المصادقة" in html

    response = client.post(MANAGE, {"action": "confirm", "token": wrong_code(device)})
    assert "الرمز غير صحيح" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    clock.shift(dt.timedelta(seconds=2))  # django-otp's wait after one wrong code
    response = client.post(MANAGE, {"action": "confirm", "token": code_for(device)})
    html = response.content.decode()
    assert response.status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    tokens = list(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(tokens) == 10 and all(token in html for token in tokens)
    assert "رموز الاسترداد" in html
    # this session is verified by the code it just typed
    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_asks_for_the_code_after_the_password(client, editor, clock):
    device, _ = enrolled(editor)
    clock.shift(dt.timedelta(seconds=30))  # a new code on the phone
    assert sign_in(client).status_code == 302
    for path in ("/admin/", "/admin/pages/", "/admin/account/", MANAGE):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path
    response = client.get(VERIFY)
    html = response.content.decode()
    assert response.status_code == 200 and "رمز التحقق" in html and 'dir="rtl"' in html

    assert "الرمز غير صحيح" in client.post(
        VERIFY, {"token": wrong_code(device), "next": "/admin/pages/"}).content.decode()
    clock.shift(dt.timedelta(seconds=2))
    response = client.post(VERIFY, {"token": code_for(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_make_the_next_try_wait(client, editor, clock):
    device, _ = enrolled(editor)
    clock.shift(dt.timedelta(seconds=30))
    sign_in(client)
    for _ in range(3):
        client.post(VERIFY, {"token": wrong_code(device)})
        clock.shift(dt.timedelta(seconds=0.5))
    # even the right code is refused while django-otp makes this device wait (1 s after the
    # first wrong code, which refuses the second, then 2 s after the third)
    html = client.post(VERIFY, {"token": code_for(device)}).content.decode()
    assert "انتظر" in html
    assert client.get("/admin/").status_code == 302
    clock.shift(dt.timedelta(seconds=5))
    assert client.post(VERIFY, {"token": code_for(device)}).status_code == 302


def test_a_recovery_code_signs_in_once(client, editor, clock):
    _, codes = enrolled(editor)
    sign_in(client)
    # typed with capitals and a space, as people copy them
    response = client.post(VERIFY, {"token": f" {codes[0][:4].upper()} {codes[0][4:]}"})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=editor).count() == 9

    client.post("/admin/logout/")
    sign_in(client)
    assert "الرمز غير صحيح" in client.post(VERIFY, {"token": codes[0]}).content.decode()


def test_codes_typed_in_arabic_indic_digits_are_accepted(client, editor, clock):
    device, _ = enrolled(editor)
    clock.shift(dt.timedelta(seconds=30))
    sign_in(client)
    arabic = code_for(device).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.post(VERIFY, {"token": arabic}).status_code == 302


def test_the_restricted_pages_sign_in_does_not_skip_the_code(client, editor, make_article,
                                                             clock):
    enrolled(editor)
    story = make_article(title="خبر للمشتركين")
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)
    # Wagtail's sign-in for restricted pages is Django's LoginView: it logs the password in...
    assert sign_in(client, url="/_util/login/").status_code == 302
    # ... but until the code is given the session is nobody, in the admin and outside it
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    response = client.get(story.url)
    assert response.status_code == 302 and "/_util/login/" in response["Location"]


def test_editors_can_be_required_to_enrol(client, editor, reporter):
    settings = SignInSettings.load()
    settings.two_factor_for_editors = True
    settings.save()

    sign_in(client)
    for path in ("/admin/", "/admin/pages/", VERIFY):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(MANAGE), path
    html = client.get(MANAGE).content.decode()
    assert "يشترط" in html and "otpauth://totp/" in html  # why, and how
    client.post("/admin/logout/")

    # a reporter is not in the editors' group: the password is enough
    sign_in(client, "reporter")
    assert client.get("/admin/").status_code == 200


def test_editors_are_not_required_to_enrol_by_default(client, editor):
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, editor, clock):
    _, old = enrolled(editor)
    sign_in(client)
    client.post(VERIFY, {"token": old[0]})
    html = client.post(MANAGE, {"action": "recovery"}).content.decode()
    new = list(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(new) == 10 and all(token in html for token in new)
    assert not set(old) & set(new)


def test_turning_it_off_takes_a_current_code(client, editor, clock):
    device, _ = enrolled(editor)
    clock.shift(dt.timedelta(seconds=30))
    sign_in(client)
    client.post(VERIFY, {"token": code_for(device)})
    clock.shift(dt.timedelta(seconds=30))
    html = client.post(MANAGE, {"action": "disable", "token": wrong_code(device)}).content.decode()
    assert "الرمز غير صحيح" in html and TOTPDevice.objects.filter(user=editor).exists()
    clock.shift(dt.timedelta(seconds=2))
    response = client.post(MANAGE, {"action": "disable", "token": code_for(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()


def test_operators_remove_a_lost_phone_with_two_factor_reset(client, editor, clock):
    enrolled(editor)
    out = StringIO()
    call_command("two_factor_reset", "editor", stdout=out)
    assert "editor" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_the_account_page_links_to_two_factor(client, editor):
    client.force_login(editor)
    html = client.get("/admin/account/").content.decode()
    assert re.search(r'href="/admin/two-factor/"', html)

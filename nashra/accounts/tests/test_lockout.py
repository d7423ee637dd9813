"""Repeated failed sign-ins lock the account and the address out for a cool-off (django-axes).

The probe of issue 16 sent 20 wrong admin passwords in 6 s and then the right one, which
logged in. Every case here signs in through the real login views, from addresses given as
REMOTE_ADDR: what nashra.wsgi leaves there after believing only trusted proxies.
"""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
# Wagtail's sign-in for readers of login-restricted pages: Django's own LoginView.
FRONTEND_LOGIN = "/_util/login/"
LOCKED_OUT = "محاولات"  # a word of the Arabic lockout message («محاولات دخول فاشلة كثيرة»)
ATTACKER = "203.0.113.66"
NEWSROOM = "198.51.100.10"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        username="editor", password="correct-horse-battery", is_staff=True, is_superuser=True)


def sign_in(client, username, password, *, address, url=ADMIN_LOGIN, **headers):
    return client.post(url, {"username": username, "password": password, "next": "/admin/"},
                       REMOTE_ADDR=address, **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_twenty_wrong_passwords_then_the_right_one_is_refused_until_the_cool_off(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(20):
            sign_in(client, "editor", "wrong", address=ATTACKER)
        response = sign_in(client, "editor", "correct-horse-battery", address=ATTACKER)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_OUT in html and 'lang="ar"' in html and 'dir="rtl"' in html
    assert "دقيقة" in html  # how long to wait, in Arabic
    assert not signed_in(client)

    # still locked just before the cool-off ends (counted from the last try) ...
    cool_off = settings.AXES_COOLOFF_TIME
    with time_machine.travel(start + cool_off - dt.timedelta(seconds=30), tick=False):
        assert sign_in(client, "editor", "correct-horse-battery",
                       address=ATTACKER).status_code == 429
        last_try = timezone.now()
    # ... and open once it has passed
    with time_machine.travel(last_try + cool_off + dt.timedelta(seconds=1), tick=False):
        response = sign_in(client, "editor", "correct-horse-battery", address=ATTACKER)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_a_few_mistakes_do_not_lock_anyone_out(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "editor", "wrong", address=NEWSROOM)
        assert response.status_code == 200  # the form again, with Wagtail's error
    assert sign_in(client, "editor", "correct-horse-battery",
                   address=NEWSROOM).status_code == 302


def test_one_address_guessing_many_accounts_is_locked_out(client, django_user_model, editor):
    # A different user name each time: the per-account count never fills, the address's does.
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{n}", "wrong", address=ATTACKER)
    assert sign_in(client, "editor", "correct-horse-battery",
                   address=ATTACKER).status_code == 429
    # the newsroom, at another address, is not affected
    assert sign_in(client, "editor", "correct-horse-battery",
                   address=NEWSROOM).status_code == 302


def test_many_addresses_guessing_one_account_lock_that_account(client, editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong", address=f"192.0.2.{n + 1}")
    assert sign_in(client, "editor", "correct-horse-battery",
                   address=NEWSROOM).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, editor):
    # Only nashra.wsgi, trusting the proxies in NASHRA_TRUSTED_PROXIES, may turn
    # X-Forwarded-For into the address; what reaches Django in the header is not believed.
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{n}", "wrong", address=ATTACKER,
                HTTP_X_FORWARDED_FOR=f"10.9.8.{n}", HTTP_X_REAL_IP=f"10.9.7.{n}")
    assert sign_in(client, "editor", "correct-horse-battery", address=ATTACKER,
                   HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_the_readers_login_of_restricted_pages_is_protected_too(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong", address=ATTACKER, url=FRONTEND_LOGIN)
    response = sign_in(client, "editor", "correct-horse-battery", address=ATTACKER,
                       url=FRONTEND_LOGIN)
    assert response.status_code == 429 and LOCKED_OUT in response.content.decode()
    assert not signed_in(client)
    # one count for both doors: the admin's is closed to this address as well
    assert sign_in(client, "editor", "correct-horse-battery",
                   address=ATTACKER).status_code == 429


def test_operators_unlock_with_axes_reset(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong", address=ATTACKER)
    assert sign_in(client, "editor", "correct-horse-battery",
                   address=ATTACKER).status_code == 429
    call_command("axes_reset_username", "editor", stdout=StringIO())
    call_command("axes_reset_ip", ATTACKER, stdout=StringIO())
    assert sign_in(client, "editor", "correct-horse-battery",
                   address=ATTACKER).status_code == 302

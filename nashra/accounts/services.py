"""Writes of two-factor sign-in: set up an authenticator app, check a code, renew the
recovery codes, remove it all. Devices and codes are django-otp's models."""

import re
from dataclasses import dataclass

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from nashra.arabic.digits import to_western_digits

RECOVERY_CODES = 10
TOTP_NAME = "تطبيق المصادقة"
RECOVERY_NAME = "رموز الاسترداد"
_SEPARATORS = re.compile(r"[\s\-_.]+")


@dataclass(frozen=True)
class Verification:
    device: Device | None  # the device that took the code, if one did
    throttled: bool = False  # too many wrong codes lately: django-otp refuses until a wait


@dataclass(frozen=True)
class Confirmation:
    codes: list[str] | None  # the new recovery codes once the device is confirmed
    throttled: bool = False


def code_clean(token: str) -> str:
    """What people type: Arabic-Indic digits, spaces and dashes, capitals."""
    return _SEPARATORS.sub("", to_western_digits(token or "")).lower()


def _check(device, token: str) -> Verification:
    if not device.verify_is_allowed()[0]:
        return Verification(None, throttled=True)
    return Verification(device if device.verify_token(token) else None)


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator-app device to show as a QR code: the same one until it is
    confirmed, so reloading the page does not change the code the phone has scanned."""
    device = (TOTPDevice.objects.devices_for_user(user, confirmed=False)
              .select_for_update().order_by("pk").first())
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user, token: str) -> Confirmation:
    """The first code from the phone confirms the device and makes the recovery codes; a
    wrong code (or one too soon after wrong ones) confirms nothing."""
    device = (TOTPDevice.objects.devices_for_user(user, confirmed=False)
              .select_for_update().order_by("pk").first())
    if device is None:
        return Confirmation(None)
    verification = _check(device, code_clean(token))
    if verification.device is None:
        return Confirmation(None, throttled=verification.throttled)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return Confirmation(recovery_codes_renew(user=user))


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Ten new single-use codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def two_factor_verify(*, user, token: str) -> Verification:
    """Six (or eight) digits are the app's code; anything else a recovery code, which is then
    used up. Each kind is checked on its own device, so a mistyped app code does not make the
    recovery codes wait (django-otp's throttling is per device)."""
    token = code_clean(token)
    model = TOTPDevice if token.isdigit() and len(token) in (6, 8) else StaticDevice
    verification = Verification(None)
    for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
        verification = _check(device, token)
        if verification.device or verification.throttled:
            break
    return verification


@transaction.atomic
def two_factor_remove(*, user) -> int:
    """Every device and recovery code of the user (turning it off, or a lost phone)."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    return removed

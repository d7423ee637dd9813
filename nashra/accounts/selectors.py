"""Reads about a user's second factor: is one set up, is one required, how many recovery
codes are left."""

from django.db.models import Count
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from nashra.news.services import EDITORS_GROUP

from .models import SignInSettings

VERIFY = "verify"  # a device is set up: the code is asked after the password
ENROL = "enrol"  # none is, and one is required: setting it up comes first


def two_factor_required(*, user) -> bool:
    """The site asks it of the editors' group (SignInSettings) and the user is in it."""
    return (SignInSettings.load().two_factor_for_editors
            and user.groups.filter(name=EDITORS_GROUP).exists())


def two_factor_step(*, user) -> str | None:
    """What a signed-in user still owes before the admin opens: VERIFY, ENROL or nothing.
    Only asked while the session is not verified (django-otp's OTPMiddleware knows that)."""
    if user_has_device(user):
        return VERIFY
    if two_factor_required(user=user):
        return ENROL
    return None


def totp_device(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(*, user) -> int:
    return (StaticDevice.objects.devices_for_user(user, confirmed=True)
            .aggregate(n=Count("token_set"))["n"] or 0)

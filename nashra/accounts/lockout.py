"""What django-axes is told about a sign-in: whose address it is, and what a locked-out
client is answered (settings AXES_CLIENT_IP_CALLABLE and AXES_LOCKOUT_CALLABLE)."""

import math

from django.conf import settings
from django.shortcuts import render


def client_ip(request) -> str:
    """The address failures are counted under: REMOTE_ADDR, which nashra.wsgi has already
    set from X-Forwarded-For where a trusted proxy (NASHRA_TRUSTED_PROXIES) sent it. Headers
    that reach Django are never read here: a client could write any address in them."""
    return request.META.get("REMOTE_ADDR", "")


def minutes_phrase(minutes: int) -> str:
    """«دقيقة واحدة», «دقيقتين», «5 دقائق», «15 دقيقة»: the counted noun as Arabic wants it."""
    if minutes <= 1:
        return "دقيقة واحدة"
    if minutes == 2:
        return "دقيقتين"
    if minutes <= 10:
        return f"{minutes} دقائق"
    return f"{minutes} دقيقة"


def lockout_message() -> str:
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return ("أُوقف تسجيل الدخول مؤقتًا بعد محاولات دخول فاشلة كثيرة. "
            f"أعد المحاولة بعد {minutes_phrase(minutes)}.")


def lockout_response(request, original_response=None, credentials=None):
    """The Arabic page a locked-out sign-in gets, 429 with Retry-After; a try made while
    locked out starts the cool-off again (axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT),
    so the wait it names holds from this answer."""
    response = render(request, "accounts/lockout.html", {"message": lockout_message()},
                      status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response

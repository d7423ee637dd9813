"""The second step of signing in, wherever the first one happened.

A password logs a user in through Wagtail's admin sign-in or through Django's sign-in for
restricted pages alike; until the code is given (django-otp marks the session verified) or,
where it is required, an authenticator app is set up, the session opens no admin page but
the one that asks for it, and is nobody (anonymous) everywhere else on the site.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from . import selectors

STEP_VIEWS = {selectors.VERIFY: "accounts_two_factor_verify",
              selectors.ENROL: "accounts_two_factor"}
# What a half-signed-in session may still reach in the admin.
OPEN_VIEWS = {"wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_sprite",
              "wagtailadmin_javascript_catalog"}


class TwoFactorMiddleware:
    """After django_otp.middleware.OTPMiddleware, which gives request.user is_verified()."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, nobody signed in: reading request.user would open the session and
            # mark every reader's page "Vary: Cookie", which front caches then store apart.
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        step = selectors.two_factor_step(user=user)
        if step is None:
            return None
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            request.user = AnonymousUser()
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        if (name in OPEN_VIEWS or name == STEP_VIEWS[step]
                or (name or "").startswith("wagtailadmin_password_reset")):
            return None
        return redirect(f"{reverse(STEP_VIEWS[step])}?"
                        f"{urlencode({'next': request.get_full_path()})}")

"""The session cookie, checked before Django looks its key up."""

import re

from django.conf import settings

# What Django makes (32 of a-z and 0-9); no session has any other key. Django looks up any key
# of eight characters or more, and a quoted cookie can spell a NUL ("\000"), which PostgreSQL
# refuses in a query: every page answered that visitor 500.
SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")


class SessionCookieMiddleware:
    """Just before SessionMiddleware: a session cookie no session can have is dropped, and the
    request goes on as a visitor's without one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.SESSION_COOKIE_NAME
        key = request.COOKIES.get(name)
        if key is not None and not SESSION_KEY.fullmatch(key):
            del request.COOKIES[name]
        return self.get_response(request)

"""The read beacon answered before Django's request machinery.

The beacon is the most frequent request a news site gets (one per page view, cached or
not) and it needs nothing Django's middleware, URL resolver or response classes provide:
no session, user, CSRF, locale or template. Answering it here costs a regex match, two keyed
hashes (the token's, the reader's) and one counter call, which is what lets two cores take
thousands of reads a second. The reader's address is REMOTE_ADDR, which
nashra.core.proxy.forwarded_address (outside this wrapper in nashra/wsgi.py) has taken from a
trusted proxy's X-Forwarded-For. Everything else goes to Django untouched; the same view stays
in urls.py for the test client and for any server that does not use this wrapper.
"""

import re

from .services import views_record
from .views import PIXEL

BEACON_PATH = re.compile(r"^/discovery/v/([0-9]{1,12})/([0-9]{1,8})/([0-9a-f]{16})/$")
_HEADERS = [("Cache-Control", "no-store, private, max-age=0"),
            ("X-Content-Type-Options", "nosniff")]


class _Headers:
    """The two request headers the bot filter reads, from the WSGI environ."""

    def __init__(self, environ):
        self.environ = environ

    def get(self, name, default=None):
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), default)


def beacon_fast_path(app):
    def application(environ, start_response):
        method = environ.get("REQUEST_METHOD")
        match = BEACON_PATH.match(environ.get("PATH_INFO", "")) if method in {"GET", "POST"} else None
        if match is None:
            return app(environ, start_response)
        views_record(article_id=int(match[1]), issued=int(match[2]), signature=match[3],
                     address=environ.get("REMOTE_ADDR", ""),
                     user_agent=environ.get("HTTP_USER_AGENT", ""), headers=_Headers(environ))
        if method == "POST":
            start_response("204 No Content", _HEADERS)
            return [b""]
        start_response("200 OK", [("Content-Type", "image/gif"),
                                  ("Content-Length", str(len(PIXEL))), *_HEADERS])
        return [PIXEL]

    return application

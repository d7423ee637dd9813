"""The reader's address behind nginx or a CDN: REMOTE_ADDR from X-Forwarded-For, trusting
only the proxies named in settings.NASHRA_TRUSTED_PROXIES.

Behind nginx every request comes from 127.0.0.1, and the comment rate limit, which counts per
address, would count every reader together. The address is taken from the right of
X-Forwarded-For (each proxy appends the address it saw): the first one, walking left, that is
not a trusted proxy. A client can write anything on the left of that header; it cannot make a
trusted proxy append a lie, so nothing it writes is ever believed.
"""

from django.conf import settings


def client_address(remote_addr: str, forwarded_for: str, trusted: frozenset[str]) -> str:
    if remote_addr not in trusted or not forwarded_for:
        return remote_addr
    for address in reversed([a.strip() for a in forwarded_for.split(",")]):
        if address and address not in trusted:
            return address
    return remote_addr


def forwarded_address(app):
    """WSGI wrapper: put the reader's address in REMOTE_ADDR before anything reads it."""
    trusted = frozenset(settings.NASHRA_TRUSTED_PROXIES)
    if not trusted:
        return app

    def application(environ, start_response):
        forwarded = environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded:
            environ["REMOTE_ADDR"] = client_address(environ.get("REMOTE_ADDR", ""), forwarded,
                                                    trusted)
        return app(environ, start_response)

    return application

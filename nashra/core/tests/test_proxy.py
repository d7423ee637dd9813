"""The reader's address behind trusted proxies (nashra.core.proxy)."""

import pytest

from nashra.core.proxy import client_address, forwarded_address

TRUSTED = frozenset({"127.0.0.1", "::1", "10.0.0.5"})


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on this machine appended the reader
    ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left part is the client's
    ("127.0.0.1", "203.0.113.7, 10.0.0.5", "203.0.113.7"),  # CDN → load balancer → nginx
    ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not from a proxy: the header is ignored
    ("127.0.0.1", "", "127.0.0.1"),
    ("127.0.0.1", "10.0.0.5, 127.0.0.1", "127.0.0.1"),  # only proxies: keep the connection's
    ("::1", " 2001:db8::7 ", "2001:db8::7"),
])
def test_client_address(remote, forwarded, expected):
    assert client_address(remote, forwarded, TRUSTED) == expected


def test_the_wsgi_wrapper_rewrites_remote_addr(settings):
    settings.NASHRA_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = {}

    def app(environ, start_response):
        seen["addr"] = environ["REMOTE_ADDR"]
        return [b""]

    forwarded_address(app)({"REMOTE_ADDR": "127.0.0.1",
                            "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7"}, None)
    assert seen["addr"] == "203.0.113.7"

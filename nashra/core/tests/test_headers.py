"""Security headers every answer carries: Strict-Transport-Security as production sets it."""

import pytest
from django.test import override_settings

from nashra.core.tests.test_settings import _settings

PRODUCTION_ENV = {"SECRET_KEY": "x" * 60}


# --- HSTS ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("env", "subdomains", "preload"), [
    # Off unless asked: both bind every subdomain (and, preloaded, every browser's built-in
    # list) to https for a year, which a publisher with one plain-http subdomain cannot undo.
    ({}, False, False),
    ({"NASHRA_HSTS_INCLUDE_SUBDOMAINS": "1"}, True, False),
    ({"NASHRA_HSTS_INCLUDE_SUBDOMAINS": "true", "NASHRA_HSTS_PRELOAD": "yes"}, True, True),
    ({"NASHRA_HSTS_INCLUDE_SUBDOMAINS": "0", "NASHRA_HSTS_PRELOAD": "off"}, False, False),
])
def test_hsts_subdomains_and_preload_only_when_asked(env, subdomains, preload):
    production = _settings(**PRODUCTION_ENV, **env)
    assert production.SECURE_HSTS_SECONDS == 60 * 60 * 24 * 365  # a year, as before
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is subdomains
    assert production.SECURE_HSTS_PRELOAD is preload


@pytest.mark.parametrize(("env", "header"), [
    ({}, "max-age=31536000"),
    ({"NASHRA_HSTS_INCLUDE_SUBDOMAINS": "1", "NASHRA_HSTS_PRELOAD": "1"},
     "max-age=31536000; includeSubDomains; preload"),
])
def test_the_header_over_https(client, db, env, header):
    production = _settings(**PRODUCTION_ENV, **env)
    hsts = {name: getattr(production, name) for name in (
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD")}
    with override_settings(**hsts):
        assert client.get("/robots.txt", secure=True)["Strict-Transport-Security"] == header
        assert "Strict-Transport-Security" not in client.get("/robots.txt")  # plain http


def test_preload_without_subdomains_is_reported():
    from nashra.core.apps import hsts_check

    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_PRELOAD=True,
                           SECURE_HSTS_INCLUDE_SUBDOMAINS=False):
        assert [m.id for m in hsts_check(None)] == ["core.W001"]
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_PRELOAD=True,
                           SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        assert hsts_check(None) == []

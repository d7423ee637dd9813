"""The Redis cache backend: Django's, with one redis-py client per pool."""

import pytest
from django.conf import settings
from django.core.cache import caches

pytestmark = pytest.mark.skipif(
    settings.CACHES["default"]["BACKEND"] != "nashra.core.cache.RedisCache",
    reason="needs NASHRA_TEST_REDIS_URL")


def test_one_client_per_pool_and_every_call_works():
    cache = caches["default"]
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
    cache.set("nashra:test:reuse", {"أ": 1}, 30)
    cache.set_many({"nashra:test:a": 1, "nashra:test:b": 2}, 30)
    assert cache.get("nashra:test:reuse") == {"أ": 1}
    assert cache.get_many(["nashra:test:a", "nashra:test:b", "nashra:test:none"]) == {
        "nashra:test:a": 1, "nashra:test:b": 2}
    assert cache.add("nashra:test:a", 9, 30) is False
    assert cache.incr("nashra:test:b") == 3
    cache.delete_many(["nashra:test:a", "nashra:test:b", "nashra:test:reuse"])
    assert cache.get("nashra:test:a") is None
    assert cache._cache.get_client() is client

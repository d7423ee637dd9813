"""Configuration from the environment, the layering rule for nashra.arabic, and `check --deploy`."""

import json
import os
import subprocess
import sys

import pytest

NASHRA = [sys.executable, "-m", "nashra.cli"]


def _env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY",
                        "DATABASE_REPLICA_URLS"}}
    env.update(extra)
    return env


def test_arabic_package_imports_without_django():
    code = (
        "import sys, nashra.arabic.dates, nashra.arabic.digits, nashra.arabic.normalize,"
        " nashra.arabic.tokenize, nashra.arabic.stem, nashra.arabic.stopwords,"
        " nashra.arabic.analysis;"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=_env())


def test_production_deploy_check_is_clean(tmp_path):
    env = _env(
        DJANGO_SETTINGS_MODULE="nashra.settings.production",
        SECRET_KEY="a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="news.example.org",
    )
    result = subprocess.run([*NASHRA, "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _env(DJANGO_SETTINGS_MODULE="nashra.settings.production",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run([*NASHRA, "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine", "name"),
    [
        # the embedded default
        ("sqlite:////srv/nashra/db.sqlite3", "django.db.backends.sqlite3", "/srv/nashra/db.sqlite3"),
        # production PostgreSQL through psycopg 3
        ("postgres://news:pw@db.internal:5432/nashra", "django.db.backends.postgresql", "nashra"),
    ],
)
def test_database_url_selects_the_backend(url, engine, name):
    code = (
        "from django.conf import settings; import django; django.setup();"
        "db = settings.DATABASES['default']; print(db['ENGINE']); print(db['NAME'])"
    )
    env = _env(DJANGO_SETTINGS_MODULE="nashra.settings.production", SECRET_KEY="x" * 60,
               DATABASE_URL=url, REDIS_URL="redis://127.0.0.1:6379/3")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [engine, name]


def test_redis_url_configures_cache_and_sessions():
    code = (
        "from django.conf import settings; import django; django.setup();"
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE)"
    )
    env = _env(DJANGO_SETTINGS_MODULE="nashra.settings.production", SECRET_KEY="x" * 60,
               REDIS_URL="redis://127.0.0.1:6379/3")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["nashra.core.cache.RedisCache",
                   "django.contrib.sessions.backends.cache"]


def test_cli_accepts_hyphenated_command_names():
    env = _env(DJANGO_SETTINGS_MODULE="nashra.settings.test")
    result = subprocess.run([*NASHRA, "import-articles", "--help"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "JSON Lines" in result.stdout


def test_elasticsearch_url_switches_the_search_backend():
    code = (
        "from django.conf import settings; import django; django.setup();"
        "print(settings.WAGTAILSEARCH_BACKENDS['default']['BACKEND'])"
    )
    base = _env(DJANGO_SETTINGS_MODULE="nashra.settings.production", SECRET_KEY="x" * 60)
    default = subprocess.run([sys.executable, "-c", code], env=base, capture_output=True,
                             text=True, check=True).stdout.strip()
    assert default == "wagtail.search.backends.database"
    switched = subprocess.run([sys.executable, "-c", code],
                              env={**base, "ELASTICSEARCH_URL": "http://search.internal:9200"},
                              capture_output=True, text=True, check=True).stdout.strip()
    assert switched == "wagtail.search.backends.elasticsearch8"


def test_nashra_serve_answers_pages_and_the_beacon_then_stops(tmp_path):
    import signal
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _env(
        DJANGO_SETTINGS_MODULE="nashra.settings.production", SECRET_KEY="serve-test-key",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", NASHRA_VAR_DIR=str(tmp_path),
        SECURE_SSL_REDIRECT="0", NASHRA_SCHEDULER="0", ALLOWED_HOSTS="127.0.0.1",
    )
    subprocess.run([*NASHRA, "setup"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([*NASHRA, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                robots = urllib.request.urlopen(base + "/robots.txt", timeout=5)
                break
            except urllib.error.HTTPError:
                raise
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            raise AssertionError(server.stderr.read1().decode())
        # a page from the database (pages with static assets need collectstatic first)
        assert robots.status == 200 and "Sitemap:" in robots.read().decode()
        beacon = urllib.request.Request(base + "/discovery/v/1/0000000000000000/", method="POST")
        assert urllib.request.urlopen(beacon, timeout=5).status == 204
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0


def _production_settings(**extra) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'databases': {a: [d['ENGINE'], d['NAME'], d['CONN_MAX_AGE'],"
        " d['CONN_HEALTH_CHECKS']] for a, d in settings.DATABASES.items()},"
        " 'routers': settings.DATABASE_ROUTERS, 'replicas': settings.NASHRA_DATABASE_REPLICAS,"
        " 'middleware': settings.MIDDLEWARE}))"
    )
    env = _env(DJANGO_SETTINGS_MODULE="nashra.settings.production", SECRET_KEY="x" * 60,
               DATABASE_URL="postgres://news:pw@db.internal:5432/nashra", **extra)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def test_postgresql_connections_persist_and_are_checked_before_reuse():
    config = _production_settings()
    assert config["databases"] == {
        "default": ["django.db.backends.postgresql", "nashra", 60, True],
    }
    # without replicas there is no router and no middleware: nothing on the hot path
    assert config["routers"] == [] and config["replicas"] == []
    assert not any("db_router" in m for m in config["middleware"])


def test_replica_urls_add_aliases_the_router_and_the_pin_middleware():
    config = _production_settings(
        DATABASE_REPLICA_URLS="postgres://news:pw@replica-a:5432/nashra, "
                              "postgres://news:pw@replica-b:5432/nashra",
    )
    assert list(config["databases"]) == ["default", "replica1", "replica2"]
    assert config["databases"]["replica2"] == ["django.db.backends.postgresql", "nashra", 60, True]
    assert config["routers"] == ["nashra.core.db_router.ReplicaRouter"]
    assert config["replicas"] == ["replica1", "replica2"]
    middleware = config["middleware"]
    pin = middleware.index("nashra.core.db_router.PrimaryPinMiddleware")
    # every read of the request is routed: the session's too
    assert pin < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")

"""Configuration from the environment, the layering rule for nashra.arabic, `check --deploy`,
the `nashra` command and `nashra serve`.

The settings modules are evaluated in this process, afresh for each environment (`settings_probe`),
rather than in a new interpreter per case: what Django reads at start-up is the same, at a
fraction of the cost. Two tests still start processes, because only a process can show it:
that nashra.arabic imports without Django, and that the production server starts, answers
and stops.
"""

import importlib.util
import io
import itertools
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import Settings, settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connections
from django.test import override_settings

import nashra.settings

NASHRA = [sys.executable, "-m", "nashra.cli"]
SETTINGS_DIR = Path(nashra.settings.__file__).resolve().parent
_probes = itertools.count()


def server_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY",
                        "DATABASE_REPLICA_URLS"}}
    env.update(extra)
    return env


def settings_probe(module: str = "production", **env) -> Settings:
    """nashra/settings/<module>.py evaluated under this environment, as Django reads it at
    start-up (django.conf.Settings), then forgotten.

    The files are loaded as a throwaway package of their own, so base.py runs again (it reads
    the environment once, at import) while nashra.settings, already loaded by this process,
    and everything it made stay untouched.
    """
    package = f"_nashra_settings_probe_{next(_probes)}"
    spec = importlib.util.spec_from_file_location(
        package, SETTINGS_DIR / "__init__.py", submodule_search_locations=[str(SETTINGS_DIR)])
    try:
        with mock.patch.dict(os.environ, server_env(**env), clear=True):
            sys.modules[package] = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(sys.modules[package])
            return Settings(f"{package}.{module}")
    finally:
        for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[name]
        time.tzset()  # Settings() moved TIME_ZONE into the (now restored) environment


def test_settings_are_read_afresh_and_leave_the_process_alone():
    # The helper every test below stands on: each call sees its own environment...
    environ = dict(os.environ)
    first = settings_probe(SECRET_KEY="x" * 60, DATABASE_URL="sqlite:////srv/a.sqlite3")
    second = settings_probe(SECRET_KEY="x" * 60, DATABASE_URL="sqlite:////srv/b.sqlite3")
    assert first.DATABASES["default"]["NAME"] == "/srv/a.sqlite3"
    assert second.DATABASES["default"]["NAME"] == "/srv/b.sqlite3"
    # ...and neither the suite's settings nor its modules nor its environment change.
    assert settings.SECRET_KEY == "test-only-not-secret"
    assert not any(name.startswith("_nashra_settings_probe") for name in sys.modules)
    assert dict(os.environ) == environ


def test_arabic_package_imports_without_django():
    # A new interpreter: in this one Django is loaded already, and a module-level scan could
    # not see an import made through a third-party package.
    code = (
        "import sys, nashra.arabic.dates, nashra.arabic.digits, nashra.arabic.normalize,"
        " nashra.arabic.tokenize, nashra.arabic.stem, nashra.arabic.stopwords,"
        " nashra.arabic.analysis;"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=server_env())


def _deploy_check(values: dict) -> str:
    """`nashra check --deploy --fail-level WARNING` under these settings; its output."""
    out = io.StringIO()
    with override_settings(**values):
        call_command("check", deploy=True, fail_level="WARNING", stdout=out)
    return out.getvalue()


def test_production_deploy_check_is_clean(tmp_path, db):
    from wagtail.models import Site

    from nashra.news.services import site_install

    site_install()
    Site.objects.filter(is_default_site=True).update(hostname="news.example.org", port=443)
    production = settings_probe(
        SECRET_KEY="a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="news.example.org",
    )
    values = {name: getattr(production, name) for name in dir(production)
              if name.isupper() and name != "SETTINGS_MODULE"}
    # Fixed for the life of this process, so not overridden: the app registry, which is the
    # same list, and the connections, which `check` without --database does not look at.
    assert values.pop("INSTALLED_APPS") == settings.INSTALLED_APPS
    values.pop("DATABASES")
    values = {name: value for name, value in values.items()
              if getattr(settings, name, object()) != value}
    assert "no issues" in _deploy_check(values)
    # The same check fails on the suite's own settings (no HSTS, no https redirect, a short
    # key): what passed above is production.py's doing.
    with pytest.raises(SystemCheckError, match="security.W004"):
        _deploy_check({})


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        settings_probe(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")


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
    production = settings_probe(SECRET_KEY="x" * 60, DATABASE_URL=url,
                           REDIS_URL="redis://127.0.0.1:6379/3")
    db = production.DATABASES["default"]
    assert [db["ENGINE"], db["NAME"]] == [engine, name]


def test_redis_url_configures_cache_and_sessions():
    production = settings_probe(SECRET_KEY="x" * 60, REDIS_URL="redis://127.0.0.1:6379/3")
    # Sessions read from Redis but kept in the database: an editor outlives a Redis outage.
    assert [production.CACHES["default"]["BACKEND"], production.SESSION_ENGINE] == [
        "nashra.core.cache.RedisCache", "django.contrib.sessions.backends.cached_db"]


def test_cli_accepts_hyphenated_command_names(capsys):
    from nashra import cli

    # Django is set up in this process already; setting it up again would only point the
    # logging handlers at this test's captured stderr.
    with mock.patch("django.setup"), pytest.raises(SystemExit) as exited:
        cli.main(["nashra", "import-articles", "--help"])
    assert exited.value.code in (0, None)
    assert "JSON Lines" in capsys.readouterr().out


def test_elasticsearch_url_switches_the_search_backend():
    default = settings_probe(SECRET_KEY="x" * 60).WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]
    assert default == "wagtail.search.backends.database"
    switched = settings_probe(SECRET_KEY="x" * 60, ELASTICSEARCH_URL="http://search.internal:9200")
    assert switched.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] == (
        "wagtail.search.backends.elasticsearch8")


def test_sign_in_lockout_is_read_from_the_environment():
    default = settings_probe(SECRET_KEY="x" * 60)
    # 5 failures per address and per account, then 15 minutes (docs/deployment.md)
    assert (default.AXES_FAILURE_LIMIT, default.AXES_COOLOFF_TIME.total_seconds(),
            default.AXES_LOCKOUT_PARAMETERS) == (5, 900, ["ip_address", "username"])
    assert default.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    tuned = settings_probe(SECRET_KEY="x" * 60, NASHRA_LOGIN_FAILURE_LIMIT="10",
                      NASHRA_LOGIN_COOLOFF_MINUTES="60",
                      NASHRA_LOGIN_LOCKOUT_BY="ip_address, username+ip_address")
    assert (tuned.AXES_FAILURE_LIMIT, tuned.AXES_COOLOFF_TIME.total_seconds(),
            tuned.AXES_LOCKOUT_PARAMETERS) == (10, 3600, ["ip_address", ["username", "ip_address"]])


def test_only_dev_settings_give_the_demo_accounts_their_readme_passwords():
    # `make run` prints admin / nashra-admin (README); `nashra setup --demo` under production
    # settings must not make that account (nashra/news/tests/test_setup_demo.py).
    assert settings_probe("dev").NASHRA_DEMO_KNOWN_PASSWORDS is True
    assert settings_probe(SECRET_KEY="x" * 60).NASHRA_DEMO_KNOWN_PASSWORDS is False


@pytest.fixture
def migrated_sqlite(tmp_path, db):
    """A database file for a server process. On SQLite it is a copy of the suite's test
    database, migrated once already (SQLite's backup API, milliseconds), so `nashra setup`
    has no migration to run; on PostgreSQL an empty file, which `nashra setup` migrates."""
    path = tmp_path / "db.sqlite3"
    connection = connections["default"]
    if connection.vendor == "sqlite":
        # Through a connection of its own: committed rows only, none of a test's.
        source = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    return path


def test_nashra_serve_answers_pages_and_the_beacon_then_stops(tmp_path, migrated_sqlite):
    import signal
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = server_env(
        DJANGO_SETTINGS_MODULE="nashra.settings.production", SECRET_KEY="serve-test-key",
        DATABASE_URL=f"sqlite:///{migrated_sqlite}", NASHRA_VAR_DIR=str(tmp_path),
        SECURE_SSL_REDIRECT="0", NASHRA_SCHEDULER="0", ALLOWED_HOSTS="127.0.0.1",
    )
    subprocess.run([*NASHRA, "setup"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([*NASHRA, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        # A worker importing Django and Wagtail takes seconds, many more on a busy machine.
        deadline = time.monotonic() + 60
        while True:
            try:
                robots = urllib.request.urlopen(base + "/robots.txt", timeout=5)
                break
            except urllib.error.HTTPError:
                raise
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(server.stderr.read1().decode()) from None
                time.sleep(0.1)
        # a page from the database (pages with static assets need collectstatic first)
        assert robots.status == 200 and "Sitemap:" in robots.read().decode()
        beacon = urllib.request.Request(base + "/discovery/v/1/1/0000000000000000/",
                                        method="POST")
        assert urllib.request.urlopen(beacon, timeout=5).status == 204
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            assert server.wait(timeout=20) == 0
        finally:
            if server.poll() is None:  # no server or worker left behind a failure
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _production_settings(**extra) -> dict:
    production = settings_probe(SECRET_KEY="x" * 60,
                           DATABASE_URL="postgres://news:pw@db.internal:5432/nashra", **extra)
    return {
        "databases": {alias: [d["ENGINE"], d["NAME"], d["CONN_MAX_AGE"], d["CONN_HEALTH_CHECKS"]]
                      for alias, d in production.DATABASES.items()},
        "routers": production.DATABASE_ROUTERS,
        "replicas": production.NASHRA_DATABASE_REPLICAS,
        "middleware": production.MIDDLEWARE,
    }


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

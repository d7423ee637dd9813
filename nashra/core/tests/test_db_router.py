"""Read replicas, with a second real database standing in for the replica.

`replicate()` makes the replica a copy of the primary, table by table, as streaming
replication would; whatever happens on the primary after it is a replica that lags. Pages
then show which database they were read from: the replica's copy of a story carries a
headline and a comment that the primary never had.
"""

import copy
import datetime as dt
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connections, transaction
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from nashra.comments.models import Comment
from nashra.core.db_router import PIN_COOKIE, PrimaryPinMiddleware, ReplicaRouter, pinned_until
from nashra.news import services
from nashra.news.tests.test_editor_flow import article_form_data, form_errors

# Only these tests make pytest-django create the replica database. Each runs inside the
# usual rolled-back transactions, one per database: the copy never outlives its test.
two_databases = pytest.mark.django_db(databases=["default", "replica1"])

PRIMARY = "default"
REPLICA = "replica1"
HEADLINE = "الحكومة تعلن موازنة العام المقبل"
REPLICA_HEADLINE = "نسخة القارئ: الحكومة تعلن موازنة العام المقبل"
EDITED_HEADLINE = "الحكومة تعلن موازنة العام المقبل بعجز أقل"
REPLICA_COMMENT = "تعليق لا يوجد إلا في النسخة المتماثلة"
PIN_SECONDS = 5
SEARCH = "/search/?q=موازنة"
ROUTED = {
    "DATABASE_ROUTERS": ["nashra.core.db_router.ReplicaRouter"],
    "NASHRA_DATABASE_REPLICAS": [REPLICA],
    "NASHRA_REPLICA_PIN_SECONDS": PIN_SECONDS,
}


def replicate(source: str = PRIMARY, target: str = REPLICA) -> None:
    """Make `target` a copy of `source`, as streaming replication would: every row of every
    table. The replica's tables come from the models (TEST MIGRATE False in settings/test.py),
    so columns are named; SQLite's full-text tables, made by a migration, are made here."""
    src, dst = connections[source], connections[target]
    with src.cursor() as inp, dst.cursor() as out:
        tables = sorted(src.introspection.django_table_names(only_existing=True,
                                                             include_views=False))
        if dst.vendor == "postgresql":
            # One statement for all: Django's foreign keys are deferred to the commit.
            out.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
            for table in tables:
                columns = ", ".join(
                    f'"{c.name}"' for c in dst.introspection.get_table_description(out, table))
                with inp.copy(f'COPY "{table}" ({columns}) TO STDOUT') as rows, \
                        out.copy(f'COPY "{table}" ({columns}) FROM STDIN') as sink:
                    for chunk in rows:
                        sink.write(chunk)
            return
        inp.execute("SELECT name, sql FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
        virtual = dict(inp.fetchall())
        out.execute("SELECT name, sql FROM sqlite_master")
        existing = dict(out.fetchall())
        for name, sql in virtual.items():
            if existing.get(name) != sql:  # missing, or a plain table made from its model
                if name in existing:
                    out.execute(f'DROP TABLE "{name}"')
                out.execute(sql)
        for table in dict.fromkeys([*tables, *virtual]):
            out.execute(f'PRAGMA table_info("{table}")')
            names = ["rowid"] if table in virtual else []
            names += [f'"{row[1]}"' for row in out.fetchall()]
            inp.execute(f'SELECT {", ".join(names)} FROM "{table}"')
            rows = inp.fetchall()
            out.execute(f'DELETE FROM "{table}"')
            if rows:
                out.executemany(f'INSERT INTO "{table}" ({", ".join(names)}) '
                                f'VALUES ({", ".join(["%s"] * len(names))})', rows)


def headline_on(database: str, page) -> str:
    return Page.objects.using(database).get(pk=page.pk).title


@pytest.fixture
def newsroom(home, make_article, django_user_model):
    """A story and an editor on the primary, replicated; then the replica's copy of the story
    gets its own headline and a comment, so a page shows where it was read from…"""
    story = make_article(title=HEADLINE, section="اقتصاد")
    editor = django_user_model.objects.create_user(username="editor", password="x")
    editor.groups.add(Group.objects.get(name=services.EDITORS_GROUP))
    replicate()
    Page.objects.using(REPLICA).filter(pk=story.pk).update(title=REPLICA_HEADLINE)
    # bulk_create: no save signals, which would have Wagtail index the row on the primary
    Comment.objects.using(REPLICA).bulk_create([Comment(
        page_id=story.pk, author_name="قارئ", author_email="reader@example.org",
        body=REPLICA_COMMENT, status=Comment.Status.APPROVED,
    )])
    # …and its search index lacks the story, so a search shows where it ran.
    IndexEntry.objects.using(REPLICA).filter(object_id=str(story.pk)).delete()
    return story, editor


@pytest.fixture
def routed():
    """The settings base.py makes from DATABASE_REPLICA_URLS, for one test. What pages share
    is not kept between renders here (NASHRA_FRAGMENT_SECONDS=0): these tests write a
    different story and thread into the replica behind the application's back, a change no
    cache could hear of, to see which database each read goes to."""
    middleware = settings.MIDDLEWARE
    session = middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    pinned = [*middleware[:session], "nashra.core.db_router.PrimaryPinMiddleware",
              *middleware[session:]]
    with override_settings(MIDDLEWARE=pinned, NASHRA_FRAGMENT_SECONDS=0, **ROUTED):
        yield


@two_databases
def test_a_reader_reads_the_replica_and_is_not_pinned(newsroom, routed):
    story, _ = newsroom
    reader = Client()
    response = reader.get(story.url)
    html = response.content.decode()
    assert response.status_code == 200
    # the headline and the comment exist only in the replica
    assert REPLICA_HEADLINE in html
    assert REPLICA_COMMENT in html
    # the search engine's own SQL ran on the replica too, whose index lacks the story
    assert REPLICA_HEADLINE not in reader.get(SEARCH).content.decode()
    # a reader's page views write nothing, so nothing pins them and front caches may keep
    # the answers (no Set-Cookie)
    for url in [story.url, "/", SEARCH]:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert PIN_COOKIE not in response.cookies, url


@two_databases
def test_an_editor_writes_to_the_primary_and_reads_it_until_the_pin_expires(newsroom, routed):
    story, editor = newsroom
    editor_client = Client()
    editor_client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(story.pk,))
    now = dt.datetime.now(dt.UTC)

    with time_machine.travel(now, tick=False) as traveller:
        # The admin always reads the primary, pinned or not: the form holds its headline.
        form = editor_client.get(edit_url).content.decode()
        assert HEADLINE in form and REPLICA_HEADLINE not in form

        response = editor_client.post(edit_url, article_form_data(
            title=EDITED_HEADLINE, slug=story.slug, **{"action-publish": "1"},
        ))
        assert response.status_code == 302, form_errors(response)
        # the write went to the primary only; the replica lags behind it
        assert headline_on(PRIMARY, story) == EDITED_HEADLINE
        assert headline_on(REPLICA, story) == REPLICA_HEADLINE
        assert response.cookies[PIN_COOKIE]["max-age"] == PIN_SECONDS

        # Right after the write the editor's own reads go to the primary: the edit shows…
        html = editor_client.get(story.url).content.decode()
        assert EDITED_HEADLINE in html and REPLICA_COMMENT not in html
        assert EDITED_HEADLINE in editor_client.get(SEARCH).content.decode()
        # …while another reader, unpinned, reads the replica.
        assert REPLICA_HEADLINE in Client().get(story.url).content.decode()

        traveller.shift(PIN_SECONDS - 1)
        assert EDITED_HEADLINE in editor_client.get(story.url).content.decode()

        # Once the pin expires (the server checks the time, whatever the browser keeps), the
        # editor's reads go back to the replica.
        traveller.shift(2)
        html = editor_client.get(story.url).content.decode()
        assert REPLICA_HEADLINE in html and REPLICA_COMMENT in html


@two_databases
def test_reads_inside_a_transaction_go_to_the_primary(newsroom, routed):
    story, _ = newsroom

    def view(request):
        outside = Page.objects.get(pk=story.pk).title
        with transaction.atomic():
            inside = Page.objects.get(pk=story.pk).title
        return HttpResponse(f"{outside}|{inside}")

    response = PrimaryPinMiddleware(view)(RequestFactory().get(story.url))
    assert response.content.decode() == f"{REPLICA_HEADLINE}|{HEADLINE}"


@two_databases
def test_outside_a_request_everything_reads_the_primary(newsroom, routed):
    # management commands, the scheduler and the shell never see a lagging replica
    story, _ = newsroom
    assert Page.objects.get(pk=story.pk).title == HEADLINE


@pytest.mark.runs_last  # its flush of the replica runs post_migrate receivers on the primary
@pytest.mark.django_db(transaction=True, databases=["replica1"])  # DDL wants no transaction
def test_migrate_changes_no_replica(routed):
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "news")
    assert not router.allow_migrate(REPLICA, "news", model_name="articlepage")
    # Every migration of the project run against the replica: the router refuses each
    # operation, so not one statement changes its schema or its rows (replication alone
    # does). Only Django's own record of applied migrations is written.
    tables = set(connections[REPLICA].introspection.table_names())
    with CaptureQueriesContext(connections[REPLICA]) as queries:
        call_command("migrate", database=REPLICA, verbosity=0)
    changes = [q["sql"] for q in queries.captured_queries
               if q["sql"].lstrip().split()[0].upper() not in {"SELECT", "SAVEPOINT", "RELEASE",
                                                                "BEGIN", "COMMIT", "PRAGMA"}
               and "django_migrations" not in q["sql"]]
    assert changes == []
    assert set(connections[REPLICA].introspection.table_names()) - tables <= {"django_migrations"}


@override_settings(**ROUTED)
def test_objects_from_the_primary_and_a_replica_may_be_related():
    router = ReplicaRouter()
    from_replica, from_primary, elsewhere = Comment(), Comment(), Comment()
    from_replica._state.db, from_primary._state.db, elsewhere._state.db = REPLICA, PRIMARY, "other"
    assert router.allow_relation(from_replica, from_primary)
    assert router.allow_relation(from_primary, elsewhere) is None  # not ours to decide


@two_databases
def test_each_request_reads_one_replica_and_requests_spread_over_all(extra_replica):
    extra_replica("replica2", reachable=True)
    with override_settings(**{**ROUTED, "NASHRA_DATABASE_REPLICAS": ["replica1", "replica2"]}):
        _reads_spread_over_replicas()


def _reads_spread_over_replicas():
    router = ReplicaRouter()

    def view(request):
        chosen = {router.db_for_read(model) for model in (Page, Comment, IndexEntry)}
        # a session written a moment ago on the primary must be found there
        assert router.db_for_read(Session) == PRIMARY
        return HttpResponse(",".join(chosen))

    middleware = PrimaryPinMiddleware(view)
    answers = [middleware(RequestFactory().get("/")).content.decode() for _ in range(200)]
    # every query of a request went to the same replica (one copy for the whole page)…
    assert set(answers) == {"replica1", "replica2"}
    # …and the editors' paths and unsafe methods read the primary
    assert middleware(RequestFactory().get("/admin/pages/")).content.decode() == PRIMARY
    assert middleware(RequestFactory().post("/comments/1/")).content.decode() == PRIMARY


@pytest.fixture
def extra_replica():
    """extra_replica(alias, reachable): one more replica alias, made as settings/base.py makes
    one: a copy of replica1's settings that reaches its database, or that points nowhere (a
    directory that does not exist for SQLite, a closed port for PostgreSQL)."""
    from nashra.core import db_router

    made = []

    def make(alias: str, *, reachable: bool) -> str:
        settings_dict = copy.deepcopy(connections[REPLICA].settings_dict)
        if not reachable:
            settings_dict.update(UNREACHABLE[connections[REPLICA].vendor])
        wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
        # Kept out of DATABASES: Django's test case lets such connections open.
        setattr(connections._connections, alias, wrapper)
        made.append(alias)
        return alias

    db_router._unreachable.clear()
    yield make
    for alias in made:
        connections[alias].close()
        delattr(connections._connections, alias)
    db_router._unreachable.clear()


UNREACHABLE = {
    "sqlite": {"NAME": "/nonexistent-nashra-directory/replica.sqlite3"},
    "postgresql": {"HOST": "127.0.0.1", "PORT": "1"},
}


@two_databases
def test_an_unreachable_replica_is_left_out_until_it_answers_again(extra_replica, monkeypatch):
    from nashra.core import db_router

    replica_down = extra_replica("replica2", reachable=False)
    router = ReplicaRouter()
    middleware = PrimaryPinMiddleware(lambda request: HttpResponse(router.db_for_read(Page)))

    def reads(n=30):
        return {middleware(RequestFactory().get("/")).content.decode() for _ in range(n)}

    with override_settings(**{**ROUTED, "NASHRA_DATABASE_REPLICAS": [REPLICA, replica_down]}):
        middleware = PrimaryPinMiddleware(middleware.get_response)
        # No reader gets an error: every request read the replica that answers.
        assert reads() == {REPLICA}
        # Left out for the retry window: not even tried again.
        tries = []
        real_connect = connections[replica_down].ensure_connection
        monkeypatch.setattr(connections[replica_down], "ensure_connection",
                            lambda: tries.append(1) or real_connect())
        assert reads() == {REPLICA} and tries == []
        # After the window it is tried again; answering now (pointed at the real replica),
        # it takes its share of the reads.
        connections[replica_down].settings_dict.update(
            copy.deepcopy(connections[REPLICA].settings_dict))
        db_router._unreachable[replica_down] = time.monotonic() - 1
        assert reads(60) == {REPLICA, replica_down} and tries
        assert replica_down not in db_router._unreachable

    also_down = extra_replica("replica3", reachable=False)
    with override_settings(**{**ROUTED, "NASHRA_DATABASE_REPLICAS": [also_down]}):
        middleware = PrimaryPinMiddleware(middleware.get_response)
        # Every replica down: the primary answers.
        assert reads() == {PRIMARY}


NOW = 1_000_000.0


@pytest.mark.parametrize(
    ("cookie", "pinned"),
    [
        (str(int(NOW) + PIN_SECONDS), True),  # just written
        (str(int(NOW) + 1), True),  # a second left
        (str(int(NOW)), False),  # expired now
        (str(int(NOW) - 60), False),  # a browser that kept the cookie too long
        (str(int(NOW) + 3600), False),  # forged far future: pins nobody for an hour
        ("", False),  # no cookie
        ("نعم", False),  # garbage
    ],
)
def test_pin_cookie_holds_only_for_its_seconds(cookie, pinned):
    assert pinned_until(cookie, now=NOW, seconds=PIN_SECONDS) is pinned

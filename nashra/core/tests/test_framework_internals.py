"""Every private Django, Wagtail and modelsearch detail nashra relies on, checked on real rows.

Two modules use framework internals on purpose, each because it saves real time (STYLE.md,
habit 14), and no other module may:

- `nashra.core.queries` (`Precompiled`) drives Django's SQL compiler to build a query's SQL
  once per connection: 0.8 ms of every story render, 2–3 ms of a story's first render.
- `nashra.search.engine` reads modelsearch's index tables with its own bounded SQL: Wagtail's
  query compiler takes seconds for a common word at 100,000 stories (docs/search.md).

A Django, Wagtail or modelsearch upgrade that removes or changes one of them fails here, with
a message naming it and what to do — not in a reader's page. The version pins fail first on
any upgrade, so that someone re-reads both modules against the new release.
"""

import ast
import threading
from importlib.metadata import version
from pathlib import Path

import django
import pytest
import wagtail
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.db.models.query import ModelIterable
from wagtail.fields import StreamValue

import nashra
from nashra.arabic.analysis import analyse
from nashra.comments.models import Comment
from nashra.core import queries
from nashra.news.models import ArticlePage, ArticlePageAuthor
from nashra.search import engine

pytestmark = pytest.mark.django_db

PACKAGE = Path(nashra.__file__).parent
QUERIES = "nashra.core.queries"
ENGINE = "nashra.search.engine"

# The releases both modules were last read against. Change a pin only after re-reading the
# module it names against the new release's source (and running this file on both databases).
CHECKED = {"django": (5, 2), "wagtail": (8, 0), "modelsearch": (1, 3)}

# --- the pins ------------------------------------------------------------------------------


def _major_minor(dist: str) -> tuple[int, int]:
    return tuple(int(part) for part in version(dist).split(".")[:2])


def test_django_is_the_version_the_queries_module_was_checked_against():
    assert django.VERSION[:2] == CHECKED["django"], (
        f"Django {django.get_version()} is installed; {QUERIES} was checked against Django "
        f"{'.'.join(map(str, CHECKED['django']))}: re-check nashra.core.queries on upgrade "
        f"(the compiler internals listed in its docstring, against the new SQLCompiler), then "
        f"update CHECKED in this file")


def test_wagtail_is_the_version_both_modules_were_checked_against():
    assert wagtail.VERSION[:2] == CHECKED["wagtail"], (
        f"Wagtail {wagtail.__version__} is installed; checked against Wagtail "
        f"{'.'.join(map(str, CHECKED['wagtail']))}: re-check nashra.core.queries (page models' "
        f"joins) and nashra.search.engine (the index tables) on upgrade, then update CHECKED")


def test_modelsearch_is_the_version_the_search_engine_was_checked_against():
    assert _major_minor("modelsearch") == CHECKED["modelsearch"], (
        f"modelsearch {version('modelsearch')} is installed; {ENGINE} reads its tables with "
        f"raw SQL and was checked against {'.'.join(map(str, CHECKED['modelsearch']))}: "
        f"re-check nashra.search.engine (INDEX_SCHEMA_READ, the SQL) on upgrade, then update "
        f"CHECKED")


# --- nashra.core.queries: Django's SQL compiler ---------------------------------------------

# What to do when one of the checks below fails.
QUERIES_ADVICE = (
    f"{QUERIES}.Precompiled._compile relies on it (Django {django.get_version()}). Adapt "
    f"_compile to the new behaviour — or, if that is not worth it, delete Precompiled and let "
    f"its callers run their QuerySets (list(queryset)); it saved 0.8 ms a story render and "
    f"2-3 ms a story's first render when last measured (see {QUERIES}'s docstring)."
)


def _need(condition, internal: str, problem: str) -> None:
    if not condition:
        pytest.fail(f"{internal}: {problem}. {QUERIES_ADVICE}", pytrace=False)


def _compiled(queryset):
    _need(hasattr(queryset.query, "get_compiler"), "Query.get_compiler", "no longer exists")
    compiler = queryset.query.get_compiler(using="default")
    _need(hasattr(compiler, "as_sql"), "SQLCompiler.as_sql", "no longer exists")
    built = compiler.as_sql()
    _need(isinstance(built, tuple) and len(built) == 2 and isinstance(built[0], str),
          "SQLCompiler.as_sql()", f"no longer returns (sql, params) but {built!r:.200}")
    return compiler, built[0], list(built[1])


def _story_lookup(**where):
    return ArticlePage.objects.filter(**where)[:2]


def test_exact_lookups_are_parameters_and_the_sql_runs_again_with_other_values(make_article):
    story = make_article(title="اتفاق على زيادة التنسيق")
    marks = {"slug": "\x00slug", "url_path": "\x00url_path", "depth": 7_340_033}
    compiler, sql, params = _compiled(_story_lookup(**marks))
    _need(sorted(map(str, params)) == sorted(map(str, marks.values())), "SQLCompiler.as_sql()",
          f"exact lookups' values are no longer the query's parameters unchanged ({params!r})")
    # Run with another story's values swapped in, as Precompiled.fetch does.
    values = {"slug": story.slug, "url_path": story.url_path, "depth": story.depth}
    by_mark = {mark: arg for arg, mark in marks.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[by_mark[param]] for param in params])
        rows = cursor.fetchall()
    _need(len(rows) == 1, "SQLCompiler.as_sql()", "its SQL no longer runs with other values")
    # A lookup that rewrites its value must stay recognisable, so Precompiled refuses it.
    _, _, rewritten = _compiled(ArticlePage.objects.filter(title__contains="\x00title"))
    _need("\x00title" not in rewritten, "SQLCompiler.as_sql()",
          "a contains lookup now passes its value unchanged; Precompiled's refusal of "
          "non-exact lookups no longer detects them")


def test_klass_info_and_select_describe_the_models_columns(make_article):
    make_article()
    compiler, _, _ = _compiled(_story_lookup(slug="x", url_path="/x/", depth=3))
    _need(isinstance(getattr(compiler, "klass_info", None), dict), "SQLCompiler.klass_info",
          "is no longer a dict filled in by as_sql()")
    klass_info = compiler.klass_info
    _need(klass_info.get("model") is ArticlePage, 'SQLCompiler.klass_info["model"]',
          f"is not the queried model ({klass_info.get('model')!r})")
    select = getattr(compiler, "select", None)
    _need(isinstance(select, list) and select and all(len(c) == 3 for c in select),
          "SQLCompiler.select", "is no longer a list of (expression, (sql, params), alias)")
    _need(list(klass_info.get("select_fields", ())) == list(range(len(select))),
          'SQLCompiler.klass_info["select_fields"]',
          "no longer lists the positions of the model's columns in SQLCompiler.select")
    _need(all(hasattr(getattr(c[0], "target", None), "attname") for c in select),
          "SQLCompiler.select[i][0].target", "no longer gives each column's model field")
    attnames = [c[0].target.attname for c in select]
    expected = {f.attname for f in ArticlePage._meta.concrete_fields}
    _need(set(attnames) == expected, "SQLCompiler.select",
          f"no longer holds the model's concrete fields: {sorted(set(attnames) ^ expected)}")
    # Columns added behind the model's (a distinct query ordered by an unselected column).
    _need(getattr(compiler, "has_extra_select", None) is False, "SQLCompiler.has_extra_select",
          "is not False for a plain query")
    extra, _, _ = _compiled(ArticlePage.objects.only("pk").order_by("title").distinct())
    _need(extra.has_extra_select is True, "SQLCompiler.has_extra_select",
          "is not True when a distinct query orders by a column it does not select")


def test_the_iterable_class_tells_model_rows_from_values_list_rows():
    rows = ArticlePage.objects.filter(pk=1)
    _need(getattr(rows, "_iterable_class", None) is ModelIterable, "QuerySet._iterable_class",
          "is not django.db.models.query.ModelIterable for a QuerySet of model rows")
    plain = ArticlePageAuthor.objects.filter(page_id=1).values_list("author_id")
    _need(getattr(plain, "_iterable_class", ModelIterable) is not ModelIterable,
          "QuerySet._iterable_class", "is ModelIterable for a values_list() QuerySet")


def test_converters_turn_raw_rows_into_what_the_orm_gives(make_article):
    story = make_article(title="خبر بفقرتين", body="فقرة أولى.\n\nفقرة ثانية.")
    where = {"slug": story.slug, "url_path": story.url_path, "depth": story.depth}
    compiler, sql, params = _compiled(_story_lookup(**where))
    select = compiler.select
    _need(hasattr(compiler, "get_converters"), "SQLCompiler.get_converters", "no longer exists")
    converters = compiler.get_converters([c[0] for c in select])
    attnames = [c[0].target.attname for c in select]
    body = attnames.index("body")
    _need(isinstance(converters, dict) and body in converters
          and callable(converters[body][0][0]), "SQLCompiler.get_converters()",
          "no longer gives {position: ([converter, ...], expression)} (none for the StreamField)")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    _need(hasattr(compiler, "apply_converters"), "SQLCompiler.apply_converters",
          "no longer exists")
    rows = [tuple(row) for row in compiler.apply_converters(raw, converters)]
    _need(isinstance(rows[0][body], StreamValue), "SQLCompiler.apply_converters()",
          f"no longer converts the StreamField column ({type(rows[0][body])})")
    # What Precompiled gives: Model.from_db with the select list's attnames, as ModelIterable.
    made, orm = ArticlePage.from_db("default", attnames, rows[0]), _story_lookup(**where)[0]
    differing = [f.attname for f in ArticlePage._meta.concrete_fields
                 if getattr(made, f.attname) != getattr(orm, f.attname)]
    _need(not differing, "SQLCompiler.select / apply_converters",
          f"rows made from them no longer equal the ORM's in {differing}")


def test_plans_kept_on_a_connection_belong_to_one_thread():
    # Precompiled keeps each plan in connections[db].__dict__: the same object for the same
    # thread and database, a different one (its own SQL dialect and cursor) in another thread.
    mine = connections["default"]
    others = []
    thread = threading.Thread(target=lambda: others.append(connections["default"]))
    thread.start()
    thread.join()
    _need(connections["default"] is mine, "django.db.connections[alias]",
          "no longer returns the same connection object within a thread")
    _need(others[0] is not mine, "django.db.connections[alias]",
          "is shared between threads: a plan's compiler would be used by two threads")
    mine.__dict__["_nashra_internals_probe"] = 1
    try:
        _need(connections["default"]._nashra_internals_probe == 1, "DatabaseWrapper.__dict__",
              "no longer keeps an attribute set on it")
    finally:
        del mine.__dict__["_nashra_internals_probe"]


def test_the_only_rows_precompiled_runs_are_still_made_as_the_orm_makes_them(make_article):
    # The five other shapes Precompiled runs (nashra's selectors): only(), values_list().
    story = make_article(authors=["سلمى حداد"])
    thread = queries.Precompiled(
        "internals_thread", Comment,
        lambda page_id: Comment.objects.filter(page_id=page_id).only("id", "body"),
        page_id=int)
    assert thread.fetch(page_id=story.pk) == list(Comment.objects.filter(page_id=story.pk))
    byline = queries.Precompiled(
        "internals_byline", ArticlePageAuthor,
        lambda page_id: ArticlePageAuthor.objects.filter(page_id=page_id)
        .values_list("author_id", "author__name"), page_id=int)
    assert byline.fetch(page_id=story.pk) == list(
        ArticlePageAuthor.objects.filter(page_id=story.pk).values_list("author_id", "author__name"))


# Attributes nashra.core.queries reads that are public and stable (the DB-API cursor, the
# router, Model.from_db, Field.attname, plain Python) or its own. Anything else it reads must
# be one of CHECKED_INTERNALS, each checked above.
PUBLIC_OR_OWN = {
    "cursor", "execute", "fetchall", "db_for_read", "from_db", "attname", "items", "get", "append",
    "__dict__", "__name__", "model", "build", "kinds", "_attr", "_plan", "_compile",
    "_stand_ins", "sql", "order", "attnames", "converters", "compiler", "query",
}
CHECKED_INTERNALS = {
    "get_compiler", "as_sql", "klass_info", "select", "has_extra_select", "_iterable_class",
    "get_converters", "apply_converters", "target",
}


def test_every_internal_the_queries_module_reads_is_checked_here():
    tree = ast.parse((PACKAGE / "core" / "queries.py").read_text())
    read = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    unchecked = read - PUBLIC_OR_OWN - CHECKED_INTERNALS
    assert not unchecked, (
        f"{QUERIES} now reads {sorted(unchecked)}: if public, add to PUBLIC_OR_OWN; if a "
        f"framework internal, add a check of its behaviour to this file and to CHECKED_INTERNALS")
    imported = {(node.module, alias.name) for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert ("django.db.models.query", "ModelIterable") in imported  # checked above


# --- nashra.search.engine: modelsearch's index tables ---------------------------------------

ENGINE_ADVICE = (
    f"{ENGINE} reads it with raw SQL (modelsearch {version('modelsearch')}, Wagtail "
    f"{wagtail.__version__}). Adapt INDEX_SCHEMA_READ and the SQL in {ENGINE} to the new "
    f"schema — or move reader search to the backend's public API "
    f"(get_search_backend().search, which {ENGINE} already uses for Elasticsearch) after "
    f"measuring a common word at 100,000 stories (docs/search.md)."
)


def _schema_read():
    if connection.vendor not in engine.INDEX_SCHEMA_READ:
        pytest.skip(f"{ENGINE} runs no SQL of its own on {connection.vendor}")
    return engine.INDEX_SCHEMA_READ[connection.vendor]


def test_the_index_tables_have_the_columns_the_search_engine_reads():
    tables = _schema_read()
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table, columns in tables.items():
            assert table in present, f"table {table} no longer exists. {ENGINE_ADVICE}"
            found = [c.name for c in connection.introspection.get_table_description(
                cursor, table)]
            if table == engine.FTS:
                # bm25() takes its column weights by position.
                assert found == list(columns), (
                    f"{table}'s columns are {found}, not {list(columns)} in that order "
                    f"(bm25() weights are positional). {ENGINE_ADVICE}")
            missing = [c for c in columns if c not in found]
            assert not missing, (
                f"{table} has no column {', '.join(missing)} (it has {found}). {ENGINE_ADVICE}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes: PostgreSQL only")
def test_the_tsvector_columns_the_search_engine_matches_are_gin_indexed():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, engine.ENTRY).values()
    gin = {tuple(c["columns"]) for c in constraints if c.get("index") and c.get("type") == "gin"}
    for column in ("title", "body"):
        assert (column,) in gin, (
            f"{engine.ENTRY}.{column} has no GIN index of its own any more: the engine's "
            f"`@@` matches would scan every entry. {ENGINE_ADVICE}")


def test_a_published_storys_index_row_holds_what_the_search_engine_reads(make_article):
    _schema_read()
    story = make_article(title="التنسيق الأمني بين البلدين", body="فقرة عن التنسيق الأمني.")
    text = engine.TEXT_COLUMNS[connection.vendor]
    content_type = ContentType.objects.get_for_model(ArticlePage).pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {text[0]}, {text[1]} FROM {engine.ENTRY} "
            f"WHERE content_type_id = %s AND object_id = %s", [content_type, str(story.pk)])
        rows = cursor.fetchall()
        assert len(rows) == 1, (
            f"{engine.ENTRY} no longer holds one row per story keyed by (content_type_id, "
            f"object_id as text): found {len(rows)}. {ENGINE_ADVICE}")
        entry, title, body = rows[0]
        # The phrase check reads each field's analysed terms as space-separated text.
        assert f" {' '.join(analyse(story.title))} " in f" {title} ", (
            f"{engine.ENTRY}.{text[0]} no longer holds the analysed headline as text "
            f"({title!r:.120}). {ENGINE_ADVICE}")
        assert " ".join(analyse("التنسيق الأمني")) in (body or ""), (
            f"{engine.ENTRY}.{text[1]} no longer holds the analysed body as text. {ENGINE_ADVICE}")
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid FROM {engine.FTS} WHERE rowid = %s", [entry])
            assert cursor.fetchall() == [(entry,)], (
                f"{engine.FTS}'s rowid is no longer the {engine.ENTRY} id the engine joins "
                f"on. {ENGINE_ADVICE}")


# --- one door each --------------------------------------------------------------------------

COMPILER_INTERNALS = {"klass_info", "_iterable_class", "get_compiler", "apply_converters",
                      "get_converters", "has_extra_select"}
INDEX_MODULES = ("modelsearch", "wagtail.search.models", "wagtail.search.backends.database")


def _internals_reached(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(compiler internals read, search index internals named) in one module."""
    compiler, index = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in COMPILER_INTERNALS:
            compiler.add(node.attr)
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules = [node.module]
        index |= {m for m in modules if m == INDEX_MODULES[0] or m.startswith(INDEX_MODULES)}
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                "wagtailsearch_" in node.value):
            index.add(node.value)
    return compiler, index


def test_no_other_module_reaches_the_internals():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or path.name == "conftest.py":
            continue
        compiler, index = _internals_reached(ast.parse(path.read_text(), relative))
        if compiler and relative != "nashra/core/queries.py":
            found.append(f"{relative} reads {sorted(compiler)}: use {QUERIES}.Precompiled")
        if index and relative != "nashra/search/engine.py":
            found.append(f"{relative} reaches {sorted(index)}: go through {ENGINE}")
    assert not found, "framework internals outside their one module:\n" + "\n".join(found)

"""Uncached render time of a story, the home page and a section, through the real WSGI app.

    export DJANGO_SETTINGS_MODULE=nashra.settings.production SECRET_KEY=x \\
      NASHRA_PAGE_CACHE=off SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=localhost,127.0.0.1 \\
      DATABASE_URL=...   # or NASHRA_VAR_DIR=... for the embedded SQLite
    .venv/bin/python bench/render_time.py -n 100 [--profile story] [--sql story] [--story PATH]

Each page is asked for N times in sequence, in this process, through `nashra.wsgi.application`
(the same callable granian serves: beacon and page-cache fast paths, every middleware); the
first answer warms per-process caches and is not counted. Prints the median and p95 in ms and
the SQL queries one render costs. `--profile PAGE` prints the top of a cProfile of N renders;
`--sql PAGE` prints the statements of one render. NASHRA_PAGE_CACHE=off is required: with
the page cache on this would measure cache hits.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _pages(story_path: str = ""):
    from nashra.news.models import ArticlePage, SectionPage

    story = ArticlePage.objects.live().order_by("-first_published_at").first()
    section = story.get_parent().specific if story else SectionPage.objects.live().first()
    return {"story": unquote(story_path) if story_path else unquote(story.url), "home": "/",
            "section": unquote(section.url)}


def _call(application, environ_for, path):
    status = {}

    def start_response(s, headers, exc_info=None):
        status["s"] = s

    body = b"".join(application(environ_for(path), start_response))
    if not status["s"].startswith("200"):
        raise SystemExit(f"{path}: {status['s']}")
    return body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--profile", choices=["story", "home", "section"])
    parser.add_argument("--sql", choices=["story", "home", "section"])
    parser.add_argument("--first-renders", type=int, default=0, metavar="M",
                        help="also render M stories once each (the 100th newest on), the "
                        "first render of each in this process; empty the cache first so no "
                        "story's kept copy exists")
    parser.add_argument("--story", default="", help="this story's path (percent-encoded or "
                        "not) instead of the newest story's")
    args = parser.parse_args()
    if os.environ.get("NASHRA_PAGE_CACHE", "").lower() not in {"0", "off", "false", "no"}:
        raise SystemExit("set NASHRA_PAGE_CACHE=off: this measures real renders")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.production")

    from django.db import connection
    from django.test import RequestFactory
    from django.utils.encoding import iri_to_uri

    from nashra.wsgi import application  # sets Django up, as granian does

    factory = RequestFactory(HTTP_HOST="localhost")

    def environ_for(path):
        environ = factory.get("/").environ
        # WSGI carries the path as bytes decoded as latin-1, as a real server does.
        environ["PATH_INFO"] = unquote_to_bytes(iri_to_uri(path)).decode("iso-8859-1")
        return environ

    pages = _pages(args.story)
    print(f"{args.n} sequential requests per page; {os.getloadavg()[0]:.2f} load average at start")
    print(f"{'page':8} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>6}  path")
    for name, path in pages.items():
        body = _call(application, environ_for, path)  # warm
        # Django empties connection.queries when a request starts: count with a wrapper.
        statements = []

        def record(execute, sql, params, many, context, statements=statements):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append(((time.perf_counter() - start) * 1000, sql))

        with connection.execute_wrapper(record):
            _call(application, environ_for, path)
        count = len(statements)
        if args.sql == name:  # time every statement over N more renders, report medians
            with connection.execute_wrapper(record):
                for _ in range(args.n):
                    _call(application, environ_for, path)
        times = []
        for _ in range(args.n):
            start = time.perf_counter()
            _call(application, environ_for, path)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:8} {statistics.median(times):10.2f} {p95:8.2f} "
              f"{count:8d} {len(body) / 1024:6.1f}  {path[:60]}")
        if args.sql == name:
            print(f"    median ms of each statement over {args.n + 1} renders:")
            for i in range(count):
                ms = statistics.median(t for t, _ in statements[i::count])
                print(f"   {ms:7.2f}  {statements[i][1][:150]}")
    if args.first_renders:
        _first_renders(application, environ_for, args.first_renders)
    print(f"{os.getloadavg()[0]:.2f} load average at end")
    if args.profile:
        path = pages[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            _call(application, environ_for, path)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(int(os.environ.get("BENCH_TOP", "45")))
        print(out.getvalue())


def _first_renders(application, environ_for, count: int) -> None:
    """Stories rendered once each, none of them before in this process: the long tail."""
    from django.db import connection

    from nashra.news.models import ArticlePage

    stories = ArticlePage.objects.live().order_by("-first_published_at")[100:100 + count]
    paths = [unquote(story.url) for story in stories]
    times, queries = [], []
    for path in paths:
        statements = []
        with connection.execute_wrapper(
                lambda execute, *a, statements=statements: statements.append(1) or execute(*a)):
            start = time.perf_counter()
            _call(application, environ_for, path)
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(statements))
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{'first':8} {statistics.median(times):10.2f} {p95:8.2f} "
          f"{statistics.median(queries):8.0f} {'':>6}  {len(paths)} stories, once each")


if __name__ == "__main__":
    main()

"""A backup taken during a load test restores to a site with identical pages and counts.

    .venv/bin/python bench/backup_under_load.py                 # ~5 minutes on 2 cores
    .venv/bin/python bench/backup_under_load.py --articles 5000 --comment-rate 30

Issue 16's last "done when". With the production settings (as bench/security_probe.py, whose
Site and Client it reuses: a PostgreSQL cluster of its own on --pg-port, a redis-server of its
own on --redis-port, the code of --rev exported from git):

1. builds site A: `nashra setup --demo`, `nashra demo-corpus --articles N`, the search index,
   and, through the services, approved comments on a few stories and redirects (to a story,
   to an outside address); `nashra serve` on --port;
2. loads it: wrk reading the home page, sections, stories, feeds, sitemaps and search at 16
   connections, and readers posting comments through the form's JSON path (token, fill time,
   CSRF) at --comment-rate a second, to several stories. The comment filter is set to hold
   every new comment for review, so what is posted during the run shows on no page: pages
   may then be compared whatever moment the snapshot caught;
3. runs `nashra backup DIR` a few seconds into the load, and keeps the load on a few seconds
   after it ends;
4. restores the backup with `nashra restore` into a fresh database and media folder (site B)
   and counts B's rows before anything else touches it: every table must hold exactly the rows
   the manifest counted inside the snapshot; every comment answered before the backup began
   must be in B, every comment answered after it ended must not;
5. serves B on --restored-port, empties both sites' caches, and fetches the same URLs from A
   and B: the home page, every section, stories, feeds, sitemaps, the API, search, the
   redirects, and every /media/ file those pages show. Bodies must be identical once the
   per-request tokens (CSRF, the form's fill-time token, the read beacon's hour token) are
   taken out; files byte for byte.

Prints what it did and a verdict; exits 1 when anything differs. docs/security.md has the
last run.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
import security_probe as probe  # noqa: E402 - the bench folder is not a package

ROOT = probe.ROOT
# Per-request values in a page, not content: the CSRF token, the comment form's fill-time
# token, the read beacon's hour token.
TOKENS = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*'), r"\1…"),
    (re.compile(r'(name="ts" value=")[^"]*'), r"\1…"),
    (re.compile(r"(/discovery/v/\d+/)\d+/[0-9a-f]+/"), r"\1…/"),
]
CONTENT_TABLES = {"stories": "news_articlepage", "pages": "wagtailcore_page",
                  "comments": "comments_comment", "images": "core_nashraimage",
                  "renditions": "core_nashrarendition", "redirects": "wagtailredirects_redirect",
                  "users": "auth_user"}


def normalized(body: str) -> str:
    for pattern, replacement in TOKENS:
        body = pattern.sub(replacement, body)
    return body


def table_rows(database_url: str, tables) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        return {table: conn.execute(
            f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - catalog names
            for table in tables}


class Load:
    """wrk over a list of paths, and comment posters, until stopped."""

    def __init__(self, *, port: int, paths_file: Path, stories: list[int], rate: float,
                 client: probe.Client):
        self.port, self.paths_file, self.stories, self.rate = port, paths_file, stories, rate
        self.client = client
        self.posts: list[tuple[float, int, int | None]] = []  # (answered at, status, id)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.wrk: subprocess.Popen | None = None
        self.wrk_output = ""

    def start(self) -> None:
        self.wrk = subprocess.Popen(
            ["wrk", "-t1", "-c16", "-d600s", "--timeout", "10s", "-s",
             str(ROOT / "bench" / "http_bench.lua"), f"http://127.0.0.1:{self.port}"],
            env={**os.environ, "BENCH_PATHS": str(self.paths_file), "BENCH_HOST": probe.HOST},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        posters = 8
        for n in range(posters):
            thread = threading.Thread(target=self._poster, args=(n, self.rate / posters),
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def _poster(self, n: int, rate: float) -> None:
        addr = f"10.44.{n}.1"
        answer = self.client.get("/comments/token/", addr=addr)
        token, cookies = json.loads(answer.body), answer.cookies
        time.sleep(3.5)  # the form's minimum fill time
        i = 0
        while not self._stop.is_set():
            started = time.monotonic()
            story = self.stories[(n + i) % len(self.stories)]
            posted = self.client.fetch(
                "POST", f"/comments/post/{story}/", addr=addr, cookies=cookies,
                headers={"Accept": "application/json", "Origin": probe.ORIGIN},
                data={"body": f"تعليق أثناء النسخ الاحتياطي {n}-{i}: متابعة للخبر وشكرًا.",
                      "author_name": f"قارئ {n}", "author_email": f"reader{n}@example.org",
                      "csrfmiddlewaretoken": token["csrf"], "ts": token["ts"]})
            comment_id = None
            with contextlib.suppress(ValueError):
                comment_id = json.loads(posted.body).get("id") if posted.status == 200 else None
            with self._lock:
                self.posts.append((time.monotonic(), posted.status, comment_id))
            i += 1
            self._stop.wait(max(0.0, 1 / rate - (time.monotonic() - started)))

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
        if self.wrk is not None:
            self.wrk.send_signal(2)  # SIGINT: wrk stops and prints its summary
            self.wrk_output, _ = self.wrk.communicate(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8192)
    parser.add_argument("--restored-port", type=int, default=8193)
    parser.add_argument("--redis-port", type=int, default=6395)
    parser.add_argument("--pg-port", type=int, default=5444)
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--articles", type=int, default=1000,
                        help="demo-corpus stories on top of the demo (a longer pg_dump)")
    parser.add_argument("--comment-rate", type=float, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    for port in (args.port, args.restored_port):
        if probe.Client(port).get("/robots.txt").status:
            parser.error(f"something already answers on 127.0.0.1:{port}")
    if os.geteuid() != 0:
        parser.error("the PostgreSQL cluster of its own needs root (runuser -u postgres)")

    a = probe.Site(SimpleNamespace(port=args.port, redis_port=args.redis_port, redis_db=1,
                                   pg_port=args.pg_port, pg_url=None, rev=args.rev,
                                   keep=args.keep))
    b = probe.Site(SimpleNamespace(
        port=args.restored_port, redis_port=args.redis_port, redis_db=2, pg_port=args.pg_port,
        pg_url=f"postgres://postgres@127.0.0.1:{args.pg_port}/nashra_restored", rev=args.rev,
        keep=args.keep))
    b.tree = a.tree
    b.env["PYTHONPATH"] = str(a.tree)
    b.env["NASHRA_SCHEDULER"] = "0"  # a copy to compare, not a second newsroom
    a.env["NASHRA_ACCESS_LOG"] = "1"  # which answers of the load were errors
    failures: list[str] = []
    try:
        t_start = time.monotonic()
        print(f"== site A in {a.work}: PostgreSQL {a.pg_url}, Redis {a.redis_url}", flush=True)
        a.tree_export()
        a.database_create()
        a.redis_start()
        a.nashra("setup", "--demo")
        if args.articles:
            a.nashra("demo-corpus", "--articles", str(args.articles))
        a.nashra("update-search-index")
        a.nashra("collectstatic", "--noinput", "-v0")
        b.nashra("collectstatic", "--noinput", "-v0")
        os.environ.update(a.env)
        import django

        sys.path.insert(0, str(a.tree))
        django.setup()
        from django.db import connection
        from wagtail.contrib.redirects.models import Redirect
        from wagtail.models import Site as WagtailSite

        from nashra.comments.models import CommentSettings
        from nashra.comments.services import comment_create, comment_moderate
        from nashra.news.models import ArticlePage, SectionPage

        stories = list(ArticlePage.objects.live().public().order_by("-first_published_at")[:60])
        site = WagtailSite.objects.get(is_default_site=True)
        for n, story in enumerate(stories[:5]):
            comment = comment_create(page=story, author_name=f"قارئة {n}",
                                     author_email=f"before{n}@example.org",
                                     body=f"تعليق منشور قبل النسخ الاحتياطي رقم {n}، شكرًا.")
            comment_moderate(comment=comment, action="approve")
        Redirect.objects.create(old_path="/old/story-1", redirect_page=stories[0], site=site)
        Redirect.objects.create(old_path="/old/story-2", redirect_page=stories[1], site=site,
                                is_permanent=False)
        Redirect.objects.create(old_path="/old/elsewhere", redirect_link="https://example.org/",
                                site=site)
        config = CommentSettings.for_site(site)
        config.hold_threshold, config.close_after_days = 0.0, 0
        config.posts_per_ip_per_hour = 100_000
        config.save()

        def path(page) -> str:
            return page.get_url_parts()[2]

        sections = list(SectionPage.objects.live().public())
        urls = ["/", "/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/sitemaps/news.xml",
                "/api/v2/articles/", "/api/v2/images/", "/api/v2/sections/",
                "/api/v2/authors/", "/robots.txt",
                *(path(s) for s in sections), *(path(s) for s in stories),
                *(f"/api/v2/articles/{s.pk}/" for s in stories[:10]),
                *(f"/feeds/section/{s.pk}/rss/" for s in sections[:5]),
                "/search/?q=" + urllib.parse.quote("غزة"),
                "/api/search/?q=" + urllib.parse.quote("اتفاق"),
                "/old/story-1", "/old/story-2", "/old/elsewhere"]
        paths_file = a.work / "paths.txt"
        # wrk reads pages as a browser does (Accept: text/html, to which the API answers 406);
        # the API and the redirects are compared afterwards with the rest.
        read = [u for u in urls if not u.startswith(("/old/", "/api/v2/"))]
        paths_file.write_text("\n".join(urllib.parse.quote(u, safe="/?=&%") for u in read)
                              + "\n")
        commented = [s.pk for s in stories[5:10]]
        connection.close()

        print(f"== nashra serve (A) on :{args.port}", flush=True)
        a.serve_start()
        print(f"   task queue drained in {a.queue_drain():.0f} s", flush=True)
        client_a, client_b = probe.Client(args.port), probe.Client(args.restored_port)

        # --- load, and the backup in the middle of it --------------------------------------
        load = Load(port=args.port, paths_file=paths_file, stories=commented,
                    rate=args.comment_rate, client=client_a)
        print(f"== load: wrk 16 connections over {len(read)} URLs, comments at "
              f"{args.comment_rate:g}/s to {len(commented)} stories", flush=True)
        load.start()
        time.sleep(8)
        backups = a.work / "backups"
        backup_began = time.monotonic()
        out = a.nashra("backup", str(backups))
        backup_ended = time.monotonic()
        folder = Path(out.strip().rsplit(" ", 1)[-1])
        print(f"   nashra backup took {backup_ended - backup_began:.1f} s under load: {folder}",
              flush=True)
        time.sleep(8)
        load.stop()
        wrk = next((json.loads(line[9:]) for line in load.wrk_output.splitlines()
                    if line.startswith("WRK_JSON ")), None)
        posted = [p for p in load.posts if p[1] == 200 and p[2]]
        during = [p for p in posted if backup_began <= p[0] <= backup_ended]
        if wrk:
            print(f"   wrk: {wrk['requests']} requests in {wrk['seconds']:.0f} s "
                  f"({wrk['requests'] / wrk['seconds']:.0f}/s, p50 {wrk['p50_us'] / 1000:.0f} ms,"
                  f" p99 {wrk['p99_us'] / 1000:.0f} ms); answers >= 400: {wrk['http_errors']}, "
                  f"socket errors {wrk['socket_errors']}, timeouts {wrk['timeouts']}")
        statuses = sorted({p[1] for p in load.posts})
        print(f"   comments: {len(load.posts)} posted, {len(posted)} stored (answers "
              f"{statuses}), {len(during)} of them answered while the backup ran", flush=True)
        if wrk and wrk["http_errors"]:
            failures.append(f"{wrk['http_errors']} answers >= 400 during the load")
            refused: dict[str, int] = {}
            for line in a.serve_log().splitlines():
                match = re.search(r'"(GET|POST) (\S+) [^"]*" ([45]\d\d)', line)
                if match:
                    key = f"{match.group(3)} {match.group(1)} {match.group(2)[:80]}"
                    refused[key] = refused.get(key, 0) + 1
            for key, n in sorted(refused.items(), key=lambda kv: -kv[1])[:12]:
                print(f"     {n:5d} × {key}")
        print(f"   task queue drained in {a.queue_drain():.0f} s", flush=True)

        # --- restore into B, and its rows before anything touches them ---------------------
        manifest = json.loads((folder / "manifest.json").read_text())
        b.database_create()
        print(f"== nashra restore into {b.pg_url}", flush=True)
        b.nashra("restore", str(folder))
        restored = table_rows(b.pg_url, manifest["rows"])
        now_a = table_rows(a.pg_url, manifest["rows"])
        differ = {t: (manifest["rows"][t], restored[t]) for t in manifest["rows"]
                  if restored[t] != manifest["rows"][t]}
        print(f"   rows: {len(manifest['rows'])} tables; restored = manifest in "
              f"{len(manifest['rows']) - len(differ)}" + (f"; differ: {differ}" if differ else ""))
        print("   " + ", ".join(f"{name} {manifest['rows'][table]} (restored {restored[table]}, "
                                 f"A now {now_a[table]})"
                                 for name, table in CONTENT_TABLES.items()
                                 if table in manifest["rows"]))
        if differ:
            failures.append(f"restored rows differ from the manifest: {differ}")
        import psycopg

        with psycopg.connect(b.pg_url.replace("postgres://", "postgresql://")) as conn:
            in_b = {row[0] for row in conn.execute("SELECT id FROM comments_comment")}
        before = [p[2] for p in posted if p[0] < backup_began]
        after = [p[2] for p in posted if p[0] > backup_ended]
        lost = [c for c in before if c not in in_b]
        later = [c for c in after if c in in_b]
        print(f"   comments answered before the backup began: {len(before)}, in B: "
              f"{len(before) - len(lost)}; answered after it ended: {len(after)}, in B: "
              f"{len(later)}")
        if lost or later:
            failures.append(f"comments: {len(lost)} answered before the backup missing, "
                            f"{len(later)} answered after it present")

        # --- pages ----------------------------------------------------------------------
        print(f"== nashra serve (B) on :{args.restored_port}; comparing pages", flush=True)
        b.serve_start()
        a.redis_cli("flushdb")
        b.redis_cli("flushdb")
        same = 0
        media: set[str] = set()
        statuses: dict[int, int] = {}
        for url in urls:
            one, two = client_a.get(url), client_b.get(url)
            statuses[one.status] = statuses.get(one.status, 0) + 1
            media.update(re.findall(r'(/media/[^"\s,?]+)', one.body))
            left, right = normalized(one.body), normalized(two.body)
            if (one.status, one.headers.get("location")) != \
                    (two.status, two.headers.get("location")) or left != right:
                at = next((i for i, (x, y) in enumerate(zip(left, right, strict=False))
                           if x != y), min(len(left), len(right)))
                failures.append(f"{url}: A {one.status} {len(left)} chars, B {two.status} "
                                f"{len(right)} chars; first difference at {at}: "
                                f"A {left[max(0, at - 60):at + 60]!r} B "
                                f"{right[max(0, at - 60):at + 60]!r}")
            else:
                same += 1
        print(f"   pages: {same} of {len(urls)} identical (minus tokens); A's answers {statuses}")

        def digest(client, url):
            answer = client.get(url)
            return answer.status, hashlib.sha256(answer.raw).hexdigest()

        with ThreadPoolExecutor(4) as pool:
            pairs = list(pool.map(lambda u: (u, digest(client_a, u), digest(client_b, u)),
                                  sorted(media)))
        files_same = sum(1 for _, x, y in pairs if x == y and x[0] == 200)
        print(f"   media files the pages show: {files_same} of {len(pairs)} identical")
        failures += [f"media {u}: A {x}, B {y}" for u, x, y in pairs
                     if x != y or x[0] != 200]
        print(f"== {time.monotonic() - t_start:.0f} s in all")
    finally:
        b.close()
        a.close()
    if failures:
        print("FAILED:")
        for failure in failures:
            print("  " + failure[:600])
        return 1
    print("PASS: the backup taken under load restored to identical pages and counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Helpers for bench/http_bench.sh (issue 7): pick the pages, time single renders, play an
editor and commenting readers during a load, and print the table.

    http_bench.py prepare --out DIR                       # Django: article, search paths
    http_bench.py render-time --base URL --host H --path P [--n 100] --out FILE
    http_bench.py side --base URL --host H --article-id N --article-path P --seconds S --out FILE
    http_bench.py summary --dir DIR

`prepare` and `side` need Django configured (the script's environment: production settings,
the bench database, Redis); the others are standard library only. Results are JSON files in
DIR, merged by `summary` into DIR/summary.txt.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "search_latency_queries.tsv"
# Measured elsewhere on this machine (issue 7's text): WordPress 6.1, PHP-FPM + MariaDB, 5,000
# posts, no page-cache plug-in; nginx serving the same page as a static file.
WORDPRESS = {"article": 50, "search": 19, "static": 36_000}
STORY_PATHS = 20_000  # (d-many) and the single render over different stories
SIDE_PREFIX = "bench-http:"  # external ids of the side process's stories
SIDE_EMAIL_DOMAIN = "@bench-http.example.org"  # its readers' addresses
CASES = {
    "a": "nginx: saved copy of the article as a static file",
    "b": "nginx (shipped config), cache warm",
    "b+side": "(b) while an editor publishes and readers comment",
    "c": "nashra serve, its own page cache warm",
    "d": "nashra serve, article, NASHRA_PAGE_CACHE=off",
    "d-many": "nashra serve, 20,000 stories in turn, NASHRA_PAGE_CACHE=off",
    "e": "nashra serve, home, NASHRA_PAGE_CACHE=off",
    "f": "nashra serve, search (50 queries in turn), cache off",
}


# --- a keep-alive client ------------------------------------------------------------------------

class Client:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, base: str, host: str):
        parts = urllib.parse.urlsplit(base)
        self.addr = (parts.hostname, parts.port or 80)
        self.host = host
        self.conn = None

    def request(self, method, path, *, body=None, headers=None):
        all_headers = {"Host": self.host, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) "
                       "nashra-bench", "Accept-Language": "ar", **(headers or {})}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(*self.addr, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                return response.status, response.headers, response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


# --- prepare ------------------------------------------------------------------------------------

def cmd_prepare(args) -> int:
    import django

    django.setup()
    from django.utils.encoding import iri_to_uri

    from nashra.comments.models import Comment
    from nashra.news.models import ArticlePage

    # What an earlier run's side process left (stories, comments) goes first, so a run on a
    # kept database measures the same pages as the first.
    for story in ArticlePage.objects.filter(external_id__startswith=SIDE_PREFIX):
        story.delete()
    Comment.objects.filter(author_email__endswith=SIDE_EMAIL_DOMAIN).delete()
    # The newest story of the corpus: what readers crowd onto when news breaks (and open for
    # comments).
    article = (ArticlePage.objects.live().filter(external_id__startswith="corpus:")
               .order_by("-first_published_at", "-pk").first())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "article.json").write_text(json.dumps(
        {"id": article.pk, "path": article.url, "title": article.title}, ensure_ascii=False))
    queries = [line.split("\t")[0] for line in QUERIES.read_text().splitlines()
               if line and not line.startswith("#")]
    (out / "search_paths.txt").write_text(
        "".join(f"/search/?q={urllib.parse.quote(q)}\n" for q in queries))
    # The long tail: stories each asked for about once in a run, so what is remembered per
    # story between renders (nashra.core.fragments) rarely helps.
    stories = (ArticlePage.objects.live().filter(external_id__startswith="corpus:")
               .order_by("-first_published_at", "-pk")[:STORY_PATHS])
    (out / "story_paths.txt").write_text("".join(f"{iri_to_uri(s.url)}\n" for s in stories))
    print(f"article {article.pk} {article.url}; {len(queries)} search queries; "
          f"{STORY_PATHS:,} story paths")
    return 0


# --- single uncached render time ---------------------------------------------------------------

def cmd_render_time(args) -> int:
    """Sequential requests, nothing else running: one path N times (what issue 7 asks), or
    with --paths-file N different paths, each asked for once (the long tail)."""
    client = Client(args.base, args.host)
    for _ in range(5):  # connection, first-request work, warm interpreters
        client.request("GET", args.path)
    paths = [args.path] * args.n
    if args.paths_file:
        paths = Path(args.paths_file).read_text().split()[-args.n:]  # the oldest: never asked
    times, statuses = [], {}
    for path in paths:
        start = time.perf_counter()
        status, _, _ = client.request("GET", path)
        times.append((time.perf_counter() - start) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    result = {"n": len(paths), "median_ms": statistics.median(times),
              "p90_ms": statistics.quantiles(times, n=10)[-1], "min_ms": min(times),
              "statuses": statuses, "path": args.path if not args.paths_file else
              f"{len(paths)} different stories", "loadavg": os.getloadavg()}
    Path(args.out).write_text(json.dumps(result))
    print(f"single render {result['path']}: median {result['median_ms']:.1f} ms over "
          f"{len(paths)} (min {result['min_ms']:.1f}, p90 {result['p90_ms']:.1f}); "
          f"statuses {statuses}")
    return 0


# --- the side process: an editor publishing, readers commenting -------------------------------

def _wait_for(client, paths, text: bytes, limit: float) -> dict:
    """Poll PATHS until each shows TEXT; seconds taken per path (None: not within LIMIT)."""
    start, seen = time.monotonic(), {}
    while len(seen) < len(paths) and time.monotonic() - start < limit:
        for path in paths:
            if path not in seen:
                status, _, body = client.request("GET", path)
                if status == 200 and text in body:
                    seen[path] = time.monotonic() - start
        time.sleep(0.02)
    return {path: seen.get(path) for path in paths}


def _editor(args, stop, record):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from nashra.news import services

    user, _ = get_user_model().objects.get_or_create(username="bench-editor")
    editors = Group.objects.filter(name="المحررون").first()
    if editors:
        user.groups.add(editors)
    client = Client(args.base, args.host)
    n = 0
    while not stop.is_set():
        n += 1
        stamp = f"{time.time():.0f}-{n}"
        title = f"خبر عاجل للقياس {stamp}"
        try:
            started = time.monotonic()
            story, _ = services.article_upsert(data=services.ArticleInput(
                title=title, body="فقرة أولى من الخبر العاجل.\n\nفقرة ثانية.",
                section="أخبار", external_id=f"{SIDE_PREFIX}{stamp}"), user=user)
            publish_s = time.monotonic() - started
            shown = _wait_for(client, ["/"], title.encode(), 5.0)
            edited = f"{title} (محدّث)"
            started = time.monotonic()
            services.article_upsert(data=services.ArticleInput(
                title=edited, body="فقرة أولى بعد التحديث.\n\nفقرة ثانية.",
                section="أخبار", external_id=f"{SIDE_PREFIX}{stamp}"), user=user)
            edit_s = time.monotonic() - started
            edit_shown = _wait_for(client, [story.url, "/"], edited.encode(), 5.0)
            record("publish", {"publish_s": publish_s, "new_on_home_s": shown["/"],
                               "edit_s": edit_s, "edit_on_story_s": edit_shown[story.url],
                               "edit_on_home_s": edit_shown["/"]})
        except Exception as error:  # noqa: BLE001 - every failure is a figure here
            record("publish_error", {"error": repr(error)[:300]})
        stop.wait(1.0)


def _commenter(args, stop, record, number):
    client = Client(args.base, args.host)
    origin = f"https://{args.host}"  # what a browser on the public site sends
    n = 0
    while not stop.is_set():
        n += 1
        try:
            status, _, _ = client.request("GET", args.article_path)
            if status != 200:
                record("comment_error", {"step": "page", "status": status})
                continue
            status, headers, body = client.request(
                "GET", "/comments/token/", headers={"Accept": "application/json"})
            token = json.loads(body)
            cookie = next((c.split(";")[0] for c in headers.get_all("Set-Cookie") or []
                           if c.startswith("csrftoken=")), "")
            stop.wait(args.fill_seconds)  # a person typing (the form's minimum fill time)
            form = urllib.parse.urlencode({
                "body": f"تعليق قارئ رقم {number}-{n} على الخبر، شكرًا على التغطية.",
                "author_name": f"قارئ {number}", "author_email": f"reader{number}{SIDE_EMAIL_DOMAIN}",
                "author_url": "", "nickname": "", "ts": token["ts"],
                "csrfmiddlewaretoken": token["csrf"]})
            started = time.monotonic()
            status, _, body = client.request(
                "POST", f"/comments/post/{args.article_id}/", body=form.encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded",
                         "Accept": "application/json", "Origin": origin,
                         "Referer": f"{origin}{args.article_path}", "Cookie": cookie})
            answer = json.loads(body) if body.startswith(b"{") else {}
            if status == 200 and answer.get("ok"):
                record("comment", {"status": answer.get("status"),
                                   "post_s": time.monotonic() - started})
            else:
                record("comment_error", {"step": "post", "status": status,
                                         "message": answer.get("message", body[:200].decode(
                                             "utf-8", "replace"))})
        except Exception as error:  # noqa: BLE001
            record("comment_error", {"step": "exception", "error": repr(error)[:300]})


def cmd_side(args) -> int:
    import django

    django.setup()
    events, lock = [], threading.Lock()

    def record(kind, values):
        with lock:
            events.append({"kind": kind, "t": time.monotonic(), **values})

    stop = threading.Event()
    threads = [threading.Thread(target=_editor, args=(args, stop, record))]
    threads += [threading.Thread(target=_commenter, args=(args, stop, record, i))
                for i in range(args.readers)]
    for thread in threads:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    Path(args.out).write_text(json.dumps(events, ensure_ascii=False))
    print(_side_summary(events))
    return 0


def _side_summary(events) -> str:
    kinds = {}
    for event in events:
        kinds.setdefault(event["kind"], []).append(event)
    publishes = kinds.get("publish", [])
    comments = kinds.get("comment", [])
    errors = kinds.get("publish_error", []) + kinds.get("comment_error", [])
    lines = [f"side process: {len(publishes)} stories published and edited, "
             f"{len(comments)} comments posted, {len(errors)} errors"]
    for key in ("new_on_home_s", "edit_on_story_s", "edit_on_home_s"):
        values = [p[key] for p in publishes if p[key] is not None]
        late = sum(1 for p in publishes if p[key] is None)
        if values:
            lines.append(f"  {key:<16} max {max(values):.2f} s, median "
                         f"{statistics.median(values):.2f} s"
                         + (f"; not visible within 5 s: {late}" if late else ""))
    for key in ("publish_s", "edit_s"):
        values = [p[key] for p in publishes]
        if values:
            lines.append(f"  {key:<16} max {max(values):.2f} s, median "
                         f"{statistics.median(values):.2f} s (editor's wait, in process)")
    if comments:
        statuses = {}
        for c in comments:
            statuses[c["status"]] = statuses.get(c["status"], 0) + 1
        lines.append(f"  comments: {statuses}; post max "
                     f"{max(c['post_s'] for c in comments) * 1000:.0f} ms")
    for error in errors[:5]:
        lines.append(f"  error: {json.dumps(error, ensure_ascii=False)}")
    return "\n".join(lines)


# --- summary ----------------------------------------------------------------------------------

def cmd_summary(args) -> int:
    out = Path(args.dir)
    cases = [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines() if line]
    notes = json.loads((out / "notes.json").read_text()) if (out / "notes.json").exists() else {}
    lines = [f"== nashra HTTP benchmark (issue 7) — {notes.get('when', '')}",
             f"   {notes.get('machine', '')}; git {notes.get('git', '')}",
             f"   {notes.get('setup', '')}",
             f"   article {notes.get('article', '')} ({notes.get('article_bytes', '?')} bytes)",
             "",
             f"{'case':<7} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs (a)':>7} "
             f"{'errors':>6} {'load':>5} {'CPU/answer':>16}  what"]
    static = {c["conns"]: c["requests"] / c["seconds"] for c in cases if c["label"] == "a"}
    for c in cases:
        rate = c["requests"] / c["seconds"]
        ratio = f"{rate / static[c['conns']]:.0%}" if static.get(c["conns"]) else ""
        errors = c["http_errors"] + c["socket_errors"] + c["timeouts"]
        lines.append(f"{c['label']:<7} {c['conns']:>5} {rate:>9,.0f} {c['p50_us'] / 1000:>8.1f} "
                     f"{c['p99_us'] / 1000:>8.1f} {ratio:>7} {errors:>6} "
                     f"{c.get('load_before', 0):>5.1f} {_cpu(c):>16}  {CASES.get(c['label'], '')}")
    lines.append("")
    for name, what in (("render.json", "the article, {n} times"),
                       ("render_many.json", "{n} different stories, each once")):
        if (out / name).exists():
            r = json.loads((out / name).read_text())
            lines.append(f"single uncached render of {what.format(n=r['n'])}, in sequence: "
                         f"median {r['median_ms']:.1f} ms (min {r['min_ms']:.1f}, "
                         f"p90 {r['p90_ms']:.1f}); load average {r['loadavg'][0]:.1f}")
    for name in ("rss_cached.txt", "rss_uncached.txt", "rss_nginx.txt"):
        if (out / name).exists():
            lines.append((out / name).read_text().strip())
    side = out / "side.json"
    if side.exists():
        lines.append(_side_summary(json.loads(side.read_text())))
    lines.append("")
    lines.append(_targets(cases, out))
    lines.append("CPU/answer: CPU time (user + system) of nginx's or nashra serve's processes "
                 "during the case over the answers given; PostgreSQL's and Redis's own CPU is "
                 "not in it.")
    lines.append(f"WordPress on this machine (issue 7's text, measured elsewhere, not by this "
                 f"script): article {WORDPRESS['article']} req/s, search "
                 f"{WORDPRESS['search']} req/s; nginx static {WORDPRESS['static']:,} req/s.")
    text = "\n".join(lines) + "\n"
    (out / "summary.txt").write_text(text)
    print(text, end="")
    return 0


def _cpu(case) -> str:
    """Server CPU per answer: nginx's for the cases it answers alone, else nashra's."""
    if not case["requests"]:
        return ""
    if case["label"] in ("a", "b", "b+side"):
        return f"nginx {case['nginx_cpu_ms'] * 1000 / case['requests']:.0f} µs"
    return f"app {case['app_cpu_ms'] / case['requests']:.2f} ms"


def _targets(cases, out: Path) -> str:
    def rate(label, conns):
        found = [c for c in cases if c["label"] == label and c["conns"] == conns]
        return (found[0]["requests"] / found[0]["seconds"], found[0]["p99_us"] / 1000) \
            if found else (None, None)

    lines = ["targets (issue 7):"]
    a64, _ = rate("a", 64)
    b64, b64_p99 = rate("b", 64)
    if a64 and b64:
        ok = b64 >= 0.8 * a64 and b64_p99 < 50
        lines.append(f"  (b) >= 80% of (a), p99 < 50 ms at 64: {b64 / a64:.0%}, p99 "
                     f"{b64_p99:.1f} ms -> {'met' if ok else 'NOT met'}")
    for label, target in (("c", 2500), ("d", 250)):
        best = max((r for r in (rate(label, 16)[0], rate(label, 64)[0]) if r), default=None)
        if best:
            lines.append(f"  ({label}) >= {target:,} req/s: best {best:,.0f} -> "
                         f"{'met' if best >= target else 'NOT met'}")
    # Ours, not the issue's: (d)'s rate over stories rendered for the first time. Only the
    # 16-connection run counts: the 64 one walks the same stories again, whose own kept
    # copies (article, head, thread) the first run made.
    first, _ = rate("d-many", 16)
    if first:
        lines.append(f"  (d-many, ours) >= 250 req/s over first renders (16 conns): {first:,.0f}"
                     f" -> {'met' if first >= 250 else 'NOT met'}")
    render = out / "render.json"
    if render.exists():
        median = json.loads(render.read_text())["median_ms"]
        lines.append(f"  single render <= 15 ms median: {median:.1f} ms -> "
                     f"{'met' if median <= 15 else 'NOT met'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--out", required=True)
    p = sub.add_parser("render-time")
    p.add_argument("--base", required=True)
    p.add_argument("--host", required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--paths-file")
    p.add_argument("--out", required=True)
    p = sub.add_parser("side")
    p.add_argument("--base", required=True)
    p.add_argument("--host", required=True)
    p.add_argument("--article-id", type=int, required=True)
    p.add_argument("--article-path", required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--readers", type=int, default=2)
    p.add_argument("--fill-seconds", type=float, default=3.5)
    p.add_argument("--out", required=True)
    p = sub.add_parser("summary")
    p.add_argument("--dir", required=True)
    args = parser.parse_args()
    handler = {"prepare": cmd_prepare, "render-time": cmd_render_time, "side": cmd_side,
               "summary": cmd_summary}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

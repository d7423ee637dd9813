"""Post comments at a steady rate against a running server; check every success is stored.

    DJANGO_SETTINGS_MODULE=nashra.settings.dev DATABASE_URL=... \\
      .venv/bin/python bench/comments_load.py --base http://127.0.0.1:8141 --rate 50 --seconds 60

`make bench-http` runs it as case (b+comments): through nginx, on the newest cached story but
the one wrk reads (`CASES="a b b+comments" LOAD_SECONDS=60 bench/http_bench.sh`). After the
last post it waits for the filter's queue to score every comment (posting answers first,
scoring runs as a task), says how long that took, and deletes the comments it posted (keep
them with --keep).

The script talks to the server over HTTP like a browser with JavaScript (a token from
/comments/token/, then JSON posts with the Origin header), then reads the same database through
Django to confirm that every comment that got a success answer is there, whole. All posts come
from one address, so for the run it raises the site's per-address limit (and puts it back).
"""

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8141")
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--host", help="Host header (the site's name), if not --base's")
    parser.add_argument("--origin", help="Origin header (default: --base)")
    parser.add_argument("--article-id", type=int, help="the story to comment on (default: newest)")
    parser.add_argument("--other-than", type=int,
                        help="comment on the newest story but this one (wrk reads this one)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the comments posted (default: delete them at the end)")
    parser.add_argument("--drain-seconds", type=float, default=120,
                        help="how long to wait for every comment to be scored")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.dev")
    import django

    django.setup()
    from django.db.models import Count
    from wagtail.models import Site

    from nashra.comments.models import Comment, CommentSettings
    from nashra.news.models import ArticlePage

    stories = ArticlePage.objects.live()
    if args.other_than:
        stories = stories.exclude(pk=args.other_than)
    article = (stories.filter(pk=args.article_id) if args.article_id
               else stories.order_by("-first_published_at")).first()
    if article is None:
        sys.exit("no published article: run `nashra setup --demo` first")
    settings_row = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    saved_limit, saved_days = settings_row.posts_per_ip_per_hour, settings_row.close_after_days
    settings_row.posts_per_ip_per_hour, settings_row.close_after_days = 1_000_000, 0
    settings_row.save()

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    host = {"Host": args.host} if args.host else {}
    token = json.load(opener.open(urllib.request.Request(f"{args.base}/comments/token/",
                                                         headers=host)))
    time.sleep(4)  # past the minimum fill time, as a person would be
    url = f"{args.base}/comments/post/{article.pk}/"
    # A short run number: a ten-digit timestamp in the text reads as a phone number to the filter.
    run = str(int(time.time()) % 1000)
    results, lock = [], threading.Lock()

    def post(i: int) -> None:
        body = f"تعليق تجريبي رقم {i} في جولة التحميل {run}: أتفق مع ما جاء في الخبر."
        data = urllib.parse.urlencode({
            "body": body, "author_name": f"قارئ {i}", "author_email": f"load{i}@example.org",
            "csrfmiddlewaretoken": token["csrf"], "ts": token["ts"],
        }).encode()
        request = urllib.request.Request(url, data=data, headers={
            "Accept": "application/json", "Origin": args.origin or args.base, **host})
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=30) as response:
                status, payload = response.status, json.load(response)
        except urllib.error.HTTPError as err:
            status, payload = err.code, {}
        except Exception as err:  # timeouts, resets: counted, never "success"
            status, payload = 0, {"error": repr(err)}
        with lock:
            results.append((i, status, payload.get("id"), body, time.perf_counter() - started))

    interval = 1 / args.rate
    total = int(args.rate * args.seconds)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        for i in range(total):
            delay = t0 + i * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, i)
    elapsed = time.perf_counter() - t0

    ok = [r for r in results if r[1] == 200 and r[2]]
    ids = [r[2] for r in ok]
    waited = time.perf_counter()
    while Comment.objects.filter(pk__in=ids, spam_score__isnull=True).exists():
        if time.perf_counter() - waited > args.drain_seconds:
            break
        time.sleep(0.5)
    unscored = Comment.objects.filter(pk__in=ids, spam_score__isnull=True).count()
    drained = time.perf_counter() - waited

    settings_row.posts_per_ip_per_hour, settings_row.close_after_days = saved_limit, saved_days
    settings_row.save()

    stored = dict(Comment.objects.filter(pk__in=[r[2] for r in ok]).values_list("pk", "body"))
    missing = [r for r in ok if stored.get(r[2]) != r[3]]
    latencies = sorted(r[4] * 1000 for r in results)
    by_status = {}
    for r in results:
        by_status[r[1]] = by_status.get(r[1], 0) + 1
    print(f"sent {len(results)} posts in {elapsed:.1f} s ({len(results) / elapsed:.1f}/s); "
          f"answers by status: {by_status}")
    print(f"success answers: {len(ok)}; stored and whole: {len(ok) - len(missing)}; "
          f"missing: {len(missing)}")
    decided = dict(Comment.objects.filter(pk__in=ids).values_list("status").annotate(
        n=Count("pk")))
    print(f"scored {len(ids) - unscored} of {len(ids)} within {drained:.1f} s of the last post; "
          f"decisions: {decided}")
    if latencies:
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(f"latency: p50 {latencies[len(latencies) // 2]:.0f} ms, p95 {p95:.0f} ms, "
              f"max {latencies[-1]:.0f} ms")
    if not args.keep:  # a story under thousands of test comments would weigh on the next run
        from nashra.core import changes

        Comment.objects.filter(pk__in=ids).delete()
        changes.thread_changed(story=article, reason="bench-cleanup")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()

"""Related-news compute time and uncached home page time on a loaded archive.

    DATABASE_URL=... bench/discovery_speed.py [--samples 50] [--requests 30]

Run by bench/discovery_bench.sh after `nashra demo-corpus` and `nashra related-rebuild`.
Related news: a story is taken off the index (profile_delete) and profiled again, which is
exactly the publish-time work for a new story (analysis, document-frequency updates, index
postings, candidate lookup, ranking, storing the list). Home page: Django's test client,
production settings, no full-page cache; reads are seeded over the last 48 hours first so
the most-read blocks have data.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.production")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def related_timing(samples: int) -> None:
    from nashra.discovery import related
    from nashra.discovery.models import ArticleProfile
    from nashra.news.models import ArticlePage

    total = ArticlePage.objects.live().count()
    ids = random.Random(5).sample(list(ArticleProfile.objects.values_list("pk", flat=True)),
                                  samples)
    timings, sizes = [], []
    for pk in ids:
        article = ArticlePage.objects.get(pk=pk)
        related.profile_delete(article_id=pk)
        started = time.perf_counter()
        profile = related.profile_update(story=related.story_text(article))
        timings.append((time.perf_counter() - started) * 1000)
        sizes.append(len(profile.related))
    print(f"related news for a new story ({total} live stories, {connection.vendor}, "
          f"{samples} stories): p50 {pct(timings, 50):.1f} ms, p95 {pct(timings, 95):.1f} ms, "
          f"max {max(timings):.1f} ms; mean list length {statistics.mean(sizes):.1f}")


def seed_views(stories: int = 2000) -> None:
    from nashra.discovery.counters import current_hour
    from nashra.discovery.models import HourlyViews
    from nashra.news.models import ArticlePage

    HourlyViews.objects.all().delete()
    rng = random.Random(7)
    ids = list(ArticlePage.objects.live().order_by("-first_published_at")
               .values_list("pk", flat=True)[:stories])
    now = current_hour()
    rows = [HourlyViews(article_id=pk, hour=now - h, count=rng.randint(1, 400))
            for pk in ids for h in range(48) if rng.random() < 0.5]
    HourlyViews.objects.bulk_create(rows, batch_size=5000)
    print(f"seeded {len(rows)} hourly view rows over 48 h for {len(ids)} stories")


def home_timing(requests: int) -> None:
    client = Client(SERVER_NAME="127.0.0.1")
    for label, clear in (("fragment caches warm", False), ("every cache cleared", True)):
        client.get("/")
        timings = []
        for _ in range(requests):
            if clear:
                cache.clear()
            started = time.perf_counter()
            response = client.get("/")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        if clear:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            client.get("/")
        print(f"home page, no page cache, {label}: p50 {pct(timings, 50):.1f} ms, "
              f"p95 {pct(timings, 95):.1f} ms over {requests} requests; "
              f"{len(ctx.captured_queries)} queries")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    related_timing(args.samples)
    seed_views()
    home_timing(args.requests)


if __name__ == "__main__":
    main()

"""Precision@5 of related news on the judged set (bench/discovery/judged_set.json).

    .venv/bin/python bench/related_precision.py [--corpus N]

Builds a throwaway database (the test settings: in-memory SQLite, or PostgreSQL when
NASHRA_TEST_DATABASE_URL is set), installs the demo site (the reference article and its
twelve stories), optionally adds N `demo-corpus` stories and profiles them, then publishes
the judged stories one by one through the normal publish path (the page_published signal
computes each list) and lets the scheduler's refresh run until no list is stale — exactly
what happens on a live site. For every judged article, precision@5 is the share of its
first five related stories that belong to its cluster. With --corpus, synthetic stories are
unjudged and count as not relevant even when they are about the same subject, so that
figure is a lower bound.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

JUDGED = Path(__file__).resolve().parent / "discovery" / "judged_set.json"
K = 5


def run(corpus: int) -> None:
    from nashra.discovery import related, selectors
    from nashra.news import services
    from nashra.news.corpus import corpus_generate
    from nashra.news.demo import REFERENCE_EXTERNAL_ID, demo_load
    from nashra.news.models import ArticlePage

    home = services.site_install()
    services.newsroom_roles_ensure(home=home)
    demo_load(home=home)
    if corpus:
        started = time.perf_counter()
        corpus_generate(articles=corpus, home=home)
        related.profiles_rebuild()
        print(f"corpus: {corpus} stories generated and profiled in "
              f"{time.perf_counter() - started:.1f} s")
    data = json.loads(JUDGED.read_text(encoding="utf-8"))
    now = timezone.now()
    clusters: dict[str, list[int]] = {}
    for name, cluster in data["clusters"].items():
        ids = [ArticlePage.objects.get(title=title).pk for title in cluster["demo"]]
        for n, story in enumerate(cluster["stories"]):
            article, _ = services.article_upsert(data=services.ArticleInput(
                title=story["title"], body=story["body"], section=story["section"],
                tags=story["tags"], external_id=f"judged:{name}:{n}",
                published_at=now - dt.timedelta(hours=story["hours_ago"]),
            ), home=home)
            ids.append(article.pk)
        clusters[name] = ids
    while related.related_refresh_stale():
        pass

    titles = dict(ArticlePage.objects.values_list("pk", "title"))
    print(f"judged set: {sum(map(len, clusters.values()))} articles in {len(clusters)} clusters; "
          f"database {connection.vendor}; site holds {len(titles)} stories")
    print(f"{'cluster':<20} {'articles':>8} {'P@5 mean':>9} {'P@5 min':>8}")
    everything = []
    for name, ids in clusters.items():
        scores = []
        for pk in ids:
            shown = [a.pk for a in selectors.related_articles(article=ArticlePage(pk=pk))][:K]
            relevant = set(ids) - {pk}
            scores.append(len(relevant.intersection(shown)) / K)
        everything.extend(scores)
        print(f"{name:<20} {len(ids):>8} {statistics.mean(scores):>9.3f} {min(scores):>8.2f}")
    print(f"{'ALL':<20} {len(everything):>8} {statistics.mean(everything):>9.3f} "
          f"{min(everything):>8.2f}")

    reference = ArticlePage.objects.get(external_id=REFERENCE_EXTERNAL_ID)
    print(f"\nrelated list of the reference article «{reference.title}»:")
    for n, article in enumerate(selectors.related_articles(article=reference), start=1):
        print(f"  {n}. {article.title}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=0,
                        help="add this many demo-corpus stories as unjudged background")
    args = parser.parse_args()
    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        run(args.corpus)
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()

"""nDCG@10, Recall@10 and MRR of nashra's real search path on the relevance set.

Loads bench/relevance/documents.jsonl as stories into the database that DATABASE_URL (or the
embedded default under NASHRA_VAR_DIR) points at, then asks `articles_search` — the code
behind /search/ and /api/search/ — every query of bench/relevance/queries.jsonl.
Run through bench/search_relevance.sh, which gives each database a throwaway copy.
"""

import datetime as dt
import json
import os
import sys
from pathlib import Path

import django

HERE = Path(__file__).resolve().parent
K = 10


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.dev")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nashra.arabic.evaluation import ndcg_at_k, recall_at_k, reciprocal_rank
    from nashra.news import services
    from nashra.news.models import ArticlePage
    from nashra.search.selectors import articles_search

    call_command("setup", verbosity=0)
    home = services.home_page()
    # One date for every document, so the recency lift favours none of them.
    when = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
    docs = [json.loads(line) for line in (HERE / "relevance/documents.jsonl").open()]
    for doc in docs:
        services.article_upsert(data=services.ArticleInput(
            title=doc["title"], body=doc["body"], section="تقييم", published_at=when,
            external_id=f"rel:{doc['id']}"), home=home)
    by_pk = dict(ArticlePage.objects.filter(external_id__startswith="rel:")
                 .values_list("pk", "external_id"))
    queries = [json.loads(line) for line in (HERE / "relevance/queries.jsonl").open()]
    totals = {"ndcg": 0.0, "recall": 0.0, "mrr": 0.0}
    misses = []
    for q in queries:
        hits = articles_search(query=q["query"], limit=K).hits
        ranked = [by_pk[h.article.pk].removeprefix("rel:") for h in hits]
        ndcg = ndcg_at_k(ranked, q["relevant"], K)
        totals["ndcg"] += ndcg
        totals["recall"] += recall_at_k(ranked, q["relevant"], K)
        totals["mrr"] += reciprocal_rank(ranked, q["relevant"])
        if ndcg < 0.8:
            misses.append(f"  {q['id']} {q['query']}: nDCG@10 {ndcg:.3f}, top 5 {ranked[:5]}")
    n = len(queries)
    vendor = connection.vendor
    print(f"{vendor}: {len(docs)} documents, {n} queries through articles_search")
    print(f"  nDCG@10 {totals['ndcg'] / n:.3f}  Recall@10 {totals['recall'] / n:.3f}  "
          f"MRR {totals['mrr'] / n:.3f}")
    if misses:
        print("queries under nDCG@10 0.8:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())

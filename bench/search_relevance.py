"""nDCG@10, Recall@10 and MRR of nashra's real search path on the relevance set.

Loads bench/relevance/documents.jsonl and hard_documents.jsonl as stories into the database
that DATABASE_URL (or the embedded default under NASHRA_VAR_DIR) points at, then asks
`articles_search` — the code behind /search/ and /api/search/ — every query of
bench/relevance/queries.jsonl (issue 3's set) and hard_queries.jsonl (issue 21's: synonyms,
dialect words, broken plurals, transliterations, paraphrases, tanween, typos), and prints
nDCG@10 per set and per phenomenon.
Run through bench/search_relevance.sh, which gives each database a throwaway copy.

    search_relevance.py [--json OUT] [--compare EARLIER.json]
        --json      write every query's nDCG@10 to OUT
        --compare   print each query's change against an earlier --json file, and the
                    queries of issue 3's set that lost more than 0.02
"""

import argparse
import datetime as dt
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import django

HERE = Path(__file__).resolve().parent
K = 10
SETS = (("issue 3", "documents.jsonl", "queries.jsonl"),
        ("issue 21 (hard)", "hard_documents.jsonl", "hard_queries.jsonl"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.dev")
    # The index is written by tasks (Wagtail's and nashra's): run them as the stories are
    # written, as there is no worker here.
    os.environ.setdefault("NASHRA_TASKS", "immediate")
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
    docs = [json.loads(line) for _, doc_file, _ in SETS
            for line in (HERE / "relevance" / doc_file).open()]
    for doc in docs:
        services.article_upsert(data=services.ArticleInput(
            title=doc["title"], body=doc["body"], section="تقييم", published_at=when,
            external_id=f"rel:{doc['id']}"), home=home)
    try:  # the vocabulary of close spellings, where this version of nashra has one
        call_command("update_search_index", vocabulary_only=True, verbosity=0)
    except TypeError:
        pass
    by_pk = dict(ArticlePage.objects.filter(external_id__startswith="rel:")
                 .values_list("pk", "external_id"))
    vendor = connection.vendor
    scores: dict[str, float] = {}
    print(f"{vendor}: {len(docs)} documents through articles_search")
    for label, _, query_file in SETS:
        queries = [json.loads(line) for line in (HERE / "relevance" / query_file).open()]
        totals = {"ndcg": 0.0, "recall": 0.0, "mrr": 0.0}
        phenomena: dict[str, list[float]] = defaultdict(list)
        misses = []
        for q in queries:
            hits = articles_search(query=q["query"], limit=K).hits
            ranked = [by_pk[h.article.pk].removeprefix("rel:") for h in hits]
            ndcg = ndcg_at_k(ranked, q["relevant"], K)
            scores[q["id"]] = ndcg
            phenomena[q["phenomenon"]].append(ndcg)
            totals["ndcg"] += ndcg
            totals["recall"] += recall_at_k(ranked, q["relevant"], K)
            totals["mrr"] += reciprocal_rank(ranked, q["relevant"])
            if ndcg < 0.8:
                misses.append(f"  {q['id']} {q['query']}: nDCG@10 {ndcg:.3f}, top 5 {ranked[:5]}")
        n = len(queries)
        print(f"{label}: {n} queries")
        print(f"  nDCG@10 {totals['ndcg'] / n:.3f}  Recall@10 {totals['recall'] / n:.3f}  "
              f"MRR {totals['mrr'] / n:.3f}")
        print("  by phenomenon: " + ", ".join(
            f"{name} {sum(v) / len(v):.3f} ({len(v)})" for name, v in sorted(phenomena.items())))
        if misses:
            print("  queries under nDCG@10 0.8:")
            print("\n".join(misses))
    if args.json:
        args.json.write_text(json.dumps(scores, indent=1))
    if args.compare:
        earlier = json.loads(args.compare.read_text())
        changed = [f"  {qid}: {earlier[qid]:.3f} -> {scores[qid]:.3f}"
                   for qid in scores if qid in earlier and abs(scores[qid] - earlier[qid]) > 1e-9]
        print(f"changed against {args.compare.name}:")
        print("\n".join(changed) or "  none")
        lost = [qid for qid in scores if not qid.startswith("hq") and qid in earlier
                and scores[qid] < earlier[qid] - 0.02]
        print(f"issue 3 queries that lost more than 0.02: {', '.join(lost) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

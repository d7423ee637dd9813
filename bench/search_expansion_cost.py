"""What query expansion (issue 21) costs per search, measured in process so that both sides
share the machine's load: the queries of bench/search_latency_queries.tsv through
`articles_search`, alternately with expansion on and with the reader's words only, ROUNDS
times, on the database that DATABASE_URL / NASHRA_VAR_DIR name (a 100,000-story one built by
bench/search_latency.sh or by hand; run `nashra update-search-index --vocabulary-only` on it
first).

    DJANGO_SETTINGS_MODULE=nashra.settings.dev NASHRA_VAR_DIR=… .venv/bin/python \\
        bench/search_expansion_cost.py [ROUNDS]
"""

import os
import statistics
import sys
import time
from pathlib import Path

import django

QUERIES = Path(__file__).resolve().parent / "search_latency_queries.tsv"


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.dev")
    django.setup()
    from nashra.search import selectors
    from nashra.search.expansion import Expansion

    queries = [line.split("\t")[0].strip() for line in QUERIES.read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    expanded = selectors.query_expansion

    def plain(terms):
        return Expansion.plain(terms)

    times = {"on": [], "off": []}
    for _ in range(rounds + 1):  # the first round warms caches and is dropped
        for query in queries:
            for label, fn in (("on", expanded), ("off", plain)):
                selectors.query_expansion = fn
                start = time.perf_counter()
                selectors.articles_search(query=query, limit=10)
                times[label].append((time.perf_counter() - start) * 1000)
    n = len(queries)
    for label in ("off", "on"):
        kept = times[label][n:]
        kept.sort()
        print(f"expansion {label:3}: p50 {statistics.median(kept):.1f} ms, "
              f"p95 {kept[int(len(kept) * 0.95) - 1]:.1f} ms over {len(kept)} searches")
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

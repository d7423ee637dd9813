"""Throughput of nashra.arabic.analyse (words/s) per stemmer, on the relevance documents.

    .venv/bin/python bench/analyser_speed.py [--repeat 200]

Never run by the test suite; figures go to docs/search.md. The stem cache is warm after the
first pass, as it is in a long-running indexer.
"""

import argparse
import json
import time
from pathlib import Path

from nashra.arabic.analysis import STEMMERS, analyse
from nashra.arabic.tokenize import tokenize

DOCS = Path(__file__).resolve().parent / "relevance" / "documents.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    texts = [
        d["title"] + "\n" + d["body"]
        for d in map(json.loads, DOCS.read_text(encoding="utf-8").splitlines())
    ]
    words = sum(len(tokenize(t)) for t in texts) * args.repeat
    print(f"{len(texts)} documents x {args.repeat} = {words:,} words")
    for name in STEMMERS:
        for text in texts:  # warm the stem cache
            analyse(text, stemmer=name)
        start = time.perf_counter()
        for _ in range(args.repeat):
            for text in texts:
                analyse(text, stemmer=name)
        elapsed = time.perf_counter() - start
        print(f"{name:10s} {words / elapsed:12,.0f} words/s  ({elapsed:.2f} s)")


if __name__ == "__main__":
    main()

"""nDCG@10, Recall@10 and MRR on nashra's Arabic relevance set, per ranking method.

    .venv/bin/python bench/relevance_eval.py [--details] [--k1 1.2] [--b 0.75]

Methods: "substring", the raw `LIKE '%q%'` the old site searched with (ranked by occurrences,
headline ×3), and BM25 over `nashra.arabic.analysis.analyse` terms for every stemmer in
`STEMMERS` (headline terms counted three times, any query term matches, a bonus when the
query's terms appear consecutively). Pure Python, no Django, no network; the set is
bench/relevance/{documents,queries}.jsonl.
"""

import argparse
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nashra.arabic.analysis import STEMMERS, analyse
from nashra.arabic.evaluation import ndcg_at_k, recall_at_k, reciprocal_rank

HERE = Path(__file__).resolve().parent / "relevance"
K = 10
TITLE_WEIGHT = 3
BM25_K1 = 1.2
BM25_B = 0.75
# Added once per matching phrase, as a multiple of the phrase terms' summed idf: a whole
# phrase then outranks a document that holds the same words scattered.
PHRASE_BONUS = 1.0
# The queries issue 3 names in "Done when": each must find the reference article.
DONE_WHEN = (
    "ليبيا",
    "الليبية",
    "ليبية",
    "التنسيق",
    "تنسيق",
    "إتفاق",
    "الازمه",
    "لِيبيا",
    "ليـبيا",
    "داعش",
    "الجزائريين",
    "القاهره",
    "مصري",
)
REFERENCE_ID = "ref"
IDEAL = "(ideal)"

Ranking = list[tuple[str, float]]


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    body: str


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    relevant: dict[str, int]
    phenomenon: str


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_set(directory: Path) -> tuple[list[Document], list[Query]]:
    documents = [
        Document(d["id"], d["title"], d["body"]) for d in load_jsonl(directory / "documents.jsonl")
    ]
    queries = [
        Query(q["id"], q["query"], q["relevant"], q["phenomenon"])
        for q in load_jsonl(directory / "queries.jsonl")
    ]
    known = {d.id for d in documents}
    for query in queries:
        unknown = set(query.relevant) - known
        if unknown:
            raise SystemExit(f"{query.id}: judged ids not in documents.jsonl: {sorted(unknown)}")
    return documents, queries


# --- substring baseline ------------------------------------------------------------------


def substring_search(documents: Sequence[Document]) -> Callable[[str], Ranking]:
    def search(query: str) -> Ranking:
        needle = query.strip()
        if not needle:
            return []
        hits = []
        for doc in documents:
            score = TITLE_WEIGHT * doc.title.count(needle) + doc.body.count(needle)
            if score:
                hits.append((doc.id, float(score)))
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))

    return search


# --- BM25 over analysed terms ------------------------------------------------------------


def contains_run(terms: Sequence[str], run: Sequence[str]) -> bool:
    n = len(run)
    return any(terms[i : i + n] == run for i in range(len(terms) - n + 1))


def bm25_search(
    documents: Sequence[Document], stemmer: str, *, k1: float = BM25_K1, b: float = BM25_B
) -> Callable[[str], Ranking]:
    fields = {
        doc.id: (analyse(doc.title, stemmer=stemmer), analyse(doc.body, stemmer=stemmer))
        for doc in documents
    }
    # Headline terms count TITLE_WEIGHT times, in the term frequency and the length alike.
    frequencies = {}
    lengths = {}
    for doc_id, (title, body) in fields.items():
        tf = Counter(body)
        for term in title:
            tf[term] += TITLE_WEIGHT
        frequencies[doc_id] = tf
        lengths[doc_id] = TITLE_WEIGHT * len(title) + len(body)
    n_docs = len(fields)
    average_length = sum(lengths.values()) / n_docs
    document_frequency = Counter(term for tf in frequencies.values() for term in tf)

    def idf(term: str) -> float:
        df = document_frequency.get(term, 0)
        return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))

    def search(query: str) -> Ranking:
        terms = analyse(query, stemmer=stemmer)
        unique = list(dict.fromkeys(terms))
        hits = []
        for doc_id, tf in frequencies.items():
            norm = k1 * (1 - b + b * lengths[doc_id] / average_length)
            score = sum(
                idf(term) * tf[term] * (k1 + 1) / (tf[term] + norm) for term in unique if tf[term]
            )
            if not score:
                continue
            if len(terms) > 1 and any(contains_run(field, terms) for field in fields[doc_id]):
                score += PHRASE_BONUS * sum(idf(term) for term in unique)
            hits.append((doc_id, score))
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))

    return search


# --- evaluation and report ---------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    query: Query
    ranking: Ranking

    @property
    def ids(self) -> list[str]:
        return [doc_id for doc_id, _ in self.ranking]

    @property
    def ndcg(self) -> float:
        return ndcg_at_k(self.ids, self.query.relevant, K)

    @property
    def recall(self) -> float:
        return recall_at_k(self.ids, self.query.relevant, K)

    @property
    def rr(self) -> float:
        return reciprocal_rank(self.ids, self.query.relevant)

    def rank_of(self, doc_id: str) -> int | None:
        ids = self.ids
        return ids.index(doc_id) + 1 if doc_id in ids else None


def ideal_search(query: Query) -> Ranking:
    """The judged documents by grade: the ceiling each metric can reach on this set."""
    ranked = sorted(query.relevant.items(), key=lambda item: (-item[1], item[0]))
    return [(doc_id, float(grade)) for doc_id, grade in ranked if grade > 0]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def rank_cell(rank: int | None) -> str:
    if rank is None:
        return "-"
    return str(rank) if rank <= K else f"({rank})"


def report(
    documents: Sequence[Document],
    queries: Sequence[Query],
    results: dict[str, list[QueryResult]],
    settings: str,
) -> str:
    methods = list(results)
    # The ideal ranking orders ties by id, so where it puts 'ref' means nothing.
    searched = [m for m in methods if m != IDEAL]
    out = [
        f"{len(documents)} documents, {len(queries)} queries, cut-off k={K}; {settings}",
        "",
        table(
            ["method", f"nDCG@{K}", f"Recall@{K}", "MRR"],
            [
                [
                    method,
                    f"{mean([r.ndcg for r in rs]):.3f}",
                    f"{mean([r.recall for r in rs]):.3f}",
                    f"{mean([r.rr for r in rs]):.3f}",
                ]
                for method, rs in results.items()
            ],
        ),
        "",
        f"nDCG@{K} by phenomenon (number of queries)",
    ]
    by_phenomenon: dict[str, list[int]] = defaultdict(list)
    for i, query in enumerate(queries):
        by_phenomenon[query.phenomenon].append(i)
    without_ref = [i for i, q in enumerate(queries) if REFERENCE_ID not in q.relevant]
    by_phenomenon[f"({REFERENCE_ID} not relevant)"] = without_ref
    out.append(
        table(
            ["phenomenon", *methods],
            [
                [
                    f"{name} ({len(idx)})",
                    *(f"{mean([results[m][i].ndcg for i in idx]):.3f}" for m in methods),
                ]
                for name, idx in by_phenomenon.items()
            ],
        )
    )

    def ref_rows(indices: Sequence[int]) -> list[list[str]]:
        return [
            [
                f"{queries[i].id} {queries[i].text}",
                *(rank_cell(results[m][i].rank_of(REFERENCE_ID)) for m in searched),
            ]
            for i in indices
        ]

    done_when = [i for i, q in enumerate(queries) if q.text in DONE_WHEN]
    out += [
        "",
        f"Rank of '{REFERENCE_ID}' for issue 3's \"Done when\" queries "
        f"('-' not found, (n) found past {K})",
        table(["query", *searched], ref_rows(done_when)),
    ]
    missing = set(DONE_WHEN) - {q.text for q in queries}
    if missing:
        out.append(f"missing from queries.jsonl: {sorted(missing)}")
    out += [
        "",
        f"Rank of '{REFERENCE_ID}' where it is not judged relevant",
        table(["query", *searched], ref_rows(without_ref)),
        "",
        f"Per query nDCG@{K}",
        table(
            ["query", "phenomenon", *methods],
            [
                [f"{q.id} {q.text}", q.phenomenon, *(f"{results[m][i].ndcg:.2f}" for m in methods)]
                for i, q in enumerate(queries)
            ],
        ),
    ]
    return "\n".join(out)


def details(queries: Sequence[Query], results: dict[str, list[QueryResult]], top: int = 5) -> str:
    out = []
    for i, query in enumerate(queries):
        judged = " ".join(
            f"{doc_id}:{grade}"
            for doc_id, grade in sorted(
                query.relevant.items(), key=lambda item: (-item[1], item[0])
            )
        )
        out += ["", f"{query.id} [{query.phenomenon}] {query.text}", f"  relevant: {judged}"]
        for method, rs in results.items():
            shown = " ".join(
                f"{doc_id}{'*' if query.relevant.get(doc_id, 0) > 0 else ''}={score:.2f}"
                for doc_id, score in rs[i].ranking[:top]
            )
            out.append(f"  {method:<10} nDCG={rs[i].ndcg:.2f} ({len(rs[i].ranking)} hits) {shown}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--details", action="store_true", help="per query: top 5 ids with scores, relevant ids"
    )
    parser.add_argument(
        "--set", type=Path, default=HERE, help="directory with the two .jsonl files"
    )
    parser.add_argument("--k1", type=float, default=BM25_K1, help="BM25 term saturation")
    parser.add_argument("--b", type=float, default=BM25_B, help="BM25 length normalization")
    args = parser.parse_args(argv)

    documents, queries = load_set(args.set)
    searches = {"substring": substring_search(documents)}
    searches.update(
        {f"bm25-{name}": bm25_search(documents, name, k1=args.k1, b=args.b) for name in STEMMERS}
    )
    results = {
        method: [QueryResult(query, search(query.text)) for query in queries]
        for method, search in searches.items()
    }
    results[IDEAL] = [QueryResult(query, ideal_search(query)) for query in queries]
    settings = (
        f"BM25 k1={args.k1} b={args.b}, title x{TITLE_WEIGHT}, phrase bonus {PHRASE_BONUS} x idf"
    )
    print(report(documents, queries, results, settings))
    if args.details:
        print(details(queries, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Quality and speed of the local comment filter on the held-out labelled set.

    .venv/bin/python bench/comments_quality.py [--hold 0.5] [--spam 0.9] [--repeat 20]

Trains the shipped model from nashra/comments/spam/data/train.jsonl exactly as the app does,
then scores nashra/comments/spam/data/test.jsonl (kept apart: no body appears in both) and
prints spam recall and the false-positive rate on genuine comments at the two thresholds,
per-kind misses, and the scoring latency of one comment at a time (p50/p95/max).
No Django needed: the filter is pure Python + scikit-learn.
"""

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nashra.comments.spam import classifier  # noqa: E402


def rates(examples, scores, threshold):
    spam = [s for e, s in zip(examples, scores, strict=True) if e.y]
    ham = [s for e, s in zip(examples, scores, strict=True) if not e.y]
    recall = sum(s >= threshold for s in spam) / len(spam)
    fpr = sum(s >= threshold for s in ham) / len(ham)
    return recall, fpr, len(spam), len(ham)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hold", type=float, default=0.5)
    parser.add_argument("--spam", type=float, default=0.9)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cv", type=int, default=5, help="folds of cross-validation on train")
    args = parser.parse_args()

    train = classifier.load_jsonl(classifier.TRAIN_FILE)
    test = classifier.load_jsonl(classifier.TEST_FILE)
    overlap = {e.body for e in train} & {e.body for e in test}
    print(f"train: {len(train)} comments {dict(Counter(e.label for e in train))}")
    print(f"test:  {len(test)} comments {dict(Counter(e.label for e in test))}; "
          f"bodies in both: {len(overlap)}")
    start = time.perf_counter()
    est = classifier.train(train)
    print(f"training: {time.perf_counter() - start:.2f} s")

    scores = classifier.score_many(est, test)
    for name, threshold in (("hold (not published)", args.hold), ("spam", args.spam)):
        recall, fpr, n_spam, n_ham = rates(test, scores, threshold)
        print(f"threshold {threshold:.2f} {name}: spam recall {recall:.3f} ({n_spam} spam), "
              f"false-positive rate {fpr:.3f} ({n_ham} genuine)")
    kinds = {}
    import json

    raw = [json.loads(line) for line in classifier.TEST_FILE.read_text("utf-8").splitlines()]
    for row, e, s in zip(raw, test, scores, strict=True):
        missed = (e.y and s < args.hold) or (not e.y and s >= args.hold)
        total, wrong = kinds.get(row["kind"], (0, 0))
        kinds[row["kind"]] = (total + 1, wrong + missed)
        if missed:
            print(f"  miss [{e.label}/{row['kind']}] {s:.3f} {e.body[:70]}")
    print("per kind (wrong at the hold threshold / total):",
          ", ".join(f"{k} {w}/{t}" for k, (t, w) in sorted(kinds.items())))

    if args.cv:
        # A second opinion that does not depend on the one test set: k-fold on the training set.
        import random

        order = list(range(len(train)))
        random.Random(1).shuffle(order)
        cv_scores = [0.0] * len(train)
        for k in range(args.cv):
            held = set(order[k::args.cv])
            model = classifier.train([train[i] for i in order if i not in held])
            idx = sorted(held)
            for i, p in zip(idx, classifier.score_many(model, [train[i] for i in idx]),
                            strict=True):
                cv_scores[i] = p
        recall, fpr, n_spam, n_ham = rates(train, cv_scores, args.hold)
        print(f"{args.cv}-fold cross-validation on train at {args.hold:.2f}: spam recall "
              f"{recall:.3f} ({n_spam}), false-positive rate {fpr:.3f} ({n_ham})")

    timings = []
    for _ in range(args.repeat):
        for e in test:
            t0 = time.perf_counter()
            classifier.score(est, e)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"scoring one comment ({len(timings)} calls): p50 {statistics.median(timings):.2f} ms, "
          f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()

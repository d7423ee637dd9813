"""Quality of the comment filter on the held-out labelled set, as the site decides.

    .venv/bin/python bench/comments_quality.py [--misses] [--cv]

Trains the shipped model from nashra/comments/spam/data/train.jsonl exactly as the app does,
then decides every comment of data/test.jsonl (never taught: no body appears in two files) with
the site's policy (nashra.comments.moderation.CommentModerator.decide, default settings, no
cheap checks): published, held or spam. Then teaches data/learn.jsonl as `nashra
learn-comments` would (retrain from shipped + lessons, and the memory of lessons) and decides
the test set again. Prints, before and after: genuine filed as spam, genuine held, spam held or
filed, spam filed; per-kind errors; a reliability table of the calibrated score (what share of
comments scored in each band were spam); with --cv, the same from 5-fold cross-validation on
train + learn (a second opinion that does not depend on the one test set).
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.test")

import django  # noqa: E402

django.setup()

from nashra.comments.models import CommentSettings  # noqa: E402
from nashra.comments.moderation import CheapChecks, CommentModerator  # noqa: E402
from nashra.comments.spam import classifier  # noqa: E402
from nashra.comments.spam.backends import Verdict  # noqa: E402


def decide(model, memory, examples, config):
    """(decision, calibrated score) per example, as LocalBackend + the moderator decide."""
    moderator = CommentModerator(config)
    out = []
    for e in examples:
        result = classifier.score(model, e, memory=memory)
        offers = set(result.signals.offers) - {"call"}
        verdict = Verdict(score=result.spam, reasons=tuple(classifier.reasons(result)),
                          same_as=result.same_as,
                          offer_with_contact=bool(offers) and result.signals.contact)
        out.append((moderator.decide(CheapChecks(), [verdict]).status, result.spam))
    return out


def figures(examples, decisions) -> dict:
    ham = [d for e, (d, _) in zip(examples, decisions, strict=True) if not e.y]
    spam = [d for e, (d, _) in zip(examples, decisions, strict=True) if e.y]
    return {
        "genuine filed as spam": (sum(d == "spam" for d in ham), len(ham)),
        "genuine held": (sum(d == "pending" for d in ham), len(ham)),
        "spam held or filed": (sum(d != "approved" for d in spam), len(spam)),
        "spam filed": (sum(d == "spam" for d in spam), len(spam)),
    }


def show(title, examples, decisions, rows, misses: bool):
    print(f"\n{title}")
    for name, (n, total) in figures(examples, decisions).items():
        print(f"  {name:<24} {n:>4} / {total:<4} {100 * n / max(total, 1):6.1f} %")
    wrong = Counter()
    for row, e, (d, s) in zip(rows, examples, decisions, strict=True):
        bad = (e.y and d == "approved") or (not e.y and d != "approved")
        wrong[row.get("kind", "?")] += bad
        if bad and misses:
            print(f"    [{e.label}/{row.get('kind')}] {d} {s:.3f} {e.author[:20]} | {e.body[:80]}")
    print("  errors by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(wrong.items()) if v))


def reliability(examples, scores, bands=(0, .1, .3, .5, .7, .9, .97, 1.0001)):
    print("\n  calibrated score   comments   spam among them")
    for low, high in zip(bands, bands[1:], strict=False):
        inside = [e.y for e, s in zip(examples, scores, strict=True) if low <= s < high]
        if inside:
            print(f"  {low:.2f}-{min(high, 1):.2f}          {len(inside):>5}      "
                  f"{100 * sum(inside) / len(inside):5.1f} %")


def main() -> None:
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="print every wrong decision")
    parser.add_argument("--cv", action="store_true")
    args = parser.parse_args()
    config = CommentSettings()
    print(f"policy: hold at {config.hold_threshold}, spam (offer + contact) at "
          f"{config.spam_threshold}")

    def rows_of(path):
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]

    train, learn, test = (classifier.load_jsonl(p) for p in (
        classifier.TRAIN_FILE, classifier.LEARN_FILE, classifier.TEST_FILE))
    test_rows = rows_of(classifier.TEST_FILE)
    for name, data in (("train", train), ("learn", learn), ("test", test)):
        print(f"{name}: {len(data)} comments {dict(Counter(e.label for e in data))}")
    bodies = [{e.body for e in d} for d in (train, learn, test)]
    print(f"bodies in two files: {len((bodies[0] & bodies[1]) | (bodies[0] & bodies[2]) | (bodies[1] & bodies[2]))}")

    start = time.perf_counter()
    shipped = classifier.train(train)
    print(f"training the shipped model: {time.perf_counter() - start:.1f} s")
    before = decide(shipped, classifier.Memory(), test, config)
    show("as shipped (test set)", test, before, test_rows, args.misses)
    reliability(test, [s for _, s in before])

    start = time.perf_counter()
    taught = classifier.train(train + learn)
    print(f"\nretraining with {len(learn)} lessons: {time.perf_counter() - start:.1f} s")
    after = decide(taught, classifier.Memory(learn), test, config)
    show("after learning data/learn.jsonl (test set)", test, after, test_rows, args.misses)
    reliability(test, [s for _, s in after])

    if args.cv:
        everything = train + learn
        rows = rows_of(classifier.TRAIN_FILE) + rows_of(classifier.LEARN_FILE)
        decisions = [None] * len(everything)
        folds = 5
        for k in range(folds):
            held = set(range(k, len(everything), folds))
            model = classifier.train([e for i, e in enumerate(everything) if i not in held])
            idx = sorted(held)
            for i, d in zip(idx, decide(model, classifier.Memory(), [everything[i] for i in idx],
                                        config), strict=True):
                decisions[i] = d
        show(f"{folds}-fold cross-validation on train + learn", everything, decisions, rows,
             args.misses)
        reliability(everything, [s for _, s in decisions])


if __name__ == "__main__":
    main()

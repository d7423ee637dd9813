"""What teaching a WordPress export's comments does to the local spam filter.

    .venv/bin/python bench/wordpress_filter_balance.py [--lessons 1600] [--batch 800]

Trains the shipped filter as the app does, scores the held-out test set
(nashra/comments/spam/data/test.jsonl), then teaches it `--lessons` comments in batches of
`--batch` (as `import-wordpress` teaches one batch of posts at a time, at a moderator's
weight) and scores the test set again. Three ways: every lesson an approval (what teaching
every approved comment of an export does: WordPress's exporter leaves spam out); half
approvals, half spam; and what the import does (every spam verdict with as many approvals,
so an export without spam teaches nothing). Comments are the benchmark generator's
(bench/wordpress_wxr.py): few words, three spam messages — harsher than a real site's.
No Django needed.
"""

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import wordpress_wxr as generator  # noqa: E402
from comments_quality import rates  # noqa: E402

from nashra.comments.spam import classifier  # noqa: E402


def lessons(rng, n: int, spam_share: float) -> list[classifier.Example]:
    out = []
    for i in range(n):
        spam = (i % 100) < spam_share * 100
        body = rng.choice(generator.SPAM) if spam else " ".join(
            rng.choice(generator.COMMENT_WORDS) for _ in range(rng.randint(4, 25)))
        out.append(classifier.Example(body=body, author=f"قارئ {rng.randint(0, 5000)}",
                                      label="spam" if spam else "ham"))
    return out


def report(label, est, test) -> None:
    scores = classifier.score_many(est, test)
    parts = []
    for threshold in (0.5, 0.9):
        recall, fpr, _, _ = rates(test, scores, threshold)
        parts.append(f"at {threshold}: spam recall {recall:.3f}, false positives {fpr:.3f}")
    print(f"{label:<38} " + "; ".join(parts))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=1600)
    parser.add_argument("--batch", type=int, default=800)
    args = parser.parse_args(argv)
    test = classifier.load_jsonl(classifier.TEST_FILE)
    train = classifier.load_jsonl(classifier.TRAIN_FILE)
    report("shipped filter", classifier.train(train), test)
    for name, share in (("every approval (no spam)", 0.0), ("half approvals, half spam", 0.5)):
        est = classifier.train(train)
        taught = lessons(random.Random(1), args.lessons, share)
        for start in range(0, len(taught), args.batch):
            classifier.learn(est, taught[start:start + args.batch])
        report(f"after {args.lessons} lessons: {name}", est, test)
    print("what the import teaches from an export with no spam: nothing (filter unchanged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

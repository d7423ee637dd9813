"""Comments in JSON Lines, from a file or stdin (`-`), for score-comments and learn-comments."""

import sys
from collections.abc import Iterator

from django.core.management.base import CommandError

from nashra.comments.spam import classifier


def read_examples(file: str) -> Iterator[classifier.Example]:
    stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                yield next(iter(classifier.parse_jsonl([line])))
            except (ValueError, AttributeError, StopIteration) as exc:
                raise CommandError(f"line {n}: not a JSON object ({exc})") from exc

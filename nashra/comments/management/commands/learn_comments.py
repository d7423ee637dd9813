import sys

from django.core.management.base import BaseCommand, CommandError

from nashra.comments import services
from nashra.comments.spam import classifier


class Command(BaseCommand):
    help = ('Teach the comment filter from JSON Lines with "label": "spam"|"ham" '
            "(or - for stdin), like moderator decisions.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args, file="-", **options):
        stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
        examples = []
        with stream:
            for n, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    example = next(iter(classifier.parse_jsonl([line])))
                except (ValueError, StopIteration) as exc:
                    raise CommandError(f"line {n}: not a JSON object ({exc})") from exc
                if example.label not in {"spam", "ham"}:
                    raise CommandError(f'line {n}: "label" must be "spam" or "ham"')
                examples.append(example)
        if examples:
            services.filter_learn_examples(examples=examples)
        self.stdout.write(f"taught {len(examples)} comments")

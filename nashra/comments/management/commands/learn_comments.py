from django.core.management.base import BaseCommand, CommandError

from nashra.arabic.plural import count_phrase
from nashra.comments import services
from nashra.comments.management.jsonl import read_examples


class Command(BaseCommand):
    help = ('Teach the comment filter from JSON Lines with "label": "spam"|"ham" '
            "(or - for stdin), like moderator decisions.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args, file="-", **options):
        examples = []
        for n, example in enumerate(read_examples(file), 1):
            if example.label not in {"spam", "ham"}:
                raise CommandError(f'التعليق {n}: قيمة "label" إما "spam" أو "ham"')
            examples.append(example)
        if examples:
            services.filter_learn_examples(examples=examples)
        self.stdout.write(f"تعلّم المرشح من {count_phrase(len(examples), 'comment', arabic_digits=False)}")

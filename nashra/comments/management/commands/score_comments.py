import json

from django.core.management.base import BaseCommand
from wagtail.models import Site

from nashra.comments.management.jsonl import read_examples
from nashra.comments.models import CommentSettings
from nashra.comments.spam import classifier, store


class Command(BaseCommand):
    help = "Score comments from a JSON Lines file (or - for stdin) with the local filter."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args, file="-", **options):
        # The default site's thresholds (admin › الإعدادات › إعدادات التعليقات).
        site = Site.objects.filter(is_default_site=True).first()
        config = CommentSettings.for_site(site) if site is not None else CommentSettings()
        est = store.estimator()
        for example in read_examples(file):
            result = classifier.score(est, example)
            if result.spam >= config.spam_threshold:
                decision = "spam"
            elif result.spam >= config.hold_threshold:
                decision = "hold"
            else:
                decision = "approve"
            reasons = classifier.reasons(result) if decision != "approve" else []
            self.stdout.write(json.dumps(
                {"spam": round(result.spam, 4), "decision": decision, "reasons": reasons},
                ensure_ascii=False,
            ))

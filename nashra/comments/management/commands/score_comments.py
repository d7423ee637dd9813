import json

from django.core.management.base import BaseCommand
from wagtail.models import Site

from nashra.comments.management.jsonl import read_examples
from nashra.comments.models import CommentSettings
from nashra.comments.moderation import CheapChecks, get_moderator
from nashra.comments.spam.backends import LocalBackend, Submission


class Command(BaseCommand):
    help = "Score comments from a JSON Lines file (or - for stdin) with the local filter."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args, file="-", **options):
        # The default site's thresholds (admin › الإعدادات › إعدادات التعليقات).
        site = Site.objects.filter(is_default_site=True).first()
        config = CommentSettings.for_site(site) if site is not None else CommentSettings()
        moderator = get_moderator(config)
        local = LocalBackend(name="local")
        for example in read_examples(file):
            verdict = local.check(Submission(body=example.body, author=example.author,
                                             email=example.email, url=example.url))
            decision = moderator.decide(CheapChecks(), [verdict])
            self.stdout.write(json.dumps(
                {"spam": round(verdict.score, 4), "decision": _DECISIONS[decision.status],
                 "reasons": decision.reasons},
                ensure_ascii=False,
            ))


_DECISIONS = {"spam": "spam", "pending": "hold", "approved": "approve"}

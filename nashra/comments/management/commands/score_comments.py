import json
import sys

from django.core.management.base import BaseCommand, CommandError

from nashra.comments.spam import classifier, signals, store


class Command(BaseCommand):
    help = "Score comments from a JSON Lines file (or - for stdin) with the local filter."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args, file="-", **options):
        from nashra.comments.models import CommentSettings

        config = CommentSettings()  # the defaults; thresholds per site live in the admin
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).first()
        if site is not None:
            config = CommentSettings.for_site(site)
        est = store.estimator()
        stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
        with stream:
            for n, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    example = next(iter(classifier.parse_jsonl([line])))
                except (ValueError, StopIteration) as exc:
                    raise CommandError(f"line {n}: not a JSON object ({exc})") from exc
                result = classifier.score(est, example)
                reasons = signals.reasons_of(result.signals)
                if result.words:
                    reasons.append("كلمات مثل: " + "، ".join(result.words))
                if result.spam >= config.spam_threshold:
                    decision = "spam"
                elif result.spam >= config.hold_threshold:
                    decision = "hold"
                else:
                    decision = "approve"
                    reasons = []
                self.stdout.write(json.dumps(
                    {"spam": round(result.spam, 4), "decision": decision, "reasons": reasons},
                    ensure_ascii=False,
                ))

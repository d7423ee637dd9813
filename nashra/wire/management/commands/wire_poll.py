from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from nashra.wire import services


class Command(BaseCommand):
    help = "Poll every active agency feed once (or only --provider NAME), now."

    def add_arguments(self, parser):
        parser.add_argument("--provider", default=None, help="the provider's name")

    def handle(self, *args, provider=None, **options):
        try:
            reports = services.providers_poll(name=provider)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for report in reports:
            (self.stderr if report.error else self.stdout).write(report.line())
        if reports and all(r.error for r in reports):
            raise CommandError("every provider polled failed")

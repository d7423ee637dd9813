import json

from django.core.management.base import BaseCommand

from nashra.comments import selectors


class Command(BaseCommand):
    help = ("Print every stored comment written with EMAIL, and what the spam filter kept of "
            "them, as JSON.")

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        data = selectors.author_export(email=email)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

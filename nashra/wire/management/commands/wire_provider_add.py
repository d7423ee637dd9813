from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from nashra.wire import services


class Command(BaseCommand):
    help = "Add an agency feed (provider) to the wire desk."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=["rss", "newsml", "ninjs"])
        parser.add_argument("--source", required=True, help="http(s) address or absolute folder")
        parser.add_argument("--section", required=True, help="section path, e.g. أخبار/عربية ودولية")
        parser.add_argument("--credit", required=True, help="the credit stories carry, e.g. الأناضول")
        parser.add_argument("--interval", type=int, default=120, help="seconds between rounds (≥ 30)")
        parser.add_argument("--auto-publish", action="store_true")
        parser.add_argument("--username", default="")
        parser.add_argument("--password", default="")
        parser.add_argument("--api-key", default="")

    def handle(self, *args, **o):
        try:
            provider = services.provider_create(
                name=o["name"], kind=o["kind"], source=o["source"], section_path=o["section"],
                credit=o["credit"], interval_seconds=o["interval"],
                auto_publish=o["auto_publish"], auth_username=o["username"],
                auth_password=o["password"], api_key=o["api_key"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"provider {provider.pk}: {provider.name} ({provider.kind}) added")

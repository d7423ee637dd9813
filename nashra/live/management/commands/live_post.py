from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from nashra.live import services
from nashra.news import services as news_services


class Command(BaseCommand):
    help = ("Add an entry to a live story: its text (plain, blank lines between paragraphs, "
            "or HTML, cleaned like a story's), an optional title, pinned among the key events "
            "with --pin. Prints the entry's number.")

    def add_arguments(self, parser):
        parser.add_argument("page_path", help="the live story's path as live-start printed it")
        parser.add_argument("--body", required=True, help="the entry's text; - reads stdin")
        parser.add_argument("--title", default="")
        parser.add_argument("--author", default="", help="byline name (made if new)")
        parser.add_argument("--pin", action="store_true", help="among «أبرز التطورات»")

    def handle(self, *args, page_path, body, title, author, pin, **options):
        if body == "-":
            import sys

            body = sys.stdin.read()
        try:
            story = services.story_for_path(page_path)
            byline = news_services.author_get_or_create(name=author) if author.strip() else None
            entry = services.live_entry_post(
                story=story, data=services.EntryInput(title=title, text=body), author=byline,
                pin=pin)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(str(entry.pk))

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from nashra.live import services


class Command(BaseCommand):
    help = "End a live story: it stays as a page with all its entries, without the «مباشر» badge."

    def add_arguments(self, parser):
        parser.add_argument("page_path", help="the live story's path as live-start printed it")

    def handle(self, *args, page_path, **options):
        try:
            story = services.live_story_end(story=services.story_for_path(page_path))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"ended: {story.title}")

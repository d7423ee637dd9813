from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.encoding import uri_to_iri

from nashra.live import services
from nashra.news import purge


class Command(BaseCommand):
    help = ("Start a live story (تغطية مباشرة) in a section, publish it and print its path "
            "(for live-post and live-end).")

    def add_arguments(self, parser):
        parser.add_argument("--section", required=True, help="section path, e.g. أخبار/رياضة")
        parser.add_argument("--title", required=True, help="the live story's headline")
        parser.add_argument("--summary", default="", help="a line or two under the headline")

    def handle(self, *args, section, title, summary, **options):
        try:
            story = services.live_story_start(section_path=section, title=title,
                                              summary=summary)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(uri_to_iri(purge.page_path(story) or story.url_path))

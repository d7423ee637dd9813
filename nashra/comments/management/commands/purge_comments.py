from django.core.management.base import BaseCommand

from nashra.comments import services


class Command(BaseCommand):
    help = "Delete spam and trashed comments older than the retention setting."

    def handle(self, *args, **options):
        count = services.comments_purge()
        if options["verbosity"] > 0:
            self.stdout.write(f"purged {count} comments")

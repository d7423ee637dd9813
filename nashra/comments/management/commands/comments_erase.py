from django.core.management.base import BaseCommand

from nashra.comments import services


class Command(BaseCommand):
    help = "Delete every comment (and reply to it) written with EMAIL, and what the filter kept."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        count = services.comments_erase_author(email=email)
        self.stdout.write(f"erased {count} comments")

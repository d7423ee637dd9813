from django.core.management.base import BaseCommand

from nashra.comments import services


class Command(BaseCommand):
    help = ("Erase every comment written with EMAIL, and what the filter kept; other people's "
            "replies stay, under «تعليق محذوف».")

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        count = services.comments_erase_author(email=email)
        self.stdout.write(f"erased {count} comments")

from django.core.management.base import BaseCommand

from nashra.comments.spam import store


class Command(BaseCommand):
    help = "Retrain the comment filter from the shipped set plus every recorded lesson."

    def handle(self, *args, **options):
        version = store.retrain()
        self.stdout.write(f"comment filter retrained (version {version})")

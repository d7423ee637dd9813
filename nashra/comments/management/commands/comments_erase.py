from django.core.management.base import BaseCommand

from nashra.arabic.plural import count_phrase
from nashra.comments import services


class Command(BaseCommand):
    help = ("يمحو كل تعليق كُتب بالبريد EMAIL وما حفظه المرشح منه؛ تبقى ردود الآخرين "
            "تحت «تعليق محذوف».")

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        count = services.comments_erase_author(email=email)
        self.stdout.write(f"مُحي: {count_phrase(count, 'comment', arabic_digits=False)}")

from django.core.management.base import BaseCommand

from nashra.arabic.plural import count_phrase
from nashra.comments import services


class Command(BaseCommand):
    help = "يحذف التعليقات المزعجة والمحذوفة الأقدم من مدة الاحتفاظ في الإعدادات."

    def handle(self, *args, **options):
        count = services.comments_purge()
        if options["verbosity"] > 0:
            self.stdout.write(f"حُذف نهائيًا: {count_phrase(count, 'comment', arabic_digits=False)}")

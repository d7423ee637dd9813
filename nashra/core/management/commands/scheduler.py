from django.core.management.base import BaseCommand

from nashra.core.scheduler import scheduler_run_forever


class Command(BaseCommand):
    help = "ينشر المحتوى المجدول في دقيقته (ويلغي نشر المنتهي) — يعمل باستمرار."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="ينفّذ دورة واحدة ثم يخرج.")

    def handle(self, *args, once=False, **options):
        if not once:
            self.stdout.write("nashra scheduler: ينشر الأخبار المجدولة كل دقيقة")
        scheduler_run_forever(once=once)

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from nashra.arabic.plural import count_phrase
from nashra.news.importer import articles_import


def _n(n: int, noun: str) -> str:
    """A count in words, digits as a terminal prints them («٣ أسطر» would not copy well)."""
    return count_phrase(n, noun, arabic_digits=False)


class Command(BaseCommand):
    help = (
        "يستورد الأخبار من ملف JSON Lines (أو - للإدخال القياسي): كائن JSON في كل سطر فيه "
        "title وbody وsection وpublished_at وsource وauthors وtags وexternal_id. "
        "استيراد external_id نفسه مرة أخرى يحدّث الخبر."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="مسار ملف ‎.jsonl‎، أو - للإدخال القياسي")
        parser.add_argument("--no-progress", action="store_true", help="لا يعرض شريط التقدم أبدًا")

    def handle(self, *args, file, no_progress=False, **options):
        if file == "-":
            stream, total = sys.stdin.buffer, None
        else:
            try:
                with open(file, "rb") as counted:
                    total = sum(1 for _ in counted)
                stream = open(file, "rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise CommandError(f"تعذرت قراءة {file}: {exc.strerror}") from None
        show = not no_progress and sys.stderr.isatty()
        bar = tqdm(total=total, unit=" سطر", disable=not show, file=sys.stderr)
        try:
            report = articles_import(stream, progress=bar.update)
        finally:
            bar.close()
            if stream is not sys.stdin.buffer:
                stream.close()
        for error in report.errors:
            self.stderr.write(f"السطر {error.line}: {error.message}")
        self.stdout.write(
            f"الاستيراد: أخبار جديدة {report.created}، أخبار محدّثة {report.updated}، "
            f"أسطر تعذّر استيرادها {report.failed}، أسطر فارغة تُركت {report.skipped_blank}"
        )
        if report.failed:
            raise CommandError(f"لم يُستورد {_n(report.failed, 'line')}؛ انظر الأخطاء أعلاه.")


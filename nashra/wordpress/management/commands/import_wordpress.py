import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from nashra.wordpress.services import ImportReport, NotWxr, wordpress_import


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR, Tools › Export › All content): categories, tags, "
        "authors, posts, attachments (from --media-dir, a copy of wp-content/uploads), comments "
        "and a permanent redirect from every old URL. Importing the same file again updates "
        "what changed and duplicates nothing. See docs/migration.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file WordPress exported")
        parser.add_argument("--media-dir", help="a copy of the site's wp-content/uploads")
        parser.add_argument("--dry-run", action="store_true",
                            help="report what would be imported and write nothing")
        parser.add_argument("--batch-size", type=int, default=200,
                            help="posts written per transaction (default 200)")
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    def handle(self, *args, export, media_dir=None, dry_run=False, batch_size=200,
               no_progress=False, **options):
        show = not no_progress and sys.stderr.isatty()
        bar = tqdm(total=None, unit=" items", disable=not show, file=sys.stderr)

        def scanned(total):
            bar.total = total
            bar.refresh()

        try:
            report = wordpress_import(path=export, media_dir=media_dir, dry_run=dry_run,
                                      progress=bar.update, on_scanned=scanned,
                                      batch_size=batch_size)
        except NotWxr as exc:
            raise CommandError(f"{export}: {exc}") from None
        except ValidationError as exc:  # e.g. no home page yet: `nashra setup` first
            raise CommandError(" ".join(exc.messages)) from None
        finally:
            bar.close()
        self.print_report(report)
        if report.failed:
            raise CommandError("لم يُستورد كل شيء؛ انظر الأخطاء أعلاه. "
                               "ما سبقها استُورد كاملاً، وإعادة الاستيراد تكمل الباقي.")

    def print_report(self, report: ImportReport) -> None:
        out = self.stdout.write
        title = "تجربة بلا كتابة (--dry-run): لم يُكتب شيء" if report.dry_run else "تم الاستيراد"
        out(f"{title} — {report.site_url}، {report.items} عنصراً في الملف")
        for label, n in sorted(report.counts.items()):
            out(f"  {label}: {n}")
        if report.skipped:
            out("تُرك دون استيراد:")
            for label, n in sorted(report.skipped.items()):
                out(f"  {label}: {n}")
        if report.unknown_shortcodes:
            out("رموز قصيرة غير معروفة (بقيت نصاً كما هي):")
            for name, n in report.unknown_shortcodes.most_common():
                out(f"  [{name}]: {n} مقالاً")
        if report.missing_media_count:
            out(f"وسائط مفقودة: {report.missing_media_count}")
            for what in report.missing_media:
                out(f"  {what}")
            if report.missing_media_count > len(report.missing_media):
                out(f"  … و{report.missing_media_count - len(report.missing_media)} غيرها")
        for error in report.errors:
            where = f"السطر {error.line}" if error.line else "الملف"
            post = f" (المقال {error.wp_id})" if error.wp_id else ""
            self.stderr.write(f"{where}{post}: {error.message}")
        if report.broken:
            self.stderr.write(f"الملف مقطوع أو تالف عند السطر {report.broken.line}: "
                              f"{report.broken.message}")

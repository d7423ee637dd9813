import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from nashra.news.importer import articles_import


class Command(BaseCommand):
    help = (
        "Import stories from a JSON Lines file (or - for standard input): one JSON object a line "
        "with title, body, section, published_at, source, authors, tags, external_id. "
        "Importing the same external_id again updates the story."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .jsonl file, or - for standard input")
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    def handle(self, *args, file, no_progress=False, **options):
        if file == "-":
            stream, total = sys.stdin.buffer, None
        else:
            try:
                with open(file, "rb") as counted:
                    total = sum(1 for _ in counted)
                stream = open(file, "rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        show = not no_progress and sys.stderr.isatty()
        bar = tqdm(total=total, unit=" lines", disable=not show, file=sys.stderr)
        try:
            report = articles_import(stream, progress=bar.update)
        finally:
            bar.close()
            if stream is not sys.stdin.buffer:
                stream.close()
        for error in report.errors:
            self.stderr.write(f"line {error.line}: {error.message}")
        self.stdout.write(
            f"imported: {report.created} created, {report.updated} updated, "
            f"{report.failed} failed, {report.skipped_blank} blank lines skipped"
        )
        if report.failed:
            raise CommandError(f"{report.failed} line(s) were not imported; see the errors above.")


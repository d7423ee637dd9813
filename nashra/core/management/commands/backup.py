"""`nashra backup DIR [--keep N]`: the database, the media and a checked manifest in a new
folder under DIR (nashra.core.backup); safe while the site runs. deploy/systemd runs it
nightly."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from nashra.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "يأخذ نسخة احتياطية من قاعدة البيانات والوسائط مع بيان بالمجاميع الاختبارية."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where the backup folder is made")
        parser.add_argument("--keep", type=int, default=None,
                            help="then delete all but the newest N backups in DIRECTORY")

    def handle(self, *args, directory, keep, **options):
        try:
            folder = backup_create(target_dir=directory, connection=connections["default"],
                                   media_root=Path(settings.MEDIA_ROOT), keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"nashra backup: {folder}")

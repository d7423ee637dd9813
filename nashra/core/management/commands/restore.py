"""`nashra restore DIR [--force]`: rebuild an install from a `nashra backup` folder.

The checksums are verified first and a database with content is refused without --force;
then the database and the media are put in place, `migrate` brings the schema up to this
code, and every configured cache is cleared (docs/deployment.md, "Backup and restore").
"""

from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from nashra.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "يستعيد الموقع من نسخة احتياطية أخذها `nashra backup`."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a folder `nashra backup` wrote")
        parser.add_argument("--force", action="store_true",
                            help="replace a database that already holds content")

    def handle(self, *args, directory, force, **options):
        try:
            result = backup_restore(folder=directory, connection=connections["default"],
                                    media_root=Path(settings.MEDIA_ROOT), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"nashra restore: قاعدة بيانات {result.engine} وملفات وسائط "
                          f"{result.files} من {result.folder}")
        call_command("migrate", interactive=False, verbosity=max(options["verbosity"] - 1, 0))
        for alias in settings.CACHES:
            caches[alias].clear()
        self.stdout.write("nashra restore: طُبّقت الترحيلات ومُسحت الذاكرة المؤقتة")

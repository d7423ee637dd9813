from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from nashra.news import services


class Command(BaseCommand):
    help = "يجهّز قاعدة البيانات: الترحيلات، الصفحة الرئيسية، أدوار غرفة الأخبار، والمحتوى التجريبي."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true",
                            help="Load the demo content (only when the site has no story yet) "
                                 "and create the demo accounts.")

    def handle(self, *args, demo=False, **options):
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) != ":memory:":
            from pathlib import Path

            Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        home = services.site_install()
        services.newsroom_roles_ensure(home=home)
        if demo:
            from nashra.news import demo as demo_content

            loaded = demo_content.demo_load(home=home)
            known = settings.NASHRA_DEMO_KNOWN_PASSWORDS
            accounts = demo_content.demo_accounts_ensure(known_passwords=known)
            # Demo content of the apps above news (e.g. an editors' picks list).
            for hook in settings.NASHRA_DEMO_HOOKS:
                import_string(hook)(home=home)
            if loaded:
                self.stdout.write(f"nashra: loaded {loaded} demo stories")
            if accounts:
                self.stdout.write("nashra: demo logins at /admin/ —")
                for username, password, role in accounts:
                    self.stdout.write(f"  {role}: {username} / {password}")
            if accounts and not known:
                self.stdout.write("nashra: كلمات المرور هذه لا تُعرض مرة أخرى: احفظها، أو غيّرها "
                                  "من لوحة التحكم (الحساب).")
            elif not accounts:
                self.stdout.write("nashra: حسابات العرض موجودة، وقد عُرضت كلمات مرورها عند "
                                  "إنشائها.")
        self.stdout.write("nashra: ready")

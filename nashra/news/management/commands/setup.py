from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from nashra.arabic.plural import count_phrase
from nashra.core import addresses
from nashra.news import services


class Command(BaseCommand):
    help = ("يجهّز قاعدة البيانات: الترحيلات، الصفحة الرئيسية، عنوان الموقع العام (BASE_URL)، "
            "أدوار غرفة الأخبار، والمحتوى التجريبي.")

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true",
                            help="يحمّل المحتوى التجريبي (إن لم يكن في الموقع خبر بعد) "
                                 "وينشئ حسابات العرض.")

    def handle(self, *args, demo=False, **options):
        if settings.BASE_URL:
            try:  # before any write: a wrong address stops setup with nothing half done
                addresses.address_parse(settings.BASE_URL)
            except addresses.AddressError as exc:
                raise CommandError(str(exc)) from None
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) != ":memory:":
            from pathlib import Path

            Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        home = services.site_install()
        self._address()
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
                self.stdout.write(f"nashra: حُمّل المحتوى التجريبي: "
                                  f"{count_phrase(loaded, 'story', arabic_digits=False)}")
            if accounts:
                self.stdout.write("nashra: حسابات العرض في /admin/ —")
                for username, password, role in accounts:
                    self.stdout.write(f"  {role}: {username} / {password}")
            if accounts and not known:
                self.stdout.write("nashra: كلمات المرور هذه لا تُعرض مرة أخرى: احفظها، أو غيّرها "
                                  "من لوحة التحكم (الحساب).")
            elif not accounts:
                self.stdout.write("nashra: حسابات العرض موجودة، وقد عُرضت كلمات مرورها عند "
                                  "إنشائها.")
        self.stdout.write("nashra: جاهز")

    def _address(self) -> None:
        """BASE_URL into the Site every absolute link comes from; a word when it stays local."""
        if settings.BASE_URL:
            site, changed = addresses.site_address_set(base_url=settings.BASE_URL)
            if changed:
                self.stdout.write(f"nashra: عنوان الموقع العام الآن {site.root_url}")
            return
        local = addresses.default_site_is_local()
        if local:
            self.stderr.write(
                f"nashra: عنوان الموقع ما زال {local}، وكل رابط مطلق (الخلاصات وخرائط الموقع "
                "والروابط القانونية والمشاركة) سيحمله. عيّن BASE_URL (مثل "
                "https://news.example.org) ثم شغّل nashra setup مرة أخرى.")

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from nashra.accounts import services


class Command(BaseCommand):
    help = ("يحذف تطبيق المصادقة ورموز الاسترداد لحساب (هاتف مفقود): يدخل بكلمة المرور وحدها، "
            "أو يُطلب منه إعداد التطبيق من جديد إن كان ذلك مشترطًا.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"لا يوجد حساب باسم «{username}».")
        removed = services.two_factor_remove(user=user)
        self.stdout.write(f"nashra: {username}: حُذفت أجهزة التحقق بخطوتين ({removed}).")

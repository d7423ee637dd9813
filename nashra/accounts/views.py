"""The admin's two-factor pages: the code after the password, and setting up an
authenticator app with its recovery codes (Arabic, no request to anyone else)."""

from base64 import b32encode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from django_otp import login as otp_login
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import selectors, services
from .forms import CodeForm
from .qr import qr_svg

WRONG = "الرمز غير صحيح. تأكد أن الوقت مضبوط على هاتفك وأعد المحاولة."
THROTTLED = "محاولات خاطئة متتالية: انتظر بضع ثوانٍ ثم أعد المحاولة."


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return url
    return reverse("wagtailadmin_home")


def _verified(request, device) -> None:
    """The session has passed the second step: a new session key, then django-otp's mark."""
    request.session.cycle_key()
    otp_login(request, device)


def _code_error(verification: services.Verification) -> str:
    return THROTTLED if verification.throttled else WRONG


class VerifyView(View):
    """Asked after the password when the user has set up an authenticator app."""

    template_name = "accounts/verify.html"

    def get(self, request):
        if request.user.is_verified() or selectors.two_factor_step(
                user=request.user) != selectors.VERIFY:
            return redirect(_next_url(request))
        return self._render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            verification = services.two_factor_verify(user=request.user,
                                                      token=form.cleaned_data["token"])
            if verification.device is not None:
                _verified(request, verification.device)
                return redirect(_next_url(request))
            form.add_error("token", _code_error(verification))
        return self._render(request, form)

    def _render(self, request, form):
        return render(request, self.template_name,
                      {"form": form, "next": _next_url(request)})


class TwoFactorView(WagtailAdminTemplateMixin, TemplateView):
    """Set up the authenticator app (QR code, then its first code), renew the recovery codes,
    or turn it off with a current code."""

    template_name = "accounts/two_factor.html"
    page_title = "التحقق بخطوتين"
    header_icon = "lock"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("wagtailadmin_account"), "label": "الحساب"},
                {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        device = selectors.totp_device(user=user)
        context.update(device=device, required=selectors.two_factor_required(user=user),
                       form=kwargs.get("form") or CodeForm())
        if device is not None:
            context["codes_left"] = selectors.recovery_codes_left(user=user)
        else:
            new = services.totp_device_start(user=user)
            secret = b32encode(new.bin_key).decode()
            context.update(
                uri=new.config_url,
                qr=qr_svg(new.config_url, label="رمز QR لإعداد تطبيق المصادقة"),
                secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            )
        return context

    def post(self, request):
        action = request.POST.get("action")
        form = CodeForm(request.POST) if action in {"confirm", "disable"} else None
        user = request.user
        if action == "confirm" and form.is_valid():
            confirmation = services.totp_device_confirm(user=user,
                                                        token=form.cleaned_data["token"])
            if confirmation.codes is not None:
                _verified(request, selectors.totp_device(user=user))
                return self.render_to_response(self.get_context_data(codes=confirmation.codes))
            form.add_error("token", THROTTLED if confirmation.throttled else WRONG)
        elif action == "recovery" and selectors.totp_device(user=user) is not None:
            codes = services.recovery_codes_renew(user=user)
            return self.render_to_response(self.get_context_data(codes=codes))
        elif action == "disable" and form.is_valid():
            verification = services.two_factor_verify(user=user,
                                                      token=form.cleaned_data["token"])
            if verification.device is not None:
                services.two_factor_remove(user=user)
                messages.success(request, "أُوقف التحقق بخطوتين لحسابك وحُذفت رموز الاسترداد.")
                return redirect("accounts_two_factor")
            form.add_error("token", _code_error(verification))
        return self.render_to_response(self.get_context_data(form=form, codes=None))


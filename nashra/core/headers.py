"""Content-Security-Policy and Permissions-Policy on every answer (docs/deployment.md, "Headers").

- **Reader pages** get settings.CONTENT_SECURITY_POLICY (django-csp): everything from this
  site, no inline script or style, so the policy carries no nonce and a page cached for every
  reader (nashra.core.pagecache, nginx) keeps a policy that is right for all of them.
- **The Wagtail admin** (settings.NASHRA_ADMIN_CSP_PATHS), to a signed-in user, gets
  settings.NASHRA_ADMIN_CONTENT_SECURITY_POLICY: the readers' policy plus inline script and
  style, without which Wagtail 8's editing pages do not work (its widgets start themselves
  with inline scripts that no nonce can reach; wagtail/wagtail#1288). The sign-in and
  password-reset pages, the admin's pages for someone not signed in, keep the readers'
  policy: a password is never typed under inline script.
- **Permissions-Policy** (settings.NASHRA_PERMISSIONS_POLICY) goes on every answer.

The middleware sits inside PageCacheMiddleware, so both headers are stored with a cached page
and sent again on every hit, including the WSGI fast path's; nginx keeps them with its copy.
django-csp's decorators (`csp_update`, `csp_exempt`, …) work on any view as usual.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

PERMISSIONS_POLICY = "Permissions-Policy"

_memo: dict[str, object] = {}


def permissions_policy() -> str:
    """`camera=(), geolocation=(), …` from settings.NASHRA_PERMISSIONS_POLICY: for each
    feature the origins allowed to use it (`self` or quoted origins; none: nobody)."""
    if "permissions" not in _memo:
        _memo["permissions"] = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.NASHRA_PERMISSIONS_POLICY.items())
    return _memo["permissions"]


def _admin_directives() -> dict:
    if "admin" not in _memo:
        _memo["admin"] = default_config(
            settings.NASHRA_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
    return _memo["admin"]


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in {"NASHRA_PERMISSIONS_POLICY", "NASHRA_ADMIN_CONTENT_SECURITY_POLICY"}:
        _memo.clear()


def is_admin(path: str) -> bool:
    return path.startswith(tuple(settings.NASHRA_ADMIN_CSP_PATHS))


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)  # none on answers before AuthenticationMiddleware
    return user is not None and user.is_authenticated


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's policy on admin paths, and Permissions-Policy."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # A view's own @csp(...) still wins; otherwise a signed-in user's admin pages get the
        # admin's policy.
        if (not report_only and parts.config is None and is_admin(request.path_info)
                and _signed_in(request)):
            parts.config = _admin_directives()
        return parts

    def process_response(self, request, response):
        if getattr(request, "is_dummy", False):
            # Wagtail's preview renders the page through the middleware with a request for the
            # page's own URL; the admin answer it becomes gets the admin's headers on its way out.
            return response
        response = super().process_response(request, response)
        if PERMISSIONS_POLICY not in response:
            response[PERMISSIONS_POLICY] = permissions_policy()
        return response

"""`/?p=123` → the imported story, before the home page answers it.

WordPress's shortest links (`/?p=ID`, `/?page_id=ID`) land on the home page's URL, which
exists, so Wagtail's redirect middleware, which acts only on a 404, never sees them. The
redirects themselves are ordinary `wagtail.contrib.redirects` rows (`/?p=123`) made by the
import; this only looks them up for a request to the site root that carries the parameter.
"""

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail.contrib.redirects.middleware import get_redirect

from nashra.core.inputs import whole_number

PARAMETERS = ("p", "page_id")


class WordpressIdRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/" and request.method in ("GET", "HEAD"):
            for name in PARAMETERS:
                wp_id = whole_number(request.GET.get(name, ""))
                if wp_id is not None:
                    redirect = get_redirect(request, f"/?p={wp_id}")
                    if redirect is not None and redirect.link:
                        if redirect.is_permanent:
                            return HttpResponsePermanentRedirect(redirect.link)
                        return HttpResponseRedirect(redirect.link)
        return self.get_response(request)

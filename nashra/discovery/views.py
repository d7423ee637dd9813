"""Reader-facing endpoints: the read beacon and the live fragments cached pages fetch."""

import base64

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from nashra.core.inputs import whole_number
from nashra.news.models import SectionPage

from . import selectors
from .services import views_record
from .templatetags.discovery_tags import most_read_context

# The smallest transparent GIF: the <noscript> fallback of the beacon.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
BREAKING_MAX_AGE = 5
MOST_READ_MAX_AGE = 60
PICKS_MAX_AGE = 60


def _no_store(response):
    patch_cache_control(response, no_store=True, private=True, max_age=0)
    return response


@csrf_exempt  # sent without cookies or a form; it changes nothing but a counter
@require_http_methods(["GET", "POST"])
def view_beacon(request, article_id: str, issued: str, signature: str):
    """Count one read. Same short answer whatever happens, so probing it learns nothing."""
    views_record(article_id=int(article_id), issued=int(issued), signature=signature,
                 address=request.META.get("REMOTE_ADDR", ""),
                 user_agent=request.headers.get("User-Agent", ""), headers=request.headers)
    if request.method == "POST":
        return _no_store(HttpResponse(status=204))
    return _no_store(HttpResponse(PIXEL, content_type="image/gif"))


def beacon_rejected(request):
    return _no_store(HttpResponseBadRequest("رابط عدّ القراءة غير صالح.",
                                            content_type="text/plain; charset=utf-8"))


@require_GET
def breaking_fragment(request):
    response = render(request, "discovery/breaking_items.html",
                      {"items": selectors.breaking_now()})
    patch_cache_control(response, public=True, max_age=BREAKING_MAX_AGE)
    return response


@require_GET
def most_read_fragment(request):
    raw = request.GET.get("section", "")
    section_path = ""
    if raw:
        section_id = whole_number(raw, maximum=10**12 - 1)
        if section_id is None:
            return HttpResponseBadRequest("رقم القسم غير صالح.",
                                          content_type="text/plain; charset=utf-8")
        section_path = (SectionPage.objects.live().filter(pk=section_id)
                        .values_list("path", flat=True).first())
        if section_path is None:
            return HttpResponseBadRequest("لا يوجد قسم بهذا الرقم.",
                                          content_type="text/plain; charset=utf-8")
    context = most_read_context(request, section_path=section_path, section_id=raw)
    response = render(request, "discovery/most_read_lists.html", context)
    patch_cache_control(response, public=True, max_age=MOST_READ_MAX_AGE)
    return response


@require_GET
def picks_fragment(request):
    """The editors' picks beside stories, for cached story pages to refresh."""
    response = render(request, "discovery/picks.html",
                      {"picks": selectors.picks(placement="article")})
    patch_cache_control(response, public=True, max_age=PICKS_MAX_AGE)
    return response

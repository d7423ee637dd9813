"""The search page and the JSON endpoint: thin, over `selectors.articles_search`."""

import datetime as dt

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from wagtail.models import Site

from nashra.core.inputs import day_in_range, whole_number
from nashra.core.pages import public
from nashra.news.models import SectionPage

from .selectors import SearchQueryError, articles_search

PAGE_SIZE = 10
API_MAX_LIMIT = 50
MAX_PAGE = 50


def _date(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise SearchQueryError(f"تاريخ «{label}» غير صالح؛ استخدم الصيغة 2025-03-01.") from None
    if not day_in_range(day):
        raise SearchQueryError(f"تاريخ «{label}» خارج المدى المقبول.")
    return day


def _positive_int(value: str | None, default: int, label: str, maximum: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise SearchQueryError(f"قيمة «{label}» يجب أن تكون رقماً.") from None
    if not 1 <= number <= maximum:
        raise SearchQueryError(f"قيمة «{label}» يجب أن تكون بين 1 و{maximum}.")
    return number


def _sections(request):
    site = Site.find_for_request(request)
    if site is None:
        return SectionPage.objects.none()
    return public(SectionPage.objects.live()).descendant_of(site.root_page).order_by("path")


def _filters(request):
    section = None
    section_id = request.GET.get("section")
    if section_id:
        section = _sections(request).filter(pk=whole_number(section_id) or 0).first()
        if section is None:
            raise SearchQueryError("القسم المطلوب غير موجود.")
    date_from = _date(request.GET.get("from"), "من")
    date_to = _date(request.GET.get("to"), "إلى")
    if date_from and date_to and date_from > date_to:
        raise SearchQueryError("تاريخ البداية بعد تاريخ النهاية.")
    return {"section": section, "date_from": date_from, "date_to": date_to}


@require_GET
def search_page(request):
    query = request.GET.get("q", "")
    context = {"query": query, "sections": _sections(request), "params": request.GET,
               "title": "البحث"}
    if "q" not in request.GET:
        return render(request, "search/search_page.html", context)
    try:
        filters = _filters(request)
        number = _positive_int(request.GET.get("page"), 1, "الصفحة", MAX_PAGE)
        results = articles_search(query=query, offset=(number - 1) * PAGE_SIZE,
                                  limit=PAGE_SIZE, **filters)
    except SearchQueryError as error:
        context["error"] = str(error)
        return render(request, "search/search_page.html", context, status=400)
    paginator = Paginator(range(min(results.total, MAX_PAGE * PAGE_SIZE)), PAGE_SIZE)
    context.update(results=results, page_obj=paginator.get_page(number),
                   title=f"نتائج البحث عن: {query}")
    return render(request, "search/search_page.html", context)


@require_GET
def search_api(request):
    try:
        filters = _filters(request)
        limit = _positive_int(request.GET.get("limit"), 10, "limit", API_MAX_LIMIT)
        results = articles_search(query=request.GET.get("q", ""), limit=limit, **filters)
    except SearchQueryError as error:
        return JsonResponse({"error": str(error)}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return JsonResponse(
        {
            "total": results.total,
            "total_is_lower_bound": results.total_is_lower_bound,
            "suggestion": results.suggestion,
            "results": [
                {
                    "title": hit.article.title,
                    "url": hit.article.get_url(request),
                    "published_at": hit.article.first_published_at.isoformat()
                    if hit.article.first_published_at else None,
                    "section": hit.section.title if hit.section else None,
                    "snippet": hit.snippet,
                }
                for hit in results.hits
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )

"""Admin › الوكالات: the inbox, one item with its preview, «استخدام», scheduling at an embargo."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.models import Page

from nashra.core.inputs import has_nul, whole_number

from . import selectors, services
from .models import WireItem

STATES = dict(WireItem.State.choices)


def _filters(request) -> selectors.InboxFilters:
    get = request.GET
    if has_nul(*get.values()):
        raise Http404("طلب غير صالح")
    state = get.get("state", "")
    return selectors.InboxFilters(
        provider=whole_number(get.get("provider")), section=get.get("section", "")[:300],
        language=get.get("language", "")[:20].strip(),
        state=state if state in STATES else "", group=whole_number(get.get("group")),
        q=get.get("q", "")[:200])


def _page_number(request) -> int:
    return whole_number(request.GET.get("p")) or 1


@login_required
def inbox_view(request):
    filters = _filters(request)
    paginator = Paginator(selectors.inbox_items(filters=filters), selectors.INBOX_PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    query = request.GET.copy()
    query.pop("p", None)
    return render(request, "wire/admin/inbox.html", {
        "page_obj": page, "items": list(page.object_list), "filters": filters,
        "choices": selectors.inbox_choices(), "query": query.urlencode(),
        "page_title": "الوكالات", "header_title": "الوكالات", "header_icon": "globe",
    })


def _item_or_404(pk: int) -> WireItem:
    item = selectors.item_detail(pk=pk)
    if item is None:
        raise Http404("لا يوجد خبر وكالة بهذا الرقم")
    return item


@login_required
def item_view(request, pk: int):
    item = _item_or_404(pk)
    return render(request, "wire/admin/item.html", {
        "item": item, "members": selectors.group_members(item=item),
        "sections": selectors.inbox_choices()["sections"], "page_title": item.headline,
        "header_title": item.headline,
        "header_icon": "globe",
    })


@require_POST
@login_required
def item_use_view(request, pk: int):
    item = _item_or_404(pk)
    section_path = request.POST.get("section", "").strip() or item.provider.section_path
    # Only the desk's sections: «استخدام» must not become a way to make new sections.
    if section_path not in selectors.inbox_choices()["sections"]:
        messages.error(request, "اختر قسماً من أقسام الوكالات.")
        return redirect("wire_item", pk=item.pk)
    try:
        section = services.section_for_use(path=section_path)
        if not section.permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied
        story = services.item_use(item=item, section_path=section_path, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("wire_item", pk=item.pk)
    messages.success(request, f"أُعدّت مسودة «{story.title}» من خبر {item.provider.credit}.")
    return redirect("wagtailadmin_pages:edit", story.pk)


@login_required
def schedule_view(request, page_id: int):
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404("لا توجد صفحة بهذا الرقم")
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    embargo = services.story_embargo(page=page)
    if request.method == "POST":
        try:
            when = services.story_schedule_at_embargo(page=page.specific, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"جُدول نشر الخبر عند رفع الحظر: {when:%Y-%m-%d %H:%M} UTC.")
        return redirect("wagtailadmin_pages:edit", page.pk)
    return render(request, "wire/admin/schedule.html", {
        "page": page, "embargo": embargo, "page_title": "جدولة النشر عند رفع الحظر",
        "header_title": "جدولة النشر عند رفع الحظر",
        "header_icon": "time"})


def inbox_url() -> str:
    return reverse("wire_inbox")

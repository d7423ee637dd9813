"""Reads of the wire desk: the inbox with its filters, one item, the wire-list lines."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from nashra.arabic.analysis import analyse

from .models import Provider, WireItem

INBOX_PAGE_SIZE = 50
LIST_FIELDS = ("pk", "guid", "version", "headline", "language", "state", "embargoed_until",
               "group_id", "story_id", "received_at", "located", "auto_published", "alert",
               "provider__name", "provider__credit", "provider__section_path", "group__size")


@dataclass
class InboxFilters:
    provider: int | None = None
    section: str = ""
    language: str = ""
    state: str = ""
    group: int | None = None
    q: str = ""


def inbox_items(*, filters: InboxFilters) -> QuerySet[WireItem]:
    """Newest first; each filter narrows, the search matches every analysed word of `q`
    (nashra.arabic: the same letters, stems and stop words as the site's search)."""
    items = WireItem.objects.select_related("provider", "group").defer(
        "body_html", "search_text", "signature", "history", "subjects", "pictures")
    if filters.provider:
        items = items.filter(provider_id=filters.provider)
    if filters.section:
        items = items.filter(provider__section_path=filters.section)
    if filters.language:
        items = items.filter(language__istartswith=filters.language)
    if filters.state:
        items = items.filter(state=filters.state)
    if filters.group:
        items = items.filter(group_id=filters.group)
    for term in list(dict.fromkeys(analyse(filters.q or "")))[:8]:
        items = items.filter(search_text__contains=f" {term} ")
    return items.order_by("-received_at", "-id")


def inbox_choices() -> dict:
    providers = list(Provider.objects.order_by("name").values_list("pk", "name"))
    sections = sorted(set(Provider.objects.values_list("section_path", flat=True)))
    return {"providers": providers, "sections": sections,
            "states": list(WireItem.State.choices)}


def item_detail(*, pk: int) -> WireItem | None:
    return WireItem.objects.select_related("provider", "group").filter(pk=pk).first()


def group_members(*, item: WireItem) -> list[WireItem]:
    if not item.group_id:
        return []
    return list(WireItem.objects.filter(group_id=item.group_id).exclude(pk=item.pk)
                .select_related("provider").only("pk", "headline", "received_at", "state",
                                                 "provider__name")
                .order_by("-received_at")[:20])


def items_for_list(*, provider: str | None = None):
    """What `nashra wire-list --json` prints, newest first, streamed."""
    items = WireItem.objects.all()
    if provider:
        items = items.filter(provider__name=provider)
    return items.order_by("-received_at", "-id").values(*LIST_FIELDS).iterator(chunk_size=2000)

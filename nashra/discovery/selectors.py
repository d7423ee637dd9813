"""Reads for the discovery blocks; each costs a fixed number of queries whatever the archive."""

import datetime as dt
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import ExpressionWrapper, FloatField, Prefetch, Q, Sum, Value
from django.db.models.functions import Cast, Power
from django.utils import timezone

from nashra.core import fragments
from nashra.core.queries import Precompiled
from nashra.news.selectors import articles_by_ids

from .models import (
    ArticleProfile,
    BreakingNews,
    DiscoverySettings,
    HourlyViews,
    PickItem,
    PicksList,
    RelatedCuration,
    RelatedExclusion,
    RelatedPin,
)
from .related import RELATED_SIZE

DEFAULT_HALF_LIFE_HOURS = DiscoverySettings._meta.get_field("half_life_hours").default
# Tab → (hours looked back, multiple of the site's half-life).
WINDOWS = {"day": (24, 1), "week": (24 * 7, 3)}
MOST_READ_CACHE_SECONDS = 60


# --- related ------------------------------------------------------------------------------


def related_ids(*, article, request=None) -> list[int]:
    """Pinned stories first, then the computed list, minus the stories editors kept out."""
    rows = _COMPUTED_RELATED.fetch(pk=article.pk)
    computed = (rows[0][0] if rows else None) or []
    pins, excluded = [], set()
    if article.pk in _curated_ids(request):  # few stories are: no two queries for the rest
        pins = list(RelatedPin.objects.filter(curation__article_id=article.pk)
                    .order_by("sort_order").values_list("story_id", flat=True))
        excluded = set(RelatedExclusion.objects.filter(curation__article_id=article.pk)
                       .values_list("story_id", flat=True))
    ids, seen = [], {article.pk} | excluded
    for pk in [*pins, *computed]:
        if pk not in seen:
            ids.append(pk)
            seen.add(pk)
    return ids


_COMPUTED_RELATED = Precompiled(
    "computed_related", ArticleProfile,
    lambda pk: ArticleProfile.objects.filter(pk=pk).values_list("related")[:1], pk=int)


def _curated_ids(request) -> frozenset[int]:
    """The stories whose related list an editor curated (RelatedCuration): remembered until
    content changes, which every curation, pin and exclusion change starts."""
    return fragments.remember(
        request, ("curated-stories",),
        lambda: frozenset(RelatedCuration.objects.values_list("article_id", flat=True)),
        per_site=False)


def related_articles(*, article, limit: int = RELATED_SIZE) -> list:
    return articles_by_ids(ids=related_ids(article=article))[:limit]


def _in_order(ids, cards: dict) -> list:
    """The live stories among `ids`, in their order (what articles_by_ids gives)."""
    return [cards[pk] for pk in ids if pk in cards]


# --- most read ----------------------------------------------------------------------------


def discovery_settings(request) -> DiscoverySettings | None:
    """The site's discovery settings, read once per request (Wagtail caches them on it)."""
    return DiscoverySettings.for_request(request) if request is not None else None


def half_life_hours(chosen: DiscoverySettings | None) -> float:
    # float(): a row just created holds the int default, a row read back holds 6.0, and the
    # value is part of the cache key.
    return float((chosen.half_life_hours if chosen else None) or DEFAULT_HALF_LIFE_HOURS)


def most_read_ids(*, window: str = "day", half_life: float = DEFAULT_HALF_LIFE_HOURS,
                  section_path: str = "", limit: int = 5) -> list[int]:
    """Story ids by reads, each read weighing 0.5 ** (its age / half-life)."""
    hours, multiple = WINDOWS[window]
    now = time.time() / 3600
    # A read counted in hour h happened, on average, in the middle of it.
    # Floats throughout: PostgreSQL's NUMERIC power() is a hundred times slower.
    age = Value(now - 0.5, output_field=FloatField()) - Cast("hour", FloatField())
    decayed = ExpressionWrapper(
        Cast("count", FloatField()) * Power(
            Value(0.5, output_field=FloatField()),
            age / Value(float(half_life * multiple), output_field=FloatField())),
        output_field=FloatField(),
    )
    rows = HourlyViews.objects.filter(hour__gte=int(now) - hours,
                                      article__live=True)
    if section_path:
        rows = rows.filter(article__path__startswith=section_path)
    rows = (rows.values("article_id").annotate(score=Sum(decayed))
            .order_by("-score", "-article_id")[:limit])
    return [row["article_id"] for row in rows]


def _most_read_key(window, section_path, half_life, limit) -> str:
    return f"nashra:discovery:most-read:{window}:{section_path}:{half_life}:{limit}"


def most_read_cached_ids_by_window(*, half_life: float = DEFAULT_HALF_LIFE_HOURS,
                                   section_path: str = "", limit: int = 5) -> dict[str, list]:
    """Story ids by reads for every window, from the cache in one round trip."""
    keys = {window: _most_read_key(window, section_path, half_life, limit) for window in WINDOWS}
    found = cache.get_many(keys.values())
    ids = {}
    for window, key in keys.items():
        ids[window] = found.get(key)
        if ids[window] is None:
            ids[window] = most_read_ids(window=window, half_life=half_life,
                                        section_path=section_path, limit=limit)
            cache.set(key, ids[window], MOST_READ_CACHE_SECONDS)
    return ids


def most_read(*, window: str = "day", half_life: float = DEFAULT_HALF_LIFE_HOURS,
              section_path: str = "", limit: int = 5):
    return most_read_by_window(half_life=half_life, section_path=section_path,
                               limit=limit)[window]


def most_read_by_window(*, half_life: float = DEFAULT_HALF_LIFE_HOURS, section_path: str = "",
                        limit: int = 5) -> dict[str, list]:
    """Most read stories of every window, their cards read together."""
    ids = most_read_cached_ids_by_window(half_life=half_life, section_path=section_path,
                                         limit=limit)
    cards = {a.pk: a for a in articles_by_ids(ids={pk: None for v in ids.values() for pk in v})}
    return {window: _in_order(window_ids, cards) for window, window_ids in ids.items()}


# --- picks, breaking, lead ---------------------------------------------------------------


@dataclass
class PicksBlock:
    name: str
    articles: list


def picks(*, placement: str, now=None, per_list: int = 6) -> list[PicksBlock]:
    """Lists shown at `placement` ("home" or "article"), each with the items live right now."""
    return picks_and_next_change(placement=placement, now=now, per_list=per_list)[0]


def picks_and_next_change(*, placement: str, now=None, per_list: int = 6):
    """The lists at `placement` and when they next change by themselves (an item's start or
    end time; None when no item has one ahead), for a cached page's lifetime."""
    lists, next_change = _picks_lists(placement=placement, now=now)
    cards = {a.pk: a for a in articles_by_ids(ids=_picked_ids(lists))}
    return _picks_blocks(lists, cards, per_list), next_change


def _picks_lists(*, placement: str, now=None):
    """The lists at `placement`, each with `live_items`, and their next change by themselves."""
    now = now or timezone.now()
    not_ended = Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    flag = {"home": "show_on_home", "article": "show_beside_articles"}[placement]
    lists = list(PicksList.objects.filter(**{flag: True}).prefetch_related(
        Prefetch("items", queryset=PickItem.objects.filter(not_ended).order_by("sort_order"),
                 to_attr="ahead_items")))
    changes = [t for lst in lists for i in lst.ahead_items for t in (i.starts_at, i.ends_at)
               if t is not None and t > now]
    for lst in lists:
        lst.live_items = [i for i in lst.ahead_items if i.starts_at is None or i.starts_at <= now]
    return lists, min(changes, default=None)


def _picked_ids(lists) -> list[int]:
    return [item.story_id for lst in lists for item in lst.live_items]


def _picks_blocks(lists, cards: dict, per_list: int) -> list[PicksBlock]:
    blocks = []
    for lst in lists:
        articles = _in_order([i.story_id for i in lst.live_items], cards)[:per_list]
        if articles:
            blocks.append(PicksBlock(name=lst.name, articles=articles))
    return blocks


@dataclass
class ArticleAside:
    related: list
    picks: list[PicksBlock]
    most_read: dict[str, list]  # window → stories


def article_aside(*, article, half_life: float, now=None, per_list: int = 6) -> ArticleAside:
    """Related news, picks and most read beside a story, with the cards of all three read
    together (one query for their stories and one for their images, not one each)."""
    lists, _ = _picks_lists(placement="article", now=now)
    return aside_cards(related=related_ids(article=article), lists=lists,
                       read=most_read_cached_ids_by_window(half_life=half_life),
                       per_list=per_list)


def aside_ids(*, request, article, half_life: float):
    """What the aside beside `article` shows, as story ids: (related, picks lists with their
    live items, most read by window). Related ids and the picks lists are remembered between
    renders (nashra.core.fragments); most read comes from its own cache."""
    related = fragments.remember(request, ("related-ids", article.pk),
                                 lambda: related_ids(article=article, request=request))
    lists = fragments.remember(
        request, ("picks-lists", "article"),
        lambda: fragments.Expiring(*_picks_lists(placement="article")))
    return related, lists, most_read_cached_ids_by_window(half_life=half_life)


def aside_cards(*, related: list, lists: list, read: dict, per_list: int = 6) -> ArticleAside:
    """The cards for `aside_ids()`'s answer, read together."""
    wanted = dict.fromkeys([*related, *_picked_ids(lists),
                            *(pk for ids in read.values() for pk in ids)])
    cards = {a.pk: a for a in articles_by_ids(ids=wanted)}
    return ArticleAside(
        related=_in_order(related, cards)[:RELATED_SIZE],
        picks=_picks_blocks(lists, cards, per_list),
        most_read={window: _in_order(ids, cards) for window, ids in read.items()},
    )


def breaking_now(*, now=None, limit: int = 3) -> list[BreakingNews]:
    now = now or timezone.now()
    items = (BreakingNews.objects.filter(starts_at__lte=now, expires_at__gt=now)
             .filter(Q(story__isnull=True) | Q(story__live=True))
             .select_related("story").order_by("-starts_at", "-id")[:limit])
    return list(items)


def lead_story(*, chosen: DiscoverySettings | None, latest: list, now=None):
    """The editors' lead while it is live and its time lasts, else the newest story with a
    picture (the front page's lead block is built around one), else the newest."""
    now = now or timezone.now()
    if chosen and chosen.lead_story_id and (chosen.lead_until is None or chosen.lead_until > now):
        found = articles_by_ids(ids=[chosen.lead_story_id])
        if found:
            return found[0]
    return next((a for a in latest if a.hero_image_id), latest[0] if latest else None)


# --- newsroom dashboard -------------------------------------------------------------------


@dataclass
class HourBar:
    hour: int  # hours since the epoch
    count: int
    start: object  # aware datetime of the hour's start


def reads_per_hour(*, hours: int = 48) -> list[HourBar]:
    """Reads in each of the last `hours` clock hours (this one included), oldest first."""
    now = int(time.time() // 3600)
    first = now - hours + 1
    totals = dict(HourlyViews.objects.filter(hour__gte=first).values("hour")
                  .annotate(n=Sum("count")).values_list("hour", "n"))
    return [HourBar(hour=h, count=totals.get(h, 0),
                    start=dt.datetime.fromtimestamp(h * 3600, tz=dt.UTC))
            for h in range(first, now + 1)]


def most_read_now(*, limit: int = 10) -> list[tuple]:
    """(story, reads in the last 24 hours) for the stories ranked first right now."""
    ids = most_read_ids(window="day", limit=limit)
    now = int(time.time() // 3600)
    reads = dict(HourlyViews.objects.filter(article_id__in=ids, hour__gte=now - 24)
                 .values("article_id").annotate(n=Sum("count")).values_list("article_id", "n"))
    return [(a, reads.get(a.pk, 0)) for a in articles_by_ids(ids=ids)]


def published_today(*, tz) -> list:
    from nashra.news.models import ArticlePage

    start = timezone.now().astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    return list(ArticlePage.objects.live().filter(first_published_at__gte=start)
                .order_by("-first_published_at").only("id", "title", "first_published_at",
                                                      "path", "url_path", "depth"))

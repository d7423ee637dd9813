"""Writes of the discovery app: counting reads and flushing them in batches."""

import ipaddress
import logging
import re
import time

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from .counters import BaseViewCounter, get_counter
from .models import HourlyViews

logger = logging.getLogger("nashra.discovery")

_SALT = "nashra.discovery.view-beacon.hourly"
_READER_SALT = "nashra.discovery.reader"
HOUR = 3600
# A page may be served this long after it was rendered on top of its caches' own lifetimes
# (a reader on a slow connection, a worker's clock a little behind another's).
TOKEN_SLACK_SECONDS = 600
# Crawlers, link previewers, monitors and scripted clients: never counted.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|whatsapp|"
    r"telegram|skype|discord|headless|lighthouse|pingdom|monitor|uptime|curl|wget|"
    r"python-|httpx|aiohttp|go-http|java/|okhttp|libwww|scrapy|node-fetch|axios|"
    r"feed|rss|validator",
    re.IGNORECASE,
)


def _signature(article_id: int, issued: int) -> str:
    return salted_hmac(_SALT, f"{article_id}:{issued}").hexdigest()[:16]


def beacon_token(article_id: int, *, now: float | None = None) -> tuple[int, str]:
    """The (hour, signature) a story page rendered now carries in its beacon's path.

    Bound to the story and to the clock hour of the render, and checked without a lookup:
    only ids printed on our own pages count, and a path copied from a page stops counting
    once no cache could still be serving that page (`beacon_token_ok`)."""
    issued = int((time.time() if now is None else now) // HOUR)
    return issued, _signature(article_id, issued)


def _token_seconds() -> int:
    """How long after its render a page can still reach a reader: our page cache, then a front
    cache's copy and what it may serve stale."""
    return (settings.NASHRA_PAGE_CACHE_SECONDS + settings.NASHRA_FRONT_CACHE_SECONDS
            + settings.NASHRA_FRONT_STALE_SECONDS + TOKEN_SLACK_SECONDS)


def beacon_token_ok(article_id: int, issued: int, signature: str) -> bool:
    now = time.time()
    if not (now - _token_seconds()) // HOUR <= issued <= (now + TOKEN_SLACK_SECONDS) // HOUR:
        return False
    return constant_time_compare(_signature(article_id, issued), signature or "")


def _reader_block(address: str) -> str:
    """What one reader holds: an IPv4 address, or an IPv6 /64 (a home or a phone is given a
    whole /64, and could take a new address in it for every beacon)."""
    if ":" not in address:
        return address
    try:
        ip = ipaddress.IPv6Address(address.split("%", 1)[0])
    except ValueError:
        return address
    if ip.ipv4_mapped is not None:  # an IPv4 reader seen through a dual-stack socket
        return str(ip.ipv4_mapped)
    return ip.packed[:8].hex() + "::/64"


def reader_key(*, article_id: int, address: str) -> str:
    """One reader of one story, as the read window keeps it: a keyed hash of the story and the
    reader's address (see _reader_block). The address is never stored; without the site's
    secret key the hash cannot be tied to an address, nor one reader's stories to each other."""
    block = _reader_block(address)
    return salted_hmac(_READER_SALT, f"{article_id}|{block}").hexdigest()[:20]


def is_bot(*, user_agent: str, headers) -> bool:
    if not user_agent or len(user_agent) > 512 or BOT_USER_AGENT.search(user_agent):
        return True
    # Speculative loads (prefetch, prerender) are not reads.
    purpose = (headers.get("Sec-Purpose") or headers.get("Purpose") or "").lower()
    return "prefetch" in purpose or "prerender" in purpose


def views_record(*, article_id: int, issued: int, signature: str, address: str,
                 user_agent: str, headers) -> bool:
    """Count one read if the beacon's token is ours and current, the reader is not a bot, and
    this reader has not read this story yet in the current window (NASHRA_VIEWS_READER_SECONDS,
    aligned to the clock: the clock hour by default).

    No cookie is read or set. What is kept about the reader is `reader_key`, until the window
    ends; the read itself is +1 for the story in this hour."""
    if not beacon_token_ok(article_id, issued, signature):
        return False
    if is_bot(user_agent=user_agent, headers=headers):
        return False
    counter = get_counter()
    counted = counter.hit(article_id, reader=reader_key(article_id=article_id, address=address),
                          seconds=settings.NASHRA_VIEWS_READER_SECONDS)
    counter.after_hit()
    return counted


def views_flush(*, counter: BaseViewCounter | None = None) -> int:
    """Write counted reads to HourlyViews in one transaction; returns how many were written.

    Stories that no longer exist are dropped; a story's reads in one hour are capped at
    NASHRA_VIEWS_MAX_PER_HOUR, a last stop for a flood from very many addresses at once (one
    address counts once per story and window, so no single client comes near it).
    On failure the counts go back to the backend and are written at the next flush.
    """
    from nashra.news.models import ArticlePage

    counter = counter or get_counter()
    counts = counter.drain()
    if not counts:
        counter.commit()
        return 0
    cap = settings.NASHRA_VIEWS_MAX_PER_HOUR
    try:
        with transaction.atomic():
            known = set(ArticlePage.objects.filter(pk__in={a for a, _ in counts})
                        .values_list("pk", flat=True))
            counts = {k: n for k, n in counts.items() if k[0] in known and n > 0}
            hours = {h for _, h in counts}
            rows = {
                (row.article_id, row.hour): row
                for row in HourlyViews.objects.select_for_update().filter(
                    hour__in=hours, article_id__in={a for a, _ in counts})
            }
            changed, new = [], []
            for (article_id, hour), n in counts.items():
                row = rows.get((article_id, hour))
                if row is None:
                    new.append(HourlyViews(article_id=article_id, hour=hour, count=min(n, cap)))
                else:
                    row.count = min(row.count + n, cap)
                    changed.append(row)
            HourlyViews.objects.bulk_update(changed, ["count"], batch_size=500)
            HourlyViews.objects.bulk_create(new, batch_size=500)
    except Exception:
        counter.restore(counts)
        logger.exception("flushing %d view counts failed; kept for the next flush", len(counts))
        raise
    counter.commit()
    return sum(counts.values())


def scheduler_job() -> None:
    """Every minute: write counted reads, refresh related lists a newer story joined."""
    from .related import related_refresh_stale

    views_flush()
    related_refresh_stale()


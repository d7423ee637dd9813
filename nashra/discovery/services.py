"""Writes of the discovery app: counting reads and flushing them in batches."""

import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from .counters import BaseViewCounter, get_counter
from .models import HourlyViews

logger = logging.getLogger("nashra.discovery")

_SALT = "nashra.discovery.view-beacon"
# Crawlers, link previewers, monitors and scripted clients: never counted.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|whatsapp|"
    r"telegram|skype|discord|headless|lighthouse|pingdom|monitor|uptime|curl|wget|"
    r"python-|httpx|aiohttp|go-http|java/|okhttp|libwww|scrapy|node-fetch|axios|"
    r"feed|rss|validator",
    re.IGNORECASE,
)


def beacon_signature(article_id: int) -> str:
    """A short keyed tag: only ids printed on our own pages are counted, without a lookup."""
    return salted_hmac(_SALT, str(article_id)).hexdigest()[:16]


def beacon_signature_ok(article_id: int, signature: str) -> bool:
    return constant_time_compare(beacon_signature(article_id), signature or "")


def is_bot(*, user_agent: str, headers) -> bool:
    if not user_agent or len(user_agent) > 512 or BOT_USER_AGENT.search(user_agent):
        return True
    # Speculative loads (prefetch, prerender) are not reads.
    purpose = (headers.get("Sec-Purpose") or headers.get("Purpose") or "").lower()
    return "prefetch" in purpose or "prerender" in purpose


def views_record(*, article_id: int, signature: str, user_agent: str, headers) -> bool:
    """Count one read if the beacon is ours and the reader is not a bot; nothing is stored
    about the reader (no cookie, no address), only +1 for the story in this hour."""
    if not beacon_signature_ok(article_id, signature):
        return False
    if is_bot(user_agent=user_agent, headers=headers):
        return False
    counter = get_counter()
    counter.hit(article_id)
    counter.after_hit()
    return True


def views_flush(*, counter: BaseViewCounter | None = None) -> int:
    """Write counted reads to HourlyViews in one transaction; returns how many were written.

    Stories that no longer exist are dropped; a story's reads in one hour are capped at
    NASHRA_VIEWS_MAX_PER_HOUR, so a flood of forged-but-valid beacons cannot lift it further.
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


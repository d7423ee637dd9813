"""Every write to a comment goes through here."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from nashra.core import changes

from . import keys, selectors
from .models import Comment, CommentSettings, TrainingExample
from .moderation import CheapChecks, get_moderator
from .spam import classifier, store
from .spam.backends import Submission, get_backends

logger = logging.getLogger("nashra.comments")

MAX_DEPTH = 2  # a comment, a reply, a reply to the reply
FILL_TOKEN_SALT = "nashra.comments.fill"
DUPLICATE_WINDOW = dt.timedelta(days=1)
RATE_WINDOW_SECONDS = 60 * 60
# Past this many times the soft limit, posts are refused without being stored.
HARD_RATE_FACTOR = 3


class CommentsClosed(Exception):
    pass


@dataclass(frozen=True)
class RequestMeta:
    ip: str = ""
    user_agent: str = ""
    honeypot: str = ""
    fill_token: str = ""
    permalink: str = ""


def fill_token_make() -> str:
    return signing.TimestampSigner(salt=FILL_TOKEN_SALT).sign("form")


def _fill_checks(token: str, min_seconds: int) -> dict:
    if not token:
        return {"token_missing": True}
    signer = signing.TimestampSigner(salt=FILL_TOKEN_SALT)
    try:
        signer.unsign(token, max_age=dt.timedelta(days=7))
    except signing.SignatureExpired:
        return {"token_invalid": True}
    except signing.BadSignature:
        return {"token_invalid": True}
    try:
        signer.unsign(token, max_age=min_seconds)
    except signing.SignatureExpired:
        return {}
    return {"too_fast": True}


def _rate_key(ip_key: str) -> str:
    return f"nashra:comments:rate:{ip_key}"


def rate_count_incr(*, ip_key: str) -> int:
    """Posts from this (truncated, hashed) address in the current hour window, counting this one."""
    if not ip_key:
        return 0
    key = _rate_key(ip_key)
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        return 1


def rate_refused(*, ip: str) -> bool:
    """True when this address is far over the limit: the view refuses before any query."""
    key = keys.ip_key(ip)
    return bool(key) and cache.get(f"{_rate_key(key)}:blocked") is not None


def comment_create(
    *, page, author_name: str, author_email: str, body: str, author_url: str = "",
    parent: Comment | None = None, meta: RequestMeta = RequestMeta(),
    config: CommentSettings | None = None,
) -> Comment:
    """Store first, then check and decide. The row exists whatever fails after it is written."""
    config = config or CommentSettings.for_site(page.get_site())
    moderator = get_moderator(config)
    if not moderator.allow(page):
        raise CommentsClosed(moderator.closed_reason(page))
    if parent is not None and parent.depth >= MAX_DEPTH:
        parent = parent.parent  # deeper replies join the last level
    comment = Comment.objects.create(
        page=page, parent=parent, depth=(parent.depth + 1) if parent else 0,
        author_name=author_name, author_email=author_email,
        email_key=keys.email_key(author_email), author_url=author_url, body=body,
        body_key=keys.body_key(body), ip_key=keys.ip_key(meta.ip),
        ip_prefix=keys.truncate_ip(meta.ip) if settings.AKISMET_API_KEY else "",
        user_agent=meta.user_agent[:200], status=Comment.Status.PENDING,
        reasons=["لم يكتمل الفحص"],
    )
    try:
        count = rate_count_incr(ip_key=comment.ip_key)
        if count >= config.posts_per_ip_per_hour * HARD_RATE_FACTOR:
            cache.set(f"{_rate_key(comment.ip_key)}:blocked", 1, RATE_WINDOW_SECONDS)
        checks = CheapChecks(
            honeypot_filled=bool(meta.honeypot.strip()),
            over_rate=count > config.posts_per_ip_per_hour,
            duplicate=_is_duplicate(comment),
            **_fill_checks(meta.fill_token, config.min_fill_seconds),
        )
        decision = moderator.moderate(comment, checks, _submission(comment, meta))
        comment.status = decision.status
        comment.spam_score = decision.score
        comment.reasons = decision.reasons
    except Exception:  # the comment is kept; a person decides
        logger.exception("checking comment %s failed; holding it", comment.pk)
        comment.status = Comment.Status.PENDING
        comment.reasons = ["تعذر الفحص الآلي"]
    comment.save(update_fields=["status", "spam_score", "reasons"])
    if comment.status == Comment.Status.APPROVED:
        _changed([comment.page_id], reason="approve")
    return comment


def _is_duplicate(comment: Comment) -> bool:
    """The same words (after normalizing) on this article, or from this commenter, today."""
    since = timezone.now() - DUPLICATE_WINDOW
    return (
        Comment.objects.filter(body_key=comment.body_key, created_at__gte=since)
        .filter(Q(page_id=comment.page_id) | Q(email_key=comment.email_key))
        .exclude(pk=comment.pk)
        .exists()
    )


def _submission(comment: Comment, meta: RequestMeta | None = None) -> Submission:
    return Submission(
        body=comment.body, author=comment.author_name, email=comment.author_email,
        url=comment.author_url, ip=meta.ip if meta else comment.ip_prefix,
        user_agent=(meta.user_agent if meta else comment.user_agent),
        permalink=meta.permalink if meta else "",
    )


# --- moderation --------------------------------------------------------------------------
ACTIONS = {
    # action: (new status, label taught to the filter or None)
    "approve": (Comment.Status.APPROVED, "ham"),
    "unapprove": (Comment.Status.PENDING, None),
    "spam": (Comment.Status.SPAM, "spam"),
    "not_spam": (Comment.Status.APPROVED, "ham"),
    "trash": (Comment.Status.TRASH, None),
    "restore": (None, None),
}


def comment_moderate(*, comment: Comment, action: str, user=None) -> Comment:
    """Apply a moderator's decision; approve, spam and not spam teach the filter."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    status, label = ACTIONS[action]
    if action == "restore":
        status = comment.status_before_trash or Comment.Status.PENDING
    if action == "trash" and comment.status != Comment.Status.TRASH:
        comment.status_before_trash = comment.status
    comment.status = status
    comment.decided_at = timezone.now()
    comment.decided_by = user
    teach = label is not None and comment.taught_label != label
    if teach:
        comment.taught_label = label
    comment.save(update_fields=["status", "status_before_trash", "decided_at", "decided_by",
                                "taught_label"])
    _changed([comment.page_id], reason=action)
    if teach:
        comment_filter_teach(comment=comment, label=label)
    return comment


def comment_filter_teach(*, comment: Comment, label: str) -> None:
    example = classifier.Example(
        body=comment.body, author=comment.author_name, url=comment.author_url,
        email=comment.author_email, label=label,
    )
    store.teach([example], source=TrainingExample.Source.MODERATOR, comment=comment)
    for backend in get_backends():
        backend.learn(_submission(comment), label=label)


def comments_moderate_bulk(*, comments, action: str, user=None) -> int:
    n = 0
    for comment in comments:
        comment_moderate(comment=comment, action=action, user=user)
        n += 1
    return n


def filter_learn_examples(*, examples: list[classifier.Example]) -> int:
    """`nashra learn-comments`: lessons from a file, taught like moderator decisions."""
    store.teach(examples, source=TrainingExample.Source.IMPORT)
    return len(examples)


# --- privacy -----------------------------------------------------------------------------
def comments_erase_author(*, email: str) -> int:
    """Delete every comment (with its replies) and every lesson written by `email`."""
    key = keys.email_key(email)
    with transaction.atomic():
        TrainingExample.objects.filter(email_key=key).delete()
        TrainingExample.objects.filter(comment__email_key=key).delete()
        page_ids = set(Comment.objects.filter(email_key=key).values_list("page_id", flat=True))
        count, _ = Comment.objects.filter(email_key=key).delete()
    _changed(page_ids, reason="erase")
    return count


def comments_purge(*, now: dt.datetime | None = None) -> int:
    """Delete spam and trashed comments older than the retention setting (run by the scheduler)."""
    from wagtail.models import Site

    now = now or timezone.now()
    days = {CommentSettings.for_site(site).spam_retention_days for site in Site.objects.all()}
    retention = max(days) if days else 30
    cutoff = now - dt.timedelta(days=retention)
    stale = Comment.objects.filter(
        status__in=[Comment.Status.SPAM, Comment.Status.TRASH], created_at__lt=cutoff
    )
    page_ids = set(stale.values_list("page_id", flat=True))
    total, _ = stale.delete()
    if total:
        _changed(page_ids, reason="retention")  # approved replies go with a purged parent
    return total


def _changed(page_ids, *, reason: str) -> None:
    """What readers see under these pages may have changed: counts, and each thread."""
    from wagtail.models import Page

    selectors.comment_counts_changed()
    for page in Page.objects.filter(pk__in=list(page_ids)):
        changes.thread_changed(story=page, reason=reason)

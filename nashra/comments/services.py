"""Every write to a comment goes through here."""

import datetime as dt
import logging
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from nashra.core import changes, faults, tasks
from nashra.core.cache import CacheUnavailable

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
UNCHECKED = ["لم يكتمل الفحص"]  # a stored comment the filter has not decided on yet
# Held, unscored, while posts per address cannot be counted (Redis down).
RATE_UNKNOWN = "تعذّر عدّ تعليقات العنوان (عطل مؤقت)؛ بانتظار المراجعة"


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
    """Posts from this (truncated, hashed) address in the current hour window, counting this one.
    Raises CacheUnavailable when the count cannot be kept (Redis down)."""
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
        user_agent=meta.user_agent[:200], status=Comment.Status.PENDING, reasons=UNCHECKED,
    )
    try:
        count = rate_count_incr(ip_key=comment.ip_key)
        if count >= config.posts_per_ip_per_hour * HARD_RATE_FACTOR:
            cache.set(f"{_rate_key(comment.ip_key)}:blocked", 1, RATE_WINDOW_SECONDS)
        checks = CheapChecks(
            honeypot_filled=bool(meta.honeypot.strip()),
            over_rate=count > config.posts_per_ip_per_hour,
            duplicate=_is_duplicate(comment),
            repeat_of_spam=Comment.objects.filter(
                body_key=comment.body_key, status=Comment.Status.SPAM).exists(),
            **_fill_checks(meta.fill_token, config.min_fill_seconds),
        )
    except CacheUnavailable as error:
        # Redis down: the address's count is unknown, so the limit fails safe, not open -
        # the comment is kept for a person to decide (one warning an outage, nashra.core.faults).
        faults.outage("Redis (comment rate limit)", error)
        comment.reasons = [RATE_UNKNOWN]
        comment.save(update_fields=["reasons"])
        return comment
    except Exception:  # the comment is kept; a person decides
        logger.exception("checking comment %s failed; holding it", comment.pk)
        comment.reasons = ["تعذر الفحص الآلي"]
        comment.save(update_fields=["reasons"])
        return comment
    # The reader is answered now; the filter decides in a task (at once in tests).
    tasks.later(comment_score, comment.pk, checks=asdict(checks),
                meta={"ip": meta.ip, "user_agent": meta.user_agent[:200],
                      "permalink": meta.permalink})
    comment.refresh_from_db(fields=["status", "spam_score", "reasons"])
    return comment



@task()
def comment_score(comment_id: int, checks: dict, meta: dict) -> None:
    """Score a stored comment and file it (published, held or spam): after the reader had
    their answer. A comment a moderator decided meanwhile is left as they left it."""
    unchecked = Comment.objects.filter(pk=comment_id, status=Comment.Status.PENDING,
                                       spam_score__isnull=True, decided_at__isnull=True)
    comment = unchecked.first()
    if comment is None or comment.reasons != UNCHECKED:
        return
    try:
        config = CommentSettings.for_site(comment.page.get_site())
        decision = get_moderator(config).moderate(
            comment, CheapChecks(**checks), _submission(comment, RequestMeta(**meta)))
        comment.status, comment.spam_score, comment.reasons = (
            decision.status, decision.score, decision.reasons)
    except Exception:  # the comment is kept; a person decides
        logger.exception("checking comment %s failed; holding it", comment_id)
        comment.reasons = ["تعذر الفحص الآلي"]
    # Only if still unchecked: a moderator's decision made while this ran wins.
    updated = unchecked.update(
        status=comment.status, spam_score=comment.spam_score, reasons=comment.reasons)
    if updated and comment.status == Comment.Status.APPROVED:
        _changed([comment.page_id], reason="approve")


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
# What an erased comment keeps of its author: nothing (comments_erase_author).
ERASED_FIELDS = {
    "erased": True, "author_name": "", "author_email": "", "email_key": "", "author_url": "",
    "body": "", "body_key": "", "ip_key": "", "ip_prefix": "", "user_agent": "",
    "reasons": [], "spam_score": None, "taught_label": "",
}


def comments_erase_author(*, email: str) -> int:
    """Erase every comment and every lesson written by `email`; returns how many comments.

    Other people's replies stay: a comment of the author's that has one below it (a reply, or
    a reply to a reply) is kept in its place, blanked, shown as «تعليق محذوف»; the others are
    deleted (with the author's own replies to them)."""
    key = keys.email_key(email)
    with transaction.atomic():
        TrainingExample.objects.filter(email_key=key).delete()
        TrainingExample.objects.filter(comment__email_key=key).delete()
        own = Comment.objects.filter(email_key=key)
        page_ids = set(own.values_list("page_id", flat=True))
        count = own.count()
        # Threads are MAX_DEPTH (2) deep: an answer's parent and grandparent are all above it.
        answers = (
            Comment.objects.exclude(email_key=key)
            .filter(Q(parent__email_key=key) | Q(parent__parent__email_key=key))
            .values_list("parent_id", "parent__email_key", "parent__parent_id",
                         "parent__parent__email_key")
        )
        kept = sorted({pk for parent, parent_key, grand, grand_key in answers
                       for pk, k in ((parent, parent_key), (grand, grand_key)) if k == key})
        for start in range(0, len(kept), IMPORT_IN_CHUNK):
            Comment.objects.filter(pk__in=kept[start:start + IMPORT_IN_CHUNK]).update(
                **ERASED_FIELDS)
        # What is left of the author's has no one else's reply below it.
        own.delete()
        # A «تعليق محذوف» kept for replies this erased has nothing left to hold: it goes too.
        for _ in range(MAX_DEPTH + 1):
            bare = Comment.objects.filter(erased=True, replies__isnull=True)
            if not bare.delete()[0]:
                break
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


# --- comments decided elsewhere (import-wordpress) ---------------------------------------
# The verdict of another site's moderators, as a lesson for the filter.
IMPORT_LESSONS = {Comment.Status.APPROVED: "ham", Comment.Status.SPAM: "spam"}
# Ham lessons taught per spam lesson of the same call. WordPress's exporter leaves spam out,
# so a real export is thousands of approvals and no spam: taught whole, they would outweigh the
# shipped set's genuine comments many times over in the next retrain (when the old filter
# learned one decision at a time, 1,600 one-sided ham lessons took its spam recall from 0.97
# to 0.03; docs/benchmarks.md). The retrain's guard (spam/store.py) would refuse such a model;
# balancing here keeps the lessons useful instead.
IMPORT_HAM_PER_SPAM = 1
IMPORT_IN_CHUNK = 900  # ids per IN list, under SQLite's oldest limit on bound parameters


@dataclass(frozen=True)
class CommentImport:
    """One comment as another system kept it. `key` is its id there; `parent_key` the id of
    the comment it answers (None: it answers the story)."""

    key: Hashable
    page_id: int
    parent_key: Hashable | None
    author_name: str
    author_email: str
    author_url: str
    body: str
    status: str
    created_at: dt.datetime
    status_before_trash: str = ""
    ip: str = ""


@dataclass
class CommentImportResult:
    created: dict  # key -> the Comment made
    updated: list  # keys of the changed comments updated
    gone: list  # keys of changed comments deleted here since: left deleted
    lessons: int = 0  # verdicts the filter could learn from
    taught: int = 0
    held_back: int = 0  # approvals not taught, for the balance (IMPORT_HAM_PER_SPAM)


@transaction.atomic
def comments_import_bulk(*, new: Sequence[CommentImport],
                         changed: Sequence[tuple[int, CommentImport]] = (),
                         earlier: Mapping[Hashable, int] | None = None,
                         learn: bool = True) -> CommentImportResult:
    """Keep comments another site's moderators already decided, as they decided them.

    No check runs and no status is decided here: statuses, dates and threads are the
    source's. `changed` pairs a comment imported before (its id here) with what the source
    holds now; `earlier` gives the ids here of comments imported before, by key, which new
    ones may answer. A reply deeper than MAX_DEPTH joins the last level, as comment_create
    does. The filter learns the source's approvals and spam verdicts like a moderator's,
    as many approvals as IMPORT_HAM_PER_SPAM allows beside each spam verdict; `learn=False`
    (a dry run) marks them without teaching. Sends no change per story: an import renews
    every cache once, at its end.
    """
    earlier = earlier or {}
    result = CommentImportResult(created={}, updated=[], gone=[])
    ids = sorted({*earlier.values(), *(pk for pk, _ in changed)})
    by_pk: dict[int, Comment] = {}
    for start in range(0, len(ids), IMPORT_IN_CHUNK):
        by_pk.update((c.pk, c) for c in
                     Comment.objects.filter(pk__in=ids[start:start + IMPORT_IN_CHUNK]))
    # Where each comment sits: (the Comment, its depth), by the source's key.
    placed: dict[Hashable, tuple[Comment, int]] = {
        key: (by_pk[pk], by_pk[pk].depth) for key, pk in earlier.items() if pk in by_pk}
    lessons: list[tuple[Comment, str]] = []
    for pk, data in changed:
        comment = by_pk.get(pk)
        if comment is None:
            result.gone.append(data.key)
            continue
        _import_update(comment, data, lessons)
        result.updated.append(data.key)

    # New comments, parents before replies.
    by_key = {c.key: c for c in new}

    def depth_of(c: CommentImport, seen=()) -> int:
        if c.parent_key is None or c.parent_key in seen:
            return 0
        if c.parent_key in placed:
            return min(placed[c.parent_key][1] + 1, MAX_DEPTH)
        if c.parent_key in by_key:
            return min(depth_of(by_key[c.parent_key], (*seen, c.key)) + 1, MAX_DEPTH)
        return 0

    def hang_on(c: CommentImport, depth: int, seen=()) -> Comment | None:
        """The comment `c` answers here, at most one level above `depth`."""
        if c.parent_key in placed:
            obj, parent_depth = placed[c.parent_key]
        elif c.parent_key in by_key and c.parent_key not in seen:
            # Its parent is capped at this same depth: both join the parent's parent.
            obj = hang_on(by_key[c.parent_key], depth, (*seen, c.key))
            parent_depth = depth - 1
        else:
            return None
        while obj is not None and parent_depth >= depth:
            obj, parent_depth = obj.parent, parent_depth - 1
        return obj

    levels: list[list[CommentImport]] = [[] for _ in range(MAX_DEPTH + 1)]
    for c in new:
        levels[depth_of(c)].append(c)
    for depth, level in enumerate(levels):
        objects = []
        for c in level:
            parent = hang_on(c, depth) if depth else None
            objects.append(Comment(
                page_id=c.page_id, parent=parent,
                depth=parent.depth + 1 if parent is not None else 0,
                author_name=c.author_name, author_email=c.author_email,
                email_key=keys.email_key(c.author_email) if c.author_email else "",
                author_url=c.author_url, body=c.body, body_key=keys.body_key(c.body),
                status=c.status, status_before_trash=c.status_before_trash, reasons=[],
                ip_key=keys.ip_key(c.ip),
            ))
        Comment.objects.bulk_create(objects)
        for obj, c in zip(objects, level, strict=True):
            obj.created_at = c.created_at  # auto_now_add stamped "now" on the way in
            placed[c.key] = (obj, obj.depth)
            result.created[c.key] = obj
            if c.status in IMPORT_LESSONS:
                lessons.append((obj, IMPORT_LESSONS[c.status]))
        Comment.objects.bulk_update(objects, ["created_at"])
    if lessons:
        _import_teach(lessons, result, learn=learn)
    return result


def _import_update(comment: Comment, data: CommentImport, lessons: list) -> None:
    comment.author_name, comment.author_email = data.author_name, data.author_email
    comment.email_key = keys.email_key(data.author_email) if data.author_email else ""
    comment.author_url, comment.body = data.author_url, data.body
    comment.body_key = keys.body_key(data.body)
    comment.status, comment.status_before_trash = data.status, data.status_before_trash
    comment.created_at = data.created_at
    label = IMPORT_LESSONS.get(data.status, "")
    if label and comment.taught_label != label:
        lessons.append((comment, label))
    comment.save()


def _import_teach(lessons: list[tuple[Comment, str]], result: CommentImportResult, *,
                  learn: bool) -> None:
    """Every spam verdict, and as many approvals beside them (IMPORT_HAM_PER_SPAM)."""
    spam = [(c, label) for c, label in lessons if label == "spam"]
    ham = [(c, label) for c, label in lessons if label == "ham"]
    taught = spam + ham[:len(spam) * IMPORT_HAM_PER_SPAM]
    result.lessons, result.taught = len(lessons), len(taught)
    result.held_back = len(ham) - (len(taught) - len(spam))
    if not taught:
        return
    for label in ("spam", "ham"):
        Comment.objects.filter(pk__in=[c.pk for c, lab in taught if lab == label]).update(
            taught_label=label)
    if not learn:
        return
    examples = [classifier.Example(body=c.body, author=c.author_name, url=c.author_url,
                                   email=c.author_email, label=label)
                for c, label in taught]
    store.teach(examples, source=TrainingExample.Source.MODERATOR)

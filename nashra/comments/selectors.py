"""Reads of comments: threads for a page, counts, the moderation queue, a commenter's data."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q

from nashra.core import fragments
from nashra.core.queries import Precompiled

from . import keys
from .models import ArticleComments, Comment, TrainingExample


@dataclass
class Node:
    comment: Comment
    replies: list["Node"] = field(default_factory=list)


def comment_thread(*, page, extra: Comment | None = None) -> list[Node]:
    """Approved comments of `page`, oldest first, replies nested under their parent (1 query).

    `extra` is the reader's own held comment, shown to them alone.
    """
    return comment_thread_and_count(page=page, extra=extra)[0]


def comment_thread_and_count(*, page, extra: Comment | None = None) -> tuple[list[Node], int]:
    """The thread and the number of approved comments (what comment_count says), in 1 query."""
    rows = _THREAD.fetch(page_id=page.pk, status=Comment.Status.APPROVED)
    approved = sum(not r.erased for r in rows)  # «تعليق محذوف» holds replies; it is not counted
    if extra is not None and all(r.pk != extra.pk for r in rows):
        rows.append(extra)
    nodes = {c.pk: Node(c) for c in rows}
    roots = []
    for c in rows:
        parent = nodes.get(c.parent_id) if c.parent_id else None
        if parent is not None:
            parent.replies.append(nodes[c.pk])
        elif c.parent_id is None or c.pk == getattr(extra, "pk", None):
            roots.append(nodes[c.pk])
        # a reply whose parent is not shown (held, spam) is not shown either
    return roots, approved


def comments_switched_off(*, page) -> bool:
    """An editor closed this story's comments (ArticleComments)."""
    return bool(_SWITCHED_OFF.fetch(page_id=page.pk))


# A story's first render reads both: SQL built once per connection.
_THREAD = Precompiled(
    "comment_thread", Comment,
    lambda page_id, status: Comment.objects.filter(page_id=page_id, status=status)
    .only("id", "parent_id", "depth", "author_name", "author_url", "body", "created_at", "status",
          "erased")
    .order_by("created_at", "id"),
    page_id=int, status=str)
_SWITCHED_OFF = Precompiled(
    "comments_switched_off", ArticleComments,
    lambda page_id: ArticleComments.objects.filter(page_id=page_id, closed=True)
    .values_list("pk")[:1],
    page_id=int)


def comment_count(*, page) -> int:
    return Comment.objects.filter(page_id=page.pk, status=Comment.Status.APPROVED,
                                  erased=False).count()


def comment_counts(*, page_ids) -> dict[int, int]:
    """Approved comment counts for many pages in one query (article lists)."""
    rows = (
        Comment.objects.filter(page_id__in=list(page_ids), status=Comment.Status.APPROVED,
                               erased=False)
        .values("page_id").annotate(n=Count("id"))
    )
    return {r["page_id"]: r["n"] for r in rows}


COUNTS_CACHE_KEY = "nashra:comments:counts:v1"


def comment_counts_cached() -> dict[int, int]:
    """Approved counts of every article that has any: one query when cold, none when warm."""
    counts = cache.get(COUNTS_CACHE_KEY)
    if counts is None:
        counts = dict(
            Comment.objects.filter(status=Comment.Status.APPROVED, erased=False)
            .values_list("page_id").annotate(n=Count("id")).values_list("page_id", "n")
        )
        cache.set(COUNTS_CACHE_KEY, counts, 60 * 60)
    return counts


def comment_counts_changed() -> None:
    """Call when a comment is published or stops being published: story cards show counts."""
    cache.delete(COUNTS_CACHE_KEY)
    fragments.content_changed()


def pending_count() -> int:
    return Comment.objects.filter(status=Comment.Status.PENDING, erased=False).count()


def author_history(*, email_keys) -> dict[str, dict[str, int]]:
    """Per commenter: how many comments in each status (for the moderation queue)."""
    rows = (
        Comment.objects.filter(email_key__in=list(email_keys))
        .values("email_key")
        .annotate(
            approved=Count("id", filter=Q(status=Comment.Status.APPROVED)),
            pending=Count("id", filter=Q(status=Comment.Status.PENDING)),
            spam=Count("id", filter=Q(status=Comment.Status.SPAM)),
        )
    )
    return {r["email_key"]: r for r in rows}


def author_export(*, email: str) -> dict:
    """What `nashra comments-export` prints and the admin's download holds: every comment
    written with `email` and every copy the spam filter kept of what it learned from them."""
    return {"email": email, "comments": comments_export(email=email),
            "filter_examples": filter_examples_export(email=email)}


def comments_export(*, email: str) -> list[dict]:
    """Everything stored about the comments written with `email`."""
    qs = Comment.objects.filter(email_key=keys.email_key(email)).select_related("page")
    return [
        {
            "id": c.pk, "article": c.page.title, "article_url": c.page.url or "",
            "parent_id": c.parent_id, "author_name": c.author_name,
            "author_email": c.author_email, "author_url": c.author_url, "body": c.body,
            "status": c.status, "created_at": c.created_at.isoformat(),
            "spam_score": c.spam_score, "reasons": c.reasons,
            "decided_at": c.decided_at.isoformat() if c.decided_at else None,
            "filter_taught": c.taught_label,
            "ip_stored": "keyed hash of the address (IPv4) or its network (IPv6)"
            if c.ip_key else "none",
            "ip_prefix": c.ip_prefix,
            "user_agent": c.user_agent,
        }
        for c in qs.order_by("created_at")
    ]


def filter_examples_export(*, email: str) -> list[dict]:
    """The filter's own copies (name, website, text) of the lessons taken from `email`'s comments
    or recorded with that address: what comments_erase_author deletes with them."""
    key = keys.email_key(email)
    rows = TrainingExample.objects.filter(Q(email_key=key) | Q(comment__email_key=key))
    return [
        {
            "id": t.pk, "label": t.label, "source": t.source, "author": t.author, "url": t.url,
            "body": t.body, "comment_id": t.comment_id, "created_at": t.created_at.isoformat(),
        }
        for t in rows.order_by("pk")
    ]

"""A post's WordPress comments → nashra comments, through nashra.comments.services.

This module knows WordPress: its statuses, pingbacks, the ids it gave and what an earlier
import made of them (nashra.wordpress.models). Threads, keys, statuses and what the spam
filter learns from the site's moderators are the comments app's business
(`comments_import_bulk`).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nashra.comments.models import Comment
from nashra.comments.services import CommentImport, comments_import_bulk

from . import content, wxr
from .models import ImportedComment
from .run import ImportRun, chunks, clean_line, cut, digest, valid_email

if TYPE_CHECKING:
    from .plan import PostPlan

ANONYMOUS = "زائر"
STATUS_MAP = {"1": Comment.Status.APPROVED, "approve": Comment.Status.APPROVED,
              "0": Comment.Status.PENDING, "hold": Comment.Status.PENDING,
              "spam": Comment.Status.SPAM, "trash": Comment.Status.TRASH,
              "post-trashed": Comment.Status.TRASH}


@dataclass
class CommentPlan:
    wp_id: int
    parent: int
    status: str
    status_before_trash: str
    author_name: str
    author_email: str
    author_url: str
    ip: str
    body: str
    created_at: dt.datetime
    digest: str = ""


def comment_plans(*, run: ImportRun, item: wxr.Item,
                  published: dt.datetime) -> list[CommentPlan]:
    plans = []
    for c in item.comments:
        if c.type in ("pingback", "trackback"):
            run.report.skipped["تعقيبات (pingback/trackback)"] += 1
            continue
        body = content.plain_text(c.content)
        if not body:
            run.report.skipped["تعليقات فارغة"] += 1
            continue
        status = STATUS_MAP.get(c.approved, Comment.Status.PENDING)
        before = ""
        if status == Comment.Status.TRASH:
            before = STATUS_MAP.get(c.meta.get("_wp_trash_meta_status", ""),
                                    Comment.Status.PENDING)
            if before == Comment.Status.TRASH:
                before = Comment.Status.PENDING
        url = c.url if c.url.startswith(("http://", "https://")) and len(c.url) <= 300 else ""
        plan = CommentPlan(
            wp_id=c.wp_id, parent=c.parent, status=status, status_before_trash=before,
            author_name=cut(clean_line(c.author), 100) or ANONYMOUS,
            author_email=c.email if valid_email(c.email) else "",
            author_url=url, ip=c.ip, body=body,
            created_at=wxr.parse_dates(c.date, c.date_gmt, run.scan.offset) or published,
        )
        plan.digest = digest([plan.parent, plan.status, plan.status_before_trash,
                              plan.author_name, plan.author_email, plan.author_url,
                              plan.body, plan.created_at])
        plans.append(plan)
    return plans


def comments_write(*, run: ImportRun, posts: "list[PostPlan]", counts: Counter) -> None:
    """The comments of `posts` (written plans, each with its page): new ones made, changed
    ones updated, unchanged and deleted-in-nashra ones left alone."""
    every = [(post, c) for post in posts for c in post.comments]
    if not every:
        return
    known: dict[int, ImportedComment] = {}
    wp_ids = sorted({c.wp_id for _, c in every} | {c.parent for _, c in every if c.parent})
    for ids in chunks(wp_ids):
        known.update((row.wp_id, row) for row in
                     ImportedComment.objects.filter(site_url=run.site, wp_id__in=ids))
    new, changed = [], []
    for post, c in every:
        row = known.get(c.wp_id)
        if row is None:
            new.append(_import(post, c))
        elif row.comment_id is None:
            counts["تعليقات حُذفت من نشرة فتُركت"] += 1
        elif row.digest == c.digest:
            counts["تعليقات: بلا تغيير"] += 1
        else:
            changed.append((row.comment_id, _import(post, c)))
    earlier = {wp_id: row.comment_id for wp_id, row in known.items() if row.comment_id}
    result = comments_import_bulk(new=new, changed=changed, earlier=earlier,
                                  learn=not run.dry_run)

    digests = {c.wp_id: c.digest for _, c in every}
    counts["تعليقات حُذفت من نشرة فتُركت"] += len(result.gone)
    for wp_id in result.updated:
        row = known[wp_id]
        row.digest = digests[wp_id]
        row.save(update_fields=["digest"])
        counts["تعليقات: محدّثة"] += 1
    ImportedComment.objects.bulk_create(
        ImportedComment(site_url=run.site, wp_id=wp_id, comment_id=comment.pk,
                        digest=digests[wp_id])
        for wp_id, comment in result.created.items())
    for comment in result.created.values():
        counts[f"تعليقات جديدة: {Comment.Status(comment.status).label}"] += 1
    if result.lessons:
        counts["دروس لمرشح التعليقات"] += result.taught
    if result.held_back:
        counts["موافقات لم تُعلَّم للمرشح (موازنة)"] += result.held_back


def _import(post: "PostPlan", c: CommentPlan) -> CommentImport:
    return CommentImport(
        key=c.wp_id, page_id=post.page_id, parent_key=c.parent or None,
        author_name=c.author_name, author_email=c.author_email, author_url=c.author_url,
        body=c.body, status=c.status, status_before_trash=c.status_before_trash,
        created_at=c.created_at, ip=c.ip)

"""`nashra import-wordpress`: a WordPress export (WXR) → sections, stories, images, comments.

The file is read twice as a stream (nashra.wordpress.wxr): once for what every post may
point at (authors, categories, attachments, the site's clock), once for the posts with
their comments. Posts are written in batches; a batch is one transaction holding each of
its posts with all of that post's comments, so a break anywhere leaves whole posts.

The work is split by what it handles: plan.py (authors, categories and what each post
becomes), media.py (attachments → images), pages.py (stories: new published ones through
the bulk writer nashra.news.bulk, the rest through Wagtail's page API) and comments.py
(through nashra.comments.services), all sharing one ImportRun (run.py). This module keeps
the entry point and what happens once per run.

A second import of the same file writes nothing: every post and comment carries a digest
of what was written, keyed on the site URL and WordPress's id (nashra.wordpress.models).
"""

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from django.db import reset_queries, transaction
from django.utils import timezone

from nashra.comments import selectors as comment_selectors
from nashra.news import services as news

from . import media, pages, plan, wxr
from .run import ImportReport, ImportRun, ItemError

__all__ = ["DEFAULT_BATCH_SIZE", "ImportReport", "ItemError", "NotWxr", "site_key",
           "wordpress_import"]

DEFAULT_BATCH_SIZE = 200


class NotWxr(Exception):
    pass


def site_key(channel: wxr.Channel) -> str:
    """The site's identity in the mapping tables: its URL without scheme or trailing slash."""
    url = channel.base_blog_url or channel.base_site_url or channel.link
    parsed = urlparse(url)
    return f"{parsed.netloc.lower()}{parsed.path.rstrip('/')}"[:200] or "wordpress"


class _DryRun(Exception):
    pass


def wordpress_import(*, path, media_dir=None, dry_run: bool = False,
                     progress: Callable[[int], None] | None = None,
                     on_scanned: Callable[[int], None] | None = None,
                     batch_size: int = DEFAULT_BATCH_SIZE) -> ImportReport:
    """Import the export at `path`; see the module docstring. Raises NotWxr (nothing written)."""
    try:
        scan = wxr.scan(path)
    except wxr.NotWxr as exc:
        raise NotWxr(str(exc)) from None
    if scan is None or not (scan.channel.base_site_url or scan.channel.base_blog_url
                            or scan.channel.wxr_version):
        raise NotWxr("لا يحمل الملف عنوان موقع ووردبريس (wp:base_site_url): ليس ملف تصدير WXR.")
    report = ImportReport(site_url=site_key(scan.channel), dry_run=dry_run, items=scan.items)
    if on_scanned:
        on_scanned(scan.items)
    blog = scan.channel.base_blog_url or scan.channel.base_site_url or scan.channel.link
    run = ImportRun(scan=scan, path=path, media_dir=Path(media_dir) if media_dir else None,
                    report=report, home=news.home_page(), now=timezone.now(),
                    site=report.site_url, prefix=urlparse(blog).path.rstrip("/"),
                    batch_size=max(1, batch_size), progress=progress or (lambda n: None))
    if not dry_run:
        try:
            _run(run)
        finally:
            _caches_renew()
        return report
    try:
        with transaction.atomic():
            _run(run)
            raise _DryRun
    except _DryRun:
        pass
    return report


def _caches_renew() -> None:
    """Bulk-written stories send no publish signals: the import announces one change of the
    tree (nashra.core.changes), which renews every cached page, feed and sitemap."""
    from nashra.core import changes

    changes.tree_changed(reason="import-wordpress")


def _run(run: ImportRun) -> None:
    plan.authors_ensure(run=run)
    plan.categories_ensure(run=run)
    media.attachments_ensure(run=run)
    batch: list[plan.PostPlan] = []
    broken = None
    try:
        for kind, value in wxr.read(run.path):
            if kind != "item":
                continue
            run.progress(1)
            post = plan.post_plan(run=run, item=value)
            if post is not None:
                batch.append(post)
            if len(batch) >= run.batch_size:
                pages.batch_write(run=run, batch=batch)
                batch = []
                reset_queries()  # DEBUG keeps every statement; a long import must not
    except wxr.WxrBroken as exc:
        broken = exc
    if batch:
        pages.batch_write(run=run, batch=batch)
    if broken is not None:
        run.report.broken = ItemError(broken.line, None, broken.message)
    comment_selectors.comment_counts_changed()

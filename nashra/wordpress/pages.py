"""Planned posts → story pages, a batch per transaction, each post with all of its comments.

New published stories go through nashra.news.bulk, the bulk writer `demo-corpus` uses too:
Wagtail's add_child + revision + publish costs tens of milliseconds a story, too slow for a
50,000-post archive. Drafts, scheduled and pending posts and any story whose WordPress
version changed since the last import go through Wagtail's own page API (revisions,
`go_live_at`, the editorial workflow), which is what an editor's click does.
"""

import logging
import uuid
from collections import Counter

from django.db import transaction
from wagtail.contrib.redirects.models import Redirect

from nashra.news import bulk
from nashra.news.models import ArticlePage, ArticlePageAuthor

from .comments import comments_write
from .models import ImportedPost
from .plan import PostPlan
from .run import ImportRun, ItemError, chunks

logger = logging.getLogger("nashra.wordpress")

LABELS = {"publish": "مقالات منشورة", "draft": "مسودات", "future": "مقالات مجدولة"}


def batch_write(*, run: ImportRun, batch: list[PostPlan]) -> None:
    """One transaction for the batch; if it fails, each post again in its own."""
    counts: Counter = Counter()
    try:
        with transaction.atomic():
            _write(run, batch, counts)
    except Exception as exc:
        # Rows made inside the failed transaction are gone; so must be what we cached.
        run.slugs.forget()
        if len(batch) == 1:
            logger.exception("WordPress post %s failed", batch[0].wp_id)
            run.report.errors.append(ItemError(batch[0].line, batch[0].wp_id,
                                               f"لم يُستورد: {exc}"))
            return
        for plan in batch:
            plan.page_id, plan.written = None, False
            batch_write(run=run, batch=[plan])
        return
    run.report.counts.update(counts)


def _write(run: ImportRun, batch: list[PostPlan], counts: Counter) -> None:
    existing: dict[int, ImportedPost] = {}
    for ids in chunks([p.wp_id for p in batch]):
        existing.update((row.wp_id, row) for row in
                        ImportedPost.objects.filter(site_url=run.site, wp_id__in=ids))
    fast, live = [], []
    for plan in batch:
        row = existing.get(plan.wp_id)
        if row is not None and row.page_id is None:
            counts["مقالات حُذفت من نشرة فتُركت"] += 1
            continue
        if row is not None and row.digest == plan.digest:
            plan.page_id = row.page_id
            counts[f"{LABELS[plan.kind]}: بلا تغيير"] += 1
        elif row is None and plan.kind == "publish":
            fast.append(plan)
            counts[f"{LABELS[plan.kind]}: جديدة"] += 1
        else:
            page_save(run=run, plan=plan, row=row)
            counts[f"{LABELS[plan.kind]}: {'جديدة' if row is None else 'محدّثة'}"] += 1
        live.append(plan)
    stories_publish(run=run, plans=fast)
    redirects_ensure(plans=[p for p in live if p.written and p.kind == "publish"], counts=counts)
    comments_write(run=run, posts=[p for p in live if p.page_id], counts=counts)


def stories_publish(*, run: ImportRun, plans: list[PostPlan]) -> None:
    """New published stories, through the bulk writer (see the module docstring)."""
    if not plans:
        return
    stories = [bulk.NewStory(
        article=ArticlePage(
            title=plan.title, slug=plan.slug, standfirst=plan.standfirst,
            hero_image_id=plan.hero_id, external_id=run.external_id(plan.wp_id),
            body=[{**block, "id": str(uuid.uuid4())} for block in plan.blocks],
            first_published_at=plan.published_at, last_published_at=plan.modified_at,
            show_in_menus=False),
        section=plan.section, author_ids=plan.author_ids, tags=plan.tags,
    ) for plan in plans]
    articles = bulk.articles_publish_bulk(stories=stories, slugs=run.slugs)
    for plan, article in zip(plans, articles, strict=True):
        plan.page_id, plan.written = article.pk, True
    ImportedPost.objects.bulk_create(
        ImportedPost(site_url=run.site, wp_id=plan.wp_id, page_id=plan.page_id,
                     status=plan.wp_status, digest=plan.digest) for plan in plans)


def page_save(*, run: ImportRun, plan: PostPlan, row: ImportedPost | None) -> None:
    """A draft, a scheduled post or a changed story, through Wagtail's page API."""
    section = plan.section
    if row is None:
        page = ArticlePage(external_id=run.external_id(plan.wp_id))
    else:
        page = ArticlePage.objects.get(pk=row.page_id)
        if page.get_parent().pk != section.pk:
            page.move(section, pos="last-child")
            page.refresh_from_db()
            run.slugs.forget(section=section)
    page.title = plan.title
    page.standfirst = plan.standfirst
    page.body = plan.blocks
    page.hero_image_id = plan.hero_id
    page.tags.set(plan.tags, clear=True)
    page.article_authors = [ArticlePageAuthor(author_id=a, sort_order=i)
                            for i, a in enumerate(plan.author_ids)]
    page.go_live_at = plan.published_at if plan.kind == "future" else None
    if row is None:
        page.slug = run.slugs.claim(section=section, slug=plan.slug)
        page.live = False
        section.add_child(instance=page)
    revision = page.save_revision(clean=True)
    if plan.kind in ("publish", "future"):
        revision.publish(skip_permission_checks=True)
    elif plan.wp_status == "pending":
        _submit_for_review(page)
    if plan.kind == "publish":
        # Publishing stamps "now"; the story keeps WordPress's dates.
        ArticlePage.objects.filter(pk=page.pk).update(
            first_published_at=plan.published_at, last_published_at=plan.modified_at)
    plan.page_id, plan.written = page.pk, True
    ImportedPost.objects.update_or_create(
        site_url=run.site, wp_id=plan.wp_id,
        defaults={"page_id": page.pk, "status": plan.wp_status, "digest": plan.digest})


def redirects_ensure(*, plans: list[PostPlan], counts: Counter) -> None:
    wanted = {old: plan.page_id for plan in plans for old in plan.old_paths}
    if not wanted:
        return
    taken: set[str] = set()
    for paths in chunks(list(wanted)):
        taken.update(Redirect.objects.filter(old_path__in=paths)
                     .values_list("old_path", flat=True))
    new = [Redirect(old_path=old, redirect_page_id=page_id, is_permanent=True)
           for old, page_id in wanted.items() if old not in taken]
    Redirect.objects.bulk_create(new)
    counts["تحويلات دائمة من الروابط القديمة"] += len(new)


def _submit_for_review(page: ArticlePage) -> None:
    """WordPress's "pending review" is nashra's editorial workflow (news.services): the story
    waits in the editors' "awaiting my review" list, as if its reporter had submitted it. No
    workflow on its section (or one in progress already): it stays a draft."""
    workflow = page.get_workflow()
    if workflow is not None and workflow.active and not page.workflow_in_progress:
        workflow.start(page, None)  # requested by no one: the import, not a user

"""`nashra import-wordpress`: a WordPress export (WXR) → sections, stories, images, comments.

The file is read twice as a stream (nashra.wordpress.wxr): once for what every post may
point at (authors, categories, attachments, the site's clock), once for the posts with
their comments. Posts are written in batches; a batch is one transaction holding each of
its posts with all of that post's comments, so a break anywhere leaves whole posts.

New published stories take the bulk path of `demo-corpus` (nashra.news.corpus): page rows
with their tree paths computed here, `bulk_create` and one executemany, then the search
index in bulk — Wagtail's add_child + revision + publish costs tens of milliseconds a
story, too slow for a 50,000-post archive. Drafts, scheduled posts and any story whose
WordPress version changed since the last import go through Wagtail's own page API
(revisions, `go_live_at`), which is what an editor's click does.

A second import of the same file writes nothing: every post and comment carries a digest
of what was written, keyed on the site URL and WordPress's id (nashra.wordpress.models).
"""

import datetime as dt
import hashlib
import html as html_lib
import json
import logging
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.validators import validate_email
from django.db import connection, reset_queries, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backends

from nashra.arabic.normalize import strip_invisibles, strip_tashkeel
from nashra.comments import keys as comment_keys
from nashra.comments import selectors as comment_selectors
from nashra.comments.models import Comment, TrainingExample
from nashra.comments.services import MAX_DEPTH
from nashra.comments.spam import classifier, store
from nashra.core.models import NashraImage
from nashra.news import services as news
from nashra.news.corpus import _article_insert_sql, _last_step, _step, _tags_ensure
from nashra.news.models import (
    ArticlePage,
    ArticlePageAuthor,
    ArticleTag,
    SectionPage,
    arabic_slugify,
)

from . import content, wxr
from .models import (
    ImportedAttachment,
    ImportedAuthor,
    ImportedCategory,
    ImportedComment,
    ImportedPost,
)

logger = logging.getLogger("nashra.wordpress")

DEFAULT_BATCH_SIZE = 200
SLUG_MAX = 200
FALLBACK_SECTION = "أرشيف"
UNTITLED = "بلا عنوان"
ANONYMOUS = "زائر"
REPORT_LIST_MAX = 50
# SQLite's limit on bound parameters; IN lists are cut below it.
IN_CHUNK = 900
_SECTION_BAD_CHARS_RE = re.compile(r"[^\w\s\-،,.&()'’]")
_SIZE_SUFFIX_RE = re.compile(r"-(?:\d+x\d+|scaled)(?=\.\w+$)")
_UPLOADS_RE = re.compile(r"/wp-content/uploads/(.+)$")

STATUS_MAP = {"1": Comment.Status.APPROVED, "approve": Comment.Status.APPROVED,
              "0": Comment.Status.PENDING, "hold": Comment.Status.PENDING,
              "spam": Comment.Status.SPAM, "trash": Comment.Status.TRASH,
              "post-trashed": Comment.Status.TRASH}
LESSONS = {Comment.Status.APPROVED: "ham", Comment.Status.SPAM: "spam"}
# Ham lessons taught per spam lesson of the same batch. The filter learns one decision at a
# time (partial_fit at a moderator's weight); a run of approvals with no spam beside it drags
# every score down. Measured (docs/benchmarks.md): 1,600 one-sided ham lessons took the
# shipped filter's spam recall from 0.97 to 0.03. WordPress's exporter leaves spam out, so a
# real export would otherwise switch the filter off.
HAM_PER_SPAM = 1


class NotWxr(Exception):
    pass


# --- the report ----------------------------------------------------------------------------


@dataclass
class ItemError:
    line: int
    wp_id: int | None
    message: str


@dataclass
class ImportReport:
    site_url: str = ""
    dry_run: bool = False
    items: int = 0
    counts: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    unknown_shortcodes: Counter = field(default_factory=Counter)
    missing_media: list[str] = field(default_factory=list)
    missing_media_count: int = 0
    errors: list[ItemError] = field(default_factory=list)
    broken: ItemError | None = None

    def media_missing(self, what: str) -> None:
        self.missing_media_count += 1
        if len(self.missing_media) < REPORT_LIST_MAX:
            self.missing_media.append(what)

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.broken)


# --- what one post becomes -----------------------------------------------------------------


@dataclass
class CommentPlan:
    wp_id: int
    parent: int
    status: str
    status_before_trash: str
    author_name: str
    author_email: str
    author_url: str
    ip_key: str
    body: str
    created_at: dt.datetime
    digest: str = ""


@dataclass
class PostPlan:
    wp_id: int
    line: int
    kind: str  # "publish" | "draft" | "future"
    wp_status: str
    title: str
    slug: str
    section: SectionPage
    standfirst: str
    blocks: list[dict]
    published_at: dt.datetime
    modified_at: dt.datetime
    author_ids: list[int]
    tags: list[str]
    hero_id: int | None
    old_paths: list[str]
    comments: list[CommentPlan]
    digest: str = ""
    page_id: int | None = None
    written: bool = False


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str,
                                     ensure_ascii=False).encode()).hexdigest()


def _chunks(values: list, size: int = IN_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def site_key(channel: wxr.Channel) -> str:
    """The site's identity in the mapping tables: its URL without scheme or trailing slash."""
    url = channel.base_blog_url or channel.base_site_url or channel.link
    parsed = urlparse(url)
    return f"{parsed.netloc.lower()}{parsed.path.rstrip('/')}"[:200] or "wordpress"


def _clean_line(text: str) -> str:
    return " ".join(strip_invisibles(html_lib.unescape(text or "")).split())


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]


def section_name(name: str, slug: str) -> str:
    """A WordPress category name as a section name nashra accepts (letters, digits, a little
    punctuation; no slashes, which divide section paths, and no diacritics, which the section
    name check refuses)."""
    for candidate in (_clean_line(name), _clean_line(unquote(slug).replace("-", " "))):
        candidate = strip_tashkeel(candidate)
        cleaned = " ".join(_SECTION_BAD_CHARS_RE.sub(" ", candidate).split())
        cleaned = cleaned.lstrip("-،,.&()'’ ")[:news.SECTION_NAME_MAX].strip()
        if cleaned and arabic_slugify(cleaned):
            return cleaned
    return f"تصنيف {slug}"[:news.SECTION_NAME_MAX]


def _url_key(url: str) -> str:
    path = unquote(urlparse(url.strip()).path)
    match = _UPLOADS_RE.search(path)
    if match:
        path = match.group(1)
    return _SIZE_SUFFIX_RE.sub("", path.lstrip("/")).lower()


# --- the import ------------------------------------------------------------------------------


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
    importer = _Importer(scan=scan, path=path, media_dir=Path(media_dir) if media_dir else None,
                         report=report, progress=progress, batch_size=batch_size)
    if not dry_run:
        try:
            importer.run()
        finally:
            _caches_renew()
        return report
    try:
        with transaction.atomic():
            importer.run()
            raise _DryRun
    except _DryRun:
        pass
    return report


def _caches_renew() -> None:
    """Bulk-written stories send no publish signals: the import announces one change of the
    tree (nashra.core.changes), which renews every cached page, feed and sitemap."""
    from nashra.core import changes

    changes.tree_changed(reason="import-wordpress")


class _Importer:
    def __init__(self, *, scan: wxr.Scan, path, media_dir: Path | None, report: ImportReport,
                 progress, batch_size: int):
        self.scan = scan
        self.path = path
        self.media_dir = media_dir
        self.report = report
        self.dry_run = report.dry_run
        self.progress = progress or (lambda n: None)
        self.batch_size = max(1, batch_size)
        self.site = report.site_url
        blog = scan.channel.base_blog_url or scan.channel.base_site_url or scan.channel.link
        self.prefix = urlparse(blog).path.rstrip("/")
        self.home = news.home_page()
        self.now = timezone.now()
        self.sections: dict[str, SectionPage] = {}
        self.fallback: SectionPage | None = None
        self.authors: dict[str, int] = {}
        self.images: dict[int, int | None] = {}
        self.urls: dict[str, int] = {}
        self.slugs: dict[int, set[str]] = {}
        self.content_type_id = ContentType.objects.get_for_model(ArticlePage).pk
        self.locale_id = Locale.get_default().pk
        self.insert_sql, self.insert_fields = _article_insert_sql()

    # --- before the posts --------------------------------------------------------------

    def run(self) -> None:
        self.authors_ensure()
        self.categories_ensure()
        self.attachments_ensure()
        batch: list[PostPlan] = []
        broken = None
        try:
            for kind, value in wxr.read(self.path):
                if kind != "item":
                    continue
                self.progress(1)
                plan = self.plan(value)
                if plan is not None:
                    batch.append(plan)
                if len(batch) >= self.batch_size:
                    self.write(batch)
                    batch = []
                    reset_queries()  # DEBUG keeps every statement; a long import must not
        except wxr.WxrBroken as exc:
            broken = exc
        if batch:
            self.write(batch)
        if broken is not None:
            self.report.broken = ItemError(broken.line, None, broken.message)
        comment_selectors.comment_counts_changed()

    def authors_ensure(self) -> None:
        known = {row.login: row for row in ImportedAuthor.objects.filter(site_url=self.site)}
        for wp_author in self.scan.channel.authors:
            if not wp_author.login:
                continue
            row = known.get(wp_author.login)
            if row is not None and row.author_id:
                self.authors[wp_author.login] = row.author_id
                self.report.counts["كتّاب موجودون"] += 1
                continue
            author = news.author_get_or_create(
                name=_cut(_clean_line(wp_author.display_name) or wp_author.login, 120))
            email = wp_author.email if _valid_email(wp_author.email) else ""
            ImportedAuthor.objects.update_or_create(
                site_url=self.site, login=wp_author.login[:60],
                defaults={"email": email, "author": author})
            self.authors[wp_author.login] = author.pk
            self.report.counts["كتّاب جدد"] += 1

    def categories_ensure(self) -> None:
        terms = {t.slug: t for t in self.scan.channel.terms if t.taxonomy == "category" and t.slug}
        known = {row.slug: row.section_id for row in
                 ImportedCategory.objects.filter(site_url=self.site)}
        for slug, term in terms.items():
            chain, seen, current = [], set(), term
            while current is not None and current.slug not in seen:
                seen.add(current.slug)
                chain.append(current)
                current = terms.get(current.parent) if current.parent else None
            chain.reverse()
            path = "/".join(section_name(t.name, t.slug) for t in chain)
            existed = known.get(slug)
            try:
                section = news.section_ensure_path(path=path, home=self.home)
            except ValidationError as exc:
                self.report.errors.append(ItemError(0, None, f"التصنيف «{slug}»: "
                                                    + " ".join(exc.messages)))
                continue
            self.sections[slug] = section
            if existed == section.pk:
                self.report.counts["أقسام موجودة"] += 1
                continue
            ImportedCategory.objects.update_or_create(site_url=self.site, slug=slug[:200],
                                                      defaults={"section": section})
            self.report.counts["أقسام جديدة"] += 1
            old = Redirect.normalise_path(
                f"{self.prefix}/category/{'/'.join(t.slug for t in chain)}/")
            if len(old) <= 255 and not Redirect.objects.filter(old_path=old).exists():
                Redirect.objects.create(old_path=old, redirect_page=section, is_permanent=True)

    def fallback_section(self) -> SectionPage:
        if self.fallback is None:
            self.fallback = news.section_ensure_path(path=FALLBACK_SECTION, home=self.home)
        return self.fallback

    def attachments_ensure(self) -> None:
        known = {row.wp_id: row.image_id for row in
                 ImportedAttachment.objects.filter(site_url=self.site)}
        for att in self.scan.attachments.values():
            if att.file:
                self.urls[_url_key(att.file)] = att.wp_id
            if att.url:
                self.urls[_url_key(att.url)] = att.wp_id
            if known.get(att.wp_id):
                self.images[att.wp_id] = known[att.wp_id]
                self.report.counts["صور موجودة"] += 1
                continue
            self.images[att.wp_id] = None
            source = self.media_dir / att.file if self.media_dir and att.file else None
            if source is None or not source.is_file():
                self.report.media_missing(att.file or att.url or f"attachment {att.wp_id}")
                continue
            if self.dry_run:
                self.report.counts["صور ستُستورد"] += 1
                continue
            try:
                image = self.image_create(att, source)
            except Exception as exc:  # one unreadable file is reported, never fatal
                logger.warning("attachment %s: %s", att.wp_id, exc)
                self.report.media_missing(f"{att.file} (ليست صورة صالحة)")
                continue
            self.images[att.wp_id] = image.pk
            self.report.counts["صور جديدة"] += 1

    @transaction.atomic
    def image_create(self, att: wxr.Attachment, source: Path) -> NashraImage:
        alt = (att.alt or content.plain_text(att.caption) or self.scan.titles.get(att.parent, "")
               or att.title or source.stem)
        with source.open("rb") as handle:
            image = NashraImage(title=_cut(_clean_line(att.title) or source.stem, 255),
                                description=_cut(_clean_line(alt), 255),
                                caption=_cut(content.plain_text(att.caption), 500))
            image.file = ImageFile(handle, name=source.name)
            image._set_image_file_metadata()
            image.save()
        ImportedAttachment.objects.update_or_create(
            site_url=self.site, wp_id=att.wp_id, defaults={"image": image, "file": att.file[:500]})
        return image

    def resolve_image(self, wp_id: int | None, src: str) -> int | None:
        if wp_id is None and src:
            wp_id = self.urls.get(_url_key(src))
        if wp_id is None:
            if src:
                self.report.media_missing(f"{src} (ليست من مرفقات الموقع)")
            return None
        return self.images.get(wp_id)

    # --- one post ------------------------------------------------------------------------

    def plan(self, item: wxr.Item) -> PostPlan | None:
        if item.post_type == "attachment":
            return None
        if item.post_type != "post":
            self.report.skipped[f"نوع «{item.post_type or '؟'}» (ليس مقالاً)"] += 1
            return None
        if item.status == "private" or item.password:
            self.report.skipped["مقالات خاصة أو محمية بكلمة مرور"] += 1
            return None
        if item.status == "trash":
            self.report.skipped["مقالات في سلة المحذوفات"] += 1
            return None
        if item.status not in ("publish", "draft", "pending", "future"):
            self.report.skipped[f"مقالات بحالة «{item.status or '؟'}»"] += 1
            return None
        try:
            return self._plan(item)
        except (content.ContentError, ValidationError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.report.errors.append(ItemError(item.line, item.wp_id, message))
            return None

    def _plan(self, item: wxr.Item) -> PostPlan:
        title = _cut(_clean_line(item.title), news.HEADLINE_MAX) or UNTITLED
        body = content.convert(item.content, resolve=self.resolve_image)
        self.report.unknown_shortcodes.update(body.unknown_shortcodes)
        standfirst = _cut(content.plain_text(item.excerpt), news.STANDFIRST_MAX)
        offset = self.scan.offset
        published = (wxr.parse_dates(item.post_date, item.post_date_gmt, offset)
                     or self.now)
        modified = wxr.parse_dates(item.modified, item.modified_gmt, offset) or published
        modified = max(modified, published)
        kind = {"publish": "publish", "future": "future"}.get(item.status, "draft")
        if kind == "publish" and published > self.now:
            kind = "future"
        category = next((nice for domain, nice, _ in item.categories if domain == "category"
                         and nice in self.sections), None)
        section = self.sections[category] if category else self.fallback_section()
        authors = []
        if item.creator:
            if item.creator not in self.authors:
                self.authors[item.creator] = news.author_get_or_create(
                    name=_cut(_clean_line(item.creator), 120)).pk
            authors.append(self.authors[item.creator])
        tags = list(dict.fromkeys(
            _clean_line(name)[:100] for domain, _, name in item.categories
            if domain == "post_tag" and _clean_line(name)))
        hero = None
        thumb = item.meta.get("_thumbnail_id", "").strip()
        if thumb.isdigit():
            hero = self.images.get(int(thumb))
        slug = (arabic_slugify(unquote(item.slug)) or arabic_slugify(title) or "article")
        slug = slug[:SLUG_MAX].strip("-") or "article"
        plan = PostPlan(
            wp_id=item.wp_id, line=item.line, kind=kind, wp_status=item.status, title=title,
            slug=slug, section=section, standfirst=standfirst, blocks=body.blocks,
            published_at=published, modified_at=modified, author_ids=authors, tags=tags,
            hero_id=hero, old_paths=self.old_paths(item) if kind == "publish" else [],
            comments=self.comment_plans(item, published),
        )
        # "pending" counts apart from a draft (it waits in the workflow); other digests are
        # as before, so a repeated import leaves the posts it wrote alone.
        plan.digest = _digest([kind if item.status != "pending" else "pending", title, slug,
                               section.pk, standfirst, body.blocks,
                               published, modified, authors, tags, hero])
        return plan

    def old_paths(self, item: wxr.Item) -> list[str]:
        """Every URL WordPress served the post at, as the Redirect table stores them."""
        paths = [f"{self.prefix}/?p={item.wp_id}"]
        if item.link:
            link = urlparse(item.link)
            if "p=" not in link.query:
                paths.append(link.path + (f"?{link.query}" if link.query else ""))
        local = wxr.parse_local(item.post_date)
        if item.slug:
            if local is not None:
                paths.append(f"{self.prefix}/{local:%Y}/{local:%m}/{item.slug}/")
            paths.append(f"{self.prefix}/{item.slug}/")
        normalised = []
        for old in paths:
            old = Redirect.normalise_path(old)
            if old != "/" and len(old) <= 255 and old not in normalised:
                normalised.append(old)
        return normalised

    def comment_plans(self, item: wxr.Item, published: dt.datetime) -> list[CommentPlan]:
        plans = []
        for c in item.comments:
            if c.type in ("pingback", "trackback"):
                self.report.skipped["تعقيبات (pingback/trackback)"] += 1
                continue
            body = content.plain_text(c.content)
            if not body:
                self.report.skipped["تعليقات فارغة"] += 1
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
                author_name=_cut(_clean_line(c.author), 100) or ANONYMOUS,
                author_email=c.email if _valid_email(c.email) else "",
                author_url=url, ip_key=comment_keys.ip_key(c.ip), body=body,
                created_at=wxr.parse_dates(c.date, c.date_gmt, self.scan.offset) or published,
            )
            plan.digest = _digest([plan.parent, plan.status, plan.status_before_trash,
                                   plan.author_name, plan.author_email, plan.author_url,
                                   plan.body, plan.created_at])
            plans.append(plan)
        return plans

    # --- writing ---------------------------------------------------------------------------

    def write(self, batch: list[PostPlan]) -> None:
        """One transaction for the batch; if it fails, each post again in its own."""
        counts: Counter = Counter()
        try:
            with transaction.atomic():
                self._write(batch, counts)
        except Exception as exc:
            # Rows made inside the failed transaction are gone; so must be what we cached.
            self.slugs.clear()
            if len(batch) == 1:
                logger.exception("WordPress post %s failed", batch[0].wp_id)
                self.report.errors.append(ItemError(batch[0].line, batch[0].wp_id,
                                                    f"لم يُستورد: {exc}"))
                return
            for plan in batch:
                plan.page_id, plan.written = None, False
                self.write([plan])
            return
        self.report.counts.update(counts)

    def _write(self, batch: list[PostPlan], counts: Counter) -> None:
        existing: dict[int, ImportedPost] = {}
        for ids in _chunks([p.wp_id for p in batch]):
            existing.update((row.wp_id, row) for row in
                            ImportedPost.objects.filter(site_url=self.site, wp_id__in=ids))
        label = {"publish": "مقالات منشورة", "draft": "مسودات", "future": "مقالات مجدولة"}
        fast, live = [], []
        for plan in batch:
            row = existing.get(plan.wp_id)
            if row is not None and row.page_id is None:
                counts["مقالات حُذفت من نشرة فتُركت"] += 1
                continue
            if row is not None and row.digest == plan.digest:
                plan.page_id = row.page_id
                counts[f"{label[plan.kind]}: بلا تغيير"] += 1
            elif row is None and plan.kind == "publish":
                fast.append(plan)
                counts[f"{label[plan.kind]}: جديدة"] += 1
            else:
                self.page_save(plan, row)
                counts[f"{label[plan.kind]}: {'جديدة' if row is None else 'محدّثة'}"] += 1
            live.append(plan)
        self.pages_insert(fast)
        self.redirects_ensure([p for p in live if p.written and p.kind == "publish"], counts)
        self.comments_write([p for p in live if p.page_id], counts)

    def _slugs(self, section: SectionPage) -> set[str]:
        if section.pk not in self.slugs:
            self.slugs[section.pk] = set(
                Page.objects.filter(path__startswith=section.path, depth=section.depth + 1)
                .values_list("slug", flat=True))
        return self.slugs[section.pk]

    def unique_slug(self, section: SectionPage, base: str) -> str:
        taken = self._slugs(section)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base[:SLUG_MAX - 8]}-{n}", n + 1
        taken.add(slug)
        return slug

    def external_id(self, wp_id: int) -> str | None:
        value = f"wordpress:{self.site}:{wp_id}"
        return value if len(value) <= 200 else None

    def pages_insert(self, plans: list[PostPlan]) -> None:
        """New published stories, written as rows (see the module docstring)."""
        if not plans:
            return
        by_section: dict[int, list[PostPlan]] = {}
        for plan in plans:
            by_section.setdefault(plan.section.pk, []).append(plan)
        pages = []
        for items in by_section.values():
            parent = items[0].section
            step = _last_step(parent)
            for plan in items:
                step += 1
                slug = self.unique_slug(parent, plan.slug)
                pages.append(Page(
                    title=plan.title, draft_title=plan.title, slug=slug,
                    path=parent.path + _step(step), depth=parent.depth + 1, numchild=0,
                    url_path=f"{parent.url_path}{slug}/", content_type_id=self.content_type_id,
                    locale_id=self.locale_id, live=True, has_unpublished_changes=False,
                    first_published_at=plan.published_at, last_published_at=plan.modified_at,
                    show_in_menus=False,
                ))
        ordered = [plan for items in by_section.values() for plan in items]
        Page.objects.bulk_create(pages)
        prep = [f.get_db_prep_save for f in self.insert_fields]
        values, links, tagged = [], [], []
        tag_ids = self.tag_ids({t for plan in ordered for t in plan.tags})
        for page, plan in zip(pages, ordered, strict=True):
            plan.page_id, plan.written = page.pk, True
            blocks = [{**block, "id": str(uuid.uuid4())} for block in plan.blocks]
            raw = (page.pk, plan.standfirst, "", plan.hero_id, blocks,
                   self.external_id(plan.wp_id))
            values.append(tuple(p(v, connection) for p, v in zip(prep, raw, strict=True)))
            links.extend(ArticlePageAuthor(page_id=page.pk, author_id=a, sort_order=i)
                         for i, a in enumerate(plan.author_ids))
            tagged.extend(ArticleTag(content_object_id=page.pk, tag_id=tag_ids[t])
                          for t in plan.tags)
        with connection.cursor() as cursor:
            cursor.executemany(self.insert_sql, values)
        ArticlePageAuthor.objects.bulk_create(links)
        ArticleTag.objects.bulk_create(tagged)
        for parent_pk, items in by_section.items():
            Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + len(items))
        ImportedPost.objects.bulk_create(
            ImportedPost(site_url=self.site, wp_id=plan.wp_id, page_id=plan.page_id,
                         status=plan.wp_status, digest=plan.digest) for plan in ordered)
        # The search index follows publishing; these rows were not published through Wagtail.
        articles = list(ArticlePage.objects.filter(pk__in=[p.pk for p in pages]))
        for backend in get_search_backends():
            backend.add_bulk(ArticlePage, articles)

    def tag_ids(self, names: set[str]) -> dict[str, int]:
        names = sorted(names)
        return dict(zip(names, _tags_ensure(names), strict=True)) if names else {}

    def page_save(self, plan: PostPlan, row: ImportedPost | None) -> None:
        """A draft, a scheduled post or a changed story, through Wagtail's page API."""
        section = plan.section
        if row is None:
            page = ArticlePage(external_id=self.external_id(plan.wp_id))
        else:
            page = ArticlePage.objects.get(pk=row.page_id)
            if page.get_parent().pk != section.pk:
                page.move(section, pos="last-child")
                page.refresh_from_db()
                self.slugs.pop(section.pk, None)
        page.title = plan.title
        page.standfirst = plan.standfirst
        page.body = plan.blocks
        page.hero_image_id = plan.hero_id
        page.tags.set(plan.tags, clear=True)
        page.article_authors = [ArticlePageAuthor(author_id=a, sort_order=i)
                                for i, a in enumerate(plan.author_ids)]
        page.go_live_at = plan.published_at if plan.kind == "future" else None
        if row is None:
            page.slug = self.unique_slug(section, plan.slug)
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
            site_url=self.site, wp_id=plan.wp_id,
            defaults={"page_id": page.pk, "status": plan.wp_status, "digest": plan.digest})

    def redirects_ensure(self, plans: list[PostPlan], counts: Counter) -> None:
        wanted = {old: plan.page_id for plan in plans for old in plan.old_paths}
        if not wanted:
            return
        taken: set[str] = set()
        for paths in _chunks(list(wanted)):
            taken.update(Redirect.objects.filter(old_path__in=paths)
                         .values_list("old_path", flat=True))
        new = [Redirect(old_path=old, redirect_page_id=page_id, is_permanent=True)
               for old, page_id in wanted.items() if old not in taken]
        Redirect.objects.bulk_create(new)
        counts["تحويلات دائمة من الروابط القديمة"] += len(new)

    def comments_write(self, plans: list[PostPlan], counts: Counter) -> None:
        every = [(plan, c) for plan in plans for c in plan.comments]
        if not every:
            return
        known: dict[int, ImportedComment] = {}
        wp_ids = sorted({c.wp_id for _, c in every} | {c.parent for _, c in every if c.parent})
        for ids in _chunks(wp_ids):
            known.update((row.wp_id, row) for row in
                         ImportedComment.objects.filter(site_url=self.site, wp_id__in=ids))
        # Where each comment sits: (nashra comment id or the object made below, depth).
        placed: dict[int, tuple[Comment, int]] = {}
        existing_ids = [row.comment_id for row in known.values() if row.comment_id]
        by_pk = {}
        for ids in _chunks(existing_ids):
            by_pk.update((c.pk, c) for c in Comment.objects.filter(pk__in=ids))
        for wp_id, row in known.items():
            if row.comment_id in by_pk:
                comment = by_pk[row.comment_id]
                placed[wp_id] = (comment, comment.depth)
        levels: list[list[tuple[PostPlan, CommentPlan]]] = [[] for _ in range(MAX_DEPTH + 1)]
        lessons: list[tuple[Comment, str]] = []
        pending = []
        for plan, c in every:
            row = known.get(c.wp_id)
            if row is not None:
                if row.comment_id is None or row.comment_id not in by_pk:
                    counts["تعليقات حُذفت من نشرة فتُركت"] += 1
                elif row.digest == c.digest:
                    counts["تعليقات: بلا تغيير"] += 1
                else:
                    comment = by_pk[row.comment_id]
                    self.comment_update(comment, c, lessons)
                    row.digest = c.digest
                    row.save(update_fields=["digest"])
                    counts["تعليقات: محدّثة"] += 1
                continue
            pending.append((plan, c))
        # New comments, parents before replies; a reply past MAX_DEPTH joins its grandparent
        # as comment_create does.
        by_wp = {c.wp_id: (plan, c) for plan, c in pending}

        def depth_of(c: CommentPlan, seen=()) -> int:
            if not c.parent or c.parent in seen:
                return 0
            if c.parent in placed:
                return min(placed[c.parent][1] + 1, MAX_DEPTH)
            if c.parent in by_wp:
                return min(depth_of(by_wp[c.parent][1], (*seen, c.wp_id)) + 1, MAX_DEPTH)
            return 0

        def hang_on(c: CommentPlan, depth: int, seen=()) -> Comment | None:
            """The comment `c` replies to in nashra, at most one level above `depth`."""
            if c.parent in placed:
                obj, parent_depth = placed[c.parent]
            elif c.parent in by_wp and c.parent not in seen:
                # Its parent is capped at this same depth: both join the parent's parent.
                obj = hang_on(by_wp[c.parent][1], depth, (*seen, c.wp_id))
                parent_depth = depth - 1
            else:
                return None
            while obj is not None and parent_depth >= depth:
                obj, parent_depth = obj.parent, parent_depth - 1
            return obj

        for plan, c in pending:
            levels[depth_of(c)].append((plan, c))
        for depth, level in enumerate(levels):
            objects = []
            for plan, c in level:
                parent = hang_on(c, depth) if depth else None
                objects.append(Comment(
                    page_id=plan.page_id, parent=parent,
                    depth=parent.depth + 1 if parent is not None else 0,
                    author_name=c.author_name, author_email=c.author_email,
                    email_key=comment_keys.email_key(c.author_email) if c.author_email else "",
                    author_url=c.author_url, body=c.body, body_key=comment_keys.body_key(c.body),
                    status=c.status, status_before_trash=c.status_before_trash, reasons=[],
                    ip_key=c.ip_key,
                ))
            Comment.objects.bulk_create(objects)
            for obj, (_, c) in zip(objects, level, strict=True):
                obj.created_at = c.created_at
                placed[c.wp_id] = (obj, obj.depth)
                if c.status in LESSONS:
                    lessons.append((obj, LESSONS[c.status]))
                counts[f"تعليقات جديدة: {Comment.Status(c.status).label}"] += 1
            Comment.objects.bulk_update(objects, ["created_at"])
            ImportedComment.objects.bulk_create(
                ImportedComment(site_url=self.site, wp_id=c.wp_id, comment_id=obj.pk,
                                digest=c.digest)
                for obj, (_, c) in zip(objects, level, strict=True))
        if lessons:
            self.teach(lessons, counts)

    @staticmethod
    def comment_update(comment: Comment, c: CommentPlan, lessons: list) -> None:
        comment.author_name, comment.author_email = c.author_name, c.author_email
        comment.email_key = comment_keys.email_key(c.author_email) if c.author_email else ""
        comment.author_url, comment.body = c.author_url, c.body
        comment.body_key = comment_keys.body_key(c.body)
        comment.status, comment.status_before_trash = c.status, c.status_before_trash
        comment.created_at = c.created_at
        label = LESSONS.get(c.status, "")
        if label and comment.taught_label != label:
            lessons.append((comment, label))
        comment.save()

    def teach(self, lessons: list[tuple[Comment, str]], counts: Counter) -> None:
        """The site's moderators decided these; the filter learns them like decisions made
        here, every spam verdict and as many approvals beside them (HAM_PER_SPAM)."""
        spam = [(c, label) for c, label in lessons if label == "spam"]
        ham = [(c, label) for c, label in lessons if label == "ham"]
        taught = spam + ham[:len(spam) * HAM_PER_SPAM]
        counts["دروس لمرشح التعليقات"] += len(taught)
        if len(ham) > len(taught) - len(spam):
            counts["موافقات لم تُعلَّم للمرشح (موازنة)"] += len(ham) - (len(taught) - len(spam))
        if not taught:
            return
        for label in ("spam", "ham"):
            Comment.objects.filter(pk__in=[c.pk for c, lab in taught if lab == label]).update(
                taught_label=label)
        if self.dry_run:
            return
        examples = [classifier.Example(body=c.body, author=c.author_name, url=c.author_url,
                                       email=c.author_email, label=label)
                    for c, label in taught]
        store.teach(examples, source=TrainingExample.Source.MODERATOR)


def _valid_email(value: str) -> bool:
    if not value or len(value) > 254:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _submit_for_review(page: ArticlePage) -> None:
    """WordPress's "pending review" is nashra's editorial workflow (news.services): the story
    waits in the editors' "awaiting my review" list, as if its reporter had submitted it. No
    workflow on its section (or one in progress already): it stays a draft."""
    workflow = page.get_workflow()
    if workflow is not None and workflow.active and not page.workflow_in_progress:
        workflow.start(page, None)  # requested by no one: the import, not a user

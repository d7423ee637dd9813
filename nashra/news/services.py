"""Writes to news content. Every change to a section, story or author goes through here."""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page

from nashra.arabic.normalize import strip_invisibles
from nashra.core import changes, pagecache
from nashra.core.models import NashraImage

from . import purge
from .models import (
    ArticlePage,
    ArticlePageAuthor,
    Author,
    HomePage,
    SectionPage,
    StoryFootprint,
    StoryImage,
    arabic_slugify,
)

logger = logging.getLogger("nashra.news")

HEADLINE_MAX = ArticlePage._meta.get_field("title").max_length
STANDFIRST_MAX = ArticlePage._meta.get_field("standfirst").max_length
SOURCE_MAX = ArticlePage._meta.get_field("source").max_length
SECTION_NAME_MAX = 80
# A section name is words: letters, digits, spaces and a little punctuation. Slashes divide
# a path; angle brackets, control characters and the like have no place in a menu.
_SECTION_NAME_RE = re.compile(r"^[\w][\w\s\-،,.&()'’]*$")
_BLANK_LINES_RE = re.compile(r"\n\s*\n")
_HTML_RE = re.compile(r"<\s*[a-zA-Z][^>]*>")

# What survives nh3 on imported HTML: the markup the body blocks can hold.
ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "blockquote", "a", "strong", "b", "em", "i",
                "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
_BLOCK_SPLIT_RE = re.compile(
    r"(<h[234][^>]*>.*?</h[234]>|<blockquote[^>]*>.*?</blockquote>)", re.S | re.I
)
_TAG_RE = re.compile(r"<[^>]+>")


def home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        raise ValidationError("لا توجد صفحة رئيسية؛ شغّل «nashra setup» أولاً.")
    return home


def section_path_parse(path: str) -> list[str]:
    """`أخبار/عربية ودولية` → its names, each checked; a clear error names the bad part."""
    if not isinstance(path, str) or not path.strip():
        raise ValidationError("مسار القسم فارغ.")
    names = [strip_invisibles(part).strip() for part in path.strip().strip("/").split("/")]
    for name in names:
        if not name:
            raise ValidationError(f"مسار القسم «{path}» فيه جزء فارغ.")
        if len(name) > SECTION_NAME_MAX:
            raise ValidationError(f"اسم القسم «{name[:30]}…» أطول من {SECTION_NAME_MAX} حرفاً.")
        if not _SECTION_NAME_RE.match(name) or not arabic_slugify(name):
            raise ValidationError(f"اسم القسم «{name}» فيه رموز غير مسموح بها.")
    return names


@transaction.atomic
def section_ensure_path(*, path: str, home: HomePage | None = None) -> SectionPage:
    """The section at `path`, creating (and publishing) any missing level."""
    names = section_path_parse(path)
    parent: Page = home or home_page()
    for name in names:
        existing = (
            SectionPage.objects.child_of(parent).filter(title=name).first()
            or SectionPage.objects.child_of(parent).filter(slug=arabic_slugify(name)).first()
        )
        if existing is None:
            existing = parent.add_child(
                instance=SectionPage(title=name, slug=arabic_slugify(name),
                                     show_in_menus=parent.depth == 2)
            )
            existing.save_revision().publish()
        parent = existing
    return parent


def author_get_or_create(*, name: str) -> Author:
    name = strip_invisibles(name).strip()
    if not name:
        raise ValidationError("اسم الكاتب فارغ.")
    if len(name) > Author._meta.get_field("name").max_length:
        raise ValidationError(f"اسم الكاتب «{name[:30]}…» طويل جداً.")
    author = Author.objects.filter(name=name).first()
    if author is None:
        base = arabic_slugify(name) or "author"
        slug, n = base, 2
        while Author.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        author = Author.objects.create(name=name, slug=slug)
    return author


def body_from_text(text: str) -> list[dict]:
    """Plain text, blank lines between paragraphs → one paragraph block per paragraph."""
    paragraphs = [p.strip() for p in _BLANK_LINES_RE.split(text.replace("\r\n", "\n")) if p.strip()]
    return [
        {"type": "paragraph", "value": "<p>" + escape(p).replace("\n", "<br/>") + "</p>"}
        for p in paragraphs
    ]


def html_clean(html: str) -> str:
    """Outside HTML (imports, agency copy) sanitized by nh3 to what a story body may hold."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


def body_from_html(html: str) -> list[dict]:
    """Imported HTML, sanitized by nh3, split into paragraph / heading / quote blocks."""
    clean = html_clean(html)
    blocks: list[dict] = []
    for chunk in _BLOCK_SPLIT_RE.split(clean):
        chunk = chunk.strip()
        if not chunk:
            continue
        lowered = chunk[:11].lower()
        if lowered.startswith(("<h2", "<h3", "<h4")):
            text = _TAG_RE.sub("", chunk).strip()
            if text:
                blocks.append({"type": "heading", "value": text})
        elif lowered.startswith("<blockquote"):
            text = _TAG_RE.sub(" ", chunk).strip()
            if text:
                blocks.append({"type": "quote", "value": {"text": " ".join(text.split()),
                                                          "attribution": ""}})
        elif _TAG_RE.sub("", chunk).strip():
            if not chunk.lower().startswith(("<p", "<ul", "<ol")):
                chunk = f"<p>{chunk}</p>"
            blocks.append({"type": "paragraph", "value": chunk})
    return blocks


def body_from_input(body: str) -> list[dict]:
    return body_from_html(body) if _HTML_RE.search(body) else body_from_text(body)


@dataclass
class ArticleInput:
    """A story as it arrives from outside (import, demo, API), checked before any write."""

    title: str
    body: str
    section: str
    published_at: dt.datetime | None = None
    source: str = ""
    standfirst: str = ""
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    external_id: str | None = None

    def clean(self) -> None:
        self.title = " ".join(strip_invisibles(self.title or "").split())
        if not self.title:
            raise ValidationError("العنوان مطلوب.")
        if len(self.title) > HEADLINE_MAX:
            raise ValidationError(
                f"العنوان أطول من {HEADLINE_MAX} حرفاً ({len(self.title)} حرفاً)."
            )
        if not isinstance(self.body, str) or not self.body.strip():
            raise ValidationError("نص الخبر مطلوب.")
        if len(self.standfirst) > STANDFIRST_MAX:
            raise ValidationError(f"المقدمة أطول من {STANDFIRST_MAX} حرفاً.")
        if len(self.source) > SOURCE_MAX:
            raise ValidationError(f"اسم المصدر أطول من {SOURCE_MAX} حرفاً.")
        if self.published_at is not None and timezone.is_naive(self.published_at):
            raise ValidationError("تاريخ النشر يجب أن يتضمن المنطقة الزمنية (مثل +03:00 أو Z).")
        section_path_parse(self.section)
        for tag in self.tags:
            if not isinstance(tag, str) or not tag.strip() or len(tag) > 100:
                raise ValidationError(f"وسم غير صالح: {tag!r}.")


@transaction.atomic
def article_upsert(*, data: ArticleInput, home: HomePage | None = None,
                   user=None) -> tuple[ArticlePage, bool]:
    """Create or update the story with `data.external_id`, and publish it at its time.

    A story dated in the future is scheduled, not published. Everything happens in one
    transaction: a failure leaves no section, author or page half-made.
    """
    data.clean()
    section = section_ensure_path(path=data.section, home=home)
    blocks = body_from_input(data.body)
    if not blocks:
        raise ValidationError("نص الخبر فارغ بعد التنظيف.")
    authors = [author_get_or_create(name=n) for n in data.authors if n and n.strip()]
    now = timezone.now()
    published_at = data.published_at or now

    article = (
        ArticlePage.objects.filter(external_id=data.external_id).first()
        if data.external_id else None
    )
    created = article is None
    if created:
        article = ArticlePage(external_id=data.external_id or None)
    article.title = data.title
    article.standfirst = data.standfirst
    article.source = data.source
    article.body = blocks
    article.first_published_at = published_at
    article.go_live_at = published_at if published_at > now else None
    article.tags.set([t.strip() for t in data.tags], clear=True)
    article.article_authors = [ArticlePageAuthor(author=a, sort_order=i)
                               for i, a in enumerate(authors)]
    if created:
        article.slug = _unique_slug(section, data.title)
        article.live = False
        section.add_child(instance=article)
    elif article.get_parent().id != section.id:
        article.save()
        article.move(section, pos="last-child")
        article.refresh_from_db()
    revision = article.save_revision(user=user, clean=True)
    revision.publish(user=user, skip_permission_checks=True)
    if published_at <= now:
        # Publishing stamps "now"; a story from the archive keeps its own date, and a new
        # one has not been updated since.
        stamps = {"first_published_at": published_at}
        if created:
            stamps["last_published_at"] = published_at
        ArticlePage.objects.filter(pk=article.pk).update(**stamps)
    article.refresh_from_db()
    return article, created


def _unique_slug(parent: Page, title: str) -> str:
    base = arabic_slugify(title)[:80].strip("-") or "article"
    siblings = set(parent.get_children().filter(slug__startswith=base).values_list("slug",
                                                                                   flat=True))
    slug, n = base, 2
    while slug in siblings:
        slug, n = f"{base}-{n}", n + 1
    return slug


REPORTERS_GROUP = "المراسلون"
EDITORS_GROUP = "المحررون"
WORKFLOW_NAME = "موافقة التحرير"
APPROVAL_TASK_NAME = "مراجعة المحرر"


@transaction.atomic
def newsroom_roles_ensure(*, home: HomePage | None = None):
    """Reporters write and submit; editors approve and publish, through a Wagtail workflow."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        GroupCollectionPermission,
        GroupPagePermission,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    home = home or home_page()
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin",
                                          codename="access_admin")
    reporters, _ = Group.objects.get_or_create(name=REPORTERS_GROUP)
    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    page_perms = {reporters: ["add_page", "change_page"],
                  editors: ["add_page", "change_page", "publish_page", "lock_page",
                            "unlock_page"]}
    collection = Collection.get_first_root_node()
    image_perms = {reporters: ["add_nashraimage", "choose_nashraimage"],
                   editors: ["add_nashraimage", "change_nashraimage", "choose_nashraimage"]}
    for group in (reporters, editors):
        group.permissions.add(admin_access)
        for codename in page_perms[group]:
            GroupPagePermission.objects.get_or_create(
                group=group, page=home,
                permission=Permission.objects.get(content_type__app_label="wagtailcore",
                                                  codename=codename),
            )
        for codename in image_perms[group]:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection,
                permission=Permission.objects.get(content_type__app_label="core",
                                                  codename=codename),
            )
    editors.permissions.add(*Permission.objects.filter(
        content_type__app_label="news", codename__in=["add_author", "change_author"]))
    # What the apps above news ask editors to hold (moderating comments, breaking news,
    # picks, related lists), named in settings so this module imports none of them.
    for label in settings.NASHRA_EDITOR_PERMISSIONS:
        app_label, _, codename = label.partition(".")
        editors.permissions.add(Permission.objects.get(content_type__app_label=app_label,
                                                       codename=codename))

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=APPROVAL_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=APPROVAL_TASK_NAME)
    task.groups.add(editors)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task.task_ptr,
                                       defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return reporters, editors, workflow


@transaction.atomic
def site_install(*, site_name: str = "نشرة") -> HomePage:
    """A fresh install's page tree: our HomePage replaces Wagtail's welcome page as site root."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Site

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        welcome = Page.objects.filter(
            depth=2, content_type=ContentType.objects.get_for_model(Page), numchild=0
        )
        for page in welcome:
            page.delete()
        root.refresh_from_db()
        home = root.add_child(instance=HomePage(title="الرئيسية", slug="home"))
        home.save_revision().publish()
        _wagtail_default_roles_remove()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home,
                            is_default_site=True, site_name=site_name)
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = site.site_name or site_name
        site.save()
    return home


def _wagtail_default_roles_remove() -> None:
    """A fresh install drops Wagtail's English "Editors"/"Moderators" groups and their workflow.

    They hold full rights on the root page; putting a reporter in one by mistake would let
    them publish. Newsroom roles come from `newsroom_roles_ensure` instead.
    """
    from django.contrib.auth.models import Group
    from wagtail.models import Workflow

    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)


def story_images_set(*, article: ArticlePage) -> None:
    """Keep the images `article` shows as published (a change subscriber calls this on every
    publish, edit or move; bulk writers write the same rows themselves). Whether the story is
    live and public is asked when the rows are read, so an unpublished or private story's rows
    stay and simply stop counting."""
    shown = article.shown_image_ids()
    kept = set(StoryImage.objects.filter(story=article).values_list("image_id", flat=True))
    if kept - shown:
        StoryImage.objects.filter(story=article, image_id__in=kept - shown).delete()
    if shown - kept:
        # An image block may still name an image deleted since.
        new = NashraImage.objects.filter(pk__in=shown - kept).values_list("pk", flat=True)
        StoryImage.objects.bulk_create([StoryImage(story=article, image_id=i) for i in new],
                                       ignore_conflicts=True)


# --- full-page and front cache purges (nashra.core.pagecache; map in news.purge) -------------
# Called by the change subscribers (news/subscribers.py), never by writers: a writer announces
# its change (nashra.core.changes) and the subscribers decide what it touches.

def story_purge(*, article: ArticlePage, gone: bool = False) -> list[str]:
    """Purge every page that shows `article` now or showed it at its last purge.

    `gone`: the story was unpublished, deleted or made private: it is forgotten after this
    purge and dropped from the front caches at once. Otherwise the front caches refresh its
    hot pages (`purge.hot_paths`) in the background and drop the others. Returns the URLs the
    front caches were told about.
    """
    paths = changes.story_paths(story=article)
    footprint = StoryFootprint.objects.filter(page_id=article.pk).first()
    old = footprint.paths if footprint else []
    if gone:
        StoryFootprint.objects.filter(page_id=article.pk).delete()
    else:
        StoryFootprint.objects.update_or_create(page_id=article.pk,
                                                defaults={"paths": sorted(set(paths))})
    root_url = purge.site_root_url(article)
    if gone:
        return pagecache.urls_purge([*old, *paths], root_url=root_url, drop=True)
    # The hot pages are refreshed in place, in that order, ahead of the rest: refreshing every
    # page one render after another kept an edit off the home page for seconds (issue 18).
    hot = purge.hot_paths(story=article)
    return (pagecache.urls_purge(hot, root_url=root_url, drop=False)
            + pagecache.urls_purge([p for p in [*paths, *old] if p not in hot],
                                   root_url=root_url, drop=True))


def page_purge(*, page, drop: bool = False, refresh_every: float | None = None) -> list[str]:
    """Purge one page's own URL: a story whose thread or related list changed, the home page
    when its picks or lead story did. `refresh_every`: see pagecache.urls_purge."""
    path = purge.page_path(page)
    return pagecache.urls_purge([path] if path else [], root_url=purge.site_root_url(page),
                                drop=drop, refresh_every=refresh_every)


def site_purge(*, page=None, paths=()) -> list[str]:
    """Every page shows what changed (section tree, home page, site settings): the front caches
    get the home page, `page`'s pages and `paths`, and the rest of their copies expire within
    NASHRA_FRONT_CACHE_SECONDS (our own cache has a new generation: core/subscribers.py)."""
    home = HomePage.objects.first()
    if home is None:
        return []
    wanted = [purge.page_path(home), *paths]
    if page is not None:
        own = purge.page_path(page)
        wanted += purge.listing_paths(own) if own else []
    return pagecache.urls_purge(wanted, root_url=purge.site_root_url(home))

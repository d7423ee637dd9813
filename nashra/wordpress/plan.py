"""What every post may point at, and what each post becomes, before anything of it is written.

Before the posts: the site's authors and categories are found or made in nashra (authors,
nested sections, a redirect from each category's old URL). Then each post becomes a
PostPlan: its headline, body blocks, section, byline, tags, picture, dates, the URLs
WordPress served it at and its comments, with a digest of all of it, so a second import of
the same post finds nothing to do.
"""

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from django.core.exceptions import ValidationError
from wagtail.contrib.redirects.models import Redirect

from nashra.arabic.normalize import strip_tashkeel
from nashra.news import services as news
from nashra.news.models import SectionPage, arabic_slugify

from . import content, media, wxr
from .comments import CommentPlan, comment_plans
from .models import ImportedAuthor, ImportedCategory
from .run import SLUG_MAX, ImportRun, ItemError, clean_line, cut, digest, valid_email

FALLBACK_SECTION = "أرشيف"
UNTITLED = "بلا عنوان"
_SECTION_BAD_CHARS_RE = re.compile(r"[^\w\s\-،,.&()'’]")


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


def section_name(name: str, slug: str) -> str:
    """A WordPress category name as a section name nashra accepts (letters, digits, a little
    punctuation; no slashes, which divide section paths, and no diacritics, which the section
    name check refuses)."""
    for candidate in (clean_line(name), clean_line(unquote(slug).replace("-", " "))):
        candidate = strip_tashkeel(candidate)
        cleaned = " ".join(_SECTION_BAD_CHARS_RE.sub(" ", candidate).split())
        cleaned = cleaned.lstrip("-،,.&()'’ ")[:news.SECTION_NAME_MAX].strip()
        if cleaned and arabic_slugify(cleaned):
            return cleaned
    return f"تصنيف {slug}"[:news.SECTION_NAME_MAX]


# --- before the posts --------------------------------------------------------------------


def authors_ensure(*, run: ImportRun) -> None:
    known = {row.login: row for row in ImportedAuthor.objects.filter(site_url=run.site)}
    for wp_author in run.scan.channel.authors:
        if not wp_author.login:
            continue
        row = known.get(wp_author.login)
        if row is not None and row.author_id:
            run.authors[wp_author.login] = row.author_id
            run.report.counts["كتّاب موجودون"] += 1
            continue
        author = news.author_get_or_create(
            name=cut(clean_line(wp_author.display_name) or wp_author.login, 120))
        email = wp_author.email if valid_email(wp_author.email) else ""
        ImportedAuthor.objects.update_or_create(
            site_url=run.site, login=wp_author.login[:60],
            defaults={"email": email, "author": author})
        run.authors[wp_author.login] = author.pk
        run.report.counts["كتّاب جدد"] += 1


def categories_ensure(*, run: ImportRun) -> None:
    terms = {t.slug: t for t in run.scan.channel.terms if t.taxonomy == "category" and t.slug}
    known = {row.slug: row.section_id for row in
             ImportedCategory.objects.filter(site_url=run.site)}
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
            section = news.section_ensure_path(path=path, home=run.home)
        except ValidationError as exc:
            run.report.errors.append(ItemError(0, None, f"التصنيف «{slug}»: "
                                               + " ".join(exc.messages)))
            continue
        run.sections[slug] = section
        if existed == section.pk:
            run.report.counts["أقسام موجودة"] += 1
            continue
        ImportedCategory.objects.update_or_create(site_url=run.site, slug=slug[:200],
                                                  defaults={"section": section})
        run.report.counts["أقسام جديدة"] += 1
        old = Redirect.normalise_path(
            f"{run.prefix}/category/{'/'.join(t.slug for t in chain)}/")
        if len(old) <= 255 and not Redirect.objects.filter(old_path=old).exists():
            Redirect.objects.create(old_path=old, redirect_page=section, is_permanent=True)


def fallback_section(*, run: ImportRun) -> SectionPage:
    if run.fallback is None:
        run.fallback = news.section_ensure_path(path=FALLBACK_SECTION, home=run.home)
    return run.fallback


# --- one post ----------------------------------------------------------------------------


def post_plan(*, run: ImportRun, item: wxr.Item) -> PostPlan | None:
    """What `item` becomes, or None when it is not imported (the report says why)."""
    report = run.report
    if item.post_type == "attachment":
        return None
    if item.post_type != "post":
        report.skipped[f"نوع «{item.post_type or '؟'}» (ليس مقالاً)"] += 1
        return None
    if item.status == "private" or item.password:
        report.skipped["مقالات خاصة أو محمية بكلمة مرور"] += 1
        return None
    if item.status == "trash":
        report.skipped["مقالات في سلة المحذوفات"] += 1
        return None
    if item.status not in ("publish", "draft", "pending", "future"):
        report.skipped[f"مقالات بحالة «{item.status or '؟'}»"] += 1
        return None
    try:
        return _plan(run, item)
    except (content.ContentError, ValidationError) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        report.errors.append(ItemError(item.line, item.wp_id, message))
        return None


def _plan(run: ImportRun, item: wxr.Item) -> PostPlan:
    title = cut(clean_line(item.title), news.HEADLINE_MAX) or UNTITLED
    body = content.convert(item.content, resolve=lambda wp_id, src: media.image_resolve(
        run=run, wp_id=wp_id, src=src))
    run.report.unknown_shortcodes.update(body.unknown_shortcodes)
    standfirst = cut(content.plain_text(item.excerpt), news.STANDFIRST_MAX)
    offset = run.scan.offset
    published = (wxr.parse_dates(item.post_date, item.post_date_gmt, offset)
                 or run.now)
    modified = wxr.parse_dates(item.modified, item.modified_gmt, offset) or published
    modified = max(modified, published)
    kind = {"publish": "publish", "future": "future"}.get(item.status, "draft")
    if kind == "publish" and published > run.now:
        kind = "future"
    category = next((nice for domain, nice, _ in item.categories if domain == "category"
                     and nice in run.sections), None)
    section = run.sections[category] if category else fallback_section(run=run)
    authors = []
    if item.creator:
        if item.creator not in run.authors:
            run.authors[item.creator] = news.author_get_or_create(
                name=cut(clean_line(item.creator), 120)).pk
        authors.append(run.authors[item.creator])
    tags = list(dict.fromkeys(
        clean_line(name)[:100] for domain, _, name in item.categories
        if domain == "post_tag" and clean_line(name)))
    hero = None
    thumb = item.meta.get("_thumbnail_id", "").strip()
    if thumb.isdigit():
        hero = run.images.get(int(thumb))
    slug = (arabic_slugify(unquote(item.slug)) or arabic_slugify(title) or "article")
    slug = slug[:SLUG_MAX].strip("-") or "article"
    plan = PostPlan(
        wp_id=item.wp_id, line=item.line, kind=kind, wp_status=item.status, title=title,
        slug=slug, section=section, standfirst=standfirst, blocks=body.blocks,
        published_at=published, modified_at=modified, author_ids=authors, tags=tags,
        hero_id=hero, old_paths=old_paths(run=run, item=item) if kind == "publish" else [],
        comments=comment_plans(run=run, item=item, published=published),
    )
    # "pending" counts apart from a draft (it waits in the workflow); other digests are
    # as before, so a repeated import leaves the posts it wrote alone.
    plan.digest = digest([kind if item.status != "pending" else "pending", title, slug,
                          section.pk, standfirst, body.blocks,
                          published, modified, authors, tags, hero])
    return plan


def old_paths(*, run: ImportRun, item: wxr.Item) -> list[str]:
    """Every URL WordPress served the post at, as the Redirect table stores them."""
    paths = [f"{run.prefix}/?p={item.wp_id}"]
    if item.link:
        link = urlparse(item.link)
        if "p=" not in link.query:
            paths.append(link.path + (f"?{link.query}" if link.query else ""))
    local = wxr.parse_local(item.post_date)
    if item.slug:
        if local is not None:
            paths.append(f"{run.prefix}/{local:%Y}/{local:%m}/{item.slug}/")
        paths.append(f"{run.prefix}/{item.slug}/")
    normalised = []
    for old in paths:
        old = Redirect.normalise_path(old)
        if old != "/" and len(old) <= 255 and old not in normalised:
            normalised.append(old)
    return normalised

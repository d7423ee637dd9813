"""Writes of the wire desk: providers, polling rounds, items, groups, using an item.

Every change to a provider or an item goes through here (the admin views and the `nashra wire-*`
commands call these). A round never raises: a provider that times out or sends garbage gets
its last error and time, and the next provider is polled all the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import nh3
import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from nashra.arabic.analysis import analyse
from nashra.news import services as news_services

from . import grouping, parsers
from .models import (
    MIN_INTERVAL_SECONDS,
    IngestError,
    Provider,
    SubjectMapping,
    WireBand,
    WireGroup,
    WireItem,
)

logger = logging.getLogger("nashra.wire")

TAKEN_DIR = ".taken"  # a folder's files, once read, are moved here
FAILED_DIR = ".failed"  # ... and here when they could not be read
USER_AGENT = "nashra-wire/1 (+https://github.com/nashra)"
MAX_FILES_PER_ROUND = 500
MAX_PICTURES = 6
# A folder's documents, by kind; other files (the pictures they name) stay where they are.
DOCUMENT_SUFFIXES = {"rss": {".xml", ".rss", ".atom"}, "newsml": {".xml"},
                     "ninjs": {".json"}}

S = WireItem.State


class FetchError(Exception):
    """The provider could not be read this round (network, HTTP status, size, folder)."""


@dataclass
class PollReport:
    provider: str
    requests: int = 0
    not_modified: bool = False
    files: int = 0
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str = ""
    items: list[int] = field(default_factory=list)

    def line(self) -> str:
        if self.error:
            return f"{self.provider}: error: {self.error}"
        return (f"{self.provider}: {self.created} new, {self.updated} updated, "
                f"{self.withdrawn} withheld or canceled, {self.unchanged} unchanged, "
                f"{self.failed} malformed" + (" (not modified)" if self.not_modified else ""))


# --- providers ---------------------------------------------------------------------------------

def provider_check(*, kind: str, source: str, section_path: str) -> None:
    """Raise a ValidationError (Arabic) for a provider that could never be polled."""
    if kind not in Provider.Kind.values:
        raise ValidationError({"kind": f"صيغة غير معروفة: «{kind}» (rss أو newsml أو ninjs)."})
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": "العنوان أو المجلد مطلوب."})
    if source.lower().startswith(("http://", "https://")):
        parts = urlparse(source)
        if not parts.hostname:
            raise ValidationError({"source": "عنوان التغذية غير صالح."})
    elif not os.path.isabs(source):
        raise ValidationError({"source": "مسار المجلد يجب أن يكون مطلقاً (يبدأ بـ /)."})
    try:
        news_services.section_path_parse(section_path)
    except ValidationError as exc:
        raise ValidationError({"section_path": exc.messages}) from None


def provider_create(*, name: str, kind: str, source: str, section_path: str, credit: str,
                    interval_seconds: int = 120, auto_publish: bool = False,
                    auth_username: str = "", auth_password: str = "", api_key: str = "",
                    active: bool = True) -> Provider:
    name, credit = " ".join((name or "").split()), " ".join((credit or "").split())
    if not name:
        raise ValidationError("اسم الوكالة مطلوب.")
    if not credit:
        raise ValidationError("اسم المصدر الذي يُنسب إليه الخبر مطلوب.")
    if interval_seconds < MIN_INTERVAL_SECONDS:
        raise ValidationError(f"الفاصل بين جولتين لا يقل عن {MIN_INTERVAL_SECONDS} ثانية.")
    if Provider.objects.filter(name=name).exists():
        raise ValidationError(f"توجد وكالة باسم «{name}».")
    provider = Provider(name=name, kind=kind, source=source.strip(),
                        section_path=section_path.strip(), credit=credit,
                        interval_seconds=interval_seconds, auto_publish=auto_publish,
                        auth_username=auth_username, auth_password=auth_password,
                        api_key=api_key, active=active)
    provider.full_clean()
    provider.save()
    return provider


# --- fetching ------------------------------------------------------------------------------------

def _session_for(provider: Provider) -> tuple[dict, object]:
    headers = {"User-Agent": USER_AGENT}
    auth = None
    if provider.auth_username:
        auth = (provider.auth_username, provider.auth_password)
    if provider.api_key:
        header = provider.api_key_header or "Authorization"
        headers[header] = (f"Bearer {provider.api_key}" if header.lower() == "authorization"
                           else provider.api_key)
    return headers, auth


def http_get(url: str, *, provider: Provider, conditional: bool) -> requests.Response | None:
    """GET with the provider's credentials, a time-out and a size cap; None for 304."""
    headers, auth = _session_for(provider)
    if conditional:
        if provider.etag:
            headers["If-None-Match"] = provider.etag
        if provider.last_modified:
            headers["If-Modified-Since"] = provider.last_modified
    timeout = settings.NASHRA_WIRE_TIMEOUT
    limit = settings.NASHRA_WIRE_MAX_BYTES
    try:
        with requests.get(url, headers=headers, auth=auth, timeout=(timeout, timeout),
                          stream=True, allow_redirects=True) as response:
            if response.status_code == 304:
                return None
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} from {url}")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"larger than {limit} bytes: {url}")
                chunks.append(chunk)
            response._content = b"".join(chunks)
            return response
    except requests.Timeout:
        raise FetchError(f"no answer within {timeout:g} s from {url}") from None
    except requests.RequestException as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from None


def _documents_http(provider: Provider, report: PollReport):
    report.requests += 1
    response = http_get(provider.source, provider=provider, conditional=True)
    if response is None:
        report.not_modified = True
        return [], None
    validators = (response.headers.get("ETag", "")[:300],
                  response.headers.get("Last-Modified", "")[:100])
    return [(provider.source, response.content)], validators


def _folder_files(provider: Provider) -> list[Path]:
    folder = Path(provider.source)
    if not folder.is_dir():
        raise FetchError(f"no such folder: {folder}")
    try:
        files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                 and p.suffix.lower() in DOCUMENT_SUFFIXES[provider.kind]]
    except OSError as exc:
        raise FetchError(f"cannot read folder {folder}: {exc.strerror}") from None
    files.sort(key=lambda p: (p.stat().st_mtime, p.name))
    return files[:MAX_FILES_PER_ROUND]


def _move_aside(path: Path, where: str) -> None:
    target_dir = path.parent / where
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    if target.exists():
        target = target_dir / f"{timezone.now():%Y%m%d%H%M%S%f}-{path.name}"
    shutil.move(str(path), str(target))


# --- a round -----------------------------------------------------------------------------------

def provider_poll(*, provider: Provider) -> PollReport:
    """One round: fetch (conditionally), parse, and file every item. Never raises."""
    report = PollReport(provider=provider.name)
    now = timezone.now()
    try:
        if provider.is_folder:
            _poll_folder(provider, report)
        else:
            documents, validators = _documents_http(provider, report)
            for ref, data in documents:
                _file_document(provider, ref, data, report)
            if validators:
                # Remembered only once the document was filed: a failure fetches it again.
                provider.etag, provider.last_modified = validators
    except (FetchError, parsers.FormatError, OSError) as exc:
        report.error = str(exc)[:2000]
    except Exception as exc:  # a bug must not stop the other providers' rounds
        logger.exception("wire provider %s: round failed", provider.name)
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
    provider.last_polled_at = now
    if report.error:
        provider.last_error, provider.last_error_at = report.error, now
    else:
        provider.last_success_at = now
    Provider.objects.filter(pk=provider.pk).update(
        etag=provider.etag, last_modified=provider.last_modified,
        last_polled_at=provider.last_polled_at, last_success_at=provider.last_success_at,
        last_error=provider.last_error, last_error_at=provider.last_error_at)
    return report


def _poll_folder(provider: Provider, report: PollReport) -> None:
    bad = []
    for path in _folder_files(provider):
        try:
            data = path.read_bytes()
        except OSError as exc:
            bad.append(f"{path.name}: {exc.strerror}")
            continue
        report.files += 1
        try:
            _file_document(provider, path.name, data, report)
        except parsers.FormatError as exc:
            IngestError.objects.create(provider=provider, ref=path.name[:500],
                                       message=str(exc)[:2000])
            report.failed += 1
            bad.append(f"{path.name}: {exc}")
            _move_aside(path, FAILED_DIR)
            continue
        _move_aside(path, TAKEN_DIR)
    if bad:  # the good files were taken; the provider still shows what went wrong
        raise FetchError("; ".join(bad)[:2000])


def _file_document(provider: Provider, ref: str, data: bytes, report: PollReport) -> None:
    parsed = parsers.parse(provider.kind, data)
    for item_ref, message in parsed.errors:
        IngestError.objects.create(provider=provider, ref=item_ref[:500], message=message[:2000])
        report.failed += 1
    for item in parsed.items:
        try:
            with transaction.atomic():
                outcome, wire_item = item_ingest(provider=provider, parsed=item)
        except (ValidationError, ValueError, IntegrityError) as exc:
            message = "; ".join(getattr(exc, "messages", [])) or str(exc)
            IngestError.objects.create(provider=provider, ref=item.guid[:500],
                                       message=message[:2000])
            report.failed += 1
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        if wire_item is not None:
            report.items.append(wire_item.pk)


# --- items ------------------------------------------------------------------------------------

def body_clean(html: str) -> str:
    """The same nh3 rules as `import-articles` (news.services.html_clean)."""
    return news_services.html_clean(html or "").strip()


def _content_hash(parsed: parsers.ParsedItem, body: str) -> str:
    text = "\x1f".join([parsed.headline, parsed.summary, body, parsed.pub_status,
                        str(parsed.embargoed_until or "")])
    return hashlib.sha256(text.encode()).hexdigest()


def search_terms(*parts: str) -> str:
    text = " ".join(nh3.clean(p or "", tags=set()) for p in parts)
    return " " + " ".join(dict.fromkeys(analyse(text))) + " "


def item_ingest(*, provider: Provider, parsed: parsers.ParsedItem) -> tuple[str, WireItem | None]:
    """File one parsed item: new, a new version of a known guid, a withdrawal, or nothing new.
    Returns (what happened, the item): "created", "updated", "withdrawn" or "unchanged"."""
    body = body_clean(parsed.body_html)
    digest = _content_hash(parsed, body)
    now = timezone.now()
    item = (WireItem.objects.select_for_update().filter(provider=provider, guid=parsed.guid)
            .first())
    if item is not None:
        if parsed.version is not None and parsed.version < item.version:
            return "unchanged", item  # an older version arriving late
        if digest == item.content_hash and (parsed.version or item.version) == item.version:
            return "unchanged", item
        version = parsed.version if parsed.version is not None else item.version + 1
        if version == item.version and digest == item.content_hash:
            return "unchanged", item
        item.history = [*item.history, {"version": item.version, "headline": item.headline,
                                        "state": item.state,
                                        "received_at": item.received_at.isoformat()}][-20:]
        _item_fill(item, parsed, body, digest, now)
        item.version = max(version, item.version)
        if parsed.pub_status != parsers.USABLE:
            _item_withdraw(item, parsed.pub_status)
            item.save()
            return "withdrawn", item
        if item.story_id:
            item.state = S.USED
            item.alert = (f"وصلت نسخة أحدث من الوكالة (النسخة {item.version}) بعد إعداد الخبر؛ راجع الفروق."
                          ) if not item.auto_published else ""
        else:
            item.state = S.UPDATED
            item.alert = ""
        item.save()
        if item.auto_published and item.story_id:
            _story_refresh(item)
        return "updated", item

    item = WireItem(provider=provider, guid=parsed.guid, first_received_at=now,
                    version=parsed.version or 1)
    _item_fill(item, parsed, body, digest, now)
    item.state = S.NEW if parsed.pub_status == parsers.USABLE else parsed.pub_status
    sig = grouping.signature(grouping.shingles(item.headline, body))
    item.signature = grouping.to_bytes(sig)
    item.save()
    if parsed.pub_status == parsers.USABLE:
        item_group(item=item, sig=sig)
        if provider.auto_publish:
            item_use(item=item, publish=True)
    return "created", item


def _item_fill(item: WireItem, parsed: parsers.ParsedItem, body: str, digest: str,
               now: dt.datetime) -> None:
    item.headline = parsed.headline
    item.summary = parsed.summary
    item.body_html = body
    item.language = parsed.language
    item.byline = parsed.byline
    item.located = parsed.located
    item.info_source = parsed.info_source
    item.subjects = parsed.subjects
    item.pictures = parsed.pictures[:MAX_PICTURES]
    item.embargoed_until = parsed.embargoed_until
    item.sent_at = parsed.sent_at
    item.received_at = now
    item.content_hash = digest
    item.search_text = search_terms(parsed.headline, parsed.summary, body)


def _item_withdraw(item: WireItem, status: str) -> None:
    """A withheld or canceled message: the item says so; a story made from it warns its
    editors, and one the desk published by itself is taken down (or its schedule dropped)."""
    item.state = status
    word = "حجبت" if status == parsers.WITHHELD else "ألغت"
    if not item.story_id:
        item.alert = ""
        return
    story = item.story.specific
    if item.auto_published:
        _story_take_down(story)
        item.alert = f"{word} الوكالة هذا الخبر؛ أُلغي نشره التلقائي."
    else:
        item.alert = f"{word} الوكالة هذا الخبر بعد أن أُعدّ منه خبر: لا تنشره، أو اسحبه إن نُشر."


def _story_take_down(story) -> None:
    from wagtail.models import Revision

    # A publish waiting for its embargo is dropped with it.
    Revision.page_revisions.filter(object_id=str(story.pk),
                                   approved_go_live_at__isnull=False).update(
        approved_go_live_at=None)
    if story.live:
        story.unpublish()  # Wagtail's page_unpublished → changes.story_gone (news.events)


def item_group(*, item: WireItem, sig=None) -> WireGroup:
    """Put `item` in the group of the most alike recent item, or a group of its own."""
    sig = sig if sig is not None else grouping.from_bytes(item.signature)
    now = timezone.now()
    values = grouping.bands(sig)
    since = now - dt.timedelta(days=settings.NASHRA_WIRE_GROUP_DAYS)
    candidates = list(
        WireBand.objects.filter(value__in=values, created_at__gte=since)
        .exclude(item_id=item.pk).values("item_id").annotate(shared=Count("id"))
        .order_by("-shared")[:50].values_list("item_id", flat=True))
    best, best_score = None, 0.0
    for other_id, other_sig, group_id in WireItem.objects.filter(pk__in=candidates).values_list(
            "pk", "signature", "group_id"):
        other = grouping.from_bytes(other_sig)
        if other is None:
            continue
        score = grouping.similarity(sig, other)
        if score >= grouping.GROUP_THRESHOLD and score > best_score:
            best, best_score = (other_id, group_id), score
    if best is not None and best[1] is not None:
        WireGroup.objects.filter(pk=best[1]).update(size=F("size") + 1)  # one statement
        group = WireGroup(pk=best[1])
    else:
        group = WireGroup.objects.create(size=1)
    WireItem.objects.filter(pk=item.pk).update(group=group)
    item.group_id = group.pk
    WireBand.objects.bulk_create([WireBand(item=item, value=v, created_at=now) for v in values])
    return group


# --- using an item -----------------------------------------------------------------------------

def _subject_tags(subjects: list[dict]) -> list[str]:
    keys = {s.get(k, "").strip() for s in subjects for k in ("code", "name")} - {""}
    if not keys:
        return []
    return sorted(set(SubjectMapping.objects.filter(subject__in=keys)
                      .values_list("tag", flat=True)))


def _picture_bytes(item: WireItem, href: str) -> bytes:
    provider = item.provider
    if provider.is_folder and not href.lower().startswith(("http://", "https://")):
        folder = Path(provider.source).resolve()
        path = (folder / href).resolve()
        if folder not in path.parents:
            raise FetchError(f"picture outside the provider's folder: {href}")
        for candidate in (path, folder / TAKEN_DIR / path.name):
            if candidate.is_file():
                return candidate.read_bytes()
        raise FetchError(f"no picture file {href}")
    url = urljoin(provider.source, href) if not provider.is_folder else href
    response = http_get(url, provider=provider, conditional=False)
    return response.content if response is not None else b""


def _pictures_save(item: WireItem) -> list:
    from django.core.files.images import ImageFile

    from nashra.core.models import NashraImage

    images = []
    for n, picture in enumerate(item.pictures[:MAX_PICTURES], 1):
        try:
            data = _picture_bytes(item, picture["href"])
            name = Path(urlparse(picture["href"]).path).name or f"wire-{item.pk}-{n}.jpg"
            caption = picture.get("caption") or item.headline
            image = NashraImage(title=caption[:255], description=caption[:255],
                                caption=(picture.get("caption") or "")[:500],
                                credit=(picture.get("credit") or item.provider.credit)[:255],
                                file=ImageFile(io.BytesIO(data), name=name))
            image.full_clean(exclude=["file_hash", "file_size", "collection"])
            image.save()
            images.append(image)
        except Exception as exc:  # a picture that cannot be had leaves the story without it
            logger.warning("wire item %s: picture %s not taken: %s", item.pk,
                           picture.get("href"), exc)
    return images


def _story_body(item: WireItem, images) -> list[dict]:
    html = item.body_html or f"<p>{item.summary or item.headline}</p>"
    blocks = news_services.body_from_html(html)
    if item.located and blocks and blocks[0]["type"] == "paragraph":
        first = blocks[0]["value"]
        if item.located not in first[:120]:
            dateline = f"<strong>{nh3.clean(item.located, tags=set())} ({item.provider.credit})</strong> - "
            blocks[0]["value"] = (first.replace("<p>", "<p>" + dateline, 1)
                                  if first.startswith("<p>") else dateline + first)
    for image in images[1:]:
        blocks.append({"type": "image", "value": {"image": image.pk, "caption": image.caption,
                                                   "credit": image.credit}})
    return blocks


def section_for_use(*, path: str):
    """The section at `path`, or its deepest existing ancestor (where the missing levels would
    be made): what a user must be allowed to add stories to."""
    from nashra.news.models import SectionPage

    names = news_services.section_path_parse(path)
    parent = news_services.home_page()
    for name in names:
        child = SectionPage.objects.child_of(parent).filter(title=name).first()
        if child is None:
            break
        parent = child
    return parent


@transaction.atomic
def item_use(*, item: WireItem, section_path: str | None = None, user=None,
             publish: bool = False):
    """«استخدام»: a draft story from the item in the chosen section (the provider's by
    default), or — auto-publish — published at once, or scheduled at its embargo."""
    from nashra.news.models import ArticlePage

    item = WireItem.objects.select_for_update().select_related("provider").get(pk=item.pk)
    if item.withdrawn:
        raise ValidationError("حجبت الوكالة هذا الخبر أو ألغته؛ لا يُستخدم.")
    if item.story_id:
        return item.story.specific
    section = news_services.section_ensure_path(path=section_path or item.provider.section_path)
    images = _pictures_save(item)
    headline = item.headline[:news_services.HEADLINE_MAX]
    article = ArticlePage(
        title=headline, slug=_slug_free(section, headline),
        standfirst=item.summary[:news_services.STANDFIRST_MAX],
        source=item.provider.credit[:news_services.SOURCE_MAX],
        body=_story_body(item, images), live=False,
        hero_image=images[0] if images else None,
        external_id=_external_id(item), owner=user,
    )
    tags = _subject_tags(item.subjects)
    section.add_child(instance=article)
    if tags:
        article.tags.set(tags, clear=True)
        article.save()
    now = timezone.now()
    embargo = item.embargoed_until if item.embargoed_until and item.embargoed_until > now else None
    if embargo:
        # Also on a draft: whatever publishes it early (a workflow's approval skips the editor's
        # publish hook) schedules it at the embargo instead.
        article.go_live_at = embargo
    revision = article.save_revision(user=user, clean=True)
    if publish:
        # Wagtail's publish: live now (announcing story_changed), or scheduled at go_live_at.
        revision.publish(user=user, skip_permission_checks=True)
    item.story = article
    item.used_version = item.version
    item.auto_published = publish
    item.state = S.USED
    item.alert = ""
    item.save(update_fields=["story", "used_version", "auto_published", "state", "alert"])
    return article


def _story_refresh(item: WireItem) -> None:
    """A new version of an item the desk published by itself: the story follows it."""
    story = item.story.specific
    story.title = item.headline[:news_services.HEADLINE_MAX]
    story.standfirst = item.summary[:news_services.STANDFIRST_MAX]
    images = [story.hero_image] if story.hero_image_id else []
    story.body = _story_body(item, images)
    revision = story.save_revision(clean=True)
    revision.publish(skip_permission_checks=True)
    WireItem.objects.filter(pk=item.pk).update(used_version=item.version)


def _external_id(item: WireItem) -> str:
    key = f"wire:{item.provider_id}:{item.guid}"
    if len(key) > 200:
        key = f"wire:{item.provider_id}:sha256:{hashlib.sha256(item.guid.encode()).hexdigest()}"
    return key


def _slug_free(parent, title: str) -> str:
    from nashra.news.models import arabic_slugify

    base = arabic_slugify(title)[:80].strip("-") or "wire"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def story_embargo(*, page) -> dt.datetime | None:
    """The embargo still holding over a story made from a wire item, if any."""
    return (WireItem.objects.filter(story_id=page.pk, embargoed_until__gt=timezone.now())
            .order_by("-embargoed_until").values_list("embargoed_until", flat=True).first())


def story_schedule_at_embargo(*, page, user=None):
    """Publish the story's latest draft at its embargo time (Wagtail's scheduled publish)."""
    embargo = story_embargo(page=page)
    if embargo is None:
        raise ValidationError("لا حظر قائماً على هذا الخبر.")
    draft = page.get_latest_revision_as_object()
    draft.go_live_at = embargo
    revision = draft.save_revision(user=user, clean=True)
    revision.publish(user=user, skip_permission_checks=True)
    return embargo


# --- the scheduler -------------------------------------------------------------------------------

def scheduler_job() -> None:
    """Every minute (NASHRA_SCHEDULER_JOBS): queue the rounds due in the next minute, each at
    its time (a 30-second provider gets two), then the retention sweep once an hour."""
    from nashra.core import tasks as core_tasks

    from .tasks import wire_poll

    now = timezone.now()
    horizon = now + dt.timedelta(seconds=60)
    for provider in Provider.objects.filter(active=True).only("pk", "interval_seconds",
                                                               "next_poll_at"):
        at = max(provider.next_poll_at or now, now)
        while at < horizon:
            core_tasks.enqueue_after((at - now).total_seconds(), wire_poll, (provider.pk,))
            at += dt.timedelta(seconds=max(provider.interval_seconds, MIN_INTERVAL_SECONDS))
        if provider.next_poll_at != at:
            Provider.objects.filter(pk=provider.pk).update(next_poll_at=at)
    if now.minute == 7:
        items_expire()


def items_expire(*, now: dt.datetime | None = None) -> int:
    """Delete items older than NASHRA_WIRE_RETENTION_DAYS that no story was made from, the
    grouping bands past NASHRA_WIRE_GROUP_DAYS, and old read errors. Returns items deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.NASHRA_WIRE_RETENTION_DAYS)
    WireBand.objects.filter(
        created_at__lt=now - dt.timedelta(days=settings.NASHRA_WIRE_GROUP_DAYS)).delete()
    IngestError.objects.filter(created_at__lt=cutoff).delete()
    old = WireItem.objects.filter(received_at__lt=cutoff, story__isnull=True)
    groups = set(old.exclude(group=None).values_list("group_id", flat=True).distinct())
    _, per_model = old.delete()
    deleted = per_model.get(WireItem._meta.label, 0)
    for group_id, size in (WireGroup.objects.filter(pk__in=groups)
                           .annotate(n=Count("items")).values_list("pk", "n")):
        if size:
            WireGroup.objects.filter(pk=group_id).update(size=size)
        else:
            WireGroup.objects.filter(pk=group_id).delete()
    return deleted


def providers_poll(*, name: str | None = None) -> list[PollReport]:
    """`nashra wire-poll`: one round of every active provider (or the one named), in turn."""
    providers = Provider.objects.filter(active=True) if name is None else Provider.objects.filter(
        name=name)
    if name is not None and not providers.exists():
        raise ValidationError(f"لا وكالة باسم «{name}».")
    return [provider_poll(provider=p) for p in providers]

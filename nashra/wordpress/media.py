"""A WordPress site's attachments → nashra images, read from a copy of wp-content/uploads.

Every attachment is known before the first post is planned (the scan lists them all), so a
post finds its pictures by attachment id or by any URL of the file, resized copies included.
"""

import logging
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.files.images import ImageFile
from django.db import transaction

from nashra.core.models import NashraImage

from . import content, wxr
from .models import ImportedAttachment
from .run import ImportRun, clean_line, cut

logger = logging.getLogger("nashra.wordpress")

_SIZE_SUFFIX_RE = re.compile(r"-(?:\d+x\d+|scaled)(?=\.\w+$)")
_UPLOADS_RE = re.compile(r"/wp-content/uploads/(.+)$")


def url_key(url: str) -> str:
    """A file's URL as its path below uploads/, without WordPress's size suffix: every copy of
    one picture has the same key."""
    path = unquote(urlparse(url.strip()).path)
    match = _UPLOADS_RE.search(path)
    if match:
        path = match.group(1)
    return _SIZE_SUFFIX_RE.sub("", path.lstrip("/")).lower()


def attachments_ensure(*, run: ImportRun) -> None:
    known = {row.wp_id: row.image_id for row in
             ImportedAttachment.objects.filter(site_url=run.site)}
    for att in run.scan.attachments.values():
        if att.file:
            run.urls[url_key(att.file)] = att.wp_id
        if att.url:
            run.urls[url_key(att.url)] = att.wp_id
        if known.get(att.wp_id):
            run.images[att.wp_id] = known[att.wp_id]
            run.report.counts["صور موجودة"] += 1
            continue
        run.images[att.wp_id] = None
        source = run.media_dir / att.file if run.media_dir and att.file else None
        if source is None or not source.is_file():
            run.report.media_missing(att.file or att.url or f"attachment {att.wp_id}")
            continue
        if run.dry_run:
            run.report.counts["صور ستُستورد"] += 1
            continue
        try:
            image = image_create(run=run, att=att, source=source)
        except Exception as exc:  # one unreadable file is reported, never fatal
            logger.warning("attachment %s: %s", att.wp_id, exc)
            run.report.media_missing(f"{att.file} (ليست صورة صالحة)")
            continue
        run.images[att.wp_id] = image.pk
        run.report.counts["صور جديدة"] += 1


@transaction.atomic
def image_create(*, run: ImportRun, att: wxr.Attachment, source: Path) -> NashraImage:
    alt = (att.alt or content.plain_text(att.caption) or run.scan.titles.get(att.parent, "")
           or att.title or source.stem)
    with source.open("rb") as handle:
        image = NashraImage(title=cut(clean_line(att.title) or source.stem, 255),
                            description=cut(clean_line(alt), 255),
                            caption=cut(content.plain_text(att.caption), 500))
        image.file = ImageFile(handle, name=source.name)
        image._set_image_file_metadata()
        image.save()
    ImportedAttachment.objects.update_or_create(
        site_url=run.site, wp_id=att.wp_id, defaults={"image": image, "file": att.file[:500]})
    return image


def image_resolve(*, run: ImportRun, wp_id: int | None, src: str) -> int | None:
    """The nashra image of a picture in a post, by attachment id or by its URL."""
    if wp_id is None and src:
        wp_id = run.urls.get(url_key(src))
    if wp_id is None:
        if src:
            run.report.media_missing(f"{src} (ليست من مرفقات الموقع)")
        return None
    return run.images.get(wp_id)

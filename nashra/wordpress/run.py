"""One import's state and its report, shared by the modules that carry the import out.

services.wordpress_import makes one ImportRun per run: plan.py turns items into plans,
media.py brings the attachments in, pages.py writes the stories and comments.py the
comments, each reading and filling the same run.
"""

import datetime as dt
import hashlib
import html as html_lib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from nashra.arabic.normalize import strip_invisibles
from nashra.news import bulk
from nashra.news.models import HomePage, SectionPage

from . import wxr

SLUG_MAX = 200
REPORT_LIST_MAX = 50
# SQLite's limit on bound parameters; IN lists are cut below it.
IN_CHUNK = 900


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


@dataclass
class ImportRun:
    """What the import knows as it reads: where the site's categories, authors and
    attachments went in nashra, and the slugs taken under each section."""

    scan: wxr.Scan
    path: object
    media_dir: Path | None
    report: ImportReport
    home: HomePage
    now: dt.datetime
    site: str  # the site's key in the mapping tables (services.site_key)
    prefix: str  # the path WordPress served the blog under, "" at the root
    batch_size: int
    progress: Callable[[int], None]
    sections: dict[str, SectionPage] = field(default_factory=dict)  # by category slug
    fallback: SectionPage | None = None
    authors: dict[str, int] = field(default_factory=dict)  # by WordPress login
    images: dict[int, int | None] = field(default_factory=dict)  # by attachment id
    urls: dict[str, int] = field(default_factory=dict)  # attachment id by file URL
    slugs: bulk.SiblingSlugs = field(
        default_factory=lambda: bulk.SiblingSlugs(max_length=SLUG_MAX))

    @property
    def dry_run(self) -> bool:
        return self.report.dry_run

    def external_id(self, wp_id: int) -> str | None:
        value = f"wordpress:{self.site}:{wp_id}"
        return value if len(value) <= 200 else None


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str,
                                     ensure_ascii=False).encode()).hexdigest()


def chunks(values: list, size: int = IN_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def clean_line(text: str) -> str:
    return " ".join(strip_invisibles(html_lib.unescape(text or "")).split())


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    shorter = text[:limit].rsplit(" ", 1)[0]
    return shorter or text[:limit]


def valid_email(value: str) -> bool:
    if not value or len(value) > 254:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True

"""JSON Lines → stories. Each line is checked and written on its own; one bad line costs only itself."""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .services import ArticleInput, article_upsert, home_page

REQUIRED_KEYS = ("title", "body", "section")
MAX_LINE_BYTES = 5 * 1024 * 1024


@dataclass
class LineError:
    line: int
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped_blank: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)


def _string_list(value, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"الحقل «{name}» يجب أن يكون قائمة نصوص.")
    return [v.strip() for v in value if v.strip()]


def _optional_string(obj: dict, name: str) -> str:
    value = obj.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise ValidationError(f"الحقل «{name}» يجب أن يكون نصاً.")
    return str(value).strip()


def parse_datetime(value) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValidationError("الحقل «published_at» يجب أن يكون تاريخاً بصيغة ISO 8601.")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"تاريخ النشر «{value}» ليس بصيغة ISO 8601 (مثل 2015-02-23T09:50:00+02:00)."
        ) from None
    if parsed.tzinfo is None:
        raise ValidationError(f"تاريخ النشر «{value}» بلا منطقة زمنية؛ أضف مثلاً +03:00 أو Z.")
    return parsed


def article_input_from_json(raw: str | bytes) -> ArticleInput:
    """One line of the file → a checked ArticleInput, or a ValidationError saying why not."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_LINE_BYTES:
            raise ValidationError("السطر أكبر من 5 ميغابايت.")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("ترميز السطر ليس UTF-8 صالحاً.") from None
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"ليس JSON صالحاً ({exc.msg}، العمود {exc.colno}).") from None
    if not isinstance(obj, dict):
        raise ValidationError("كل سطر يجب أن يكون كائن JSON واحداً {…}.")
    missing = [k for k in REQUIRED_KEYS if not obj.get(k)]
    if missing:
        raise ValidationError("حقول مطلوبة ناقصة: " + "، ".join(missing) + ".")
    for key in REQUIRED_KEYS:
        if not isinstance(obj[key], str):
            raise ValidationError(f"الحقل «{key}» يجب أن يكون نصاً.")
    external_id = _optional_string(obj, "external_id") or None
    if external_id and len(external_id) > 200:
        raise ValidationError("المعرّف الخارجي أطول من 200 حرف.")
    data = ArticleInput(
        title=obj["title"],
        body=obj["body"],
        section=obj["section"],
        published_at=parse_datetime(obj.get("published_at")),
        source=_optional_string(obj, "source"),
        standfirst=_optional_string(obj, "standfirst"),
        authors=_string_list(obj.get("authors"), "authors"),
        tags=_string_list(obj.get("tags"), "tags"),
        external_id=external_id,
    )
    data.clean()  # fail before any transaction opens; article_upsert checks again anyway
    return data


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def articles_import(lines: Iterable[str | bytes], *, progress=None) -> ImportReport:
    """Import every line; `progress(1)` is called once per line read."""
    report = ImportReport()
    home = home_page()
    for number, raw in enumerate(lines, start=1):
        if progress is not None:
            progress(1)
        if not raw.strip():
            report.skipped_blank += 1
            continue
        try:
            data = article_input_from_json(raw)
            _article, created = article_upsert(data=data, home=home)
        except ValidationError as exc:
            report.errors.append(LineError(number, _messages(exc)))
        else:
            if created:
                report.created += 1
            else:
                report.updated += 1
    return report

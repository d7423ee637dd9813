"""Agency formats → ParsedItem: feedparser for RSS/Atom, lxml for NewsML-G2, json for NINJS.

Each parser takes one document's bytes and returns a Parsed: the items it could read, and an
error for each item it could not (a malformed item costs nothing else). A document that is not
the format at all raises FormatError: the provider's round fails and its last error says why.
Bodies come out as HTML as the agency sent it; the caller sanitizes them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from lxml import etree

G2 = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
USABLE, WITHHELD, CANCELED = "usable", "withheld", "canceled"
PUB_STATUSES = {USABLE, WITHHELD, CANCELED}
IMAGE_TYPES = ("image/",)
# XML as agencies send it, never fetched further: no DTDs, no network, no entity expansion.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                              huge_tree=False, remove_comments=True)


class FormatError(ValueError):
    """The document as a whole is not what the provider's kind says."""


@dataclass
class ParsedItem:
    guid: str
    headline: str
    body_html: str = ""
    version: int | None = None  # None: the format has none (RSS); the content hash decides
    summary: str = ""
    language: str = ""
    pub_status: str = USABLE
    embargoed_until: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    byline: str = ""
    located: str = ""
    info_source: str = ""
    subjects: list[dict] = field(default_factory=list)
    pictures: list[dict] = field(default_factory=list)


@dataclass
class Parsed:
    items: list[ParsedItem] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (ref, message)


def parse(kind: str, data: bytes) -> Parsed:
    try:
        parser = {"rss": parse_rss, "newsml": parse_newsml, "ninjs": parse_ninjs}[kind]
    except KeyError:
        raise FormatError(f"unknown provider kind {kind!r}") from None
    return parser(data)


# --- shared helpers ----------------------------------------------------------------------------

def when(value) -> dt.datetime | None:
    """An ISO 8601 time (Z or an offset); a time without a zone is taken as UTC."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a date and time: {text[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def version_of(value) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise ValueError(f"not a version number: {text[:20]!r}")
    return int(text)


def status_of(value: str | None) -> str:
    status = (value or USABLE).strip().lower().rpartition(":")[2]  # stat:usable → usable
    if status == "cancelled":
        status = CANCELED
    if status not in PUB_STATUSES:
        raise ValueError(f"unknown publishing status {value!r}")
    return status


def _clip(text: str | None, size: int) -> str:
    return " ".join((text or "").split())[:size]


# --- RSS / Atom ------------------------------------------------------------------------------------

def parse_rss(data: bytes) -> Parsed:
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries and (feed.bozo or not feed.version):
        problem = getattr(feed, "bozo_exception", None) or "no feed found"
        raise FormatError(f"not an RSS or Atom feed: {problem}")
    language = (feed.feed.get("language") or "").strip()
    out = Parsed()
    for n, entry in enumerate(feed.entries, 1):
        ref = entry.get("id") or entry.get("link") or f"entry {n}"
        try:
            guid = (entry.get("id") or entry.get("link") or "").strip()
            headline = _clip(entry.get("title"), 500)
            if not guid:
                raise ValueError("item without guid or link")
            if not headline:
                raise ValueError("item without a title")
            if entry.get("content"):
                body = entry["content"][0].get("value", "")
            else:
                body = entry.get("summary", "")
            stamp = (dict.get(entry, "updated_parsed") or dict.get(entry, "published_parsed"))
            pictures = []
            for media in [*entry.get("media_content", []), *entry.get("enclosures", [])]:
                href = media.get("url") or media.get("href")
                kind = media.get("type") or media.get("medium") or ""
                if href and (kind.startswith(IMAGE_TYPES) or kind == "image"):
                    pictures.append({"href": href, "caption": _clip(
                        entry.get("media_description") or "", 500), "credit": _clip(
                        (entry.get("media_credit") or [{}])[0].get("content", "")
                        if isinstance(entry.get("media_credit"), list) else "", 255)})
            out.items.append(ParsedItem(
                guid=guid[:500], headline=headline, body_html=body,
                summary=_clip(entry.get("summary") if entry.get("content") else "", 600),
                language=(entry.get("language") or language)[:20],
                sent_at=dt.datetime(*stamp[:6], tzinfo=dt.UTC) if stamp else None,
                byline=_clip(entry.get("author"), 300),
                subjects=[{"code": t.get("term", ""), "name": t.get("label") or t.get("term", "")}
                          for t in entry.get("tags", []) if t.get("term")],
                pictures=pictures,
            ))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            out.errors.append((str(ref)[:500], str(exc)))
    return out


# --- NewsML-G2 ---------------------------------------------------------------------------------

def _q(name: str) -> str:
    return f"{{{G2}}}{name}"


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _name(element) -> str:
    """A concept's name (its <name> child, Arabic first when several), else its literal."""
    if element is None:
        return ""
    names = element.findall(_q("name"))
    for name in names:
        if (name.get("{http://www.w3.org/XML/1998/namespace}lang") or "").startswith("ar"):
            return _text(name)
    if names:
        return _text(names[0])
    return (element.get("literal") or "").strip()


def _inline_body(content_set) -> str:
    """The HTML of an inlineXML body: NITF's body.content, or XHTML's body."""
    if content_set is None:
        return ""
    for inline in content_set.findall(_q("inlineXML")):
        kind = (inline.get("contenttype") or "").lower()
        for child in inline:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            if "nitf" in kind or local == "nitf":
                content = next((e for e in child.iter() if isinstance(e.tag, str)
                                and etree.QName(e).localname == "body.content"), None)
                return _html_of(content) if content is not None else ""
            if "html" in kind or local == "html":
                body = next((e for e in child.iter() if isinstance(e.tag, str)
                             and etree.QName(e).localname == "body"), child)
                return _html_of(body)
    return ""


def _html_of(container) -> str:
    """Children of `container` as HTML without namespaces (NITF's <p>, <hl2>, <block>…)."""
    parts = []
    for child in container:
        if not isinstance(child.tag, str):
            continue
        copy = etree.fromstring(etree.tostring(child))
        for element in copy.iter():
            if isinstance(element.tag, str):
                local = etree.QName(element).localname
                element.tag = {"hl2": "h2", "block": "div"}.get(local, local)
        etree.cleanup_namespaces(copy)
        parts.append(etree.tostring(copy, encoding="unicode", method="html"))
    return "".join(parts)


def _picture(item) -> dict | None:
    content_set = item.find(_q("contentSet"))
    if content_set is None:
        return None
    remote = [r for r in content_set.findall(_q("remoteContent"))
              if (r.get("contenttype") or "image/").startswith(IMAGE_TYPES) and r.get("href")]
    if not remote:
        return None
    # The largest rendition (by width) that says so, else the first.
    best = max(remote, key=lambda r: int(r.get("width") or 0) if (r.get("width") or "").isdigit()
               else 0)
    meta = item.find(_q("contentMeta"))
    caption = _text(meta.find(_q("description"))) if meta is not None else ""
    if not caption and meta is not None:
        caption = _text(meta.find(_q("headline")))
    credit = _text(meta.find(_q("creditline"))) if meta is not None else ""
    return {"href": best.get("href"), "caption": caption[:500], "credit": credit[:255],
            "guid": item.get("guid", "")}


def _g2_item(item, *, lang: str) -> ParsedItem:
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise ValueError("newsItem without guid")
    meta = item.find(_q("itemMeta"))
    content = item.find(_q("contentMeta"))
    if content is None:
        raise ValueError("newsItem without contentMeta")
    headline = _clip(_text(content.find(_q("headline"))), 500)
    if not headline:
        raise ValueError("newsItem without a headline")
    status = meta.find(_q("pubStatus")) if meta is not None else None
    embargo = meta.find(_q("embargoed")) if meta is not None else None
    created = meta.find(_q("versionCreated")) if meta is not None else None
    language = content.find(_q("language"))
    creators = [_name(c) for c in content.findall(_q("creator"))]
    sources = [_name(s) or (s.get("uri") or "") for s in content.findall(_q("infoSource"))]
    subjects = [{"code": s.get("qcode") or s.get("uri") or "", "name": _name(s)}
                for s in content.findall(_q("subject"))]
    description = content.find(_q("description"))
    body = _inline_body(item.find(_q("contentSet")))
    links = [link.get("residref") for link in (meta.findall(_q("link")) if meta is not None
                                                else []) if link.get("residref")]
    parsed = ParsedItem(
        guid=guid[:500], headline=headline, body_html=body,
        version=version_of(item.get("version")),
        summary=_clip(_text(description), 600),
        language=((language.get("tag") if language is not None else "")
                  or item.get("{http://www.w3.org/XML/1998/namespace}lang") or lang)[:20],
        pub_status=status_of(status.get("qcode") if status is not None else None),
        embargoed_until=when(_text(embargo)) if embargo is not None else None,
        sent_at=when(_text(created)) if created is not None else None,
        byline=_clip("، ".join(c for c in creators if c), 300),
        located=_clip(_name(content.find(_q("located"))), 200),
        info_source=_clip("، ".join(s for s in sources if s), 300),
        subjects=[s for s in subjects if s["code"] or s["name"]],
    )
    parsed.pictures = []
    parsed._links = links  # picture items this one links to (resolved by parse_newsml)
    own = _picture(item)
    if own:
        parsed.pictures.append(own)
    return parsed


def parse_newsml(data: bytes) -> Parsed:
    try:
        root = etree.fromstring(data, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"not well-formed XML: {exc}") from None
    if root.tag == _q("newsMessage"):
        lang = root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
        items = root.findall(f"{_q('itemSet')}/{_q('newsItem')}")
    elif root.tag == _q("newsItem"):
        lang, items = "", [root]
    else:
        raise FormatError(f"not a NewsML-G2 newsItem or newsMessage: <{etree.QName(root).localname}>")
    out = Parsed()
    pictures: dict[str, dict] = {}
    texts: list[ParsedItem] = []
    for n, item in enumerate(items, 1):
        ref = item.get("guid") or f"newsItem {n}"
        item_class = item.find(f"{_q('itemMeta')}/{_q('itemClass')}")
        kind = (item_class.get("qcode") or "") if item_class is not None else "ninat:text"
        try:
            if kind.endswith(("picture", "graphic")):
                picture = _picture(item)
                if picture:
                    pictures[picture["guid"]] = picture
                continue
            if not kind.endswith("text"):
                continue  # video, audio, composite: not stories for the inbox
            texts.append(_g2_item(item, lang=lang))
        except ValueError as exc:
            out.errors.append((str(ref)[:500], str(exc)))
    for parsed in texts:
        linked = [pictures[g] for g in parsed._links if g in pictures]
        # A message that carries one story and its pictures without links means them for it.
        if not linked and len(texts) == 1:
            linked = list(pictures.values())
        parsed.pictures += [{k: v for k, v in p.items() if k != "guid"} for p in linked]
        parsed.pictures = [{k: v for k, v in p.items() if k != "guid"} for p in parsed.pictures]
        del parsed._links
        out.items.append(parsed)
    return out


# --- NINJS 1.x and 2.x ------------------------------------------------------------------------

def _ninjs_text(obj: dict, single: str, plural: str, *, role: str = "main") -> str:
    value = obj.get(single)
    if isinstance(value, str):
        return value
    values = obj.get(plural)
    if isinstance(values, list):
        chosen = [v for v in values if isinstance(v, dict) and v.get("role", role) == role]
        chosen = chosen or [v for v in values if isinstance(v, dict)]
        if chosen:
            return str(chosen[0].get("value", ""))
    return ""


def _ninjs_body(obj: dict) -> str:
    for key in ("body_html", "body_xhtml"):
        if isinstance(obj.get(key), str):
            return obj[key]
    bodies = obj.get("bodies")
    if isinstance(bodies, list):
        html = [b for b in bodies if isinstance(b, dict) and "html" in str(b.get("contenttype", ""))]
        chosen = html or [b for b in bodies if isinstance(b, dict)]
        if chosen:
            value = str(chosen[0].get("value", ""))
            if not html:  # plain text: paragraphs become <p>
                from html import escape

                value = "".join(f"<p>{escape(p.strip())}</p>" for p in value.split("\n\n")
                                if p.strip())
            return value
    if isinstance(obj.get("body_text"), str):
        from html import escape

        return "".join(f"<p>{escape(p.strip())}</p>" for p in obj["body_text"].split("\n\n")
                       if p.strip())
    return ""


def _ninjs_names(values) -> list[str]:
    out = []
    for value in values if isinstance(values, list) else []:
        if isinstance(value, dict):
            out.append(str(value.get("name") or value.get("byline") or value.get("literal")
                           or ""))
        elif isinstance(value, str):
            out.append(value)
    return [v for v in out if v]


def _ninjs_picture(assoc: dict) -> dict | None:
    if not isinstance(assoc, dict) or assoc.get("type") not in ("picture", "graphic", None):
        return None
    renditions = assoc.get("renditions") or {}
    if isinstance(renditions, dict):
        renditions = [{"name": k, **v} for k, v in renditions.items() if isinstance(v, dict)]
    hrefs = [r for r in renditions if isinstance(r, dict) and r.get("href")]
    if not hrefs:
        return None
    best = next((r for r in hrefs if r.get("name") in ("original", "baseImage")),
                max(hrefs, key=lambda r: int(r.get("width") or 0)
                    if str(r.get("width") or "").isdigit() else 0))
    caption = (_ninjs_text(assoc, "description_text", "descriptions")
               or _ninjs_text(assoc, "headline", "headlines"))
    credit = assoc.get("copyrightholder") or assoc.get("byline") or assoc.get("by") or ""
    return {"href": str(best["href"]), "caption": _clip(str(caption), 500),
            "credit": _clip(str(credit), 255)}


def _ninjs_item(obj) -> ParsedItem:
    if not isinstance(obj, dict):
        raise ValueError("item is not a JSON object")
    guid = str(obj.get("uri") or obj.get("guid") or "").strip()
    if not guid:
        raise ValueError("item without uri")
    if obj.get("type", "text") not in ("text", "composite"):
        raise ValueError(f"not a text item: {obj.get('type')!r}")
    headline = _clip(_ninjs_text(obj, "headline", "headlines"), 500)
    if not headline:
        raise ValueError("item without a headline")
    assocs = obj.get("associations") or {}
    if isinstance(assocs, dict):
        assocs = list(assocs.values())
    pictures = [p for p in (_ninjs_picture(a) for a in assocs if isinstance(a, dict)) if p]
    bylines = obj.get("byline") if isinstance(obj.get("byline"), str) else "، ".join(
        _ninjs_names(obj.get("bylines") or obj.get("by") or []))
    places = _ninjs_names(obj.get("place") or obj.get("places") or [])
    subjects = []
    for subject in obj.get("subject") or obj.get("subjects") or []:
        if isinstance(subject, dict) and (subject.get("code") or subject.get("uri")
                                          or subject.get("name")):
            subjects.append({"code": str(subject.get("code") or subject.get("uri") or ""),
                             "name": str(subject.get("name") or "")})
    return ParsedItem(
        guid=guid[:500], headline=headline, body_html=_ninjs_body(obj),
        version=version_of(obj.get("version")),
        summary=_clip(obj.get("description_text") or _ninjs_text(obj, "description_text",
                                                                  "descriptions"), 600),
        language=str(obj.get("language") or "")[:20],
        pub_status=status_of(obj.get("pubstatus")),
        embargoed_until=when(obj.get("embargoed")),
        sent_at=when(obj.get("versioncreated")),
        byline=_clip(bylines, 300), located=_clip(places[0] if places else "", 200),
        info_source=_clip("، ".join(_ninjs_names(obj.get("infosource") or [])), 300),
        subjects=subjects, pictures=pictures,
    )


def parse_ninjs(data: bytes) -> Parsed:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"not JSON: {exc}") from None
    if isinstance(doc, dict) and isinstance(doc.get("items"), list):
        items = doc["items"]
    elif isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict):
        items = [doc]
    else:
        raise FormatError("NINJS: neither an item nor a list of items")
    out = Parsed()
    for n, obj in enumerate(items, 1):
        ref = (obj.get("uri") if isinstance(obj, dict) else None) or f"item {n}"
        try:
            out.items.append(_ninjs_item(obj))
        except (ValueError, TypeError, AttributeError) as exc:
            out.errors.append((str(ref)[:500], str(exc)))
    return out

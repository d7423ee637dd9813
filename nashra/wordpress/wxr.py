"""Reading a WordPress export (WXR 1.0–1.2) as a stream; no Django, no database.

WXR is RSS 2.0 with the `wp:`, `content:`, `excerpt:` and `dc:` namespaces: the channel
holds authors, categories and tags, then one `<item>` per post, page or attachment, each
with its post meta and its comments. A news site's export can be a gigabyte, so it is read
with lxml's iterparse and every item is cleared once handed over: memory holds one item at
a time, whatever the file's size.

A file that breaks part way (truncated download, a stray byte) yields every complete item
before it, then `WxrBroken` with the line where it broke. A file that is not a WordPress
export at all raises `NotWxr` before anything is yielded.
"""

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
_WP_NS_RE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/$")
_NO_DATE = "0000-00-00 00:00:00"


class NotWxr(Exception):
    """The file is not a WordPress export; nothing was read from it."""


class WxrBroken(Exception):
    """The file breaks at `line`; every complete item before it was read."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Author:
    login: str
    email: str
    display_name: str


@dataclass
class Term:
    taxonomy: str  # "category" | "post_tag"
    slug: str
    name: str
    parent: str = ""  # the parent category's slug


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    date: str
    date_gmt: str
    content: str
    approved: str  # "1" | "0" | "spam" | "trash" | "post-trashed"
    type: str  # "" / "comment" | "pingback" | "trackback"
    parent: int
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Item:
    """One `<item>`: a post, a page, an attachment or anything else WordPress stores."""

    wp_id: int
    line: int
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    post_date: str
    post_date_gmt: str
    modified: str
    modified_gmt: str
    slug: str  # wp:post_name, percent-encoded for non-ASCII slugs
    status: str
    post_type: str
    parent: int
    password: str
    attachment_url: str
    categories: list[tuple[str, str, str]]  # (domain, nicename, name)
    meta: dict[str, str]
    comments: list[Comment]


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    authors: list[Author] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)


def _int(text: str | None) -> int:
    try:
        return int((text or "0").strip())
    except ValueError:
        return 0


class _Reader:
    def __init__(self, path):
        self.path = path
        self.wp = ""
        self.excerpt = ""

    def q(self, name: str) -> str:
        return f"{{{self.wp}}}{name}"

    def text(self, el, name: str, ns: str | None = None) -> str:
        found = el.find(f"{{{ns or self.wp}}}{name}" if ns != "" else name)
        return (found.text or "") if found is not None else ""

    def events(self) -> Iterator[tuple[str, object]]:
        """("channel", Channel) once the first item arrives (or at the end), then ("item", Item)…"""
        channel = Channel()
        channel_sent = False
        root_seen = False
        try:
            context = etree.iterparse(
                str(self.path), events=("start", "end"), huge_tree=True,
                resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True,
            )
            for event, el in context:
                if not root_seen:
                    root_seen = True
                    self._check_root(el)
                    continue
                if event == "start":
                    continue
                parent = el.getparent()
                if parent is None or parent.getparent() is None:
                    continue  # the <channel> (or <rss>) itself
                if parent.getparent().getparent() is not None:
                    continue  # inside an item: read when the item ends
                tag = el.tag
                if tag == "item":
                    if not channel_sent:
                        channel_sent = True
                        yield "channel", channel
                    item = self._item(el)
                    self._drop(el)
                    yield "item", item
                    continue
                self._channel_element(channel, el, tag)
                self._drop(el)
        except etree.XMLSyntaxError as exc:
            if not root_seen:
                raise NotWxr("الملف ليس XML صالحاً، فليس ملف تصدير ووردبريس (WXR).") from None
            line = exc.lineno or (exc.position[0] if exc.position else 0)
            if not channel_sent:
                yield "channel", channel
            raise WxrBroken(line, exc.msg or str(exc)) from None
        except OSError as exc:
            raise NotWxr(f"تعذرت قراءة الملف: {exc.strerror or exc}") from None
        if not root_seen:
            raise NotWxr("الملف فارغ.")
        if not channel_sent:
            yield "channel", channel

    @staticmethod
    def _drop(el) -> None:
        # Free what iterparse built: this element and every finished sibling before it.
        el.clear(keep_tail=False)
        parent = el.getparent()
        while el.getprevious() is not None:
            del parent[0]

    def _check_root(self, el) -> None:
        if el.tag != "rss":
            raise NotWxr(f"العنصر الجذر <{etree.QName(el).localname}> وليس <rss>: "
                         "هذا ليس ملف تصدير ووردبريس (WXR).")
        wp = [uri for uri in (el.nsmap or {}).values() if uri and _WP_NS_RE.match(uri)]
        if not wp:
            raise NotWxr("ملف RSS بلا نطاق wp: (http://wordpress.org/export/1.2/): هذه خلاصة "
                         "أخبار وليست ملف تصدير ووردبريس (WXR). صدّره من أدوات › تصدير.")
        self.wp = wp[0]
        self.excerpt = self.wp + "excerpt/"

    def _channel_element(self, channel: Channel, el, tag: str) -> None:
        wp = self.wp
        if tag == "title":
            channel.title = (el.text or "").strip()
        elif tag == "link":
            channel.link = (el.text or "").strip()
        elif tag == f"{{{wp}}}base_site_url":
            channel.base_site_url = (el.text or "").strip()
        elif tag == f"{{{wp}}}base_blog_url":
            channel.base_blog_url = (el.text or "").strip()
        elif tag == f"{{{wp}}}wxr_version":
            channel.wxr_version = (el.text or "").strip()
        elif tag == f"{{{wp}}}author":
            channel.authors.append(Author(
                login=self.text(el, "author_login").strip(),
                email=self.text(el, "author_email").strip(),
                display_name=self.text(el, "author_display_name").strip(),
            ))
        elif tag == f"{{{wp}}}category":
            channel.terms.append(Term(
                taxonomy="category", slug=self.text(el, "category_nicename").strip(),
                name=self.text(el, "cat_name").strip(),
                parent=self.text(el, "category_parent").strip(),
            ))
        elif tag == f"{{{wp}}}tag":
            channel.terms.append(Term(taxonomy="post_tag",
                                      slug=self.text(el, "tag_slug").strip(),
                                      name=self.text(el, "tag_name").strip()))

    def _item(self, el) -> Item:
        wp = self.wp
        categories, meta, comments = [], {}, []
        for child in el:
            tag = child.tag
            if tag == "category":
                categories.append((child.get("domain", ""), child.get("nicename", ""),
                                   (child.text or "").strip()))
            elif tag == f"{{{wp}}}postmeta":
                meta[self.text(child, "meta_key")] = self.text(child, "meta_value")
            elif tag == f"{{{wp}}}comment":
                comments.append(self._comment(child))
        return Item(
            wp_id=_int(self.text(el, "post_id")),
            line=el.sourceline or 0,
            title=self.text(el, "title", ""),
            link=self.text(el, "link", "").strip(),
            guid=self.text(el, "guid", "").strip(),
            creator=self.text(el, "creator", DC_NS).strip(),
            content=self.text(el, "encoded", CONTENT_NS),
            excerpt=self.text(el, "encoded", self.excerpt),
            post_date=self.text(el, "post_date").strip(),
            post_date_gmt=self.text(el, "post_date_gmt").strip(),
            modified=self.text(el, "post_modified").strip(),
            modified_gmt=self.text(el, "post_modified_gmt").strip(),
            slug=self.text(el, "post_name").strip(),
            status=self.text(el, "status").strip(),
            post_type=self.text(el, "post_type").strip(),
            parent=_int(self.text(el, "post_parent")),
            password=self.text(el, "post_password"),
            attachment_url=self.text(el, "attachment_url").strip(),
            categories=categories,
            meta=meta,
            comments=comments,
        )

    def _comment(self, el) -> Comment:
        meta = {}
        for child in el.iterfind(self.q("commentmeta")):
            meta[self.text(child, "meta_key")] = self.text(child, "meta_value")
        return Comment(
            wp_id=_int(self.text(el, "comment_id")),
            author=self.text(el, "comment_author").strip(),
            email=self.text(el, "comment_author_email").strip(),
            url=self.text(el, "comment_author_url").strip(),
            ip=self.text(el, "comment_author_IP").strip(),
            date=self.text(el, "comment_date").strip(),
            date_gmt=self.text(el, "comment_date_gmt").strip(),
            content=self.text(el, "comment_content"),
            approved=self.text(el, "comment_approved").strip(),
            type=self.text(el, "comment_type").strip(),
            parent=_int(self.text(el, "comment_parent")),
            meta=meta,
        )


def read(path) -> Iterator[tuple[str, object]]:
    """("channel", Channel), then ("item", Item) for every item; see the module docstring."""
    return _Reader(path).events()


# --- dates -------------------------------------------------------------------------------


def parse_local(value: str) -> dt.datetime | None:
    """WordPress's "2019-05-01 12:00:00" (no zone) → a naive datetime; empty for unset."""
    if not value or value == _NO_DATE:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def parse_dates(local: str, gmt: str, fallback: dt.timezone) -> dt.datetime | None:
    """The moment with its time zone: the offset is local − GMT, as WordPress stored them.

    Drafts have no GMT date; their local time is read in `fallback` (the site's offset,
    learned from the other posts).
    """
    local_dt, gmt_dt = parse_local(local), parse_local(gmt)
    if gmt_dt is not None:
        aware = gmt_dt.replace(tzinfo=dt.UTC)
        if local_dt is not None:
            offset = local_dt - gmt_dt
            if abs(offset) <= dt.timedelta(hours=14):
                return aware.astimezone(dt.timezone(offset))
        return aware
    if local_dt is not None:
        return local_dt.replace(tzinfo=fallback)
    return None


# --- the first pass ----------------------------------------------------------------------


@dataclass
class Attachment:
    wp_id: int
    title: str
    url: str
    file: str  # relative to wp-content/uploads, e.g. "2019/05/photo.jpg"
    alt: str
    caption: str
    parent: int


@dataclass
class Scan:
    """What the import needs before the first post: the channel, attachments, the clock."""

    channel: Channel
    items: int = 0
    attachments: dict[int, Attachment] = field(default_factory=dict)
    # Post titles, for an attachment with no alt text of its own (its post's headline).
    titles: dict[int, str] = field(default_factory=dict)
    offset: dt.timezone = dt.UTC
    broken: WxrBroken | None = None


_UPLOADS_RE = re.compile(r"/wp-content/uploads/(.+)$")


def attachment_file(url: str, meta: dict[str, str]) -> str:
    if meta.get("_wp_attached_file"):
        return meta["_wp_attached_file"].strip().lstrip("/")
    match = _UPLOADS_RE.search(url.split("?", 1)[0])
    return match.group(1) if match else ""


def scan(path) -> Scan:
    """Read the whole file once without keeping its items. Raises NotWxr; never WxrBroken."""
    result: Scan | None = None
    offset_found = False
    events = read(path)
    try:
        for kind, value in events:
            if kind == "channel":
                result = Scan(channel=value)
                continue
            item: Item = value
            result.items += 1
            if item.post_type == "attachment":
                result.attachments[item.wp_id] = Attachment(
                    wp_id=item.wp_id, title=item.title.strip(), url=item.attachment_url,
                    file=attachment_file(item.attachment_url, item.meta),
                    alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
                    caption=item.excerpt.strip(), parent=item.parent,
                )
            elif item.post_type == "post":
                result.titles[item.wp_id] = item.title.strip()
                if not offset_found:
                    local, gmt = parse_local(item.post_date), parse_local(item.post_date_gmt)
                    if local and gmt and abs(local - gmt) <= dt.timedelta(hours=14):
                        result.offset = dt.timezone(local - gmt)
                        offset_found = True
    except WxrBroken as exc:
        result.broken = exc
    return result

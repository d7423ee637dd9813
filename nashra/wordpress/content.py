"""WordPress post markup → nashra's body blocks (paragraph, heading, quote, image, embed).

A post body is one of two things. Gutenberg: HTML between block comments
(`<!-- wp:paragraph -->…<!-- /wp:paragraph -->`), where the comments only delimit and the
HTML inside says everything nashra needs. Classic: HTML with shortcodes (`[caption]`,
`[embed]`, `[gallery]`) and bare line breaks, which WordPress turns into paragraphs
(`wpautop`) when it shows the post. Both go through the same walk over the parsed HTML.

Unknown shortcodes stay in the text as they were (a reader sees what WordPress would have
shown with the plugin gone) and their names are returned for the import report.
"""

import html as html_lib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import lxml.html
from lxml import etree

from nashra.news.services import body_from_html

# Shortcodes WordPress core registers; ours are handled, the rest are reported as unknown.
HANDLED_SHORTCODES = {"caption", "wp_caption", "embed", "gallery"}
# Hosts WordPress embeds when their URL stands alone on a line (oEmbed providers).
EMBED_HOSTS = {
    "youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "vimeo.com",
    "twitter.com", "x.com", "www.instagram.com", "instagram.com", "soundcloud.com",
    "www.facebook.com", "facebook.com", "www.tiktok.com", "open.spotify.com",
    "www.dailymotion.com", "dai.ly",
}

_SHORTCODE_NAME_RE = re.compile(r"(?<!\[)\[([A-Za-z][A-Za-z0-9_-]*)(?=[\s\]/])")
_CAPTION_RE = re.compile(r"\[(?:wp_)?caption([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.S | re.I)
_EMBED_RE = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.S | re.I)
_GALLERY_RE = re.compile(r"\[gallery([^\]]*)\]", re.I)
_ATTR_RE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_IMG_IN_CAPTION_RE = re.compile(r"(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?", re.S | re.I)
_WP_IMAGE_CLASS_RE = re.compile(r"\bwp-image-(\d+)\b")
_BLANK_LINES_RE = re.compile(r"\n\s*\n")
_URL_ONLY_RE = re.compile(r"^https?://\S+$")

INLINE_TAGS = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "font",
               "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike",
               "strong", "sub", "sup", "time", "u", "var", "br"}
CONTAINER_TAGS = {"div", "section", "article", "main", "header", "footer", "center", "aside",
                  "body", "html"}
DROPPED_TAGS = {"script", "style", "noscript", "form", "input", "button", "select",
                "textarea", "object", "embed", "hr", "head", "title", "meta", "link", "svg"}


class ContentError(ValueError):
    """The post's body cannot become a story (said in Arabic, for the report)."""


@dataclass
class Body:
    blocks: list[dict]
    unknown_shortcodes: list[str] = field(default_factory=list)
    # Images the body shows that nashra has no file for (their src, for the report).
    missing_images: list[str] = field(default_factory=list)


# resolve(attachment_id or None, src) → a nashra image id, or None when there is no file.
ImageResolver = Callable[[int | None, str], int | None]


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in _ATTR_RE.finditer(text)}


def _figure(attachment: str, img: str, caption: str) -> str:
    return (f'<figure data-nashra-attachment="{html_lib.escape(attachment)}">{img}'
            f"<figcaption>{caption}</figcaption></figure>")


def _caption(match: re.Match) -> str:
    attrs, inner = _attrs(match.group(1)), match.group(2)
    img = _IMG_IN_CAPTION_RE.search(inner)
    caption = attrs.get("caption", "")
    if img is not None:
        rest = (inner[:img.start()] + inner[img.end():]).strip()
        caption = caption or rest
        img_html = img.group(0)
    else:
        img_html = ""
    attachment = attrs.get("id", "").removeprefix("attachment_")
    return _figure(attachment, img_html, caption)


def _embed(match: re.Match) -> str:
    return f'<figure data-nashra-embed="{html_lib.escape(match.group(1).strip())}"></figure>'


def _gallery(match: re.Match) -> str:
    ids = [i.strip() for i in _attrs(match.group(1)).get("ids", "").split(",") if i.strip()]
    return "".join(_figure(i, "", "") for i in ids if i.isdigit())


def expand_shortcodes(text: str) -> tuple[str, list[str]]:
    """Known shortcodes → marked-up figures; the names of the unknown ones, in order."""
    text = _CAPTION_RE.sub(_caption, text)
    text = _EMBED_RE.sub(_embed, text)
    text = _GALLERY_RE.sub(_gallery, text)
    unknown = [name for name in _SHORTCODE_NAME_RE.findall(text)
               if name.lower() not in HANDLED_SHORTCODES]
    return text, list(dict.fromkeys(unknown))


def _embed_url(url: str) -> str | None:
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc and " " not in url:
        return url
    return None


def _is_embeddable_line(text: str) -> bool:
    return bool(_URL_ONLY_RE.match(text)) and urlparse(text).netloc.lower() in EMBED_HOSTS


def _outer(el) -> str:
    return etree.tostring(el, encoding="unicode", method="html", with_tail=False)


class _Walker:
    def __init__(self, resolve: ImageResolver):
        self.resolve = resolve
        self.blocks: list[dict] = []
        self.missing: list[str] = []
        self.run: list[str] = []

    # A run is text and inline markup between blocks; WordPress's wpautop makes its blank
    # lines paragraph breaks and its single line breaks <br>.
    def flush(self) -> None:
        text = "".join(self.run).strip()
        self.run = []
        if not text:
            return
        for para in _BLANK_LINES_RE.split(text):
            para = para.strip()
            if not para:
                continue
            if _is_embeddable_line(html_lib.unescape(para)):
                self.blocks.append({"type": "embed", "value": html_lib.unescape(para)})
                continue
            self.html("<p>" + para.replace("\n", "<br>") + "</p>")

    def html(self, markup: str) -> None:
        self.blocks.extend(body_from_html(markup))

    def image(self, img, caption: str = "", attachment: str = "") -> None:
        src = img.get("src", "") if img is not None else ""
        wp_id = None
        if attachment.isdigit():
            wp_id = int(attachment)
        elif img is not None:
            match = _WP_IMAGE_CLASS_RE.search(img.get("class", ""))
            if match:
                wp_id = int(match.group(1))
            elif (img.get("data-id") or "").isdigit():
                wp_id = int(img.get("data-id"))
        image_id = self.resolve(wp_id, src)
        if image_id is None:
            self.missing.append(src or f"attachment {wp_id}")
            return
        self.blocks.append({"type": "image", "value": {
            "image": image_id, "caption": " ".join(caption.split())[:500], "credit": ""}})

    def embed(self, url: str) -> None:
        url = _embed_url(url)
        if url:
            self.blocks.append({"type": "embed", "value": url})

    def walk(self, container) -> None:
        if container.text:
            self.run.append(html_lib.escape(container.text, quote=False))
        for child in container:
            self.node(child)
            if child.tail:
                self.run.append(html_lib.escape(child.tail, quote=False))

    def node(self, el) -> None:
        if not isinstance(el.tag, str):
            return  # a comment or processing instruction
        tag = el.tag.lower()
        if tag in INLINE_TAGS:
            images = list(el.iter("img", "iframe"))
            if not images:
                self.run.append(_outer(el))
                return
            self.flush()
            self.media(el)
            return
        if tag in DROPPED_TAGS:
            return
        self.flush()
        if tag == "img":
            self.image(el)
        elif tag == "iframe":
            self.embed(el.get("src", ""))
        elif tag == "p":
            self.paragraph(el)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = " ".join(el.text_content().split())
            if text:
                self.blocks.append({"type": "heading", "value": text})
        elif tag == "blockquote":
            self.quote(el)
        elif tag in ("ul", "ol"):
            self.html(_outer(el))
        elif tag == "figure":
            self.figure(el)
        elif tag in CONTAINER_TAGS:
            self.walk(el)
            self.flush()
        else:  # tables, pre, dl…: their text, as paragraphs
            self.html(_outer(el))

    def media(self, el) -> None:
        """Images and frames inside an inline element (e.g. a link around a photo)."""
        for found in el.iter("img", "iframe"):
            if found.tag == "img":
                self.image(found)
            else:
                self.embed(found.get("src", ""))

    def paragraph(self, el) -> None:
        media = list(el.iter("img", "iframe"))
        for found in media:
            found.drop_tree()
        self.html(_outer(el))
        for found in media:
            self.image(found) if found.tag == "img" else self.embed(found.get("src", ""))

    def quote(self, el) -> None:
        classes = el.get("class", "")
        if "twitter-tweet" in classes or "instagram-media" in classes:
            links = [a.get("href", "") for a in el.iter("a") if a.get("href")]
            if links:
                self.embed(links[-1])
                return
        cite = el.find(".//cite")
        attribution = ""
        if cite is not None:
            attribution = " ".join(cite.text_content().split())
            cite.drop_tree()
        text = " ".join(el.text_content().split())
        if text:
            self.blocks.append({"type": "quote",
                                "value": {"text": text, "attribution": attribution[:255]}})

    def figure(self, el) -> None:
        url = el.get("data-nashra-embed")
        if url is None and "wp-block-embed" in el.get("class", ""):
            iframe = el.find(".//iframe")
            url = iframe.get("src", "") if iframe is not None else el.text_content().strip()
        if url is not None:
            self.embed(url)
            return
        caption_el = el.find(".//figcaption")
        caption = " ".join(caption_el.text_content().split()) if caption_el is not None else ""
        attachment = el.get("data-nashra-attachment", "")
        imgs = list(el.iter("img"))
        if imgs:
            for img in imgs:
                self.image(img, caption=caption, attachment=attachment if len(imgs) == 1 else "")
        elif attachment:
            self.image(None, caption=caption, attachment=attachment)
        elif el.find(".//iframe") is not None:
            self.embed(el.find(".//iframe").get("src", ""))
        else:
            self.walk(el)
            self.flush()


def convert(text: str, *, resolve: ImageResolver) -> Body:
    """A post's `content:encoded` → body blocks, unknown shortcode names, images with no file."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ContentError("نص المقال فارغ.")
    text, unknown = expand_shortcodes(text)
    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError) as exc:
        raise ContentError(f"تعذر قراءة HTML المقال: {exc}") from None
    walker = _Walker(resolve)
    walker.walk(root)
    walker.flush()
    if not walker.blocks:
        raise ContentError("نص المقال فارغ بعد التنظيف (لا نص ولا صور يمكن عرضها).")
    return Body(blocks=walker.blocks, unknown_shortcodes=unknown, missing_images=walker.missing)


def plain_text(markup: str) -> str:
    """An excerpt or a comment: the words, without markup, paragraphs kept as blank lines."""
    markup = (markup or "").replace("\r\n", "\n")
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    markup = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    markup = re.sub(r"(?i)</p\s*>", "\n\n", markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return html_lib.unescape(re.sub(r"<[^>]*>", "", markup)).strip()
    text = root.text_content()
    return re.sub(r"\n{3,}", "\n\n", text).strip()

import nh3
from django import template
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.utils.html import escape, format_html, urlize
from django.utils.safestring import mark_safe

from nashra.arabic.normalize import strip_bidi_scopes
from nashra.core import fragments
from nashra.core.templatetags.nashra_tags import count

from .. import selectors, services
from ..forms import CommentForm
from ..models import CommentSettings
from ..moderation import get_moderator
from ..signals import thread_version_name
from ..views import own_comment_from

register = template.Library()

_LINK_REL = "nofollow ugc noopener"


@register.filter
def bidi_safe(text: str) -> str:
    """A reader's text without the bidi controls that open a span (embeddings, overrides,
    isolates): put inside <bdi> or dir="auto", it then cannot reorder the page around it."""
    return strip_bidi_scopes(text or "")


@register.filter
def comment_body(text: str) -> str:
    """Plain text → escaped HTML with line breaks kept and bare links made clickable."""
    html = urlize(bidi_safe(text), trim_url_limit=60, autoescape=True)
    html = nh3.clean(html, tags={"a"}, attributes={"a": {"href"}}, link_rel=_LINK_REL,
                     url_schemes={"http", "https"})
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 - nh3-cleaned above


@register.filter
def comment_plain(text: str) -> str:
    """Plain text → escaped HTML with line breaks kept and links left as text: how a held
    comment is shown to its poster (its links go live only once a moderator publishes it)."""
    return mark_safe(escape(bidi_safe(text)).replace("\n", "<br>"))  # noqa: S308 - escaped


_TS_MARK = "nashra-fill-token-goes-here"
_blank: dict[str, str] = {}


def _blank_fields(token: str) -> str:
    """The fields of an empty comment form. They are the same on every story but for the
    signed fill time, so Django's widgets render them once per process (they cost more than
    the rest of the comment section)."""
    html = _blank.get("html")
    if html is None:
        form = CommentForm(initial={"ts": _TS_MARK})
        html = _blank["html"] = render_to_string("comments/form_fields.html", {"form": form})
    return mark_safe(html.replace(_TS_MARK, escape(token)))  # noqa: S308 - our own template


def _thread(page, *, own=None) -> tuple[bool, str, int]:
    """(the story's own switch is off, its thread as HTML, its approved count)."""
    nodes, count = selectors.comment_thread_and_count(page=page, extra=own)
    html = render_to_string("comments/thread.html", {"nodes": nodes}) if nodes else ""
    return selectors.comments_switched_off(page=page), html, count


@register.inclusion_tag("comments/section.html", takes_context=True)
def article_comments(context, page):
    """Everything under an article: the thread, the count, and the form (or why it is closed)."""
    request = context.get("request")
    if getattr(request, "is_preview", False):
        return {"preview": True}  # an editor's preview: no form for a page not yet live
    config = CommentSettings.for_request(request) if request else None
    own = own_comment_from(request) if request else None
    if own is not None and own.page_id != page.pk:
        own = None
    if own is None:  # the thread every reader sees, rendered: kept until a comment changes
        version = fragments.version(thread_version_name(page.pk))
        switched_off, thread, count = fragments.remember(
            request, ("comment-thread", page.pk, version), lambda: _thread(page),
            seconds=0 if fragments.young(version) else None)  # a replica may lag behind it
    else:  # a reader's own held comment, shown to them alone
        switched_off, thread, count = _thread(page, own=own)
    closed = get_moderator(config).closed_reason(page, switched_off=switched_off) if config else ""
    return {
        "request": request,
        "page": page,
        "thread": thread,
        "count": count,
        "own": own,
        "closed": closed,
        "blank_fields": None if closed else _blank_fields(services.fill_token_make()),
        "messages": list(get_messages(request)) if request else [],
    }


@register.simple_tag(takes_context=True)
def comment_count_badge(context, article) -> str:
    """«٣ تعليقات» on an article card, or nothing; no query per card (a cached map, fetched
    from the cache once per page rather than once per card)."""
    request = context.get("request")
    counts = getattr(request, "_nashra_comment_counts", None)
    if counts is None:
        counts = selectors.comment_counts_cached()
        if request is not None:
            request._nashra_comment_counts = counts
    n = counts.get(article.pk, 0)
    if not n:
        return ""
    text = count(context, n, "comment")
    return format_html('<span class="card__comments"> · {}</span>', text)

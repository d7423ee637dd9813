"""Reader-facing comment endpoints: post, a fresh form token, the reply form, the privacy page.

Article pages may be served from a full-page cache, so nothing personal is rendered into them:
the form's CSRF token and signed fill-time token come from `form_token` (never cached) when
JavaScript runs; without JavaScript the browser's Origin header stands in for the CSRF token.
"""

import functools
import logging
import re
import secrets
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page

from nashra.arabic.digits import to_arabic_indic_digits
from nashra.core import faults

from . import services
from .forms import CommentForm
from .models import Comment, CommentSettings

logger = logging.getLogger("nashra.comments")

OWN_COMMENT_SALT = "nashra.comments.own"
OWN_COMMENT_PARAM = "comment"
# The posting browser's key: a random value in a cookie set by the post's answer. The
# `?comment=` link is signed with it, so the link shows a held comment in that browser only.
# Not one of NASHRA_PAGE_CACHE_BYPASS_COOKIES: the poster's other pages still come from caches.
OWN_COMMENT_COOKIE = "nashra_commenter"
OWN_COMMENT_SECONDS = 60 * 60 * 24
_BROWSER_KEY = re.compile(r"[A-Za-z0-9_-]{22,64}")

def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _error(request, message: str, *, status: int, page=None, form=None):
    if _wants_json(request):
        errors = form.errors.get_json_data() if form is not None else {}
        return JsonResponse({"ok": False, "message": message, "errors": errors}, status=status)
    return render(request, "comments/error.html",
                  {"message": message, "page": page, "form": form, "title": "تعذر نشر التعليق"},
                  status=status)


# The database or Redis not answering: a passing outage, which the reader may retry.
OUTAGES = (OperationalError, InterfaceError, redis.exceptions.ConnectionError,
           redis.exceptions.TimeoutError)
OUTAGE_RETRY_SECONDS = 60
OUTAGE_MESSAGE = "تعذر إرسال تعليقك الآن بسبب عطل مؤقت في الموقع. حاول مرة أخرى بعد دقيقة."


def outage_answered(view):
    """A view whose database or Redis is down answers 503 with Retry-After and an Arabic
    message: JSON to comments.js, a page that needs neither to a browser without JavaScript."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except OUTAGES as error:
            # One warning an outage (nashra.core.faults), not a traceback per post.
            faults.outage("comments: " + ("Redis" if isinstance(error, redis.RedisError)
                                          else "the database"), error)
            if _wants_json(request):
                response = JsonResponse({"ok": False, "message": OUTAGE_MESSAGE, "errors": {}},
                                        status=503)
            else:  # no request context: its processors may need the database
                response = HttpResponse(render_to_string(
                    "comments/unavailable.html", {"message": OUTAGE_MESSAGE}), status=503)
            response["Retry-After"] = str(OUTAGE_RETRY_SECONDS)
            add_never_cache_headers(response)
            response._has_been_logged = True  # logged above, once an outage
            return response

    return wrapped


def _same_origin(request) -> bool:
    """A POST from our own page: the browser says so in Origin (or Referer on old browsers)."""
    origin = request.headers.get("Origin") or ""
    if not origin or origin == "null":
        referer = request.headers.get("Referer") or ""
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    if not origin:
        return False
    good = f"{request.scheme}://{request.get_host()}"
    return origin == good or origin in settings.CSRF_TRUSTED_ORIGINS


def _csrf_ok(request) -> bool:
    rejected = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
    return rejected is None or _same_origin(request)


def _client_ip(request) -> str:
    # REMOTE_ADDR only: a proxy in front must set it (see docs/comments.md), never trust a
    # header a client can write.
    return request.META.get("REMOTE_ADDR", "")


def _browser_key(request) -> str:
    key = request.COOKIES.get(OWN_COMMENT_COOKIE, "")
    return key if _BROWSER_KEY.fullmatch(key) else ""


def _own_signer(browser_key: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{OWN_COMMENT_SALT}:{browser_key}")


def own_comment_token(comment: Comment, *, browser_key: str) -> str:
    return _own_signer(browser_key).sign(str(comment.pk))


def own_comment_from(request):
    """The reader's own just-posted comment named in the URL: shown only in the browser that
    posted it (the link is signed with its cookie), for a day, while held or published."""
    token = request.GET.get(OWN_COMMENT_PARAM, "")
    browser_key = _browser_key(request)
    if not token or not browser_key:
        return None
    try:
        pk = _own_signer(browser_key).unsign(token, max_age=OWN_COMMENT_SECONDS)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(
        pk=pk, status__in=[Comment.Status.PENDING, Comment.Status.APPROVED]).first()


def _own_comment_redirect(request, url: str, comment: Comment):
    """To the story, with the link that shows the poster their comment, and the cookie that
    makes the link theirs alone."""
    browser_key = _browser_key(request) or secrets.token_urlsafe(24)
    response = HttpResponseRedirect(
        f"{url}?{OWN_COMMENT_PARAM}={own_comment_token(comment, browser_key=browser_key)}"
        f"#comment-{comment.pk}")
    response.set_cookie(OWN_COMMENT_COOKIE, browser_key, max_age=OWN_COMMENT_SECONDS, path="/",
                        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
                        httponly=True, samesite="Lax")
    return response


@csrf_exempt  # checked below, with the Origin fallback for cached pages without JavaScript
@require_POST
@never_cache
@outage_answered
def post_comment(request, page_id: int):
    ip = _client_ip(request)
    if services.rate_refused(ip=ip):  # first: a flood costs one cache read a post
        return _error(request, "أرسلت تعليقات كثيرة في وقت قصير. حاول مرة أخرى بعد ساعة.",
                      status=429)
    page = Page.objects.live().public().filter(pk=page_id).first()
    if page is None:
        return _error(request, "المقال غير موجود.", status=404)
    page = page.specific
    try:
        request.POST  # noqa: B018 - read now, so an oversized body gets our answer
    except RequestDataTooBig:
        return _error(request, "التعليق أطول بكثير من المسموح (٥٠٠٠ حرف).", status=413, page=page)
    if not _csrf_ok(request):
        return _error(request, "انتهت صلاحية النموذج أو أُرسل من موقع آخر. أعد تحميل الصفحة "
                      "ثم أرسل تعليقك مرة أخرى.", status=403, page=page)
    config = CommentSettings.for_request(request)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _error(request, "لم يُنشر التعليق: صحّح الأخطاء المبيّنة ثم أعد الإرسال.",
                      status=400, page=page, form=form)
    data = form.cleaned_data
    parent = None
    if data.get("parent"):
        parent = Comment.objects.filter(
            pk=data["parent"], page_id=page.pk, status=Comment.Status.APPROVED, erased=False
        ).first()
        if parent is None:
            form.add_error("parent", "التعليق المردود عليه غير موجود.")
            return _error(request, "لم يُنشر التعليق: التعليق المردود عليه غير موجود.",
                          status=400, page=page, form=form)
    meta = services.RequestMeta(
        ip=ip, user_agent=request.headers.get("User-Agent", ""), honeypot=data["nickname"],
        fill_token=data["ts"], permalink=page.full_url or "",
    )
    try:
        comment = services.comment_create(
            page=page, parent=parent, author_name=data["author_name"],
            author_email=data["author_email"], author_url=data["author_url"], body=data["body"],
            meta=meta, config=config,
        )
    except services.CommentsClosed as closed:
        return _error(request, str(closed), status=403, page=page)
    message = _outcome_message(comment)
    if _wants_json(request):
        html = ""
        if comment.status != Comment.Status.SPAM:
            html = render_to_string("comments/comment.html",
                                    {"node": {"comment": comment, "replies": []}, "own": True},
                                    request=request)
        return JsonResponse({"ok": True, "status": _public_status(comment), "message": message,
                             "id": comment.pk, "parent": comment.parent_id, "html": html})
    messages.success(request, message)
    url = page.url or "/"
    if comment.status == Comment.Status.SPAM:
        return HttpResponseRedirect(f"{url}#comments")
    return _own_comment_redirect(request, url, comment)


def _public_status(comment: Comment) -> str:
    # Spam is held from the poster's point of view: telling a spammer they were caught helps them.
    return "approved" if comment.status == Comment.Status.APPROVED else "pending"


def _outcome_message(comment: Comment) -> str:
    if comment.status == Comment.Status.APPROVED:
        return "شكرًا لك، نُشر تعليقك."
    if comment.reasons == services.UNCHECKED:  # the filter runs after this answer (a task)
        return "شكرًا لك، وصل تعليقك ويُفحص الآن؛ يُنشر خلال لحظات ما لم يحتج إلى مراجعة."
    return "شكرًا لك، تعليقك بانتظار المراجعة وسيظهر بعد موافقة المشرفين."


@require_GET
@never_cache
@outage_answered
def form_token(request):
    """A fresh CSRF token (and cookie) and fill-time token for a form on a cached page."""
    return JsonResponse({"csrf": get_token(request), "ts": services.fill_token_make()})


@require_GET
@never_cache
def reply_form(request, comment_id: int):
    """Without JavaScript, "رد" leads here: the form, addressed to one comment."""
    parent = get_object_or_404(Comment, pk=comment_id, status=Comment.Status.APPROVED,
                               erased=False)
    # Only where the story itself is shown to anyone: not unpublished, not behind a password,
    # a login or a group (on the story or a section above it).
    page = Page.objects.live().public().filter(pk=parent.page_id).first()
    if page is None:
        raise Http404
    page = page.specific
    form = CommentForm(initial={"parent": parent.pk, "ts": services.fill_token_make()})
    return render(request, "comments/reply.html",
                  {"parent": parent, "page": page, "form": form, "title": "الرد على تعليق"})


def _bits_of(version: int, prefix: int, whole: int) -> str:
    if prefix >= whole:
        return f"عنوان IPv{version} كاملًا"
    return f"أول {to_arabic_indic_digits(str(prefix))} بتًا من عنوان IPv{version}"


@require_GET
def privacy(request):
    akismet = bool(getattr(settings, "AKISMET_API_KEY", ""))
    config = CommentSettings.for_request(request)
    rate_scope = "، و".join([_bits_of(4, settings.NASHRA_COMMENT_RATE_IPV4_PREFIX, 32),
                             _bits_of(6, settings.NASHRA_COMMENT_RATE_IPV6_PREFIX, 128)])
    return render(request, "comments/privacy.html",
                  {"akismet": akismet, "config": config, "rate_scope": rate_scope,
                   "title": "كيف نعالج بيانات التعليقات"})

"""Issue 16, item 6: no input makes a 5xx.

At least REQUESTS anonymous GET and HEAD requests go to every URL pattern of the URLconf, with
the query parameters its view reads (docs/security.md):

- first a sweep: every slot of every public path and every parameter of its view, each alone
  in an otherwise good request, with each of KNOWN_BAD (a NUL, "²", 5,000 digits, 2**63, the
  ends of the calendar...);
- then hypothesis's requests: good ones (the site's own ids, slugs and pages) with one input
  spoiled, or all of them, by NUL bytes, huge and negative numbers, digits that are not ASCII,
  bad percent-escapes, over-long values, values of the wrong type, odd Unicode, odd headers
  and cookies.

Every request goes through the WSGI stack of production (the beacon's and the page cache's
fast paths, then Django's middleware and views) in process, ten at a time in a savepoint so
that what they write is undone. None may answer 5xx or log an error; a failing request is
printed with its traceback.

The run is derandomized: CI sends the same requests every time (but for the site's ids).
NASHRA_FUZZ_SEED=<n> explores other requests, NASHRA_FUZZ_REQUESTS=<n> more of them.
"""

import importlib
import inspect
import io
import logging
import os
import random
import re
import sys
import time
import traceback
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import IntegerField
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st

from nashra.conftest import article_maker, home_install, shared_rows

pytestmark = pytest.mark.django_db

REQUESTS = int(os.environ.get("NASHRA_FUZZ_REQUESTS", "10000"))
SEED = os.environ.get("NASHRA_FUZZ_SEED")
# Requests per hypothesis example: its own cost per example is then paid once for ten.
BATCH = 10

# --- the public URLs and the query parameters their views read -------------------------------

# The URLs come from the URLconf, so a new one is fuzzed at once; the API's parameters come from
# its viewsets. The query parameters any other view reads, by URL name, are listed here:
# test_every_parameter_is_fuzzed reads the views' source and fails when one is missing.
PARAMS: dict[str, tuple[str, ...]] = {
    "wagtail_serve": ("page", "comment"),  # listings; a story's own-comment link
    "search": ("q", "page", "section", "from", "to"),
    "search_api": ("q", "limit", "section", "from", "to"),
    "distribution:sitemap": ("p",),
    "discovery:most_read": ("section",),
    "live:entries": ("after",),  # an open live page's poll
    "wagtailadmin_login": ("next",),
    "wagtailcore_login": ("next",),
}
# Read before any view, on every URL: WordPress's short links (nashra.wordpress.middleware) and
# the page cache's listing page and tracking parameters (nashra.core.pagecache).
EVERYWHERE = ("p", "page_id", "page", "utm_source", "fbclid")
# Modules whose views read query parameters, for test_every_parameter_is_fuzzed.
VIEW_MODULES = {
    "nashra.search.views": ("search", "search_api"),
    "nashra.distribution.views": ("distribution:sitemap",),
    "nashra.discovery.views": ("discovery:most_read",),
    "nashra.live.views": ("live:entries",),
    "nashra.news.models": ("wagtail_serve",),
    "nashra.comments.views": ("wagtail_serve",),  # own_comment_from, for the story page
}
# Not anonymous pages: every view under admin/ but the sign-in pages sends a visitor to sign in
# before it reads anything. They get one request in twenty, and no sweep.
ADMIN = "admin/"

_SLOT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass
class Endpoint:
    name: str
    route: str  # the URLconf's pattern, prefixes joined (RoutePattern or regex pieces)
    params: tuple[str, ...]
    regex: re.Pattern | None = None  # a regex piece with groups: its valid paths come from it
    api: type | None = None  # a Wagtail API viewset


def _walk(patterns, prefix=(), namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, (*prefix, pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            yield (*prefix, pattern.pattern), namespace + (pattern.name or ""), pattern.callback


def _api_params(viewset) -> tuple[str, ...]:
    names = set(viewset.known_query_parameters) | set(viewset.find_query_parameters)
    names |= set(viewset.get_available_fields(viewset.model, db_fields_only=True))
    return tuple(sorted(names))


def public_endpoints() -> list[Endpoint]:
    """Every URL pattern of the URLconf, with the query parameters its view reads."""
    endpoints = []
    for pieces, name, callback in _walk(get_resolver().url_patterns):
        route, regex = "", None
        for piece in pieces:
            text = str(piece)
            if isinstance(piece, RegexPattern) and piece.regex.groups:
                regex = re.compile(route + text.lstrip("^"))
                route += text.lstrip("^")
            elif isinstance(piece, RegexPattern):
                route += text.lstrip("^").rstrip("$")
            else:
                route += text
        viewset = getattr(callback, "cls", None)
        api = viewset if viewset is not None and hasattr(viewset, "known_query_parameters") else None
        params = _api_params(api) if api else PARAMS.get(name, ())
        endpoints.append(Endpoint(name=name, route=route, params=params, regex=regex, api=api))
    return endpoints


# --- hostile values -----------------------------------------------------------------------------

NUMBERS = [
    "0", "1", "-1", "-0", "+1", " 1", "1 ", "1_0", "01", "1.5", "1e400", "0x1f", "nan", "inf",
    str(2**31 - 1), str(2**31), str(2**53 + 1), str(2**63 - 1), str(2**63), str(2**64),
    "99999999999999999999999", "-9223372036854775809", "9" * 5000,
    "٣", "١٢", "١" * 30, "²", "½", "１２", "𝟙𝟚", "৩", "߁",  # digits, but not ASCII ones
]
DATES = ["2025-03-01", "0001-01-01", "9999-12-31", "2025-02-30", "2025-13-01", "10000-01-01",
         "2025-03-01T25:00", "-2025-01-01", "٢٠٢٥-٠٣-٠١", "2025-3-1", "20250301"]
TEXTS = [
    "", " ", "\x00", "a\x00b", "\x00" * 20, "\x01\x1f\x7f", "\r\n", "\t", "\u200f\u200e", "\ufeff",
    "\u202e", "ـ", "ﻻ", "غزة", "أخبار", "\U0001f4f0", "\U0010ffff", "\ud800", "\udfff",
    "..", ".", "/", "\\", "../../etc/passwd", "%", "%00", "*", "?", "#", "&", "=", ";", "'",
    '"', "<script>", "' OR 1=1 --", "random", "-", "_", "id", "-id", "title,-title", "*,-*",
    "_,title", "true", "false", "null", "[]", "{}", "[1]", "a" * 4000, "غ" * 3000,
    "news.ArticlePage", "wagtailcore.Page", "core.NashraImage", "plain", "html",
]
NULS = ["\x00", "a\x00b", "\x00" * 20, "غزة\x00", "1\x00"]  # PostgreSQL holds none in text
# Bad percent-escapes and separators, put in the URL as they are (not escaped again).
RAW = ["%", "%%", "%zz", "%2", "%c3%28", "%ff%fe", "%ed%a0%80", "%e2%80", "%c0%af", "%00",
       "%25", "%2f", "%2F..%2F", "+", "&", "&&", "=", "==", ";", "%0d%0a", "a%00b"]


def _escape(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


def _odd_unicode(count: int) -> list[str]:
    """Short strings of code points from anywhere: controls, marks, right-to-left and
    formatting characters, surrogates, private use, the last planes (a fixed sample)."""
    rng = random.Random(16)
    ranges = [(0, 0x20), (0x7F, 0xA0), (0x300, 0x370), (0x600, 0x700), (0x200B, 0x2030),
              (0xD800, 0xE000), (0xE000, 0xE010), (0xFDD0, 0xFE00), (0xFEFF, 0xFF00),
              (0xFFF0, 0x10000), (0x1D7CE, 0x1D800), (0x1F300, 0x1F400), (0x10FFF0, 0x110000)]
    return ["".join(chr(rng.randrange(*rng.choice(ranges))) for _ in range(rng.randint(1, 12)))
            for _ in range(count)]


def _weighed(*groups: list[str]) -> list[str]:
    """One list in which each group is as likely as any other."""
    longest = max(len(group) for group in groups)
    return [value for group in groups for value in group * (longest // len(group))]


# Every hostile value as it goes in the URL: escaped, except RAW's, which are the point.
HOSTILE = _weighed(*(list(map(_escape, group)) for group in (NULS, NUMBERS, DATES, TEXTS,
                                                              _odd_unicode(100))), RAW)
# For parameters that take a number.
HOSTILE_NUMBERS = _weighed(*(list(map(_escape, group)) for group in (NUMBERS, NUMBERS, NULS,
                                                                      TEXTS)), RAW)
# For an int slot of a path: other text would not match the pattern.
HOSTILE_IDS = ["0", *(n for n in NUMBERS if n.isascii() and n.isdigit()), str(2**80)]
ENDINGS = ["x", "//", "/..", "%00", "%ff", "/" + "a" * 300]
# The sweep's: a few of each kind that made a 500 here once.
KNOWN_BAD = ["%00", "%C2%B2", "9" * 5000, str(2**63), "0001-01-01", "9999-12-31", "%ff"]
KNOWN_BAD_IDS = ["0", str(2**63), "9" * 5000]
ODD_NAMES = ("", "\x00", "a[]", "x" * 500, "page[]")
TOO_MANY_FIELDS = "&".join(["x=1"] * 10_001)  # past DATA_UPLOAD_MAX_NUMBER_FIELDS
HEADERS = [
    {"HTTP_ACCEPT": "application/json"}, {"HTTP_ACCEPT": "\x00"},
    {"HTTP_ACCEPT": "text/html;q=x"}, {"HTTP_IF_MODIFIED_SINCE": "Sun, 06 Nov 1994 08:49:37 GMT"},
    {"HTTP_IF_MODIFIED_SINCE": "Fri, 31 Dec 99999 23:59:59 GMT"}, {"HTTP_IF_NONE_MATCH": "*"},
    {"HTTP_IF_NONE_MATCH": '"' + "a" * 1000}, {"HTTP_ACCEPT_LANGUAGE": "x" * 1000},
    {"HTTP_ACCEPT_LANGUAGE": "*;q=nan"}, {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.5"},
    # Cookies: a quoted value may spell NUL ("\\000"); the commenter's key; garbage.
    {"HTTP_COOKIE": 'sessionid="\\000\\000\\000\\000\\000\\000\\000\\000"'},
    {"HTTP_COOKIE": "sessionid=" + "a" * 5000}, {"HTTP_COOKIE": 'csrftoken="\\000"; messages=x'},
    {"HTTP_COOKIE": "nashra_commenter=" + "A" * 30}, {"HTTP_COOKIE": "=;;=x; a; \\000=1"},
    # The reader's address, from a trusted proxy and from anyone.
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "\x00, not-an-address, ::ffff:1.2.3.4"},
    {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, {"REMOTE_ADDR": ""},
    {"HTTP_HOST": "testserver:99999"}, {"HTTP_HOST": "[::1]"}, {"HTTP_HOST": "a" * 300},
    {"HTTP_USER_AGENT": ""}, {"HTTP_USER_AGENT": "\x00" * 10}, {"HTTP_REFERER": "http://\x00"},
    {"HTTP_X_NASHRA_REFRESH": "1"}, {"HTTP_ORIGIN": "null"},
]
# Good values for what the API reads besides the site's ids and slugs.
API_VALUES = {
    "fields": ["title", "*", "_,title", "-title", "body"], "limit": ["1", "5", "20"],
    "order": ["title", "-first_published_at", "id", "random"], "offset": ["0", "1", "2"],
    "search_operator": ["and", "or"], "type": ["news.ArticlePage", "news.SectionPage"],
    "rich_text_format": ["html"], "locale": ["ar"], "_": ["1"], "format": ["json"],
    "published_after": ["2020-01-01"], "published_before": ["2099-12-31"],
    "show_in_menus": ["true", "false"],
}


def _numeric_params(endpoints: list[Endpoint]) -> set[str]:
    """Parameters that take a number: Wagtail's, and the API's filters on integer fields and
    keys. They get mostly odd numbers."""
    names = {"limit", "offset", "id", "child_of", "descendant_of", "ancestor_of",
             "translation_of", "section", "page", "p", "page_id"}
    for endpoint in endpoints:
        model = endpoint.api.model if endpoint.api else None
        for name in endpoint.params if model else ():
            try:
                found = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            while found.is_relation and getattr(found, "target_field", None) is not None:
                found = found.target_field
            if isinstance(found, IntegerField):
                names.add(name)
    return names


class Requests:
    """The strategy for (method, path, query string, headers), built once for the site's ids,
    slugs and paths (`pool`).

    A request is a good one (the pattern's slots and the chosen parameters filled with the
    site's own values) with one input spoiled: a slot, a parameter, the end of the path, an
    odd parameter, raw text after the query or a header; now and then all of them at once. A
    bad value reaches the code behind its input only when nothing else in the request was
    refused first.
    """

    def __init__(self, endpoints: list[Endpoint], pool: dict):
        self.pool = {**API_VALUES, **pool}
        self.numeric = _numeric_params(endpoints)
        self._cache = {}
        public = [e for e in endpoints if not e.route.startswith(ADMIN)]
        admin = [self._to(e) for e in endpoints if e.route.startswith(ADMIN)]
        # Each public URL as often as it has inputs (parameters and slots in the path; the
        # page tree, all path, as often as the busiest), so that each input of each URL gets
        # about as many requests; an admin URL one time in twenty.
        def inputs(e):
            return len(e.params) + len(_SLOT.findall(e.route)) + (e.regex is not None)

        busiest = max(inputs(e) for e in public)
        weighted = [strategy for e in public for strategy in [self._to(e)] * (
            1 + (busiest if e.name == "wagtail_serve" else inputs(e)))]
        weighted = weighted * (19 * len(admin) // len(weighted) + 1) + admin
        # Shuffled: hypothesis draws the first of a list more often than the others.
        random.Random(16).shuffle(weighted)
        self.strategy = st.sampled_from(range(len(weighted))).flatmap(lambda n: weighted[n])

    def _values(self, name: str, *, good: bool) -> st.SearchStrategy:
        """One draw: a good value for the parameter or slot `name`, or a bad one (hostile, or
        a good one spoiled)."""
        key = (name, good)
        if key not in self._cache:
            numeric = name in self.numeric
            real = sorted(map(_escape, self.pool.get(name) or self.pool[
                "int" if numeric else "str"]))
            spoiled = [value + raw for value in real for raw in ("%00", "%ff", "%c3%28")]
            self._cache[key] = st.sampled_from(
                real if good else (HOSTILE_NUMBERS if numeric else HOSTILE) + spoiled)
        return self._cache[key]

    def _pieces(self, endpoint: Endpoint) -> list:
        """The path as pieces: text, or a (good, bad) pair of strategies for a slot."""
        if endpoint.name == "wagtail_serve":  # the page tree: a page, or garbage below one
            pages = st.sampled_from(sorted(self.pool["pages"]))
            below = st.lists(self._values("str", good=False), min_size=1, max_size=2)
            return [(pages, st.tuples(pages, below).map(
                lambda found: found[0] + "".join(f"{part}/" for part in found[1])))]
        route = endpoint.route
        if endpoint.regex is not None:
            # Good: a path the pattern matches (hypothesis builds it from the regex); bad:
            # the pattern's fixed start, then anything.
            start = re.split(r"[(\\\[]", route, maxsplit=1)[0]
            good = st.from_regex(endpoint.regex, fullmatch=True).map(
                lambda raw: "/" + _escape(raw).replace("%2F", "/"))
            bad = self._values("str", good=False).map(lambda value: f"/{start}{value}/")
            return [(good, bad)]
        pieces, last = ["/"], 0
        for match in _SLOT.finditer(route):
            pieces.append(route[last:match.start()])
            good = st.sampled_from(self._good_slot(endpoint, match))
            if match["converter"] == "int":
                pieces.append((good, st.sampled_from(HOSTILE_IDS)))
            else:
                pieces.append((good, self._values(f"slot:{match['name']}", good=False)))
            last = match.end()
        pieces.append(route[last:])
        return pieces

    def _good_slot(self, endpoint: Endpoint, match) -> list[str]:
        """The site's values for a slot: this URL's own (an API detail's ids are of its
        model), the slot name's, or any id or slug."""
        name = match["name"]
        found = (self.pool.get(f"slot:{name}@{endpoint.name}") or self.pool.get(f"slot:{name}")
                 or self.pool["int" if match["converter"] == "int" else "str"])
        return sorted(map(_escape, found))

    def sweep(self, endpoints: list[Endpoint]) -> list[tuple]:
        """Every input of every public URL with each of KNOWN_BAD, alone in a request that is
        otherwise good: the first requests sent, the same every run."""
        found = []
        for endpoint in endpoints:
            if endpoint.route.startswith(ADMIN):
                continue
            bases = []
            if endpoint.name == "wagtail_serve":
                bases = sorted(self.pool["pages"])
                found += [(base + bad + "/", "") for base in bases for bad in KNOWN_BAD]
            elif endpoint.regex is not None:
                start = re.split(r"[(\\\[]", endpoint.route, maxsplit=1)[0]
                found += [(f"/{start}{bad}/", "") for bad in KNOWN_BAD]
            else:
                slots = list(_SLOT.finditer(endpoint.route))
                good = [self._good_slot(endpoint, match)[0] for match in slots]

                def path(values, route=endpoint.route):
                    values = iter(values)
                    return "/" + _SLOT.sub(lambda match: next(values), route)

                bases = [path(good)]
                for n, match in enumerate(slots):
                    bad_ones = KNOWN_BAD_IDS if match["converter"] == "int" else KNOWN_BAD
                    found += [(path([*good[:n], bad, *good[n + 1:]]), "") for bad in bad_ones]
            found += [(base, f"{_escape(name)}={bad}") for base in bases
                      for name in endpoint.params for bad in KNOWN_BAD]
        return [("GET", path, query, {}) for path, query in found]

    def _to(self, endpoint: Endpoint):
        pieces = self._pieces(endpoint)
        slots = sum(isinstance(piece, tuple) for piece in pieces)
        names = endpoint.params
        odd_names = st.sampled_from(EVERYWHERE + ODD_NAMES)

        @st.composite
        def request(draw):
            chosen = draw(st.lists(st.sampled_from(names), max_size=3, unique=True)
                          ) if names else []
            inputs = slots + len(chosen) + 4  # + the path's end, an odd name, raw, a header
            spoiled = draw(st.sampled_from([-1] * (inputs // 5 + 1) + list(range(inputs))))

            def bad(i):
                return spoiled in (i, -1)

            path, i = "", 0
            for piece in pieces:
                if isinstance(piece, tuple):
                    path += draw(piece[1] if bad(i) else piece[0])
                    i += 1
                else:
                    path += piece
            query = [f"{_escape(name)}={draw(self._values(name, good=not bad(i + n)))}"
                     for n, name in enumerate(chosen)]
            i += len(chosen)
            if bad(i):
                path += draw(st.sampled_from(ENDINGS))
            if bad(i + 1):
                name = draw(odd_names)
                query.append(f"{_escape(name)}={draw(self._values(name, good=False))}")
            if bad(i + 2):
                query.append(draw(st.sampled_from(RAW + [TOO_MANY_FIELDS])))
            headers = draw(st.sampled_from(HEADERS)) if bad(i + 3) else {}
            method = draw(st.sampled_from(["GET"] * 9 + ["HEAD"]))
            return method, path, "&".join(query), headers

        return request()


# --- the site they are sent to --------------------------------------------------------------------

def _short_code(number: int) -> str:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    code = ""
    while True:
        number, rest = divmod(number, 36)
        code = alphabet[rest] + code
        if not number:
            return code


def _site_build() -> dict:
    from wagtail.contrib.redirects.models import Redirect

    from nashra.comments import services as comments
    from nashra.news.demo import demo_image
    from nashra.news.models import Author, SectionPage

    home = home_install()
    make = article_maker(home, prefix="fuzz")
    stories = [
        make(title="وزير الصحة يفتتح مستشفى جديداً في غزة", section="أخبار/فلسطين",
             authors=["سلمى حداد"], tags=["غزة", "الصحة"]),
        make(title="المنتخب يفوز في التصفيات", section="رياضة", authors=["عمر يوسف"],
             tags=["كرة القدم"]),
        make(title="خبر ثالث", section="أخبار/فلسطين"),
    ]
    stories[0].hero_image = demo_image(title="صورة", alt="صورة", seed=1, size=(320, 180))
    stories[0].save_revision().publish()
    comment = comments.comment_create(page=stories[0], author_name="سارة", body="تعليق",
                                      author_email="sara@example.org")
    comments.comment_moderate(comment=comment, action="approve")
    Redirect.objects.create(old_path="/old-story", redirect_page=stories[1])
    Redirect.objects.create(old_path="/?p=7", redirect_page=stories[2])
    sections = list(SectionPage.objects.all())
    authors = list(Author.objects.all())
    tags = sorted({tag.slug for story in stories for tag in story.tags.all()})
    pages = ["/", *(page.url for page in [*sections, *stories]),
             *(f"/tag/{_escape(slug)}/" for slug in tags),
             *(f"/author/{_escape(author.slug)}/" for author in authors), "/old-story/"]
    ids = {home.pk, comment.pk, stories[0].hero_image_id, *(p.pk for p in sections + stories),
           *(a.pk for a in authors)}
    slugs = {*tags, *(a.slug for a in authors)}
    sitemaps = {"news", "pages", "tags", "authors", "articles-0"}
    codes = {_short_code(p.pk) for p in stories}
    words = {"غزة", "المنتخب", "مستشفى"}
    # Good values by parameter name, and by slot name ("slot:<name>") for the path; others
    # take any of "str" (or "int" when they take a number).
    return {"pages": pages, "int": {str(i) for i in ids},
            "str": {*slugs, *sitemaps, *codes, *map(str, ids)},
            "slot:slug": slugs, "slot:section": sitemaps, "slot:code": codes,
            "slot:path": {stories[0].hero_image.file.name},
            "slot:section_id": {str(s.pk) for s in sections},
            "slot:comment_id": {str(comment.pk)}, "slot:page_id": {str(p.pk) for p in stories},
            "slot:pk@nashra_api:articles:detail": {str(p.pk) for p in stories},
            "slot:pk@nashra_api:sections:detail": {str(s.pk) for s in sections},
            "slot:pk@nashra_api:authors:detail": {str(a.pk) for a in authors},
            "slot:pk@nashra_api:images:detail": {str(stories[0].hero_image_id)},
            "section": {str(s.pk) for s in sections}, "q": words, "search": words,
            "tag": set(tags), "author": {a.slug for a in authors}, "html_path": set(pages),
            "from": {"2020-01-01"}, "to": {"2099-12-31"}, "page": {"1", "2"}, "comment": {"x"}}


@pytest.fixture(scope="module")
def _site_built(request, django_db_setup, django_db_blocker):
    with shared_rows(request, django_db_blocker, _site_build) as pool:
        yield pool


@pytest.fixture
def site(_site_built, db):
    return _site_built


# --- one request through the production WSGI stack -------------------------------------------------

class _Refused(Exception):
    pass


def _request_key(request) -> tuple:
    # Hypothesis likes to repeat an element of a list; a batch sends each request once.
    method, path, query, headers = request
    return method, path, query, tuple(headers.items())


def _wsgi_app():
    """nashra.wsgi's wrappers around Django's test handler (not its WSGI handler, which
    would close the test's database connection after each request)."""
    from nashra.core.pagecache import page_cache_fast_path
    from nashra.core.proxy import forwarded_address
    from nashra.discovery.wsgi import beacon_fast_path

    handler = ClientHandler(enforce_csrf_checks=True)

    def django_app(environ, start_response):
        response = handler(environ)
        body = b"".join(response) if response.streaming else response.content
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [body]

    return forwarded_address(beacon_fast_path(page_cache_fast_path(django_app)))


def _environ(method: str, path: str, query: str, headers: dict) -> dict:
    return {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "QUERY_STRING": query,
        # What a server does with the request line: percent-escapes undone, bytes as latin-1.
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver", "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Mozilla/5.0 (fuzz)", "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        **headers,
    }


def _problems(records) -> list[str]:
    """Errors and tracebacks logged while answering. Not django.security's: Django logs there
    the request it refused with a 400 (too many fields, a bad Host), as it should."""
    found = []
    for record in records:
        if record.name.startswith("django.security"):
            continue
        if record.levelno >= logging.ERROR or record.exc_info:
            trace = "".join(traceback.format_exception(*record.exc_info)) if record.exc_info else ""
            lines = [line[:300] for line in trace.splitlines()[-30:]]  # 5,000 digits...
            found.append(f"{record.name} {record.levelname}: {record.getMessage()[:300]}\n"
                         + "\n".join(lines))
    return found


# --- the tests -------------------------------------------------------------------------------------

def test_the_fuzzed_urls_are_the_urlconfs():
    """PARAMS names real URLs, and the URLconf's walk finds those of every app."""
    names = {e.name for e in public_endpoints()}
    assert set(PARAMS) <= names, set(PARAMS) - names
    assert {"wagtail_serve", "search", "distribution:feed_tag_rss", "nashra_api:articles:find",
            "comments:reply", "discovery:beacon", "distribution:short_link"} <= names


_READS = re.compile(r"""GET\.get(?:list)?\(\s*(?:["']([^"']+)["']|([A-Z_]+))"""
                    r"""|GET\[\s*["']([^"']+)["']\s*\]"""
                    r"""|["']([^"']+)["']\s+(?:not\s+)?in\s+(?:request\.GET|params)\b""")


@pytest.mark.parametrize("module_name", sorted(VIEW_MODULES))
def test_every_parameter_is_fuzzed(module_name):
    """What a view module reads from request.GET is in PARAMS for its URLs."""
    module = importlib.import_module(module_name)
    read = set()
    for match in _READS.finditer(inspect.getsource(module)):
        literal = match[1] or match[3] or match[4]
        read.add(literal if literal else getattr(module, match[2]))
    fuzzed = {name for url in VIEW_MODULES[module_name] for name in PARAMS[url]}
    assert read - fuzzed - set(EVERYWHERE) == set(), module_name


def test_no_input_makes_a_5xx(site, caplog):
    endpoints = public_endpoints()
    app = _wsgi_app()
    sent = []

    def send(method, path, query, headers):
        seen = {}

        def start_response(status, response_headers):
            seen["status"] = int(status.split()[0])

        caplog.clear()
        try:
            body = b"".join(app(_environ(method, path, query, headers), start_response))
        except Exception:  # out of the WSGI stack: the server answers 500
            seen["status"], body = 500, b""
            logging.getLogger("nashra.fuzz").exception("raised through WSGI")
        problems = _problems(caplog.records)
        if seen["status"] >= 500 or problems:
            raise _Refused(f"{method} {path[:300]}?{query[:300]} {headers} answered "
                           f"{seen['status']}\n{body[:500]!r}\n" + "\n".join(problems))

    requests = Requests(endpoints, site)
    sweep = requests.sweep(endpoints)

    @settings(max_examples=max(1, -(-(REQUESTS - len(sweep)) // BATCH)), deadline=None,
              derandomize=SEED is None, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(requests.strategy, min_size=BATCH, max_size=BATCH, unique_by=_request_key))
    def fuzz(batch):
        # What a batch writes is undone after it, and so is a failed query, after which
        # PostgreSQL would refuse every later one (and hypothesis could not shrink).
        try:
            with transaction.atomic():
                for request in batch:
                    sent.append(request)
                    send(*request)
        except _Refused as refused:
            raise AssertionError(str(refused)) from None

    for start in range(0, len(sweep), BATCH):  # sent first, as hypothesis's explicit examples
        fuzz = example(sweep[start:start + BATCH])(fuzz)
    if SEED is not None:
        fuzz = seed(int(SEED))(fuzz)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        fuzz()
    elapsed = time.monotonic() - started
    print(f"\nfuzz: {len(sent)} requests ({len(sweep)} of the sweep) in {elapsed:.1f} s")
    assert len(sent) >= REQUESTS

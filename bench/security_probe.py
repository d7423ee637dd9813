"""Probe a running `nashra serve` from outside, as the probe of issue 16 did, and print a table.

    .venv/bin/python bench/security_probe.py                # everything, ~3 minutes
    .venv/bin/python bench/security_probe.py --only privacy,login,headers
    .venv/bin/python bench/security_probe.py --pg-url postgres://postgres@127.0.0.1:5432/nashra_probe

It builds a site of its own and probes it over HTTP with the production settings
(nashra.settings.production, SECRET_KEY and the rest from the environment, as
bench/http_bench.sh does), PostgreSQL and Redis:

- PostgreSQL: by default a cluster of its own (initdb as the `postgres` user, port --pg-port,
  5443), so that it can stop it for the outage probe; with --pg-url a fresh database on an
  existing server instead (dropped and created; the outage probe then says "not probed").
- Redis: a redis-server of its own on --redis-port (6394, no persistence), database 14, so that
  it can stop it for the outage probe without touching anyone's Redis.
- `nashra setup --demo` under the production settings (its output is a probe too),
  `collectstatic`, then `nashra serve --bind 127.0.0.1:PORT` (8102) with 2 workers, 4 threads,
  its scheduler and task worker, as in production.

Requests go to the server as nginx would send them: X-Forwarded-Proto https and
X-Forwarded-For the reader's address (127.0.0.1 is a trusted proxy), one address per probe
so the sign-in lockout of one probe does not spill into the next. Writes an editor would make
in the admin (a password on a story, unpublishing, a new unused picture) go through the ORM
in this process, which runs with the same settings, so Wagtail's signals and nashra's change
events fire exactly as they do for the admin.

Prints probe, expected, seen and PASS / FAIL / "not probed"; exits 1 when any probe fails.
docs/security.md holds the threat model and the last run's table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "localhost"  # the Wagtail site's hostname (nashra setup)
ORIGIN = f"https://{HOST}"
LOCKOUT_MESSAGE = "أُوقف تسجيل الدخول مؤقتًا"
ARABIC = re.compile(r"[\u0600-\u06FF]")
TEMPLATE_SYNTAX = ("{#", "#}", "{%", "%}")
# Item 6 of issue 16: GETs that answered 500 to anyone; each must now be a 4xx.
UNAUTHENTICATED_500S = [
    "/api/v2/articles/?author=%00",
    "/api/v2/articles/?tag=%00",
    "/api/v2/articles/?search=%00",
    "/api/v2/articles/?offset=99999999999999999999999",
    "/api/v2/articles/?offset=9223372036854775808",
    "/api/v2/articles/find/?html_path=%00",
    "/api/v2/images/?search=%00",
    "/feeds/tag/%00/rss/",
    "/feeds/author/%00/rss/",
]
# Found since by the fuzz test (commits of issue 16, item 6): each must answer, not 5xx (a
# WordPress short link of 5,000 digits answers the home page).
FUZZ_FINDINGS = [
    "/api/v2/articles/?first_published_at=0001-01-01",
    "/search/?q=x&to=9999-12-31",
    "/search/?q=x&section=%C2%B2",
    "/?p=" + "9" * 5000,
    "/documents/" + "9" * 5000 + "/x.pdf",
    "/discovery/live/most-read/?section=99999999999999999999",
]


# --- HTTP ------------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int  # 0: no answer (connection refused, timeout)
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    error: str = ""
    raw: bytes = b""


class Client:
    """http.client with the headers nginx adds; cookies by hand (the production cookies are
    Secure, which a cookie jar would not send over the loopback's plain http)."""

    def __init__(self, port: int):
        self.port = port

    def fetch(self, method: str, path: str, *, host: str = HOST, addr: str = "10.0.0.1",
              headers: dict | None = None, data: dict | str | None = None,
              cookies: dict | None = None, timeout: float = 20) -> Answer:
        sent = {"Host": host, "X-Forwarded-For": addr, "X-Forwarded-Proto": "https",
                "User-Agent": "nashra-security-probe/1", "Accept-Language": "ar"}
        body = None
        if data is not None:
            body = (data if isinstance(data, str) else urllib.parse.urlencode(data)).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        sent.update(headers or {})
        target = urllib.parse.quote(path, safe="/?=&%:+,;@!$'()*~-._#")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, target, body, sent)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            return Answer(0, error=repr(exc))
        finally:
            conn.close()
        got = {}
        for name, value in response.getheaders():
            key = name.lower()
            got[key] = f"{got[key]}, {value}" if key in got else value
        jar = {}
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        return Answer(response.status, got, raw.decode("utf-8", "replace"), jar, raw=raw)

    def get(self, path: str, **kwargs) -> Answer:
        return self.fetch("GET", path, **kwargs)


def path_forms(path: str) -> set[str]:
    """A page path as it may appear in HTML, XML or JSON: raw, percent-encoded, JSON-escaped."""
    quoted = urllib.parse.quote(path, safe="/")
    return {path, quoted, quoted.lower(), json.dumps(path)[1:-1]}


def mentions(body: str, path: str) -> bool:
    return any(form in body for form in path_forms(path))


def readable(answer: Answer) -> str:
    """The body as a person reads it: a JSON answer's \\u escapes decoded."""
    try:
        return json.dumps(json.loads(answer.body), ensure_ascii=False)
    except ValueError:
        return answer.body


def wait_for(condition, *, seconds: float, step: float = 0.5) -> float | None:
    """Seconds until condition() held, or None if it did not within `seconds`."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        if condition():
            return time.monotonic() - t0
        time.sleep(step)
    return None


# --- results ---------------------------------------------------------------------------------

@dataclass
class Row:
    group: str
    probe: str
    expected: str
    seen: str
    ok: bool | None  # None: not probed


class Results:
    def __init__(self):
        self.rows: list[Row] = []

    def add(self, group: str, probe: str, expected: str, seen: str, ok: bool | None) -> None:
        row = Row(group, probe, expected, seen, ok)
        self.rows.append(row)
        verdict = {True: "PASS", False: "FAIL", None: "not probed"}[ok]
        print(f"  [{verdict}] {group}: {probe} — {seen}", flush=True)

    def table(self) -> str:
        heads = ("#", "probe", "expected", "seen", "result")
        lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        for n, row in enumerate(self.rows, 1):
            verdict = {True: "PASS", False: "**FAIL**", None: "not probed"}[row.ok]
            cells = (str(n), f"{row.group}: {row.probe}", row.expected, row.seen, verdict)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines)


# --- the site under probe ----------------------------------------------------------------------

class Site:
    """Own Redis, own (or given) PostgreSQL database, `nashra serve`; all stopped at the end."""

    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="nashra-probe-"))
        self.own_pg = not args.pg_url
        self.pg_dir = self.work / "pg"
        self.redis_proc: subprocess.Popen | None = None
        self.serve_proc: subprocess.Popen | None = None
        self.setup_output = ""
        # The code under probe: a commit's files (default HEAD), not a working tree that other
        # work in progress may have half-changed; --rev worktree probes the working tree.
        self.tree = ROOT if args.rev == "worktree" else self.work / "tree"
        self.commit = "worktree" if args.rev == "worktree" else subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", args.rev], check=True,
            capture_output=True, text=True).stdout.strip()
        if self.own_pg:
            self.pg_url = f"postgres://postgres@127.0.0.1:{args.pg_port}/nashra_probe"
        else:
            self.pg_url = args.pg_url
        self.redis_db = getattr(args, "redis_db", 14)
        self.redis_url = f"redis://127.0.0.1:{args.redis_port}/{self.redis_db}"
        self.env = {
            "DJANGO_SETTINGS_MODULE": "nashra.settings.production",
            "SECRET_KEY": "probe-only-" + secrets.token_hex(24),
            "SECURE_SSL_REDIRECT": "0",  # nginx redirects to https in production
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BASE_URL": ORIGIN,
            "DATABASE_URL": self.pg_url,
            "REDIS_URL": self.redis_url,
            "NASHRA_VAR_DIR": str(self.work / "var"),
            "MEDIA_ROOT": str(self.work / "media"),
            "STATIC_ROOT": str(self.work / "static"),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(self.tree),
        }

    def tree_export(self) -> None:
        if self.tree == ROOT:
            return
        self.tree.mkdir()
        archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", self.args.rev],
                                   stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(self.tree)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            raise SystemExit(f"git archive {self.args.rev} failed")

    # PostgreSQL
    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=check,
                              capture_output=True, text=True)

    def pg_start(self) -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir), "-l",
                 str(self.pg_dir / "server.log"), "-w", "-o",
                 f"-p {self.args.pg_port} -k {self.pg_dir} -c listen_addresses=127.0.0.1 "
                 "-c fsync=off -c full_page_writes=off -c max_connections=200", "start")

    def pg_stop(self) -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir), "-m", "fast", "-w", "stop",
                 check=False)

    def database_create(self) -> None:
        if self.own_pg:
            self.pg_dir.mkdir()
            shutil.chown(self.work, "postgres")
            shutil.chown(self.pg_dir, "postgres")
            self._pg(str(PG_BIN / "initdb"), "-D", str(self.pg_dir), "-U", "postgres",
                     "-A", "trust", "-E", "UTF8", "--no-sync")
            self.pg_start()
        url = urllib.parse.urlparse(self.pg_url)
        where = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432),
                 "-U", url.username or "postgres"]
        name = url.path.lstrip("/")
        subprocess.run(["dropdb", "--if-exists", *where, name], check=True)
        subprocess.run(["createdb", *where, name], check=True)

    # Redis
    def redis_start(self) -> None:
        self.redis_proc = subprocess.Popen(
            ["redis-server", "--port", str(self.args.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.work)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if self.redis_cli("ping") == "PONG":
                return
            time.sleep(0.1)
        raise SystemExit("security_probe: the probe's redis-server did not start")

    def redis_stop(self) -> None:
        if self.redis_proc and self.redis_proc.poll() is None:
            self.redis_proc.terminate()
            self.redis_proc.wait(timeout=10)
        self.redis_proc = None

    def redis_cli(self, *args: str) -> str:
        done = subprocess.run(["redis-cli", "-p", str(self.args.redis_port), "-n",
                               str(self.redis_db), *args],
                              capture_output=True, text=True, check=False)
        return done.stdout.strip()

    # nashra
    def nashra(self, *args: str) -> str:
        done = subprocess.run([str(BIN / "python"), "-m", "nashra.cli", *args],
                              env={**os.environ, **self.env}, capture_output=True, text=True,
                              cwd=self.tree)
        if done.returncode != 0:
            raise SystemExit(f"nashra {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def serve_start(self) -> None:
        log = open(self.work / "serve.log", "ab")  # noqa: SIM115 - closed with the process
        self.serve_proc = subprocess.Popen(
            [str(BIN / "python"), "-m", "nashra.cli", "serve", "--bind",
             f"127.0.0.1:{self.args.port}", "--workers", "2", "--threads", "4"],
            env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT, cwd=self.tree,
            start_new_session=True)
        client = Client(self.args.port)
        for _ in range(150):
            if client.get("/robots.txt").status == 200:
                return
            if self.serve_proc.poll() is not None:
                raise SystemExit("nashra serve exited:\n" + self.serve_log()[-3000:])
            time.sleep(0.2)
        raise SystemExit("nashra serve did not answer")

    def serve_log(self) -> str:
        path = self.work / "serve.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def serve_stop(self) -> None:
        if self.serve_proc is None:
            return
        # Its own process group (start_new_session): granian's workers, the scheduler and the
        # task worker it started, and nothing else. A task worker in a warm shutdown may
        # outlive the server: whatever of the group is left after 20 s is killed.
        group = self.serve_proc.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            self.serve_proc.poll()
            time.sleep(0.2)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.serve_proc.wait(timeout=10)
        self.serve_proc = None

    def queue_drain(self, *, timeout: float = 600) -> float:
        """Wait until the task queue (rq, in the probe's Redis) is empty: the search index and
        the publish-time renditions of `setup --demo` are made by tasks. Returns seconds."""
        t0 = time.monotonic()
        quiet = 0
        while time.monotonic() - t0 < timeout:
            waiting = int(self.redis_cli("llen", "rq:queue:default") or 0)
            running = int(self.redis_cli("zcard", "rq:wip:default") or 0)
            quiet = quiet + 1 if waiting == 0 and running == 0 else 0
            if quiet >= 4:
                break
            time.sleep(0.5)
        return time.monotonic() - t0

    def close(self) -> None:
        self.serve_stop()
        self.redis_stop()
        if self.own_pg and self.pg_dir.exists():
            self.pg_stop()
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)


# --- probes ----------------------------------------------------------------------------------

class Probe:
    def __init__(self, site: Site, results: Results):
        self.site = site
        self.client = Client(site.args.port)
        self.results = results
        self.passwords: dict[str, str] = {}
        self._address = 0

    def address(self) -> str:
        """A reader address of its own for each use (per-address limits stay apart)."""
        self._address += 1
        return f"10.{(self._address >> 16) & 255}.{(self._address >> 8) & 255}.{self._address & 255}"

    def add(self, *args) -> None:
        self.results.add(*args)

    # helpers over Django (this process runs the same production settings)
    @staticmethod
    def db_reset() -> None:
        from django.db import connections

        for conn in connections.all():
            conn.close()

    @staticmethod
    def stories():
        from nashra.news.models import ArticlePage

        return ArticlePage.objects.live().public().order_by("-first_published_at", "-pk")

    @staticmethod
    def page_path(page) -> str:
        return page.get_url_parts()[2]

    def comment_settings(self, **values) -> dict:
        from wagtail.models import Site as WagtailSite

        from nashra.comments.models import CommentSettings

        row = CommentSettings.for_site(WagtailSite.objects.get(is_default_site=True))
        before = {name: getattr(row, name) for name in values}
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        return before

    def comment_token(self, addr: str) -> tuple[dict, dict]:
        answer = self.client.get("/comments/token/", addr=addr)
        token = json.loads(answer.body) if answer.status == 200 else {}
        return token, answer.cookies

    def comment_post(self, *, page_id: int, token: dict, cookies: dict, addr: str,
                     text: str) -> Answer:
        return self.client.fetch(
            "POST", f"/comments/post/{page_id}/", addr=addr, cookies=cookies,
            headers={"Accept": "application/json", "Origin": ORIGIN},
            data={"body": text, "author_name": "قارئ الفحص", "author_email": "probe@example.org",
                  "csrfmiddlewaretoken": token.get("csrf", ""), "ts": token.get("ts", "")})

    def login(self, username: str, password: str, *, addr: str) -> Answer:
        form = self.client.get("/admin/login/", addr=addr)
        csrf = form.cookies.get("csrftoken", "")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
        return self.client.fetch(
            "POST", "/admin/login/", addr=addr, cookies={"csrftoken": csrf},
            headers={"Origin": ORIGIN, "Referer": f"{ORIGIN}/admin/login/"},
            data={"username": username, "password": password, "next": "/admin/",
                  "csrfmiddlewaretoken": match.group(1) if match else ""})

    @staticmethod
    def signed_in(answer: Answer) -> bool:
        return answer.status == 302 and "sessionid" in answer.cookies and \
            "/login" not in answer.headers.get("location", "")

    # 2. setup --demo (run before the server starts; its output is read here)
    def setup_demo(self) -> None:
        out = self.site.setup_output
        known = [pw for pw in ("nashra-admin", "nashra-editor", "nashra-reporter") if pw in out]
        for line in out.splitlines():
            match = re.match(r"\s+.+: (\w+) / (\S+)$", line)
            if match:
                self.passwords[match.group(1)] = match.group(2)
        self.add("2 sign-in", "setup --demo under production prints no README password",
                 "none of nashra-admin/-editor/-reporter; random ones printed once",
                 f"README passwords printed: {known or 'none'}; accounts printed: "
                 f"{sorted(self.passwords)}", not known and len(self.passwords) == 3)
        answer = self.login("admin", "nashra-admin", addr=self.address())
        self.add("2 sign-in", "admin / nashra-admin (the README's) signs in",
                 "refused", f"HTTP {answer.status}, "
                 f"{'signed in' if self.signed_in(answer) else 'not signed in'}",
                 not self.signed_in(answer))
        if "reporter" in self.passwords:
            answer = self.login("reporter", self.passwords["reporter"], addr=self.address())
            self.add("2 sign-in", "the printed random password signs in (control)",
                     "signed in", f"HTTP {answer.status} → {answer.headers.get('location', '')}",
                     self.signed_in(answer))

    # 1. privacy: a story made private, unpublished, or under a restricted section
    def surfaces(self, story) -> dict:
        path = self.page_path(story)
        title = story.title
        q = urllib.parse.quote(title)

        def page() -> bool:
            answer = self.client.get(path, addr="10.250.0.1")
            return answer.status == 200 and marker in answer.body

        def listed(url: str):
            return lambda: mentions(self.client.get(url, addr="10.250.0.2").body, path)

        def sitemaps() -> bool:
            index = self.client.get("/sitemap.xml", addr="10.250.0.3").body
            for loc in re.findall(r"<loc>([^<]+)</loc>", index):
                child = urllib.parse.urlparse(loc).path
                if "/tags" in child or "/authors" in child:
                    continue
                if mentions(self.client.get(child, addr="10.250.0.3").body, path):
                    return True
            return False

        def api_detail() -> bool:
            return self.client.get(f"/api/v2/articles/{story.pk}/", addr="10.250.0.4").status == 200

        def api_list() -> bool:
            body = self.client.get("/api/v2/articles/?limit=20&order=-first_published_at",
                                   addr="10.250.0.4").body
            try:
                return any(item.get("id") == story.pk for item in json.loads(body)["items"])
            except (ValueError, KeyError, TypeError):
                return False

        answer = self.client.get(path, addr="10.250.0.1")
        paragraphs = sorted(re.findall(r"<p[^>]*>([^<]{40,})</p>", answer.body), key=len)
        marker = paragraphs[-1] if paragraphs else title
        section_path = self.page_path(story.get_parent())
        return {
            "story page (page cache)": page,
            "home page": listed("/"),
            "section page": listed(section_path),
            "RSS feed": listed("/feeds/rss/"),
            "Atom feed": listed("/feeds/atom/"),
            "sitemaps": sitemaps,
            "News sitemap": listed("/sitemaps/news.xml"),
            "API list": api_list,
            "API detail": api_detail,
            "search page": listed(f"/search/?q={q}"),
            "search API": listed(f"/api/search/?q={q}"),
        }

    def watch_disappear(self, label: str, story, change, *, limit: float = 1.0) -> None:
        checks = self.surfaces(story)
        for _ in range(2):  # warm every cache with the story in it
            shown = {name: check() for name, check in checks.items()}
        missing = [name for name, was in shown.items() if not was]
        if missing:
            self.add("1 privacy", f"{label}: shown everywhere before", "shown on all surfaces",
                     f"not shown before on: {', '.join(missing)}", False)
            checks = {name: check for name, check in checks.items() if name not in missing}
        change()
        t0 = time.monotonic()
        gone_at: dict[str, float | None] = {}

        def poll(name: str) -> None:
            # The time a request was sent that no longer showed the story: a reader arriving
            # then sees it gone (a render under the machine's load may take longer to answer).
            while time.monotonic() - t0 < 10:
                sent = time.monotonic() - t0
                if not checks[name]():
                    gone_at[name] = sent
                    return
                time.sleep(0.1)
            gone_at[name] = None

        with ThreadPoolExecutor(len(checks)) as pool:
            list(pool.map(poll, checks))
        time.sleep(1.5)  # and it stays gone (no render in flight put it back)
        back = [name for name, check in checks.items() if check()]
        late = {n: t for n, t in gone_at.items() if t is None or t > limit}
        worst = max((t for t in gone_at.values() if t is not None), default=0.0)
        seen = f"gone from {len(checks) - len(late)}/{len(checks)} for requests sent within " \
               f"{limit:.0f} s (latest {worst:.2f} s)"
        if late:
            seen += "; late or never: " + ", ".join(
                f"{n} {'never' if t is None else f'{t:.2f} s'}" for n, t in late.items())
        if back:
            seen += "; shown again 1.5 s later: " + ", ".join(back)
        self.add("1 privacy", label, f"gone from all {len(checks)} surfaces within 1 s",
                 seen, not late and not back and not missing)

    def privacy(self) -> None:
        from wagtail.models import PageViewRestriction

        stories = list(self.stories()[:3])
        first, second = stories[0], stories[1]
        self.watch_disappear(
            "password set on a live story (Privacy)", first,
            lambda: PageViewRestriction.objects.create(
                page=first, restriction_type=PageViewRestriction.PASSWORD,
                password="probe-" + secrets.token_hex(4)))
        self.watch_disappear("story unpublished", second, lambda: second.unpublish())
        third = next((s for s in self.stories()[:20]
                      if s.get_parent().pk not in {first.get_parent().pk,
                                                   second.get_parent().pk}), None)
        if third is None:
            self.add("1 privacy", "sign-in required on a story's section", "gone", "no story in "
                     "another section to probe", None)
            return
        section = third.get_parent()
        restriction = {}

        def restrict():
            restriction["row"] = PageViewRestriction.objects.create(
                page=section, restriction_type=PageViewRestriction.LOGIN)

        self.watch_disappear("sign-in required on the story's section", third, restrict)
        restriction["row"].delete()  # the section's other stories serve the probes below

    # 3. images API
    def images(self) -> None:
        from django.core.files.images import ImageFile
        from PIL import Image as PILImage
        from wagtail.images import get_image_model

        from nashra.news.models import StoryImage

        image_model = get_image_model()
        buffer = io.BytesIO()
        PILImage.new("RGB", (1200, 800), (90, 20, 40)).save(buffer, "JPEG")
        name = f"embargo-probe-{secrets.token_hex(4)}.jpg"
        unused = image_model(title="صورة محظورة حتى موعد النشر", description="فحص")
        unused.file = ImageFile(buffer, name=name)
        unused.save()
        listed, offset, answers = [], 0, []
        while True:
            answer = self.client.get(f"/api/v2/images/?limit=20&offset={offset}&fields=*",
                                     addr=self.address())
            answers.append(answer.body)
            try:
                items = json.loads(answer.body)["items"]
            except (ValueError, KeyError):
                break
            listed += [item["id"] for item in items]
            if len(items) < 20:
                break
            offset += 20
        text = "".join(answers)
        detail = self.client.get(f"/api/v2/images/{unused.pk}/", addr=self.address())
        self.add("3 images", "a new picture no story uses (embargoed)",
                 "absent from the list, detail 404, file name nowhere",
                 f"listed: {unused.pk in listed}; detail HTTP {detail.status}; file name in "
                 f"answers: {name.rsplit('.', 1)[0] in text + detail.body}",
                 unused.pk not in listed and detail.status == 404
                 and name.rsplit(".", 1)[0] not in text + detail.body)
        shown = set(StoryImage.objects.filter(story__in=self.stories())
                    .values_list("image_id", flat=True))
        stray = sorted(set(listed) - shown)
        self.add("3 images", "every listed image is shown by a live public story",
                 "no other image listed", f"{len(listed)} listed, {len(stray)} not shown by one"
                 + (f" (ids {stray[:10]})" if stray else ""), bool(listed) and not stray)
        # Renditions: none made by anonymous requests.
        rendition_model = image_model.get_rendition_model()
        media = Path(self.site.env["MEDIA_ROOT"])

        def count() -> tuple[int, int]:
            files = sum(1 for p in media.rglob("*") if p.is_file() and "images" in p.parts)
            return rendition_model.objects.count(), files

        before, stable_since = count(), time.monotonic()
        waited = time.monotonic()
        while time.monotonic() - stable_since < 3 and time.monotonic() - waited < 60:
            time.sleep(0.5)  # the task worker may still be making publish-time renditions
            now = count()
            if now != before:
                before, stable_since = now, time.monotonic()
        requests = [f"/api/v2/images/{pk}/?fields=*" for pk in [*listed, unused.pk]]
        requests += ["/api/v2/images/?fields=*&limit=20", "/api/v2/articles/?fields=*&limit=20"]
        requests += [f"/api/v2/articles/{s.pk}/?fields=*" for s in self.stories()[:10]]
        requests += ["/api/v2/authors/?fields=*", "/api/v2/sections/?fields=*"]
        for url in requests:
            self.client.get(url, addr=self.address())
        time.sleep(1)
        after = count()
        self.add("3 images", f"renditions made by {len(requests)} anonymous API requests",
                 "none (rows, files)", f"rows {before[0]} → {after[0]}, files {before[1]} → "
                 f"{after[1]}", after == before)

    # 4. most read
    def beacons(self) -> None:
        from django.db.models import Sum

        from nashra.discovery.models import HourlyViews
        from nashra.discovery.services import views_flush

        stories = list(self.stories()[:6])
        beacons = {}
        for story in stories[-2:]:
            body = self.client.get(self.page_path(story), addr=self.address()).body
            match = re.search(r'data-view-beacon="([^"]+)"', body)
            beacons[story.pk] = match.group(1) if match else None
        if not all(beacons.values()):
            self.add("4 most read", "beacon address in the story page", "present",
                     f"missing on {[pk for pk, b in beacons.items() if not b]}", False)
            return
        rigged, control = list(beacons)

        def reads(pk: int) -> int:
            views_flush()
            return HourlyViews.objects.filter(article_id=pk).aggregate(n=Sum("count"))["n"] or 0

        one = self.address()
        before = reads(rigged)
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: self.client.fetch("POST", beacons[rigged],
                                                              addr=one).status, range(300)))
        counted = reads(rigged) - before
        self.add("4 most read", "300 beacons from one client for one story", "≤ 3 reads counted",
                 f"{counted} counted; answers {sorted(set(codes))}", counted <= 3)
        before = reads(control)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: self.client.fetch("POST", beacons[control],
                                                      addr=self.address()), range(300)))
        counted = reads(control) - before
        self.add("4 most read", "300 beacons from 300 readers (control)", "300 reads counted",
                 f"{counted} counted", counted == 300)
        _, _, pk, issued, signature = beacons[rigged].strip("/").split("/")
        forged = f"/discovery/v/{pk}/{issued}/{secrets.token_hex(8)}/"
        old = f"/discovery/v/{pk}/{signature}/"
        before = reads(rigged)
        statuses = [self.client.fetch("POST", forged, addr=self.address()).status
                    for _ in range(20)]
        old_status = self.client.get(old, addr=self.address()).status  # as <noscript>'s img
        counted = reads(rigged) - before
        self.add("4 most read", "20 beacons with a forged signature; the old fixed path",
                 "0 counted; old path 400", f"{counted} counted (answers "
                 f"{sorted(set(statuses))}); old path HTTP {old_status}",
                 counted == 0 and old_status == 400)

    # 6. no input makes a 5xx
    def no_5xx(self) -> None:
        for url in [*UNAUTHENTICATED_500S, *FUZZ_FINDINGS]:
            answer = self.client.get(url, addr=self.address())
            shown = url if len(url) < 70 else url[:40] + f"…({len(url)} chars)"
            if url in UNAUTHENTICATED_500S:
                self.add("6 no 5xx", f"GET {shown}", "4xx", f"HTTP {answer.status}",
                         400 <= answer.status < 500)
            else:
                self.add("6 no 5xx", f"GET {shown}", "an answer, not 5xx",
                         f"HTTP {answer.status}", 0 < answer.status < 500)
        answer = self.client.get("/", addr=self.address(),
                                 cookies={"sessionid": '"\\000' + "a" * 31 + '"'})
        self.add("6 no 5xx", "GET / with a session cookie spelling NUL", "not 5xx",
                 f"HTTP {answer.status}", 0 < answer.status < 500)

    # 7. headers
    def headers(self) -> None:
        story = self.stories().first()
        pages = {"home": "/", "story": self.page_path(story),
                 "section": self.page_path(story.get_parent()),
                 "search": "/search/?q=" + urllib.parse.quote("غزة"),
                 "sign-in": "/admin/login/"}
        for name, url in pages.items():
            answer = self.client.get(url, addr=self.address())
            csp = answer.headers.get("content-security-policy", "")
            directives = {d.strip().split(" ", 1)[0]: d.strip() for d in csp.split(";") if d.strip()}
            script = directives.get("script-src", directives.get("default-src", ""))
            body = answer.body
            # json_script and JSON-LD are data, never run (and CSP does not apply to them)
            inline = [m for m in re.findall(r"<script\b[^>]*>", body)
                      if "src=" not in m and not re.search(r'type="application/[a-z+]*json"', m)]
            handlers = re.findall(r"<[^>]+\s(on[a-z]+)=", body)
            styles = re.findall(r"<[^>]+\sstyle=", body) + re.findall(r"<style\b", body)
            problems = []
            if "default-src 'self'" not in csp:
                problems.append("no default-src 'self'")
            if "'unsafe-inline'" in script or "'unsafe-eval'" in script:
                problems.append(f"script-src allows inline: {script}")
            if inline or handlers or styles:
                problems.append(f"{len(inline)} inline scripts, {len(handlers)} handlers, "
                                f"{len(styles)} inline styles")
            self.add("7 headers", f"CSP of the {name} page ({answer.status})",
                     "default-src 'self', no inline script or style allowed or present",
                     "; ".join(problems) or f"script-src {script.split(' ', 1)[-1]}; "
                     "no inline script, handler or style", not problems)
        answer = self.client.get("/", addr=self.address())
        policy = answer.headers.get("permissions-policy", "")
        self.add("7 headers", "Permissions-Policy", "present, camera/geolocation/microphone off",
                 policy[:80] + ("…" if len(policy) > 80 else "") or "absent",
                 all(f"{f}=()" in policy for f in ("camera", "geolocation", "microphone")))
        hsts = answer.headers.get("strict-transport-security", "")
        self.add("7 headers", "HSTS by default", "max-age, no includeSubDomains, no preload",
                 hsts or "absent", hsts.startswith("max-age=")
                 and "includesubdomains" not in hsts.lower() and "preload" not in hsts.lower())

    def cache_keys(self) -> None:
        story = self.stories().first()
        urls = ["/", self.page_path(story), "/feeds/rss/", "/sitemap.xml",
                "/sitemaps/news.xml", "/api/v2/articles/", "/api/v2/images/"]
        for url in urls:  # the entries a normal Host makes
            self.client.get(url, addr=self.address())
        time.sleep(0.5)
        before = int(self.site.redis_cli("dbsize") or 0)
        variants = 150
        statuses = {}
        for n in range(variants):
            host = f"{HOST}:{20000 + n}" if n % 2 else f"{HOST.upper()}:{n + 1}"
            for url in urls:
                sep = "&" if "?" in url else "?"
                for target in (url, f"{url}{sep}utm_source=p{n}"):
                    status = self.client.get(target, host=host, addr=self.address()).status
                    statuses[status] = statuses.get(status, 0) + 1
        after = int(self.site.redis_cli("dbsize") or 0)
        sent = variants * len(urls) * 2
        self.add("7 headers", f"cache keys: {sent} GETs under {variants} Host:port variants "
                 "and tracking parameters", "Redis keys grow by < 30 (not one per variant)",
                 f"{before} → {after} keys (+{after - before}); answers {statuses}",
                 after - before < 30)

    # 8. error pages
    def error_pages(self) -> None:
        missing = "/no-such-page-" + secrets.token_hex(3) + "/"
        cases = {
            # (not "/": the page cache answers a cached page before Django reads the Host, and
            # what it answers was rendered for an allowed one)
            "400 (a Host not allowed)": self.client.get(missing, host="evil.example",
                                                        addr=self.address()),
            "403 (a sign-in without CSRF)": self.client.fetch(
                "POST", "/admin/login/", addr=self.address(),
                data={"username": "x", "password": "y"}, headers={"Origin": ORIGIN}),
            "404": self.client.get(missing, addr=self.address()),
        }
        for name, answer in cases.items():
            found = [s for s in TEMPLATE_SYNTAX if s in answer.body]
            self.add("8 error pages", f"{name} page", "expected status, Arabic, no template "
                     "syntax", f"HTTP {answer.status}; template syntax: {found or 'none'}; "
                     f"Arabic: {bool(ARABIC.search(answer.body))}",
                     answer.status == int(name[:3]) and not found
                     and bool(ARABIC.search(answer.body)))

    # 2. lockout (after the probes above: it locks an account out for the cool-off)
    def lockout(self) -> None:
        if "editor" not in self.passwords:
            self.add("2 sign-in", "lockout", "refused", "no editor password printed", None)
            return
        addr = self.address()
        answers = [self.login("editor", f"wrong-{n}", addr=addr) for n in range(20)]
        right = self.login("editor", self.passwords["editor"], addr=addr)
        self.add("2 sign-in", "20 wrong passwords, then the right one (one address)",
                 "refused, Arabic lockout message",
                 f"wrong: {sorted({a.status for a in answers})}; right: HTTP {right.status}, "
                 f"{'signed in' if self.signed_in(right) else 'not signed in'}, message "
                 f"{'shown' if LOCKOUT_MESSAGE in right.body else 'absent'}",
                 not self.signed_in(right) and LOCKOUT_MESSAGE in right.body)
        other = self.login("editor", self.passwords["editor"], addr=self.address())
        self.add("2 sign-in", "the right password from another address (account lockout)",
                 "refused", f"HTTP {other.status}, "
                 f"{'signed in' if self.signed_in(other) else 'not signed in'}",
                 not self.signed_in(other))
        if "admin" in self.passwords:
            other = self.login("admin", self.passwords["admin"], addr=addr)
            self.add("2 sign-in", "another account from the locked-out address",
                     "refused", f"HTTP {other.status}, "
                     f"{'signed in' if self.signed_in(other) else 'not signed in'}",
                     not self.signed_in(other))

    # 5. Redis down
    def redis_down(self) -> None:
        story = self.stories().first()
        # Everything this process needs from Django is read first: its own cache is that Redis.
        urls = {"home": "/", "story": self.page_path(story),
                "section": self.page_path(story.get_parent()),
                "search": "/search/?q=" + urllib.parse.quote(story.title[:20]),
                "feed": "/feeds/rss/", "API": "/api/v2/articles/"}
        session = {}
        if "admin" in self.passwords:
            answer = self.login("admin", self.passwords["admin"], addr=self.address())
            session = {"sessionid": answer.cookies.get("sessionid", "")}
        limit = 3
        saved = self.comment_settings(posts_per_ip_per_hour=limit, close_after_days=0)
        poster = self.address()
        token, cookies = self.comment_token(poster)
        time.sleep(3.5)  # the form's minimum fill time
        self.site.redis_stop()
        try:
            t0 = time.monotonic()
            statuses = {name: [self.client.get(url, addr=self.address(), timeout=30).status
                               for _ in range(5)] for name, url in urls.items()}
            posts = [self.comment_post(page_id=story.pk, token=token, cookies=cookies,
                                       addr=poster, text=f"تعليق أثناء انقطاع ريديس رقم {n}، "
                                       "شكرًا على الخبر.") for n in range(limit + 2)]
            admin = (self.client.get("/admin/", addr=self.address(), cookies=session)
                     if session.get("sessionid") else None)
            elapsed = time.monotonic() - t0
        finally:
            self.site.redis_start()
        for name, codes in statuses.items():
            self.add("5 Redis down", f"{name} ×5", "200", f"{codes}",
                     all(c == 200 for c in codes))
        post_codes = [p.status for p in posts]
        # Fail safe, not open: posts whose address cannot be counted may be taken, but no more
        # than the limit may go public (nashra holds them for a moderator).
        self.site.queue_drain(timeout=60)
        from nashra.comments.models import Comment

        statuses_kept = list(Comment.objects.filter(body__contains="أثناء انقطاع ريديس")
                             .values_list("status", flat=True))
        published = sum(1 for st in statuses_kept if st == Comment.Status.APPROVED)
        self.add("5 Redis down", f"{limit + 2} comment posts from one address (limit {limit}/h)",
                 f"answered, no 5xx; at most {limit} published",
                 f"{post_codes}; kept as {sorted(statuses_kept)}",
                 all(0 < c < 500 for c in post_codes) and published <= limit)
        if admin is None:
            self.add("5 Redis down", "an editor's session", "survives", "no session", None)
        else:
            self.add("5 Redis down", "an editor's session (GET /admin/)", "200, still signed in",
                     f"HTTP {admin.status} {admin.headers.get('location', '')}",
                     admin.status == 200)

        def cached_again() -> bool:
            first = self.client.get(urls["story"], addr=self.address())
            second = self.client.get(urls["story"], addr=self.address())
            return first.status == 200 and second.headers.get("x-page-cache") == "HIT"

        recovered = wait_for(cached_again, seconds=15)
        self.add("5 Redis down", "Redis back: the page cache serves again",
                 "within 15 s, without a restart",
                 f"after {recovered:.1f} s" if recovered is not None else "not within 15 s",
                 recovered is not None)
        self.comment_settings(**saved)
        print(f"    (requests during the outage took {elapsed:.1f} s)")

    # 5. PostgreSQL down
    def postgres_down(self) -> None:
        if not self.site.own_pg:
            self.add("5 PostgreSQL down", "cached pages, search, posts, reconnect",
                     "—", "not probed: --pg-url names a server this probe may not stop", None)
            return
        from nashra.news.services import ArticleInput, article_upsert

        # A story due while the database is away (it stays away 25 s): the scheduler must
        # publish it once the database is back.
        scheduled, _ = article_upsert(data=ArticleInput(
            title="خبر مجدول أثناء انقطاع قاعدة البيانات " + secrets.token_hex(2),
            body="نص خبر مجدول للنشر بعد ثوانٍ، لفحص عودة المجدول بعد انقطاع قاعدة البيانات.",
            section="أخبار/فحص", published_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=15)))
        story = self.stories().first()
        path = self.page_path(story)
        poster = self.address()
        self.comment_settings(close_after_days=0, posts_per_ip_per_hour=100)
        token, cookies = self.comment_token(poster)
        time.sleep(3.5)  # the form's minimum fill time
        for _ in range(2):  # after the writes above, which purge the home page
            self.client.get(path, addr=self.address())
            self.client.get("/", addr=self.address())
        self.db_reset()
        self.site.pg_stop()
        stopped = time.monotonic()
        results = {
            "cached story": self.client.get(path, addr=self.address(), timeout=30),
            "cached home page": self.client.get("/", addr=self.address(), timeout=30),
            "search": self.client.get("/search/?q=" + urllib.parse.quote("خبر"),
                                      addr=self.address(), timeout=30),
            "comment post": self.comment_post(page_id=story.pk, token=token, cookies=cookies,
                                              addr=poster, text="تعليق أثناء انقطاع قاعدة "
                                              "البيانات، شكرًا على الخبر."),
        }
        for name in ("cached story", "cached home page"):
            a = results[name]
            self.add("5 PostgreSQL down", name, "200 from the cache",
                     f"HTTP {a.status} {a.headers.get('x-page-cache', '')}", a.status == 200)
        for name in ("search", "comment post"):
            a = results[name]
            retry = a.headers.get("retry-after", "")
            arabic = bool(ARABIC.search(readable(a)))
            self.add("5 PostgreSQL down", name, "503, Retry-After, Arabic",
                     f"HTTP {a.status}, Retry-After {retry or 'absent'}, Arabic {arabic}",
                     a.status == 503 and bool(retry) and arabic)
        time.sleep(max(0.0, 25 - (time.monotonic() - stopped)))
        self.site.pg_start()
        back = wait_for(lambda: self.client.get("/search/?q=" + urllib.parse.quote("خبر"),
                                                addr=self.address()).status == 200, seconds=30)
        self.add("5 PostgreSQL down", "PostgreSQL back: search answers", "200 within 30 s",
                 f"after {back:.1f} s" if back is not None else "not within 30 s",
                 back is not None)
        self.db_reset()
        token, cookies = self.comment_token(poster)
        time.sleep(3.5)
        post = self.comment_post(page_id=story.pk, token=token, cookies=cookies, addr=poster,
                                 text="تعليق بعد عودة قاعدة البيانات، شكرًا على الخبر.")
        self.add("5 PostgreSQL down", "PostgreSQL back: a comment post", "200",
                 f"HTTP {post.status}", post.status == 200)

        def published() -> bool:
            scheduled.refresh_from_db()
            return scheduled.live

        live = wait_for(published, seconds=90, step=1)
        self.add("5 PostgreSQL down", "the scheduler publishes a story due during the outage",
                 "live within 90 s of the database's return",
                 f"live after {live:.0f} s" if live is not None else "not live after 90 s",
                 live is not None)


# --- main ------------------------------------------------------------------------------------

ORDER = ["privacy", "images", "beacons", "no5xx", "headers", "keys", "errors", "demo",
         "lockout", "redis", "postgres"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--redis-port", type=int, default=6394)
    parser.add_argument("--pg-port", type=int, default=5443)
    parser.add_argument("--pg-url", help="use this database (dropped and created) instead of "
                        "a cluster of the probe's own; the PostgreSQL outage is then not probed")
    parser.add_argument("--only", help="comma-separated: " + ",".join(ORDER))
    parser.add_argument("--rev", default="HEAD", help="the commit to probe (default HEAD); "
                        "'worktree' probes the working tree as it is")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    parser.add_argument("--hold", type=float, default=0,
                        help="keep the site up this many seconds after the probes (debugging)")
    args = parser.parse_args()
    wanted = args.only.split(",") if args.only else ORDER
    unknown = set(wanted) - set(ORDER)
    if unknown:
        parser.error(f"unknown probes: {sorted(unknown)}")
    if Client(args.port).get("/robots.txt").status:
        parser.error(f"something already answers on 127.0.0.1:{args.port}")
    if not args.pg_url and os.geteuid() != 0:
        parser.error("a PostgreSQL cluster of the probe's own needs root (runuser -u postgres);"
                     " or pass --pg-url")

    site = Site(args)
    results = Results()
    started = dt.datetime.now(dt.UTC)
    try:
        print(f"== building the site in {site.work} (PostgreSQL {site.pg_url}, Redis "
              f"{site.redis_url})", flush=True)
        site.tree_export()
        site.database_create()
        site.redis_start()
        os.environ.update(site.env)
        site.setup_output = site.nashra("setup", "--demo")
        site.nashra("collectstatic", "--noinput", "-v0")
        import django

        sys.path.insert(0, str(site.tree))
        django.setup()
        print(f"== nashra serve on 127.0.0.1:{args.port}", flush=True)
        site.serve_start()
        waited = site.queue_drain()
        print(f"== task queue drained in {waited:.0f} s (search index, renditions)", flush=True)
        probe = Probe(site, results)
        steps = {"privacy": probe.privacy, "images": probe.images, "beacons": probe.beacons,
                 "no5xx": probe.no_5xx, "headers": probe.headers, "keys": probe.cache_keys,
                 "errors": probe.error_pages, "demo": probe.setup_demo, "lockout": probe.lockout,
                 "redis": probe.redis_down, "postgres": probe.postgres_down}
        if "lockout" in wanted or "redis" in wanted:
            # the passwords setup printed (and the README-password probe) come first
            wanted = [w for w in ORDER if w in wanted or w == "demo"]
        checked_log = None
        for name in wanted:
            if name in ("redis", "postgres") and checked_log is None:
                checked_log = site.serve_log()  # outages may log their errors
            print(f"-- {name}", flush=True)
            try:
                steps[name]()
            except Exception as exc:  # a probe that breaks is a failure, and the others run
                import traceback

                traceback.print_exc()
                results.add(name, "the probe itself", "runs", f"raised {exc!r}"[:200], False)
                probe.db_reset()
        if args.hold:
            print(f"== holding the site for {args.hold:.0f} s", flush=True)
            time.sleep(args.hold)
        log = site.serve_log() if checked_log is None else checked_log
        lines = log.splitlines()
        errors = [n for n, line in enumerate(lines) if "Traceback" in line]
        results.add("server", "tracebacks in nashra serve's log (before the outages)", "none",
                    f"{len(errors)}", not errors)
        if errors:
            print("   the first one, with what the log said before it:")
            print("\n".join("   | " + line for line in lines[max(0, errors[0] - 3):errors[0] + 40]))
    finally:
        site.close()
    finished = dt.datetime.now(dt.UTC)
    failed = sum(1 for r in results.rows if r.ok is False)
    passed = sum(1 for r in results.rows if r.ok)
    unprobed = sum(1 for r in results.rows if r.ok is None)
    head = (f"bench/security_probe.py {' '.join(sys.argv[1:])}".strip()
            + f" — {started:%Y-%m-%d %H:%M}–{finished:%H:%M} UTC, git {site.commit}, "
            f"{os.cpu_count()} cores; {passed} pass, {failed} fail, {unprobed} not probed")
    print()
    print(head)
    print(results.table())
    if args.markdown:
        args.markdown.write_text(head + "\n\n" + results.table() + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)

"""Wire desk figures (issue 19): ingest speed, an unchanged poll, grouping and the inbox at scale.

    .venv/bin/python bench/wire_ingest.py [--items 10000] [--archive 100000] [--samples 200]

Builds its own install in a temporary SQLite database (or DATABASE_URL's, which must be an empty
database) with the dev settings, then:

1. ingests --items items from three providers: an RSS feed over HTTP (a local server on port
   8106), a folder of NewsML-G2 newsMessages (10 items each) and a folder of NINJS files,
   through the same round as `nashra wire-poll` (parse, sanitize, analyse, MinHash, group);
2. polls the RSS provider again unchanged and counts the requests the server saw;
3. fills the inbox to --archive items (rows written in bulk, signatures and bands computed as
   ingest does; bands only for the grouping window) and times grouping a new item;
4. times the admin inbox page (signed-in editor, Django's test client) at that size: plain,
   filtered by provider, and with an Arabic search.

Texts are agency-style Arabic made from the demo corpus's vocabulary; every tenth item retells
an earlier one in other words, so groups form. No network beyond 127.0.0.1.
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="wire-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ.setdefault("NASHRA_VAR_DIR", str(TMP))
os.environ["DJANGO_SETTINGS_MODULE"] = "nashra.settings.dev"
os.environ.setdefault("NASHRA_TASKS", "immediate")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

PORT = 8106
VOCAB = json.loads((ROOT / "nashra/news/demo/corpus/vocabulary.json").read_text("utf-8"))
PLACES = [city for region in VOCAB["regions"].values() for country in region["countries"]
          for city in country[3]]
NAMES = VOCAB["first_names"]
SENTENCES = VOCAB["generic_sentences"] + VOCAB["closings"]
WORDS = sorted({w for s in SENTENCES + VOCAB["quote_sentences"] for w in s.split()
                if "{" not in w} | set(PLACES) | set(NAMES))
VERBS = ["يبحث", "يعلن", "يستقبل", "يحذر من", "يفتتح", "يدين", "يرحب بـ", "يطالب بـ"]
THINGS = ["اتفاق التعاون", "خطة الإعمار", "أزمة المياه", "ارتفاع الأسعار", "مؤتمر المانحين",
          "الانتخابات البلدية", "موسم الحصاد", "قرار الحكومة", "إضراب المعلمين", "حركة الملاحة"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fill(sentence: str, rng) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: rng.choice(THINGS), sentence)


def story(rng, n: int) -> tuple[str, str]:
    """A headline and a lead of words drawn from the whole vocabulary (so two stories share
    about as few words as two real ones), then one stock sentence."""
    place, who = rng.choice(PLACES), f"{rng.choice(NAMES)} {rng.choice(NAMES)}"
    headline = f"{who} {rng.choice(VERBS)} {rng.choice(THINGS)} في {place}"
    lead = f"{place} - " + " ".join(rng.sample(WORDS, 45)) + f" {n}."
    return headline, f"<p>{lead}</p><p>{fill(rng.choice(SENTENCES), rng)}</p>"


def retell(headline: str, body: str, rng) -> tuple[str, str]:
    """The same event in another agency's words: reordered, one sentence dropped or added."""
    words = headline.split()
    rng.shuffle(words[1:])
    paragraphs = re.findall(r"<p>(.*?)</p>", body)
    paragraphs.append(fill(rng.choice(SENTENCES), rng))
    return " ".join(words), "".join(f"<p>{p}</p>" for p in paragraphs)


def make_items(count: int, rng) -> list[tuple[str, str]]:
    items = []
    for n in range(count):
        if n > 10 and n % 10 == 0:
            items.append(retell(*items[rng.randrange(n - 10, n)], rng))
        else:
            items.append(story(rng, n))
    return items


def rss(items, start: int) -> bytes:
    from xml.sax.saxutils import escape

    rows = "".join(
        f"<item><title>{escape(h)}</title><guid isPermaLink='false'>rss-{start + i}</guid>"
        f"<pubDate>Sun, 07 Dec 2026 05:00:00 GMT</pubDate>"
        f"<description>{escape(b)}</description></item>" for i, (h, b) in enumerate(items))
    return (f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>t</title>"
            f"<language>ar</language>{rows}</channel></rss>").encode()


def newsml(items, start: int) -> bytes:
    from xml.sax.saxutils import escape

    rows = "".join(
        f"<newsItem guid='g2-{start + i}' version='1'><itemMeta><itemClass qcode='ninat:text'/>"
        f"<pubStatus qcode='stat:usable'/></itemMeta><contentMeta><language tag='ar'/>"
        f"<headline>{escape(h)}</headline></contentMeta><contentSet>"
        f"<inlineXML contenttype='application/xhtml+xml'><html xmlns='http://www.w3.org/1999/xhtml'>"
        f"<body>{b}</body></html></inlineXML></contentSet></newsItem>"
        for i, (h, b) in enumerate(items))
    return (f"<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'><itemSet>{rows}"
            f"</itemSet></newsMessage>").encode()


class Server:
    def __init__(self):
        self.files, self.log = {}, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                data = outer.files[self.path]
                etag = f'"{len(data)}-{hash(data)}"'
                outer.log.append((self.path, self.headers.get("If-None-Match") == etag))
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--archive", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(19)
    call_command("migrate", verbosity=0)
    from nashra.news import services as news_services
    from nashra.wire import grouping, services
    from nashra.wire.models import Provider, WireBand, WireItem

    news_services.site_install()
    print(f"database: {connection.vendor}; work folder {TMP}")

    # 1. ingest from three providers
    third = args.items // 3
    items = make_items(args.items, rng)
    server = Server()
    server.files["/rss.xml"] = rss(items[:third], 0)
    g2_dir, ninjs_dir = TMP / "g2", TMP / "ninjs"
    g2_dir.mkdir()
    ninjs_dir.mkdir()
    g2_items = items[third:2 * third]
    for k in range(0, len(g2_items), 10):
        (g2_dir / f"m{k:06d}.xml").write_bytes(newsml(g2_items[k:k + 10], third + k))
    for i, (h, b) in enumerate(items[2 * third:]):
        (ninjs_dir / f"n{i:06d}.json").write_text(json.dumps(
            {"uri": f"ninjs-{i}", "version": "1", "language": "ar", "headline": h,
             "body_html": b}, ensure_ascii=False), "utf-8")
    providers = [
        services.provider_create(name="rss", kind="rss", source=f"http://127.0.0.1:{PORT}/rss.xml",
                                 section_path="أخبار", credit="الأناضول"),
        services.provider_create(name="g2", kind="newsml", source=str(g2_dir),
                                 section_path="أخبار", credit="قنا"),
        services.provider_create(name="ninjs", kind="ninjs", source=str(ninjs_dir),
                                 section_path="أخبار", credit="أ ف ب"),
    ]
    started = time.perf_counter()
    rounds = 0
    while True:  # a folder gives up to 500 files a round, as the scheduler would take them
        reports = [services.provider_poll(provider=Provider.objects.get(pk=p.pk))
                   for p in providers]
        rounds += 1
        if all(r.created == 0 for r in reports):
            break
    seconds = time.perf_counter() - started
    total = WireItem.objects.count()
    grouped = WireItem.objects.filter(group__size__gt=1).count()
    print(f"ingest: {total} items from 3 providers in {seconds:.1f} s ({total / seconds:.0f} "
          f"items/s, {rounds} rounds); {grouped} items in groups of 2 or more")

    # 2. an unchanged feed
    server.log.clear()
    started = time.perf_counter()
    report = services.provider_poll(provider=Provider.objects.get(name="rss"))
    ms = (time.perf_counter() - started) * 1000
    print(f"unchanged RSS poll: {len(server.log)} request(s), conditional and answered 304: "
          f"{all(hit for _, hit in server.log)}; not_modified={report.not_modified}; "
          f"{ms:.1f} ms")

    # 3. fill to the archive size, then group new items
    now = timezone.now()
    provider = providers[2]
    window = now - dt.timedelta(days=3)
    batch = []
    filler = args.archive - total
    started = time.perf_counter()
    for n in range(filler):
        h, b = story(rng, 100_000 + n)
        sig = grouping.signature(grouping.shingles(h, b))
        when = now - dt.timedelta(seconds=n * (30 * 86400 / max(filler, 1)))
        batch.append(WireItem(provider=provider, guid=f"fill-{n}", headline=h, body_html=b,
                              language="ar", received_at=when, first_received_at=when,
                              search_text=services.search_terms(h, b),
                              signature=grouping.to_bytes(sig)))
        if len(batch) == 2000 or n == filler - 1:
            WireItem.objects.bulk_create(batch)
            fresh = [i for i in batch if i.received_at >= window]
            if fresh:
                ids = dict(WireItem.objects.filter(guid__in=[i.guid for i in fresh],
                                                   provider=provider).values_list("guid", "pk"))
                WireBand.objects.bulk_create(
                    [WireBand(item_id=ids[i.guid], value=v, created_at=i.received_at)
                     for i in fresh for v in grouping.bands(grouping.from_bytes(i.signature))],
                    batch_size=5000)
            batch = []
    print(f"filled to {WireItem.objects.count()} items in {time.perf_counter() - started:.0f} s "
          f"({WireBand.objects.count()} band rows in the {3}-day window)")
    timings = []
    for n in range(args.samples):
        h, b = story(rng, 900_000 + n) if n % 2 else retell(*story(rng, 5), rng)
        item = WireItem.objects.create(provider=provider, guid=f"new-{n}", headline=h,
                                       body_html=b, language="ar", received_at=timezone.now(),
                                       first_received_at=timezone.now())
        started = time.perf_counter()
        sig = grouping.signature(grouping.shingles(h, b))
        item.signature = grouping.to_bytes(sig)
        item.save(update_fields=["signature"])
        services.item_group(item=item, sig=sig)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"grouping a new item at {WireItem.objects.count()} items: p50 {pct(timings, 50):.1f} ms, "
          f"p95 {pct(timings, 95):.1f} ms, mean {statistics.mean(timings):.1f} ms "
          f"({args.samples} items)")

    # 4. the inbox page
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_superuser("bench", "b@example.org", "x")
    client = Client()
    client.force_login(user)
    for label, params in (("plain", {}), ("one provider", {"provider": providers[0].pk}),
                          ("search «الحكومة»", {"q": "الحكومة"}),
                          ("state=used", {"state": "used"})):
        client.get("/admin/wire/", params)
        times = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get("/admin/wire/", params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        print(f"inbox page ({label}) at {WireItem.objects.count()} items: "
              f"p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms")
    server.httpd.shutdown()


if __name__ == "__main__":
    main()

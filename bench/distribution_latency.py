"""Client for bench/distribution.sh: how long the sitemaps and feeds take to serve.

    distribution_latency.py --base-url http://127.0.0.1:8161 --out FILE [--label L] [--repeat 10]

Sitemaps: the index and every child it names, each fetched three times uncached (the first
request after the cache was emptied, then twice with a fresh query string, which makes a fresh
cache key that the view ignores; the slowest is reported) and then `repeat` times cached. Feeds: the site's RSS
and Atom and one section, tag and author feed, each `repeat` times uncached (a fresh query
string makes a fresh cache key; the view ignores it) and `repeat` times cached. One
sequential client, standard library only. Prints a table and writes FILE (JSON).
"""

import argparse
import json
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

LOC = re.compile(rb"<loc>([^<]+)</loc>")
SITEMAP_TARGET_S = 2.0
FEED_TARGET_MS = 50.0


def fetch(url: str) -> tuple[float, bytes, dict]:
    clock = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
        headers = dict(response.headers)
    return time.perf_counter() - clock, body, headers


def local(base: str, url: str) -> str:
    """Sitemaps name the site's configured host; ask the server under test instead."""
    parts = urllib.parse.urlsplit(url)
    return base + parts.path + (f"?{parts.query}" if parts.query else "")


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--label", default="")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    for _ in range(4):  # wake both workers (imports, connections, site caches)
        fetch(base + "/robots.txt")

    rows = []
    seconds, body, headers = fetch(base + "/sitemap.xml")
    children = [loc.decode() for loc in LOC.findall(body)]
    targets = [("/sitemap.xml", base + "/sitemap.xml", seconds, headers, body)]
    for child in children:
        url = local(base, child)
        seconds, child_body, child_headers = fetch(url)
        targets.append((urllib.parse.urlsplit(child).path, url, seconds, child_headers,
                        child_body))
    for name, url, first, headers, body in targets:
        uncached = [first]
        for i in range(2):  # two more uncached: a fresh query string is a fresh cache key
            seconds, _, again = fetch(f"{url}{'&' if '?' in url else '?'}bench={time.time_ns()}-{i}")
            assert again.get("X-Cache") == "miss", url
            uncached.append(seconds)
        cached = []
        for _ in range(args.repeat):
            seconds, _, again = fetch(url)
            assert again.get("X-Cache") == "hit", (url, again.get("X-Cache"))
            cached.append(seconds)
        rows.append({"kind": "sitemap", "name": name, "urls": body.count(b"<loc>"),
                     "bytes": len(body), "first_cache": headers.get("X-Cache"),
                     "uncached_s": round(max(uncached), 3),
                     "uncached_all_s": [round(u, 3) for u in uncached],
                     "cached_p50_ms": round(statistics.median(cached) * 1000, 1),
                     "cached_max_ms": round(max(cached) * 1000, 1)})

    home = fetch(base + "/")[1].decode()
    feeds = ["/feeds/rss/", "/feeds/atom/"]
    feeds += sorted(set(re.findall(r'href="[^"]*(/feeds/section/\d+/rss/)"',
                                   fetch(local(base, _first_section(home)))[1].decode())))[:1]
    feeds += _first_of(base, "/sitemaps/tags.xml", "/tag/", "/feeds/tag/{}/rss/")
    feeds += _first_of(base, "/sitemaps/authors.xml", "/author/", "/feeds/author/{}/rss/")
    for path in feeds:
        uncached, cached = [], []
        for i in range(args.repeat):
            seconds, body, headers = fetch(f"{base}{path}?bench={time.time_ns()}-{i}")
            assert headers.get("X-Cache") == "miss", path
            uncached.append(seconds)
        for _ in range(args.repeat):
            seconds, _, headers = fetch(base + path)
            cached.append(seconds)
        rows.append({"kind": "feed", "name": path, "items": body.count(b"<item>")
                     + body.count(b"<entry>"), "bytes": len(body),
                     "uncached_p50_ms": round(statistics.median(uncached) * 1000, 1),
                     "uncached_p95_ms": round(pct(uncached, 0.95) * 1000, 1),
                     "cached_p50_ms": round(statistics.median(cached) * 1000, 1)})

    with open(args.out, "w") as out:
        json.dump({"label": args.label, "rows": rows}, out, ensure_ascii=False, indent=1)
    print(f"{args.label}: sitemaps (slowest of 3 uncached requests, then {args.repeat} cached)")
    print(f"  {'sitemap':32} {'urls':>6} {'bytes':>10} {'uncached s':>11} {'cached p50 ms':>14}")
    for r in rows:
        if r["kind"] == "sitemap":
            print(f"  {r['name']:32} {r['urls']:>6} {r['bytes']:>10} {r['uncached_s']:>11.3f}"
                  f" {r['cached_p50_ms']:>14.1f}")
    print(f"{args.label}: feeds ({args.repeat} uncached, then {args.repeat} cached requests)")
    print(f"  {'feed':40} {'items':>5} {'uncached p50/p95 ms':>20} {'cached p50 ms':>14}")
    for r in rows:
        if r["kind"] == "feed":
            print(f"  {r['name']:40} {r['items']:>5} "
                  f"{r['uncached_p50_ms']:>9.1f} / {r['uncached_p95_ms']:<8.1f} "
                  f"{r['cached_p50_ms']:>14.1f}")
    worst_sitemap = max(r["uncached_s"] for r in rows if r["kind"] == "sitemap")
    worst_feed = max(r["uncached_p95_ms"] for r in rows if r["kind"] == "feed")
    print(f"  slowest uncached sitemap {worst_sitemap:.3f} s (target <= {SITEMAP_TARGET_S} s); "
          f"slowest uncached feed p95 {worst_feed:.1f} ms (target <= {FEED_TARGET_MS} ms)")
    return 0


def _first_section(home_html: str) -> str:
    match = re.search(r'<nav class="site-nav".*?<a href="([^"]+)"', home_html, re.S)
    return match.group(1) if match else "/"


def _first_of(base, sitemap, marker, feed):
    body = fetch(base + sitemap)[1]
    for loc in LOC.findall(body):
        path = urllib.parse.urlsplit(loc.decode()).path
        if marker in path:
            return [feed.format(path.rstrip("/").rsplit("/", 1)[1])]
    return []


if __name__ == "__main__":
    sys.exit(main())

"""CPU cost of one read beacon inside the web process, with the Redis counter.

    DATABASE_URL=... REDIS_URL=redis://127.0.0.1:6379/13 bench/beacon_cost.py [--requests N]

Calls the WSGI application directly (no network, no HTTP parsing by gunicorn), once through
the fast path in nashra/wsgi.py and once through Django's full stack, and reports the
process CPU time per request (Redis's own CPU time is not included). On a shared, loaded
machine the CPU time per request is steadier than a requests-per-second figure; the
implied ceiling is 1 / cost per core. Each request comes from a reader of its own, through
nginx (REMOTE_ADDR 127.0.0.1, the reader in X-Forwarded-For), so every one is counted.
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.production")

from nashra.wsgi import application  # noqa: E402  (sets Django up)

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def environ(path, reader):
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": f"10.{reader >> 16 & 255}.{reader >> 8 & 255}.{reader & 255}",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": AGENT, "CONTENT_LENGTH": "0", "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
    }


def measure(app, paths, n, first_reader):
    statuses = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(n):
        body = app(environ(paths[i % len(paths)], first_reader + i), start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
    return (time.process_time() - cpu) / n * 1e6, (time.perf_counter() - wall) / n * 1e6, statuses


def main():
    from django.core.wsgi import get_wsgi_application

    from nashra.core.proxy import forwarded_address
    from nashra.discovery.counters import get_counter
    from nashra.discovery.services import beacon_token
    from nashra.news.models import ArticlePage

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    ids = list(ArticlePage.objects.live().values_list("pk", flat=True)[:5000])
    random.Random(3).shuffle(ids)
    paths = ["/discovery/v/{}/{}/{}/".format(pk, *beacon_token(pk)) for pk in ids]
    print(f"counter: {type(get_counter()).__name__}")
    reader = 0  # no (reader, story) pair twice: every beacon is a read
    for label, app in (("fast path (nashra/wsgi.py)", application),
                       ("Django full stack", forwarded_address(get_wsgi_application()))):
        measure(app, paths, 200, reader)  # warm-up
        cpu, wall, statuses = measure(app, paths, args.requests, reader + 200)
        reader += 200 + args.requests
        print(f"{label}: {cpu:.0f} µs CPU and {wall:.0f} µs wall per request over "
              f"{args.requests} requests (≈ {1e6 / cpu:,.0f} requests/s per core of CPU); {statuses}")


if __name__ == "__main__":
    main()

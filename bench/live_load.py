"""Live coverage under a peak (issue 20, item 4): many readers polling one live page through
the shipped nginx, an editor posting meanwhile.

    .venv/bin/python bench/live_load.py [--connections 1000] [--seconds 20] [--every 3]

What it runs, all on loopback: a fresh install (SQLite under a temporary folder, or PostgreSQL
database PG_DB when set) served by `nashra serve` (2 workers, 4 threads) with `nashra worker`
beside it and NASHRA_PURGE_URLS pointing at nginx; the shipped deploy/nginx configuration
(deploy/nginx/render.py: only the addresses and folders changed) in front; wrk as the readers.

1. The story page alone: wrk on the live page, requests/s and p99 (the cached throughput).
2. The peak: wrk with --connections open connections polling /live/<id>/entries/?after=N (the
   answer every open page asks for every 2 s; nginx keeps it 1 s) while a second wrk reads
   the page itself, and this script posts an entry every --every seconds. A probe polls
   through nginx as a page does (after the last change it saw, every 250 ms) and records how
   long each entry took from its commit to the first poll answer holding it: every poller asks
   nginx the same URL, so what the probe is answered, every poller is answered within the
   same second.

Prints the poll's requests/s and p50/p99, the page's requests/s alone and under the peak, and
each entry's delivery time. 10,000 readers polling every 2 s send 5,000 requests/s; wrk's
connections here send as fast as they are answered, which is more.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
_spec = importlib.util.spec_from_file_location("render", ROOT / "deploy" / "nginx" / "render.py")
render = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render)
HOST = "localhost"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str = "/robots.txt") -> None:
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", path, headers={"Host": HOST})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on {port}")


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wrk(port: int, path: str, *, connections: int, seconds: int, threads: int = 2) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
         "-H", f"Host: {HOST}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)[1]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)[1]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rate, "p50": p50, "p99": p99, "non2xx": int(errors[1]) if errors else 0,
            "socket_errors": socket_errors[1] if socket_errors else ""}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--every", type=float, default=3.0, help="seconds between entries")
    args = parser.parse_args()
    if render.missing():
        print(render.missing(), file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="nashra-live-load."))
    app_port, loop_port = free_port(), free_port()
    db = (f"postgres://postgres@127.0.0.1:5432/{os.environ['PG_DB']}" if os.environ.get("PG_DB")
          else f"sqlite:///{tmp / 'nashra.sqlite3'}")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="nashra.settings.production",
               SECRET_KEY="bench-only-not-secret", SECURE_SSL_REDIRECT="0",
               ALLOWED_HOSTS="127.0.0.1,localhost", NASHRA_VAR_DIR=str(tmp), DATABASE_URL=db,
               BASE_URL=f"http://{HOST}", NASHRA_PURGE_URLS=f"http://127.0.0.1:{loop_port}",
               LOG_LEVEL="WARNING", NASHRA_SCHEDULER="0")
    os.environ.update(env)
    procs = []
    try:
        subprocess.run([BIN / "nashra", "setup"], env=env, check=True, capture_output=True)
        subprocess.run([BIN / "nashra", "collectstatic", "--noinput"], env=env, check=True,
                       capture_output=True)
        path = subprocess.run(
            [BIN / "nashra", "live-start", "--section", "أخبار", "--title", "قياس التغطية المباشرة"],
            env=env, check=True, capture_output=True, text=True).stdout.strip()
        import django

        django.setup()
        from nashra.live import services
        from nashra.live.models import LiveStoryPage

        story = LiveStoryPage.objects.get()
        for n in range(20):
            services.live_entry_post(story=story, data=services.EntryInput(
                title=f"تحديث رقم {n}", text="فقرة من تحديث يملأ الصفحة كما تملؤها التغطية."))
        procs.append(subprocess.Popen(
            [BIN / "nashra", "serve", "--bind", f"127.0.0.1:{app_port}", "--workers", "2",
             "--threads", "4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([BIN / "nashra", "worker"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        conf = render.render(tmp / "nginx", upstream=f"127.0.0.1:{app_port}",
                             loopback=f"127.0.0.1:{loop_port}", workers=1)
        render.check(conf)
        procs.append(subprocess.Popen(render.command(conf), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        wait_for(app_port)
        wait_for(loop_port)
        page = quote(path)
        seq = json.loads(get(loop_port, f"/live/{story.pk}/entries/?after=0")[1])["seq"]
        poll = f"/live/{story.pk}/entries/?after={seq}"
        for p in (page, poll):
            get(loop_port, p)
            conn = http.client.HTTPConnection("127.0.0.1", loop_port, timeout=5)
            conn.request("GET", p, headers={"Host": HOST})
            answer = conn.getresponse()
            answer.read()
            print(f"{p[:40]}: {answer.status} X-Cache-Status={answer.headers.get('X-Cache-Status')}"
                  f" Cache-Control={answer.headers.get('Cache-Control')}")
        print(f"== {os.cpu_count()} cores; load average {open('/proc/loadavg').read().split()[:3]};"
              f" git {subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True, cwd=ROOT).stdout.strip()};"
              f" database {db.split(':')[0]}")
        alone = wrk(loop_port, page, connections=64, seconds=args.seconds // 2 or 5)
        print(f"page alone (64 connections): {alone}")

        delivered: list[float] = []
        stop, stop_posting = threading.Event(), threading.Event()
        posted: dict[int, float] = {}

        def probe():
            seen = seq
            while not stop.is_set():
                try:
                    status, body = get(loop_port, f"/live/{story.pk}/entries/?after={seen}")
                    data = json.loads(body) if status == 200 else {"entries": []}
                    for item in data["entries"]:
                        if item["id"] in posted:
                            delivered.append(time.monotonic() - posted.pop(item["id"]))
                    seen = max(seen, data.get("seq", seen))
                except OSError:
                    pass
                time.sleep(0.25)

        def poster():
            n = 0
            while not stop_posting.wait(args.every):
                entry = services.live_entry_post(story=story, data=services.EntryInput(
                    text=f"تحديث تحت الضغط رقم {n}"))
                posted[entry.pk] = time.monotonic()
                n += 1

        threads = [threading.Thread(target=probe), threading.Thread(target=poster)]
        for thread in threads:
            thread.start()
        results = {}

        def run(name, *a, **k):
            results[name] = wrk(*a, **k)

        readers = threading.Thread(target=run, args=("page", loop_port, page),
                                   kwargs={"connections": 64, "seconds": args.seconds})
        readers.start()
        run("poll", loop_port, poll, connections=args.connections, seconds=args.seconds)
        readers.join()
        stop_posting.set()
        deadline = time.monotonic() + 10  # the last entries' 5 s, and then some
        while posted and time.monotonic() < deadline:
            time.sleep(0.1)
        stop.set()
        for thread in threads:
            thread.join()
        print(f"poll ({args.connections} connections): {results['poll']}")
        print(f"page during the peak (64 connections): {results['page']}")
        print(f"entries posted {len(delivered) + len(posted)}, delivered to the probe "
              f"{len(delivered)}; delivery s: "
              f"{', '.join(f'{d:.2f}' for d in sorted(delivered))}; never seen: {len(posted)}")
        return 0
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())

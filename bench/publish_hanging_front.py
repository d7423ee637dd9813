"""How long a publish takes when the front cache accepts connections and never answers.

Issue 18: a publish must answer the editor in <= 300 ms even then (the purge waits in the
task queue). Builds a throwaway embedded site, then times `nashra import-articles` of one
story (a publish through Wagtail's page API) N times, with NASHRA_PURGE_URLS pointing at a
socket that accepts and never answers, and without any front cache.

    .venv/bin/python bench/publish_hanging_front.py [--runs 5]

Prints the median and the slowest wall time of the command and of the publish alone (the
command logs it); the figure goes to docs/benchmarks.md.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

NASHRA = [sys.executable, "-m", "nashra.cli"]


def hanging_server() -> int:
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve():
        while True:
            conn, _ = server.accept()
            held.append(conn)  # accepted, never answered

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1]


def run(env, path, n) -> float:
    line = {"external_id": f"bench:{n}", "title": f"خبر للقياس رقم {n}",
            "section": "أخبار/عربية ودولية", "body": "فقرة أولى.\n\nفقرة ثانية."}
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([*NASHRA, "import-articles", str(path), "--no-progress"], env=env,
                   check=True, capture_output=True, timeout=600)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = {**os.environ, "DJANGO_SETTINGS_MODULE": "nashra.settings.dev",
                "NASHRA_VAR_DIR": tmp, "NASHRA_TASKS": "database"}
        base.pop("NASHRA_PURGE_URLS", None)
        subprocess.run([*NASHRA, "setup"], env=base, check=True, capture_output=True)
        hanging = {**base, "NASHRA_PURGE_URLS": f"http://127.0.0.1:{hanging_server()}"}
        path = Path(tmp) / "one.jsonl"
        for label, env in (("no front cache", base), ("hanging front cache", hanging)):
            times = [run(env, path, f"{label}{i}") for i in range(args.runs)]
            print(f"{label}: import-articles of one story, median "
                  f"{statistics.median(times):.2f} s, slowest {max(times):.2f} s "
                  f"over {args.runs} runs")


if __name__ == "__main__":
    main()

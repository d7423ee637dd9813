"""gunicorn for nashra: `gunicorn -c deploy/gunicorn.conf.py nashra.wsgi`.

The master process also runs the minute scheduler (scheduled publishing), so a single
`systemctl start nashra` is the whole application. On extra application servers behind
the same database, start them with NASHRA_SCHEDULER=0 and keep one scheduler.
"""

import multiprocessing
import os
import subprocess
import sys

bind = os.environ.get("NASHRA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("NASHRA_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

_scheduler = None


def when_ready(server):
    global _scheduler
    if os.environ.get("NASHRA_SCHEDULER", "1") != "0":
        _scheduler = subprocess.Popen([sys.executable, "-m", "nashra.cli", "scheduler"])
        server.log.info("nashra scheduler started (pid %s)", _scheduler.pid)


def on_exit(server):
    if _scheduler is not None:
        _scheduler.terminate()
        _scheduler.wait(timeout=10)

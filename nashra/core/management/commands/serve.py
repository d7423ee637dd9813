"""`nashra serve [--bind HOST:PORT]`: the production web server.

Granian (a Rust HTTP server) runs the WSGI application: measured on this project's 2-core
machine it answers the read beacon at about 10,000 requests a second where gunicorn's gthread
workers gave about 1,200 (docs/benchmarks.md). Workers follow the CPU count; SIGHUP reloads
them gracefully, SIGTERM stops. The minute scheduler (scheduled publishing, discovery and
comment housekeeping) runs beside the server unless NASHRA_SCHEDULER=0 — set that on every
application server but one — and one task worker (`nashra worker`: front-cache purges, related
lists, renditions) unless NASHRA_TASK_WORKER=0.
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the production web server (granian), the scheduler and a task worker."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=settings.SERVE_BIND, help="HOST:PORT")
        parser.add_argument("--workers", type=int, default=settings.SERVE_WORKERS or os.cpu_count())
        parser.add_argument("--threads", type=int, default=settings.SERVE_THREADS,
                            help="threads per worker for the application's blocking calls")

    def handle(self, *args, bind, workers, threads, **options):
        from granian import Granian
        from granian.constants import Interfaces

        host, _, port = bind.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(f"--bind wants HOST:PORT, not {bind!r}")
        helpers = []
        if settings.SCHEDULER_IN_SERVER:
            helpers.append(subprocess.Popen([sys.executable, "-m", "nashra.cli", "scheduler"]))
        if settings.TASK_WORKER_IN_SERVER and settings.TASKS_ENGINE != "immediate":
            helpers.append(subprocess.Popen([sys.executable, "-m", "nashra.cli", "worker"]))
        try:
            Granian(
                "nashra.wsgi:application",
                address=host.strip("[]"),
                port=int(port),
                interface=Interfaces.WSGI,
                workers=workers,
                blocking_threads=threads,
                respawn_failed_workers=True,
                log_access=settings.SERVE_ACCESS_LOG,
            ).serve()
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                helper.wait(timeout=10)

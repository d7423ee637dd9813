"""`nashra worker`: run queued background work (nashra.core.tasks) until stopped.

The database queue (the embedded install) is django-tasks-db's `db_worker`; the Redis queue
(settings.TASKS_ENGINE "rq") is django-rq's `rqworker` with django-tasks-rq's job class. Run
as many as the work needs, on any machine that reaches the database or Redis
(docs/deployment.md); `make run` and `nashra serve` start one. A database or Redis that goes
down stops neither: the queue is started again once it answers (nashra.core.faults), and
each task drops a connection that broke meanwhile.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from nashra.core import faults


class Command(BaseCommand):
    help = "يشغّل الأعمال المؤجلة (تحديث الذاكرات الوسيطة، الأخبار ذات الصلة، الصور) باستمرار."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="run what is queued now, then exit (database queue)")

    def handle(self, *args, batch=False, **options):
        engine = settings.TASKS_ENGINE
        if engine == "database":
            faults.run_until_stopped(lambda: call_command(
                "db_worker", queue_name=",".join(settings.TASKS["default"]["QUEUES"]),
                batch=batch, verbosity=options["verbosity"]), name="the task worker")
        elif engine == "rq":
            # In this order: RQ takes the first queue's jobs first (front caches).
            # SimpleWorker runs jobs in this process instead of forking one per job: what a
            # task loads once (the comment filter's model) stays loaded for the next.
            import django_rq

            # rqworker gives up at once on a Redis that is down when it starts (it reconnects
            # by itself once running): wait for it here.
            queue = settings.TASKS["default"]["QUEUES"][0]
            faults.run_until_stopped(django_rq.get_connection(queue).ping, name="the task worker")
            faults.run_until_stopped(lambda: call_command(
                "rqworker", *settings.TASKS["default"]["QUEUES"],
                job_class="django_tasks_rq.Job", worker_class="rq.worker.SimpleWorker",
                with_scheduler=True,  # tasks queued to run later: retries, refreshes
                burst=batch), name="the task worker")
        else:
            self.stdout.write(f"nashra worker: the {engine!r} queue runs tasks in the request; "
                              "nothing to do")

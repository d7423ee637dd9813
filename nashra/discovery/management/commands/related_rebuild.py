"""`nashra related-rebuild`: profile every live story and recompute every related list.

For archives loaded without publish signals (`nashra demo-corpus`, bulk imports). New and
edited stories need nothing: publishing profiles them.
"""

import time

from django.core.management.base import BaseCommand

from nashra.discovery.related import profiles_rebuild


class Command(BaseCommand):
    help = "Profile every live story for related news and recompute the related lists."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--profiles-only", action="store_true",
            help="Write profiles and the term index only; mark every list for the scheduler.",
        )

    def handle(self, *args, batch_size, profiles_only, verbosity=1, **options):
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        started = time.perf_counter()
        done = {"terms": 0, "profiles": 0, "related": 0}

        def progress(stage, n):
            done[stage] += n
            if verbosity > 1:
                self.stdout.write(f"{stage}: {done[stage]}")

        count = profiles_rebuild(batch_size=batch_size, relate=not profiles_only,
                                 progress=progress)
        self.stdout.write(f"{count} stories profiled in {time.perf_counter() - started:.1f} s"
                          + (" (related lists left to the scheduler)" if profiles_only else ""))

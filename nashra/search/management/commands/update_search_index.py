import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm
from wagtail.search.backends import get_search_backend

from nashra.news.models import ArticlePage
from nashra.search.services import vocabulary_rebuild

BATCH = 500


class Command(BaseCommand):
    help = ("Rebuild the search index of every story (analysed Arabic text), with a progress "
            "bar, then the vocabulary that close spellings («هل تقصد») are found in.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH)
        parser.add_argument("--vocabulary-only", action="store_true",
                            help="count the indexed terms again without reindexing the stories")

    def handle(self, *args, batch_size=BATCH, vocabulary_only=False, **options):
        if not vocabulary_only:
            self._index(batch_size)
        self.stdout.write(f"vocabulary: {vocabulary_rebuild()} terms")

    def _index(self, batch_size):
        backend = get_search_backend()
        queryset = ArticlePage.objects.order_by("pk")
        total = queryset.count()
        bar = tqdm(total=total, unit=" stories", disable=not sys.stderr.isatty(), file=sys.stderr)
        last_pk, done = 0, 0
        while True:
            batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            backend.add_bulk(ArticlePage, batch)
            last_pk = batch[-1].pk
            done += len(batch)
            bar.update(len(batch))
        bar.close()
        self.stdout.write(f"indexed {done} stories")

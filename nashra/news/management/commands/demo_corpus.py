import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from nashra.news import corpus


class Command(BaseCommand):
    help = ("يضيف أرشيفاً اصطناعياً من الأخبار العربية المنشورة لقياس البحث والأخبار ذات الصلة. "
            "Adds N synthetic published Arabic stories over the last two years, for benchmarks; "
            "a second run adds N more.")

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True,
                            help="How many stories to add.")
        parser.add_argument("--seed", type=int, default=0,
                            help="Seed of the text generator (default 0).")
        parser.add_argument("--batch-size", type=int, default=corpus.DEFAULT_BATCH_SIZE,
                            help="Stories written per transaction (default %(default)s).")

    def handle(self, *args, articles, seed, batch_size, **options):
        # tqdm draws on stderr only when that is a terminal (disable=None).
        with tqdm(total=articles, unit=" articles", file=sys.stderr, disable=None,
                  smoothing=0.1) as bar:
            try:
                result = corpus.corpus_generate(articles=articles, seed=seed,
                                                batch_size=batch_size, progress=bar.update)
            except corpus.CorpusError as exc:
                raise CommandError(str(exc)) from exc
        rate = result.created / result.seconds if result.seconds else 0
        self.stdout.write(
            f"nashra: added {result.created} corpus articles "
            f"(corpus:{result.first_number}–corpus:{result.last_number}) "
            f"in {result.seconds:.1f}s, {rate:.0f}/s"
        )

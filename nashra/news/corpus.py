"""A synthetic Arabic archive for benchmarks: `nashra demo-corpus --articles N`.

Text search and related news need many thousands of stories whose words are distributed
like news: a few places, bodies and topics recur, most words are rare, and a story keeps
talking about the place and topic it started with. Stories here are composed from
sentence templates and vocabulary per section ("beat"), so their word statistics look
like a news archive while every name of a person is invented and every official is
named only by title.

The words live in data files (demo/corpus/vocabulary.json and beats.json), read the first
time a corpus is generated: a process that never makes one (every web worker) never parses
them. The rows are written by nashra.news.bulk, a batch per transaction; no revision,
search-index entry or `page_published` signal is made for these stories (the benchmarks run
`nashra update-search-index` afterwards and time it on its own).
"""

import datetime as dt
import functools
import json
import random
import time
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from django.db import reset_queries
from django.db.models.functions import Length
from django.utils import timezone

from . import bulk, services
from .models import ArticlePage, HomePage, arabic_slugify

VOCABULARY_DIR = Path(__file__).resolve().parent / "demo" / "corpus"
EXTERNAL_ID_PREFIX = "corpus:"
SPAN_DAYS = 730
DEFAULT_BATCH_SIZE = 2000
SLUG_BASE_MAX = 80
# Where a story is: (city, country, masculine adjective, feminine adjective, tag).
Place = tuple[str, str, str, str, str]


class CorpusError(Exception):
    pass


# --- vocabulary --------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """A kind of story: headlines, a one-sentence standfirst, a lead and its own details."""

    headlines: tuple[str, ...]
    standfirst: str
    lead: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class Beat:
    """What one section writes about, and the words it does so with."""

    name: str
    path: str
    weight: int
    regions: tuple[tuple[str, int], ...]
    officials: tuple[str, ...]
    topics: tuple[tuple[str, str], ...]
    orgs: tuple[tuple[str, str], ...]
    stories: tuple[Story, ...]
    sentences: tuple[str, ...]
    quotes: tuple[str, ...]
    tags: tuple[str, ...] = ()
    # Each story is also tagged with the sport it is about.
    tag_sport: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """Every word list of the corpus; `vocabulary()` reads them from the data files."""

    regions: dict[str, tuple[Place, ...]]
    gaza_cities: frozenset[str]
    first_names: tuple[str, ...]
    family_names: tuple[str, ...]
    # Staff bylines: the demo's six writers and more, so their author pages fill up.
    author_names: tuple[str, ...]
    # (agency, weight); "" is a staff story.
    sources: tuple[tuple[str, int], ...]
    days: tuple[str, ...]
    months: tuple[str, ...]
    quarters: tuple[str, ...]
    rounds: tuple[str, ...]
    # Sentences any beat may use: background, attribution and the follow-up of a story.
    generic_sentences: tuple[str, ...]
    quote_sentences: tuple[str, ...]
    closings: tuple[str, ...]
    clubs: tuple[str, ...]
    sports: tuple[tuple[str, int], ...]
    works: tuple[str, ...]
    events: tuple[str, ...]
    beats: tuple[Beat, ...]


def _pairs(rows) -> tuple:
    return tuple(tuple(row) for row in rows)


def _places(region: dict) -> tuple[Place, ...]:
    by_city = region["tag"] == "city"
    return tuple((city, country, adj, adj_f, city if by_city else country)
                 for country, adj, adj_f, cities in region["countries"] for city in cities)


@functools.cache
def vocabulary() -> Vocabulary:
    """The corpus's words, read once per process, on first use (see the module docstring)."""
    words = json.loads((VOCABULARY_DIR / "vocabulary.json").read_text(encoding="utf-8"))
    beats = json.loads((VOCABULARY_DIR / "beats.json").read_text(encoding="utf-8"))["beats"]
    lists = {key: tuple(value) for key, value in words.items() if key in (
        "first_names", "family_names", "author_names", "days", "months", "quarters", "rounds",
        "generic_sentences", "quote_sentences", "closings", "clubs", "works", "events")}
    return Vocabulary(
        regions={key: _places(region) for key, region in words["regions"].items()},
        gaza_cities=frozenset(words["gaza_cities"]),
        sources=_pairs(words["sources"]), sports=_pairs(words["sports"]),
        beats=tuple(Beat(
            name=beat["name"], path=beat["path"], weight=beat["weight"],
            regions=_pairs(beat["regions"]), officials=tuple(beat["officials"]),
            topics=_pairs(beat["topics"]), orgs=_pairs(words["orgs"][beat["orgs"]]),
            stories=tuple(Story(headlines=tuple(s["headlines"]), standfirst=s["standfirst"],
                                lead=s["lead"], details=tuple(s["details"]))
                          for s in beat["stories"]),
            sentences=tuple(beat["sentences"]), quotes=tuple(beat["quotes"]),
            tags=tuple(beat["tags"]), tag_sport=beat["tag_sport"],
        ) for beat in beats),
        **lists,
    )


def _cum(weights) -> list[float]:
    return list(accumulate(weights))


def _zipf(n: int, s: float = 0.9) -> list[float]:
    """Cumulative weights where the i-th item is drawn about 1/i^s as often as the first."""
    return _cum(1 / (i + 1) ** s for i in range(n))


def _pick(rng: random.Random, items, cum):
    return items[bisect(cum, rng.random() * cum[-1])]


def _indefinite(adj: str) -> str:
    return adj[2:] if adj.startswith("ال") else adj


def tag_names() -> list[str]:
    """Every tag the corpus may attach, in a stable order."""
    words = vocabulary()
    names: dict[str, None] = {}
    for places in words.regions.values():
        for place in places:
            names[place[4]] = None
    for area in ("قطاع غزة", "الضفة الغربية", "فلسطين"):
        names[area] = None
    for beat in words.beats:
        for tag in beat.tags:
            names[tag] = None
        for _, tag in (*beat.topics, *beat.orgs):
            names[tag] = None
    for sport, _ in words.sports:
        names[sport] = None
    return list(names)


class _Composer:
    """Turns a random stream into stories; one per beat, its draws tabulated once."""

    def __init__(self, beat: Beat, words: Vocabulary):
        self.beat = beat
        self.words = words
        region_items = [words.regions[key] for key, _ in beat.regions]
        self.regions = region_items
        self.region_cum = _cum(w for _, w in beat.regions)
        self.place_cum = [_zipf(len(places)) for places in region_items]
        self.topic_cum = _zipf(len(beat.topics), 0.7)
        self.org_cum = _zipf(len(beat.orgs), 0.8)
        self.sport_cum = _cum(w for _, w in words.sports)
        self.pool = (*beat.sentences, *words.generic_sentences)
        self.local = [key for key, _ in beat.regions] == ["ps"]

    def place(self, rng):
        r = _pick(rng, range(len(self.regions)), self.region_cum)
        return _pick(rng, self.regions[r], self.place_cum[r])

    def area(self, place: Place) -> str:
        """The wider place a story is about: the country, or which part of Palestine."""
        city, country = place[0], place[1]
        if country != "فلسطين":
            return country
        if city == "القدس":
            return city
        return "قطاع غزة" if city in self.words.gaza_cities else "الضفة الغربية"

    def context(self, rng: random.Random) -> tuple[dict[str, str], list[str]]:
        """The slots a story's templates fill, and the tags that follow from them."""
        beat, words = self.beat, self.words
        place = self.place(rng)
        # A second place for "talks between A and B" or "meanwhile in B": another country
        # where the beat reaches abroad, another town where it stays at home.
        for _ in range(8):
            place2 = self.place(rng)
            if place2[0] != place[0] and (self.local or place2[1] != place[1]):
                break
        topic, topic_tag = _pick(rng, beat.topics, self.topic_cum)
        org, org_tag = _pick(rng, beat.orgs, self.org_cum)
        team, team2 = rng.sample(words.clubs, 2)
        g2 = rng.randint(0, 2)
        quote, quote2 = rng.sample(beat.quotes, 2)
        # The draws' order is the corpus: a seed makes the same stories only while it stays.
        ctx = {
            "city": place[0], "country": place[1], "adj": place[2], "adj_f": place[3],
            "nadj_f": _indefinite(place[3]), "area": self.area(place),
            "city2": place2[0], "country2": place2[1], "adj2": place2[2],
            "nadj_f2": _indefinite(place2[3]),
            "topic": topic, "org": org, "person": self.person(rng),
            "team": team, "team2": team2, "g1": str(g2 + rng.randint(1, 3)), "g2": str(g2),
            "sport": _pick(rng, words.sports, self.sport_cum)[0],
            "work": rng.choice(words.works), "event": rng.choice(words.events),
            "day": rng.choice(words.days), "month": rng.choice(words.months),
            "quarter": rng.choice(words.quarters), "round": rng.choice(words.rounds),
            "k": str(rng.randint(11, 95)), "k2": str(rng.randint(11, 95)),
            "big": f"{rng.randint(120, 9800):,}", "pct": f"{rng.uniform(0.3, 9.9):.1f}",
            "pct2": str(rng.randint(12, 48)),
            "minute": str(rng.randint(3, 44)), "minute2": str(rng.randint(46, 89)),
            "quote": quote, "quote2": quote2,
        }
        official, official2 = rng.sample(beat.officials, 2)
        ctx["official"] = official.format_map(ctx)
        ctx["official2"] = official2.format_map(ctx)
        tags = [place[4], topic_tag]
        if place[1] == "فلسطين" and place[4] != "القدس":
            tags.append(ctx["area"])
        if rng.random() < 0.5:
            tags.append(org_tag)
        if beat.tag_sport:
            tags.append(ctx["sport"])
        elif beat.tags and rng.random() < 0.4:
            tags.append(rng.choice(beat.tags))
        return ctx, list(dict.fromkeys(tags))

    def person(self, rng) -> str:
        return f"{rng.choice(self.words.first_names)} {rng.choice(self.words.family_names)}"

    def compose(self, rng: random.Random) -> dict:
        """Headline, standfirst, body paragraphs and tags of one story."""
        ctx, tags = self.context(rng)
        story = rng.choice(self.beat.stories)
        # The lead, then three to nine paragraphs of one to three sentences each.
        sizes = [rng.randint(1, 3) for _ in range(rng.randint(3, 9))]
        details = list(story.details)
        rng.shuffle(details)
        # The first quote names its speaker; the second may be "he went on".
        quote_sentences = self.words.quote_sentences
        quotes = rng.choice(quote_sentences[:3]), rng.choice(quote_sentences[3:])
        filler = rng.sample(self.pool, min(len(self.pool), sum(sizes)))
        sentences = [*details, *filler]
        sentences.insert(1, quotes[0])
        sentences.insert(rng.randint(3, 8), quotes[1])
        if rng.random() < 0.5:
            sentences.insert(sum(sizes) - 1, rng.choice(self.words.closings))
        paragraphs = [story.lead.format_map(ctx)]
        start = 0
        for size in sizes:
            chunk = sentences[start:start + size]
            start += size
            if chunk:
                paragraphs.append(" ".join(s.format_map(ctx) for s in chunk))
        return {
            "title": rng.choice(story.headlines).format_map(ctx),
            "standfirst": story.standfirst.format_map(ctx),
            "paragraphs": paragraphs,
            "tags": tags,
        }


# --- writing -----------------------------------------------------------------------------


@dataclass
class CorpusResult:
    created: int
    first_number: int
    last_number: int
    seconds: float


def _next_number() -> int:
    last = (
        ArticlePage.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
        .order_by(Length("external_id").desc(), "-external_id")
        .values_list("external_id", flat=True).first()
    )
    if last is None:
        return 1
    return int(last[len(EXTERNAL_ID_PREFIX):]) + 1


def _body(paragraphs: list[str]) -> list[dict]:
    # Block ids are added as the rows are written (Wagtail's StreamField does it).
    return [{"type": "paragraph", "value": f"<p>{p}</p>"} for p in paragraphs]


def _slug(title: str, number: int) -> str:
    """The headline's slug and the story's number: unique before the writer checks it."""
    base = arabic_slugify(title)[:SLUG_BASE_MAX].strip("-") or "article"
    return f"{base}-{number}"


def corpus_generate(*, articles: int, seed: int = 0, batch_size: int = DEFAULT_BATCH_SIZE,
                    home: HomePage | None = None,
                    progress: Callable[[int], None] | None = None) -> CorpusResult:
    """Add `articles` synthetic, published stories dated over the last two years.

    Run it again and it adds as many more, numbered after the last (`corpus:<n>`). Each
    batch is one transaction that leaves the page tree whole.
    """
    if articles < 1:
        raise CorpusError("--articles must be at least 1")
    if batch_size < 1:
        raise CorpusError("--batch-size must be at least 1")
    clock = time.perf_counter()
    started = timezone.now()
    words = vocabulary()
    home = home or services.home_page()
    sections = [services.section_ensure_path(path=beat.path, home=home) for beat in words.beats]
    section_cum = _cum(beat.weight for beat in words.beats)
    composers = [_Composer(beat, words) for beat in words.beats]
    author_ids = [services.author_get_or_create(name=name).pk for name in words.author_names]
    author_cum = _zipf(len(author_ids), 0.6)
    bulk.tags_ensure(names=tag_names())  # the whole vocabulary up front, in a stable order
    sources, source_cum = [s for s, _ in words.sources], _cum(w for _, w in words.sources)
    slugs = bulk.SiblingSlugs()

    first = _next_number()
    # Seeded by where the run starts, so a second run writes new stories, not copies.
    rng = random.Random(f"{seed}:{first}")
    span = dt.timedelta(days=SPAN_DAYS) - dt.timedelta(hours=1)
    oldest = started - dt.timedelta(days=SPAN_DAYS)

    for offset in range(0, articles, batch_size):
        count = min(batch_size, articles - offset)
        stories = []
        for i in range(offset, offset + count):
            beat = _pick(rng, range(len(sections)), section_cum)
            story = composers[beat].compose(rng)
            source = _pick(rng, sources, source_cum)
            n_authors = rng.choices((0, 1, 2), (1, 6, 1))[0] if not source else (
                rng.choices((0, 1), (3, 1))[0])
            authors = list(dict.fromkeys(_pick(rng, author_ids, author_cum)
                                         for _ in range(n_authors)))
            # Spread evenly over two years, ascending within a run like a real archive.
            published = oldest + span * ((i + rng.random()) / articles)
            number = first + i
            article = ArticlePage(
                title=story["title"], slug=_slug(story["title"], number),
                standfirst=story["standfirst"], source=source,
                body=_body(story["paragraphs"]), external_id=f"{EXTERNAL_ID_PREFIX}{number}",
                first_published_at=published, last_published_at=published,
                show_in_menus=False,
            )
            stories.append(bulk.NewStory(article=article, section=sections[beat],
                                         author_ids=authors, tags=story["tags"]))
        try:
            bulk.articles_publish_bulk(stories=stories, slugs=slugs, search_index=False)
        except bulk.SectionFull as exc:
            raise CorpusError(str(exc)) from exc
        reset_queries()
        if progress:
            progress(count)
    return CorpusResult(created=articles, first_number=first, last_number=first + articles - 1,
                        seconds=time.perf_counter() - clock)

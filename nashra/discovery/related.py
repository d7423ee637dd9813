"""Related news by content, computed when a story is published or edited.

A story's profile is its strongest terms weighted TF-IDF style (headline ×3, standfirst ×2,
body ×1, tags as whole-name terms, words that are part of a tag's name — places, people,
organisations, topics the newsroom tags — weighed up), L2-normalised. The strongest terms go
into an inverted index (TermPosting), so finding candidates for a new story is one indexed
lookup over a few dozen terms whatever the archive size; no other story's body is read.
Candidates are then re-ranked by full cosine, closeness in time and section, and copies of
the same wire story are collapsed.

Why not scikit-learn's TfidfVectorizer: it fits a whole corpus in memory at once; a newsroom
adds one story at a time to a 100,000-story archive, so the document frequencies live in the
database (TermStat) and change by one story per publish.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from taggit.models import Tag

from nashra.arabic.analysis import analyse

from .models import ArticleProfile, TermPosting, TermStat

FIELD_WEIGHTS = (("title", 3), ("standfirst", 2), ("body", 1))
TAG_PREFIX = "#"
TAG_TERM_WEIGHT = 4  # a shared tag counts like a word said four times in the body
ENTITY_BOOST = 1.6  # a word that is part of some tag's name (a place, a body, a person)
VECTOR_TERMS = 40  # terms kept per story, and posted to the index
QUERY_TERMS = 24  # terms of the new story looked up in the index
MAX_DF_SHARE = 0.06  # terms in more than this share of stories are too common to look up
POSTINGS_PER_TERM = 400
CANDIDATES = 60  # best by the index score; their vectors are then read
RELATED_SIZE = 6
MIN_SIMILARITY = 0.06
DUPLICATE_SIMILARITY = 0.8  # cosine at or above: the same story from another wire
RECENCY_HALF_LIFE_DAYS = 45.0
SAME_SECTION_BONUS = 1.15
TERM_MAX_LENGTH = 100
DOC_COUNT_KEY = ""  # TermStat row whose df is the number of profiled stories
ENTITY_CACHE_KEY = "nashra:discovery:entity-terms:v1"

_SPACE = re.compile(r"\s+")


@dataclass
class StoryText:
    id: int
    title: str
    standfirst: str
    body: str
    tags: list[str]
    published_at: object
    section_path: str


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in {"id", "type", "image", "url", "alt"}:
                yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def body_text(raw_blocks) -> str:
    """The words of a StreamField body from its raw JSON (no block deserialisation)."""
    parts = []
    for block in raw_blocks or ():
        if block.get("type") in {"image", "embed"}:
            continue
        parts.extend(strip_tags(s) for s in _strings(block.get("value")))
    return _SPACE.sub(" ", " ".join(parts))


def story_text(article) -> StoryText:
    return StoryText(
        id=article.pk,
        title=article.title,
        standfirst=article.standfirst or "",
        body=body_text(article.body.raw_data),
        tags=[tag.name for tag in article.tags.all()],
        published_at=article.first_published_at or timezone.now(),
        section_path=article.path[: -article.steplen],
    )


def tag_term(name: str) -> str:
    return (TAG_PREFIX + " ".join(analyse(name)))[:TERM_MAX_LENGTH]


def entity_terms() -> frozenset[str]:
    """Analysed words of every tag name: the names the newsroom itself treats as subjects."""
    terms = cache.get(ENTITY_CACHE_KEY)
    if terms is None:
        terms = frozenset(t for name in Tag.objects.values_list("name", flat=True)
                          for t in analyse(name))
        cache.set(ENTITY_CACHE_KEY, terms, 10 * 60)
    return terms


def term_counts(story: StoryText, entities: frozenset[str]) -> Counter:
    counts: Counter = Counter()
    for field, weight in FIELD_WEIGHTS:
        for term in analyse(getattr(story, field)):
            counts[term[:TERM_MAX_LENGTH]] += weight
    for term in list(counts):
        if term in entities:
            counts[term] *= ENTITY_BOOST
    for name in story.tags:
        term = tag_term(name)
        if term != TAG_PREFIX:
            counts[term] += TAG_TERM_WEIGHT
    return counts


def idf(df: int, n_docs: int) -> float:
    return math.log((n_docs + 1) / (df + 1)) + 1.0


def weigh(counts: Counter, dfs: dict[str, int], n_docs: int) -> dict[str, float]:
    """The VECTOR_TERMS strongest terms, (1 + log tf) × idf, L2-normalised."""
    weights = {t: (1.0 + math.log(tf)) * idf(dfs.get(t, 1), n_docs)
               for t, tf in counts.items() if tf > 0}
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:VECTOR_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {t: round(w / norm, 5) for t, w in top}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


# --- document frequencies ------------------------------------------------------------------


def _df_shift(terms: set[str], delta: int) -> None:
    if not terms:
        return
    existing = set(TermStat.objects.filter(term__in=terms).values_list("term", flat=True))
    if existing:
        TermStat.objects.filter(term__in=existing).update(df=F("df") + delta)
    if delta > 0 and terms - existing:
        TermStat.objects.bulk_create([TermStat(term=t, df=delta) for t in terms - existing],
                                     ignore_conflicts=True)


def _dfs(terms: Iterable[str]) -> tuple[dict[str, int], int]:
    rows = dict(TermStat.objects.filter(term__in=[*terms, DOC_COUNT_KEY])
                .values_list("term", "df"))
    return rows, max(rows.pop(DOC_COUNT_KEY, 0), 1)


# --- ranking ------------------------------------------------------------------------------


def _candidates(vector, dfs, n_docs, exclude_id) -> list[int]:
    """Stories sharing the story's strongest terms, best first by the index score.

    Each term contributes only its POSTINGS_PER_TERM strongest postings (read from the
    (term, weight) index, highest weight first), so the work is bounded by the number of
    query terms, not by how many stories use a term: at 100,000 stories a place name is in
    thousands of profiles, and the stories where it is among the strongest terms come first.
    """
    max_df = max(30, MAX_DF_SHARE * n_docs)
    # Sorted here: PostgreSQL's jsonb does not keep the keys in the order they were written.
    strongest = sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))
    query = [(t, w) for t, w in strongest if dfs.get(t, 0) <= max_df][:QUERY_TERMS]
    if not query:
        return []
    table = connection.ops.quote_name(TermPosting._meta.db_table)
    one_term = (f"SELECT * FROM (SELECT article_id, weight * %s AS score FROM {table} "
                f"WHERE term = %s AND article_id <> %s ORDER BY weight DESC LIMIT %s) AS t{{n}}")
    sql = ("SELECT article_id, SUM(score) AS total FROM ("
           + " UNION ALL ".join(one_term.format(n=n) for n in range(len(query)))
           + ") AS hits GROUP BY article_id ORDER BY total DESC, article_id DESC LIMIT %s")
    params = [p for t, w in query for p in (w, t, exclude_id, POSTINGS_PER_TERM)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def rank_related(*, vector, published_at, section_path, candidates) -> list[int]:
    """Best first: cosine × closeness in time × section, wire copies collapsed."""
    scored = []
    for cand in candidates:
        sim = cosine(vector, cand.vector)
        if sim < MIN_SIMILARITY:
            continue
        days = abs((published_at - cand.published_at).total_seconds()) / 86400
        recency = 0.6 + 0.4 * 0.5 ** (days / RECENCY_HALF_LIFE_DAYS)
        section = SAME_SECTION_BONUS if cand.section_path == section_path else 1.0
        scored.append((sim * recency * section, sim, cand))
    scored.sort(key=lambda row: (-row[0], -row[2].published_at.timestamp()))
    chosen = []
    for _, sim, cand in scored:
        if sim >= DUPLICATE_SIMILARITY:
            continue  # another copy of this very story
        if any(cosine(cand.vector, other.vector) >= DUPLICATE_SIMILARITY for other in chosen):
            continue
        chosen.append(cand)
        if len(chosen) == RELATED_SIZE:
            break
    return [c.pk for c in chosen]


def related_for_profile(profile: ArticleProfile, dfs, n_docs) -> list[int]:
    ids = _candidates(profile.vector, dfs, n_docs, profile.pk)
    candidates = ArticleProfile.objects.filter(pk__in=ids).only(
        "article_id", "vector", "published_at", "section_path")
    return rank_related(vector=profile.vector, published_at=profile.published_at,
                        section_path=profile.section_path, candidates=candidates)


# --- services -----------------------------------------------------------------------------


@transaction.atomic
def profile_update(*, story: StoryText, entities: frozenset[str] | None = None,
                   relate: bool = True) -> ArticleProfile:
    """Profile one story (new or edited), post its terms, and compute its related list.

    About a dozen queries whatever the archive size; no other story's text is read.
    """
    counts = term_counts(story, entity_terms() if entities is None else entities)
    old = ArticleProfile.objects.filter(pk=story.id).only("terms", "related").first()
    old_terms = set(old.terms) if old else set()
    new_terms = set(counts)
    _df_shift((new_terms - old_terms) | ({DOC_COUNT_KEY} if old is None else set()), +1)
    _df_shift(old_terms - new_terms, -1)
    dfs, n_docs = _dfs(new_terms)
    profile = ArticleProfile(
        article_id=story.id, vector=weigh(counts, dfs, n_docs), terms=sorted(new_terms),
        published_at=story.published_at, section_path=story.section_path,
        related=old.related if old else [], stale=False,
    )
    if relate:
        # The story's own postings are not needed to find its neighbours: rank first, then
        # write the profile once with its list.
        profile.related = related_for_profile(profile, dfs, n_docs)
        profile.computed_at = timezone.now()
    if old is not None:
        TermPosting.objects.filter(article_id=story.id).delete()
    profile.save(force_insert=old is None, force_update=old is not None)
    TermPosting.objects.bulk_create(
        [TermPosting(term=t, article_id=story.id, weight=w) for t, w in profile.vector.items()])
    if relate and profile.related:
        # The stories this one is close to may now want it in their own lists (a newer story,
        # or an older one imported late): the scheduler recomputes them within a minute.
        ArticleProfile.objects.filter(pk__in=profile.related).update(stale=True)
    return profile


def related_store(*, profile: ArticleProfile, related: list[int]) -> None:
    profile.related = related
    profile.stale = False
    profile.computed_at = timezone.now()
    ArticleProfile.objects.filter(pk=profile.pk).update(
        related=related, stale=False, computed_at=profile.computed_at)


def related_refresh(*, profile: ArticleProfile) -> None:
    dfs, n_docs = _dfs(profile.vector)
    related_store(profile=profile, related=related_for_profile(profile, dfs, n_docs))


def related_refresh_stale(*, limit: int = 200) -> int:
    """Recompute lists a newer story may belong to; the scheduler calls this every minute."""
    stale = list(ArticleProfile.objects.filter(stale=True)
                 .only("article_id", "vector", "published_at", "section_path")[:limit])
    for profile in stale:
        related_refresh(profile=profile)
    return len(stale)


@transaction.atomic
def profile_delete(*, article_id: int) -> None:
    """A story left the site: its terms stop counting and it leaves every index."""
    old = ArticleProfile.objects.filter(pk=article_id).only("terms").first()
    if old is None:
        return
    _df_shift(set(old.terms) | {DOC_COUNT_KEY}, -1)
    old.delete()


# --- whole archive --------------------------------------------------------------------------


def _stories(ids: list[int]) -> list[StoryText]:
    from nashra.news.models import ArticlePage, ArticleTag

    tags: dict[int, list[str]] = {}
    for article_id, name in ArticleTag.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name"):
        tags.setdefault(article_id, []).append(name)
    rows = ArticlePage.objects.filter(pk__in=ids).values_list(
        "id", "title", "standfirst", "body", "first_published_at", "path")
    return [
        StoryText(id=pk, title=title, standfirst=standfirst or "", body=body_text(body.raw_data),
                  tags=tags.get(pk, []), published_at=published or timezone.now(),
                  section_path=path[: -ArticlePage.steplen])
        for pk, title, standfirst, body, published, path in rows
    ]


def _batches(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def profiles_rebuild(*, batch_size: int = 1000, relate: bool = True, progress=None) -> int:
    """Profile every live story from scratch (after an import or `demo-corpus`).

    Two passes so that every story is weighed against the final document frequencies:
    the first counts terms, the second writes vectors and postings.
    """
    from nashra.news.models import ArticlePage

    ids = list(ArticlePage.objects.live().order_by("pk").values_list("pk", flat=True))
    entities = entity_terms()
    step = progress or (lambda *_: None)
    df: Counter = Counter()
    for chunk in _batches(ids, batch_size):
        for story in _stories(chunk):
            df.update(set(term_counts(story, entities)))
        step("terms", len(chunk))
    n_docs = max(len(ids), 1)
    with transaction.atomic():
        TermPosting.objects.all().delete()
        ArticleProfile.objects.all().delete()
        TermStat.objects.all().delete()
        stats = [TermStat(term=t, df=n) for t, n in df.items()]
        stats.append(TermStat(term=DOC_COUNT_KEY, df=len(ids)))
        TermStat.objects.bulk_create(stats, batch_size=5000)
    for chunk in _batches(ids, batch_size):
        profiles, postings = [], []
        for story in _stories(chunk):
            counts = term_counts(story, entities)
            vector = weigh(counts, df, n_docs)
            profiles.append(ArticleProfile(
                article_id=story.id, vector=vector, terms=sorted(counts),
                published_at=story.published_at, section_path=story.section_path,
                stale=relate))
            postings.extend(TermPosting(term=t, article_id=story.id, weight=w)
                            for t, w in vector.items())
        with transaction.atomic():
            ArticleProfile.objects.bulk_create(profiles)
            TermPosting.objects.bulk_create(postings, batch_size=5000)
        step("profiles", len(chunk))
    if relate:
        for chunk in _batches(ids, batch_size):
            with transaction.atomic():
                for profile in ArticleProfile.objects.filter(pk__in=chunk).only(
                        "article_id", "vector", "published_at", "section_path"):
                    related_refresh(profile=profile)
            step("related", len(chunk))
    return len(ids)

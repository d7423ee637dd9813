"""The one bulk writer of published stories: `demo-corpus` and `import-wordpress` write here.

Wagtail's add_child + save_revision + publish costs tens of milliseconds a story: hours for
a 100,000-story archive. This module writes the same rows a batch at a time:

- tree paths allocated under each section as treebeard's add_child would (after the last
  child, the parent's `numchild` raised), with the parent rows locked as add_child locks
  them, so an editor adding a story to the same section meanwhile waits instead of taking
  the same path;
- the page rows from the model's own concrete fields: one INSERT per table of the model
  (Page's, then ArticlePage's; Django refuses to bulk-create a multi-table model), its
  columns read from `_meta` — a field added to ArticlePage, or to Page by a Wagtail
  upgrade, is written with no change here (nashra/news/tests/test_bulk.py fails otherwise);
- bylines, tags and the images each story shows (StoryImage) in bulk;
- the search index in bulk.

What it leaves out, on purpose: no revision (a story gets its history when an editor first
saves it), no `page_published` signal and no cache renewal (a caller writing thousands of
stories renews once, at its end), no related-news lists (`nashra related-rebuild`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from .models import ArticlePage, ArticlePageAuthor, ArticleTag, StoryImage, arabic_slugify

# Children of one node that treebeard's four base-36 characters can number.
MAX_CHILDREN = len(Page.alphabet) ** Page.steplen - 1
SLUG_MAX = Page._meta.get_field("slug").max_length
# Values in one IN list: under SQLite's oldest limit on bound parameters (999).
IN_CHUNK = 900
# What the writer decides itself, whatever the caller set: where the story sits in the tree
# and that it is published. Every other concrete field is written as the caller set it.
WRITER_FIELDS = frozenset({"id", "page_ptr", "path", "depth", "numchild", "url_path", "live",
                           "has_unpublished_changes"})


class SectionFull(Exception):
    """The section holds as many children as treebeard's paths can number (MAX_CHILDREN)."""


@dataclass
class NewStory:
    """One story for `articles_publish_bulk`.

    `article` is an unsaved ArticlePage with its fields set as a form would set them (title,
    slug, standfirst, body, dates…); `section` is where it goes; `author_ids` its byline in
    order; `tags` tag names, created where missing.
    """

    article: ArticlePage
    section: Page
    author_ids: Sequence[int] = ()
    tags: Sequence[str] = ()


class SiblingSlugs:
    """The slugs taken under each section, read once per section and kept for a whole run.

    Reading a 100,000-story section's slugs again for every batch would cost more than
    writing the batch. A caller that writes many batches keeps one of these across them and
    calls `forget()` after a batch rolls back (its slugs were never taken).
    """

    def __init__(self, *, max_length: int = SLUG_MAX):
        self.max_length = max_length
        self._taken: dict[int, set[str]] = {}

    def taken(self, *, section: Page) -> set[str]:
        if section.pk not in self._taken:
            self._taken[section.pk] = set(
                Page.objects.filter(path__startswith=section.path, depth=section.depth + 1)
                .values_list("slug", flat=True))
        return self._taken[section.pk]

    def claim(self, *, section: Page, slug: str) -> str:
        """`slug`, or `slug-2`, `slug-3`… when a sibling has it: a story's URL is its
        section's URL plus its slug, so two siblings must differ."""
        taken = self.taken(section=section)
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug[:self.max_length - 8]}-{n}", n + 1
        taken.add(candidate)
        return candidate

    def forget(self, *, section: Page | None = None) -> None:
        """Read again on next use: every section's slugs, or `section`'s."""
        if section is None:
            self._taken.clear()
        else:
            self._taken.pop(section.pk, None)


def tags_ensure(*, names: Iterable[str]) -> dict[str, int]:
    """The id of each tag name, creating the missing tags. taggit's save() looks for a free
    slug, a query or more apiece: callers make a run's vocabulary once, not per story."""
    Tag = ArticleTag.tag_model()
    names = list(dict.fromkeys(names))
    ids: dict[str, int] = {}
    for chunk in _chunks(names):
        ids.update(Tag.objects.filter(name__in=chunk).values_list("name", "id"))
    for name in names:
        if name not in ids:
            ids[name] = Tag.objects.create(name=name).pk
    return {name: ids[name] for name in names}


@transaction.atomic
def articles_publish_bulk(*, stories: Sequence[NewStory], slugs: SiblingSlugs | None = None,
                          search_index: bool = True) -> list[ArticlePage]:
    """Write `stories` as published pages; returns their articles, saved, in the same order.

    One transaction: the tree is whole after it or untouched. Stories of one section are
    numbered in the order given. Each slug is kept unless a sibling has it (`slugs`). The
    writer sets the fields in WRITER_FIELDS; it fills `locale` (the section's),
    `draft_title` (the title) and the published dates (now; the last = the first) when left
    empty, and writes every other field as set. `search_index=False` leaves the index to a
    later `nashra update-search-index`, as `demo-corpus` does before its benchmarks.
    """
    if not stories:
        return []
    slugs = slugs or SiblingSlugs()
    now = timezone.now()
    by_section: dict[int, list[NewStory]] = {}
    for story in stories:
        by_section.setdefault(story.section.pk, []).append(story)
    # The parents as stored, locked until commit (see the module docstring).
    parents = Page.objects.select_for_update().in_bulk(list(by_section))
    ordered: list[NewStory] = []
    for parent_pk, items in by_section.items():
        parent = parents[parent_pk]
        step = _last_step(parent)
        if step + len(items) > MAX_CHILDREN:
            raise SectionFull(f"a section can hold at most {MAX_CHILDREN} children in the page "
                              f"tree («{parent.title}» has {step})")
        for story in items:
            step += 1
            _place(story.article, parent=parent, step=step, now=now,
                   slug=slugs.claim(section=parent, slug=_slug(story.article)))
            ordered.append(story)
    articles = [story.article for story in ordered]
    _rows_insert(articles)

    links, tagged = [], []
    tag_ids = tags_ensure(names=sorted({t for story in ordered for t in story.tags}))
    for story in ordered:
        pk = story.article.pk
        links.extend(ArticlePageAuthor(page_id=pk, author_id=author_id, sort_order=i)
                     for i, author_id in enumerate(dict.fromkeys(story.author_ids)))
        tagged.extend(ArticleTag(content_object_id=pk, tag_id=tag_ids[name])
                      for name in dict.fromkeys(story.tags))
    ArticlePageAuthor.objects.bulk_create(links)
    ArticleTag.objects.bulk_create(tagged)
    StoryImage.objects.bulk_create(
        [StoryImage(story_id=article.pk, image_id=i)
         for article in articles for i in sorted(article.shown_image_ids())],
        ignore_conflicts=True)
    for parent_pk, items in by_section.items():
        Page.objects.filter(pk=parent_pk).update(numchild=F("numchild") + len(items))
        for story in items:  # the caller's copy too, as treebeard's add_child does
            story.section.numchild = parents[parent_pk].numchild + len(items)
    if search_index:
        _index([article.pk for article in articles])
    return [story.article for story in stories]


def _slug(article: ArticlePage) -> str:
    return (article.slug or arabic_slugify(article.title) or "article")[:SLUG_MAX]


def _place(article: ArticlePage, *, parent: Page, step: int, slug: str, now) -> None:
    article.path = parent.path + _step(step)
    article.depth = parent.depth + 1
    article.numchild = 0
    article.slug = slug
    article.url_path = f"{parent.url_path}{slug}/"
    article.live, article.has_unpublished_changes = True, False
    article.draft_title = article.draft_title or article.title
    article.locale_id = article.locale_id or parent.locale_id
    article.first_published_at = article.first_published_at or now
    article.last_published_at = article.last_published_at or article.first_published_at


def _rows_insert(articles: list[ArticlePage]) -> None:
    """The rows of every table of the model, their columns from the model's own fields.

    One executemany per table, reading the values off the articles themselves: no second
    model instance per story (Page's `bulk_create` would want one, at about as much again as
    the article costs to build). The page ids are read back by path, which is unique."""
    root, *below = [*reversed(ArticlePage._meta.get_parent_list()), ArticlePage]
    with connection.cursor() as cursor:
        fields = [f for f in root._meta.concrete_fields if not f.primary_key]
        cursor.executemany(_insert_sql(root, fields), _values(articles, fields))
        ids: dict[str, int] = {}
        for chunk in _chunks([article.path for article in articles]):
            ids.update(root.objects.filter(path__in=chunk).values_list("path", "pk"))
        for article in articles:
            pk = ids[article.path]
            setattr(article, root._meta.pk.attname, pk)
            for model in below:
                for link in model._meta.parents.values():
                    setattr(article, link.attname, pk)
        for model in below:
            fields = model._meta.local_concrete_fields
            cursor.executemany(_insert_sql(model, fields), _values(articles, fields))
    for article in articles:
        article._state.adding = False
        article._state.db = connection.alias


def _insert_sql(model, fields) -> str:
    qn = connection.ops.quote_name
    return (f"INSERT INTO {qn(model._meta.db_table)} "
            f"({', '.join(qn(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})")


def _values(articles: list[ArticlePage], fields) -> list[tuple]:
    # What Django's own INSERT sends: each field's pre_save value, prepared for the database.
    return [tuple(f.get_db_prep_save(f.pre_save(article, True), connection) for f in fields)
            for article in articles]


def _index(pks: list[int]) -> None:
    """Publishing indexes a story; these were not published through Wagtail."""
    articles = []
    for chunk in _chunks(pks):
        articles += ArticlePage.objects.filter(pk__in=chunk)
    for backend in get_search_backends():
        backend.add_bulk(ArticlePage, articles)


def _step(n: int) -> str:
    alphabet, chars = Page.alphabet, []
    for _ in range(Page.steplen):
        n, r = divmod(n, len(alphabet))
        chars.append(alphabet[r])
    return "".join(reversed(chars))


def _last_step(parent: Page) -> int:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path").values_list("path", flat=True).first()
    )
    if last is None:
        return 0
    n = 0
    for char in last[-Page.steplen:]:
        n = n * len(Page.alphabet) + Page.alphabet.index(char)
    return n


def _chunks(values: list, size: int = IN_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]

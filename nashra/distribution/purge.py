"""The feeds and sitemaps a story is listed in (a page finder: nashra.core.changes.pages_showing)."""

from django.urls import reverse

from nashra.news.models import ArticlePage, ArticlePageAuthor, SectionPage

from .cache import bucket_of
from .views import ARTICLES_PREFIX


def _feeds(name: str, *args) -> list[str]:
    return [reverse(f"distribution:{name}_rss", args=args),
            reverse(f"distribution:{name}_atom", args=args)]


def story_paths(*, story: ArticlePage) -> list[str]:
    paths = _feeds("feed_site")
    for section_id in SectionPage.objects.ancestor_of(story).values_list("pk", flat=True):
        paths += _feeds("feed_section", section_id)
    for tag in story.tags.all():
        paths += _feeds("feed_tag", tag.slug)
    for slug in ArticlePageAuthor.objects.filter(page_id=story.pk).values_list(
            "author__slug", flat=True):
        paths += _feeds("feed_author", slug)
    paths += [reverse("distribution:sitemap_index")]
    paths += [reverse("distribution:sitemap", args=[name]) for name in
              ("news", "pages", f"{ARTICLES_PREFIX}{bucket_of(story.pk)}")]
    return paths


def author_paths(*, slug: str) -> list[str]:
    return _feeds("feed_author", slug)

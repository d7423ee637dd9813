"""What a change touches in search (nashra.core.changes has the events): a published or
edited story's terms join the vocabulary that close spellings are found in, by a task."""

from django_tasks import task

from nashra.arabic.analysis import analyse
from nashra.core import changes
from nashra.core.changes import STORY_CHANGED
from nashra.core.tasks import later
from nashra.news.models import ArticlePage


@changes.subscribe(STORY_CHANGED)
def vocabulary_grow(change):
    later(vocabulary_story_add, change.page_id)


@task()
def vocabulary_story_add(story_id: int) -> None:
    """Add a live story's analysed terms (headline, standfirst, body) to the vocabulary."""
    from .selectors import article_text
    from .services import vocabulary_add

    story = ArticlePage.objects.live().filter(pk=story_id).first()
    if story is not None:
        vocabulary_add(terms=analyse(f"{story.title}\n{article_text(story)}"))

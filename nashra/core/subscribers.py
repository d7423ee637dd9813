"""What every change touches in nashra's own stores (nashra.core.changes has the events).

Both live in one shared store of generations (the "pages" cache: Redis, or files on the
embedded install), so a change made in any process reaches every process:

- the content generation of the fragments every page shares (nashra.core.fragments), on
  every change but a comment thread's (that has a version of its own, comments/subscribers);
- the page cache's site generation, on a change every page shows (the section tree, the site
  settings): all of our own full-page entries at once.
"""

from . import changes, fragments, pagecache
from .changes import (
    AUTHOR_CHANGED,
    CURATION_CHANGED,
    SETTINGS_CHANGED,
    STORY_CHANGED,
    STORY_GONE,
    TREE_CHANGED,
)


@changes.subscribe(STORY_CHANGED, STORY_GONE, TREE_CHANGED, SETTINGS_CHANGED, CURATION_CHANGED,
                   AUTHOR_CHANGED)
def shared_fragments(change):
    fragments.content_changed()


@changes.subscribe(TREE_CHANGED, SETTINGS_CHANGED)
def every_page(change):
    pagecache.everything_purge()

"""The rendition sets the site uses, named once so templates and publish-time warming agree."""

import functools

from PIL import features
from wagtail.images.models import Filter

# The hero of an article: full column width on a phone up to the desktop column.
HERO_SPEC = "fill-{480x270,800x450,1200x675}-c80"
# A thumbnail in a listing.
CARD_SPEC = "fill-{320x180,640x360}-c80"
# AVIF only where this Pillow build can write it; WebP and the JPEG fallback always.
FORMATS = "format-{avif,webp,jpeg}" if features.check("avif") else "format-{webp,jpeg}"

HERO_SIZES = "(min-width: 60rem) 46rem, 100vw"
CARD_SIZES = "(min-width: 60rem) 15rem, 40vw"


@functools.cache
def expanded_filters(spec: str) -> tuple[Filter, ...]:
    """Every concrete filter behind one picture spec (sizes × formats).

    Made once per process and shared, as Wagtail's own {% picture %} tag shares the filters
    of a compiled template: a Filter parses its operations (with inspect) the first time it
    is asked for a rendition's cache key, 0.1 ms a filter and six per picture.
    """
    return tuple(Filter(spec=s) for s in Filter.expand_spec([FORMATS, spec]))


def warm_renditions(image, spec: str) -> None:
    """Render now, at publish time, so no reader waits for an AVIF encode."""
    image.get_renditions(*expanded_filters(spec))

"""The publisher's brand colour as a stylesheet: `/theme/8a1538.css`.

The readers' Content-Security-Policy refuses inline styles, so the colour from site settings
cannot go in a style attribute. The stylesheet's address carries the colour itself: the answer
depends on nothing else, never reads the database and is cached for a year (a new colour is a
new address). site.css holds the default colour, so a site that keeps it loads nothing more.
"""

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

DEFAULT_BRAND = "8a1538"  # --brand in nashra/static/nashra/css/site.css
WHITE, INK = (1.0, 1.0, 1.0), (0.102, 0.102, 0.102)


def _channels(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(rgb) -> float:
    def linear(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _towards(rgb, target, step):
    return tuple(c + (t - c) * step for c, t in zip(rgb, target, strict=True))


def _readable_on(rgb, background, target) -> str:
    """`rgb` moved towards `target` (black or white) until it reads on `background` (WCAG AA,
    4.5:1), in twentieth steps."""
    for i in range(21):
        candidate = _towards(rgb, target, i / 20)
        if contrast(candidate, background) >= 4.5:
            return _hex(candidate)
    return _hex(target)


def theme_rules(hex_colour: str) -> str:
    """The tokens site.css takes from the brand colour, for light and dark pages."""
    brand = _channels(hex_colour)
    ink_on_brand = "#ffffff" if contrast(brand, WHITE) >= contrast(brand, INK) else "#1a1a1a"
    dark_paper = (0.071, 0.071, 0.078)  # --paper in the dark scheme (#121214)
    return (
        f":root{{--brand:#{hex_colour};--brand-ink:{ink_on_brand};"
        f"--link:{_readable_on(brand, WHITE, (0, 0, 0))}}}\n"
        f"@media (prefers-color-scheme: dark){{:root{{"
        f"--link:{_readable_on(brand, dark_paper, WHITE)}}}}}\n"
    )


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24 * 365, immutable=True)
def theme_css(request, colour: str):
    return HttpResponse(theme_rules(colour), content_type="text/css; charset=utf-8")

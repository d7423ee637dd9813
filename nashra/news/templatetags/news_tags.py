from django import template
from wagtail.models import Site

from nashra.news import selectors

register = template.Library()


def _home(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def header_sections(context):
    home = _home(context)
    return selectors.menu_sections(home=home) if home else []


@register.simple_tag
def section_of(article):
    return selectors.section_for_path(article.path)


def _route_url(context, route: str, slug: str) -> str:
    home = _home(context)
    if home is None:
        return ""
    from nashra.news.models import HomePage

    return (home.get_url(context.get("request")) or "/") + HomePage.reverse_subpage_static(
        route, slug
    )


@register.simple_tag(takes_context=True)
def author_url(context, author):
    return _route_url(context, "author", author.slug)


@register.simple_tag(takes_context=True)
def tag_url(context, tag):
    return _route_url(context, "tag", tag.slug)

from django import template
from wagtail.models import Site

from nashra.news import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def header_sections(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return selectors.menu_sections(home=site.root_page) if site else []


@register.simple_tag
def section_of(article):
    return selectors.section_for_path(article.path)

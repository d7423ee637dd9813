"""Which Wagtail Site answers a request, without Wagtail's per-request query.

Wagtail finds the Site with a query of its own on every request (a CASE over hostname, port
and the default flag, joined to the root page: about 3 ms of ORM work on a 2-core machine)
and then reads the root page's own row. Sites change only in the admin, so this process
keeps the choice — the Site's row and its root page's class. The root page itself (its
specific row) is remembered by nashra.core.fragments until it is published or the section
tree changes (a new site generation); each request gets its own copy. The memo is
dropped when any Site is saved or deleted (the "sites" version of nashra.core.fragments, read
with the generations in the request's one round trip to the shared store), and after
SITES_MEMO_SECONDS at most.
"""

import copy
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.views import serve as wagtail_serve

from . import fragments

SITES_MEMO_SECONDS = 60
MAX_HOSTS = 64  # any Host header reaches here; keep the memo small

_memo: dict = {"version": None, "until": 0.0, "sites": {}}


def _site_found(request) -> tuple[Site, type | None] | None:
    """The memo's (Site row, root page class) for the request's host and port."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    version, now = fragments.version("sites", request), time.monotonic()
    if _memo["version"] != version or now > _memo["until"] or len(_memo["sites"]) > MAX_HOSTS:
        _memo.update(version=version, until=now + SITES_MEMO_SECONDS, sites={})
    sites = _memo["sites"]  # this version's, whatever another thread does meanwhile
    key = (hostname, port)
    if key not in sites:
        try:
            site = get_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            site = None
        if site is not None:
            site = (copy.copy(site), site.root_page.specific_class)
            site[0]._state.fields_cache.clear()  # the page itself is read per request
        sites[key] = site
    return sites[key]


def site_id_for_request(request) -> int | None:
    """The id of the Site that answers the request (Wagtail's choice, the default site for a
    host no Site names), for keys: unlike the Host header, one of a few values."""
    found = _site_found(request)
    return found[0].pk if found is not None else None


def site_for_request(request) -> Site | None:
    """Site.find_for_request's answer, its root page read as its specific class."""
    found = _site_found(request)
    if found is None:
        return None
    site, root_class = copy.copy(found[0]), found[1]
    if root_class is not None:
        # The root page changes when it is published or the section tree does: both start a
        # new site generation, which ends what fragments remembered.
        root = fragments.remember(request, ("site-root", site.pk),
                                  lambda: root_class.objects.get(pk=site.root_page_id),
                                  per_site=False)
        site.root_page = copy.copy(root)
    return site


class SiteMiddleware:
    """Before Wagtail serves a page, sets the request's Site where Wagtail keeps it for the
    request (`_wagtail_site`); other views (the beacon, feeds, the admin) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_serve and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = site_for_request(request)


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def _sites_changed(sender, **kwargs):
    fragments.version_changed("sites")
    _memo.update(version=None, sites={})

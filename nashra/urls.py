from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from nashra.core.inputs import ids_in_range
from nashra.core.media import media_serve
from nashra.core.theme import theme_css
from nashra.distribution import api as distribution_api
from nashra.search import views as search_views

urlpatterns = [
    # robots.txt, sitemaps, feeds and short links
    path("", include("nashra.distribution.urls")),
    path("search/", search_views.search_page, name="search"),
    # The brand colour of site settings as a stylesheet (no inline style under the CSP).
    re_path(r"^theme/(?P<colour>[0-9a-f]{6})\.css$", theme_css, name="theme"),
    path("api/search/", search_views.search_api, name="search_api"),
    path("comments/", include("nashra.comments.urls")),
    path("api/v2/", distribution_api.urls()),  # the headless API (docs/api.md)
    path("discovery/", include("nashra.discovery.urls")),
    path("live/", include("nashra.live.urls")),  # live coverage's poll answers and feeds
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document link takes an id of any length; 5,000 digits made int() fail.
    path("documents/", include(decorate_urlpatterns(wagtaildocs_urls.urlpatterns, ids_in_range))),
]

if settings.SERVE_MEDIA:
    # Django serves uploads only when no front server (nginx, a bucket) does it.
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>",
             cache_control(public=True, max_age=60 * 60 * 24 * 30)(media_serve),
             {"document_root": settings.MEDIA_ROOT})
    )

urlpatterns.append(path("", include(wagtail_urls)))

# A database or Redis that is down, met outside a view, answers 503 (nashra.core.faults).
handler500 = "nashra.core.faults.server_error"

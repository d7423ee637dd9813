import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nashra.settings.production")

application = get_wsgi_application()

from nashra.core.pagecache import page_cache_fast_path  # noqa: E402  (needs Django set up)
from nashra.core.proxy import forwarded_address  # noqa: E402
from nashra.discovery.wsgi import beacon_fast_path  # noqa: E402

# Outermost the read beacon (the most frequent request), then cached reader pages: both are
# answered without Django's middleware, URL resolver or a database query.
# The reader's address comes first: behind nginx every connection is from 127.0.0.1.
application = forwarded_address(beacon_fast_path(page_cache_fast_path(application)))

# What loading Django and Wagtail made lives as long as the process: moving it out of the
# collector's sight keeps each full collection from stalling a request by tens of ms.
gc.freeze()

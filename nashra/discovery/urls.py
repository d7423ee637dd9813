from django.urls import path, re_path

from . import views

app_name = "discovery"

urlpatterns = [
    re_path(r"^v/(?P<article_id>[0-9]{1,12})/(?P<issued>[0-9]{1,8})/(?P<signature>[0-9a-f]{16})/$",
            views.view_beacon, name="beacon"),
    # Anything else under v/ is garbage: a short refusal, not the CMS's 404 page.
    re_path(r"^v/", views.beacon_rejected),
    path("live/breaking/", views.breaking_fragment, name="breaking"),
    path("live/most-read/", views.most_read_fragment, name="most_read"),
    path("live/picks/", views.picks_fragment, name="picks"),
]

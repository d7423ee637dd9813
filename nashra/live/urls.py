from django.urls import re_path

from . import views

app_name = "live"

# Ids as 1-19 ASCII digits: anything longer is no id a database holds (nashra.core.inputs).
urlpatterns = [
    re_path(r"^(?P<story_id>[0-9]{1,19})/entries/$", views.entries, name="entries"),
    re_path(r"^(?P<story_id>[0-9]{1,19})/feed/rss/$", views.feed_rss, name="feed_rss"),
    re_path(r"^(?P<story_id>[0-9]{1,19})/feed/atom/$", views.feed_atom,
            name="feed_atom"),
]

from django.urls import path

from . import feeds, views

app_name = "distribution"


def _feed_urls(prefix: str, rss, atom, name: str):
    return [
        path(f"{prefix}rss/", rss.as_view(), name=f"{name}_rss"),
        path(f"{prefix}atom/", atom.as_view(), name=f"{name}_atom"),
    ]


urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("sitemaps/<str:section>.xml", views.sitemap_section, name="sitemap"),
    path("s/<str:code>/", views.short_link, name="short_link"),
    path("cards/<int:page_id>/<slug:key>.png", views.share_card, name="share_card"),
    *_feed_urls("feeds/", feeds.ArticleFeed, feeds.SiteAtomFeed, "feed_site"),
    *_feed_urls("feeds/section/<int:section_id>/", feeds.SectionFeed, feeds.SectionAtomFeed,
                "feed_section"),
    *_feed_urls("feeds/tag/<str:slug>/", feeds.TagFeed, feeds.TagAtomFeed, "feed_tag"),
    *_feed_urls("feeds/author/<str:slug>/", feeds.AuthorFeed, feeds.AuthorAtomFeed,
                "feed_author"),
]

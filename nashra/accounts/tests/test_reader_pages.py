"""The two-factor step never touches a reader's (cookieless) request: no session opened, so
no "Vary: Cookie" that would make front caches keep a copy per cookie."""

import pytest


@pytest.mark.django_db
def test_a_reader_without_a_session_gets_no_vary_cookie(client, make_article):
    make_article(title="خبر")
    for path in ("/feeds/rss/", "/sitemap.xml", "/robots.txt"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Cookie" not in response.headers.get("Vary", ""), path

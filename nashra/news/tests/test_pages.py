"""Reader pages over HTTP: breadcrumb, headline, body, direction, and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nashra.news.demo import REFERENCE_SECTION, reference_article

pytestmark = pytest.mark.django_db


def test_reference_article_page(client, make_article):
    title, body = reference_article()
    article = make_article(title=title, body=body, section=REFERENCE_SECTION, source="الأناضول")
    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert f'<h1 class="article__headline">{title}</h1>' in html
    # every paragraph of the reference body, typos included
    for paragraph in body.split("\n\n"):
        assert paragraph.strip().replace("&", "&amp;") in html
    assert "بالتننسيق" in html and "يدعور" in html
    assert "الأناضول" in html
    crumbs = html[html.index('class="breadcrumb"'):html.index("</nav>", html.index('class="breadcrumb"'))]
    assert [c for c in ("الرئيسية", "أخبار", "عربية ودولية") if c in crumbs] == ["الرئيسية", "أخبار", "عربية ودولية"]

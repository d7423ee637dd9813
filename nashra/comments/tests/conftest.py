import datetime as dt

import pytest
import time_machine

from nashra.comments import services
from nashra.comments.models import Comment
from nashra.conftest import article_maker, home_install, shared_rows

TITLE = "الحكومة تعلن خطة للنقل العام"


@pytest.fixture
def article(make_article):
    return make_article(title=TITLE)


@pytest.fixture(scope="class")
def _article_built(request, django_db_setup, django_db_blocker):
    with shared_rows(request, django_db_blocker,
                     lambda: article_maker(home_install(), prefix="shared")(title=TITLE).pk) as pk:
        yield pk


class OnOneArticle:
    """A base for test classes whose tests comment on one story, built once for the class and
    read afresh for each test (what a test writes is still rolled back after it)."""

    @pytest.fixture
    def article(self, _article_built, db):
        from nashra.news.models import ArticlePage

        return ArticlePage.objects.get(pk=_article_built)


@pytest.fixture
def old_token():
    """A fill-time token signed a minute ago: passes the minimum-fill check."""
    with time_machine.travel(long_ago(0) - dt.timedelta(minutes=1)):
        return services.fill_token_make()


@pytest.fixture
def post(client, article, old_token):
    """POST the comment form as a browser on this site would (Origin header, old token)."""

    def _post(page=None, json=False, origin=True, **fields):
        data = {
            "body": "تغطية ممتازة، شكرًا على التوضيح.", "author_name": "سارة",
            "author_email": "sara@example.org", "author_url": "", "ts": old_token,
            "nickname": "",
        }
        data.update(fields)
        headers = {}
        if origin:
            headers["Origin"] = "http://testserver"
        if json:
            headers["Accept"] = "application/json"
        return client.post(f"/comments/post/{(page or article).pk}/", data, headers=headers,
                           REMOTE_ADDR=fields.pop("ip", "203.0.113.7"))

    return _post


@pytest.fixture
def spammy():
    return {
        "body": "شركة نقل عفش بالرياض بأرخص الأسعار فك وتركيب اتصل واتساب 0555123456",
        "author_name": "شركة نقل عفش", "author_email": "movers@example.org",
        "author_url": "https://naql.example.com",
    }


def last_comment() -> Comment:
    return Comment.objects.order_by("-pk").first()


def long_ago(days: int):
    from django.utils import timezone

    return timezone.now() - dt.timedelta(days=days)

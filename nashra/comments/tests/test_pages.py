"""The article page's comment section, cache-friendliness, closing, privacy and the no-JS reply."""

import datetime as dt
import json
import re

import pytest
from django.test import Client, override_settings

from nashra.comments import services
from nashra.comments.models import ArticleComments, Comment, CommentSettings

from .conftest import OnOneArticle, last_comment

pytestmark = pytest.mark.django_db


class TestCommentsOnPages(OnOneArticle):
    """On one story, built once for the class."""

    def test_article_page_has_the_form_with_arabic_labels_and_privacy_link(self, client, article):
        page = client.get(article.url).content.decode()
        for text in ("ترك الرد", "التعليق", "الاسم", "البريد الإلكتروني", "لن يُنشر بريدك الإلكتروني",
                     "/comments/privacy/"):
            assert text in page
        # Nothing per-reader is rendered into a page a cache may share: no CSRF token, no cookie.
        assert re.search(r'name="csrfmiddlewaretoken" value=""', page)
        assert "csrftoken" not in client.get(article.url).cookies

    def test_cached_page_flow_with_fetched_token(self, article, old_token):
        """JavaScript path: no Origin header at all, the token comes from /comments/token/."""
        client = Client(enforce_csrf_checks=True)
        client.get(article.url)  # served from a cache in production: sets nothing
        token = client.get("/comments/token/")
        assert token["Cache-Control"].startswith("max-age=0")
        data = token.json()
        response = client.post(f"/comments/post/{article.pk}/", {
            "csrfmiddlewaretoken": data["csrf"], "ts": old_token, "body": "وصلني النموذج من ذاكرة مؤقتة",
            "author_name": "ليلى", "author_email": "l@example.org",
        }, headers={"Accept": "application/json"})
        assert response.status_code == 200 and response.json()["ok"]

    def test_without_javascript_origin_stands_in_for_the_token(self, article, old_token):
        client = Client(enforce_csrf_checks=True)
        response = client.post(f"/comments/post/{article.pk}/", {
            "ts": old_token, "body": "أرسلته من دون جافاسكربت", "author_name": "ليلى",
            "author_email": "l@example.org",
        }, headers={"Origin": "http://testserver"})
        assert response.status_code == 302
        assert response["Location"].startswith(article.url)
        assert Comment.objects.count() == 1

    def test_no_javascript_reply_page(self, client, post, article):
        post(body="أصل النقاش")
        parent = last_comment()
        page = client.get(f"/comments/reply/{parent.pk}/").content.decode()
        assert "الرد على تعليق" in page and "أصل النقاش" in page
        assert f'name="parent" value="{parent.pk}"' in page

    def test_closed_by_an_editor(self, client, post, article):
        ArticleComments.objects.create(page=article, closed=True)
        page = client.get(article.url).content.decode()
        assert "أُغلقت التعليقات على هذا المقال." in page and "ترك الرد" not in page
        response = post()
        assert response.status_code == 403 and "أُغلقت التعليقات" in response.content.decode()
        assert Comment.objects.count() == 0

    def test_closed_after_the_configured_days(self, client, post, article):
        article.first_published_at = article.first_published_at - dt.timedelta(days=31)
        article.save(update_fields=["first_published_at"])
        assert "أُغلقت التعليقات بعد ٣٠ يومًا من النشر." in client.get(article.url).content.decode()
        assert post().status_code == 403

    def test_ip_is_stored_only_as_a_keyed_hash_of_its_prefix(self, post):
        post(ip="203.0.113.7")
        comment = last_comment()
        assert "203.0.113" not in json.dumps(list(Comment.objects.values()), default=str)
        assert len(comment.ip_key) == 64

    def test_purge_removes_old_spam_and_trash_only(self, article, time_machine):
        old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        time_machine.move_to(old)
        kept = services.comment_create(page=article, author_name="أ", author_email="a@example.org",
                                       body="تعليق منشور")
        services.comment_moderate(comment=kept, action="approve")
        spam = services.comment_create(page=article, author_name="ب", author_email="b@example.org",
                                       body="مزعج قديم")
        services.comment_moderate(comment=spam, action="spam")
        time_machine.move_to(old + dt.timedelta(days=CommentSettings().spam_retention_days + 1))
        from django.core.management import call_command

        call_command("purge_comments", verbosity=0)
        assert list(Comment.objects.values_list("pk", flat=True)) == [kept.pk]

    def test_thread_query_count(self, client, post, article, django_assert_max_num_queries):
        for i in range(5):
            post(body=f"تعليق عادي رقم {i} عن الخبر", author_email=f"r{i}@example.org")
        from nashra.comments import selectors

        with django_assert_max_num_queries(1):
            selectors.comment_thread(page=article)

    def test_thread_and_count_in_one_query(self, article, django_assert_num_queries):
        """The count under a story is the approved comments, whatever else is held or added."""
        from nashra.comments import selectors

        made = {}
        for action in ("approve", "approve", "spam", "trash", None):  # None: held for moderation
            c = services.comment_create(page=article, author_name="أ",
                                        author_email=f"{len(made)}@example.org",
                                        body=f"تعليق رقم {len(made)}")
            if action:
                services.comment_moderate(comment=c, action=action)
            made[c.pk] = action
        held = Comment.objects.get(pk=next(pk for pk, a in made.items() if a is None))
        for extra in (None, held):  # the reader's own held comment is shown, not counted
            with django_assert_num_queries(1):
                nodes, count = selectors.comment_thread_and_count(page=article, extra=extra)
            assert count == selectors.comment_count(page=article) == 2
            assert len(nodes) == 2 + (extra is not None)
            assert nodes == selectors.comment_thread(page=article, extra=extra)

    def test_comment_counts_on_article_lists(self, client, article, make_article, home,
                                             django_assert_max_num_queries):
        other = make_article(title="خبر آخر بلا تعليقات")
        for i in range(3):
            c = services.comment_create(page=article, author_name="أ", author_email=f"{i}@example.org",
                                        body=f"تعليق رقم {i}")
            services.comment_moderate(comment=c, action="approve")
        section = article.get_parent()
        page = client.get(section.url).content.decode()
        # the article with three, in the site's digits (Western by default); none on the other
        assert page.count("3 تعليقات") == 1
        assert other.title in page
        from nashra.comments import selectors

        with django_assert_max_num_queries(0):  # warm: no query per card
            selectors.comment_counts_cached()

    def test_counts_map_read_once_per_page(self, client, article, make_article, monkeypatch, settings):
        """Every card on a listing shows its count from one read of the cached map."""
        settings.NASHRA_PAGE_CACHE = False
        from nashra.comments import selectors

        for i in range(4):
            make_article(title=f"خبر في القائمة {i}")
        c = services.comment_create(page=article, author_name="أ", author_email="a@example.org",
                                    body="تعليق منشور")
        services.comment_moderate(comment=c, action="approve")
        reads = []
        real = selectors.comment_counts_cached
        monkeypatch.setattr(selectors, "comment_counts_cached",
                            lambda: reads.append(1) or real())
        page = client.get(article.get_parent().url).content.decode()
        assert page.count('class="card__meta"') >= 5 and page.count("تعليق واحد") == 1
        assert len(reads) == 1

    @pytest.mark.parametrize(("is_preview", "shown"), [(False, True), (True, False)])
    def test_no_comment_section_in_an_editors_preview(self, rf, article, is_preview, shown):
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.template import Context, Template

        request = rf.get(article.url)
        request.session = {}
        request._messages = FallbackStorage(request)
        request.is_preview = is_preview
        html = Template("{% load comments_tags %}{% article_comments page %}").render(
            Context({"request": request, "page": article}))
        assert ("ترك الرد" in html) is shown


def test_privacy_page_follows_the_akismet_setting(client):
    local = client.get("/comments/privacy/").content.decode()
    assert "على خوادمنا فقط" in local and "Akismet" not in local
    with override_settings(AKISMET_API_KEY="k"):
        cloud = client.get("/comments/privacy/").content.decode()
    assert "ونرسلها كذلك إلى خدمة Akismet" in cloud and "عنوان IP الكامل" in cloud



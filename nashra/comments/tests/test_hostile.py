"""Hostile input: each gets a clear Arabic error or a quiet spam verdict, never a 500, and
nothing half-written."""

import pytest
from django.test import Client

from nashra.comments import services
from nashra.comments.models import Comment

from .conftest import OnOneArticle, last_comment

pytestmark = pytest.mark.django_db


class TestHostileInput(OnOneArticle):
    """On one story, built once for the class."""

    def test_script_and_html_are_shown_as_text(self, client, post, article):
        post(body='<script>alert(1)</script> <img src=x onerror=alert(2)> **مرحبا**',
             author_name='<b onmouseover="x()">سامي</b>')
        services.comment_moderate(comment=last_comment(), action="approve")
        page = client.get(article.url).content.decode()
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;b onmouseover=" in page

    def test_links_are_clickable_with_nofollow_ugc_noopener(self, client, post, article):
        post(body="المصدر هنا https://www.who.int/publications لمن أراد")
        services.comment_moderate(comment=last_comment(), action="approve")
        page = client.get(article.url).content.decode()
        assert 'href="https://www.who.int/publications"' in page
        assert 'rel="nofollow ugc noopener"' in page

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"body": "ب" * 1_000_000}, "التعليق طويل جدًا"),  # a 1 MB body
            ({"body": "نص\x00خفي"}, "محارف غير مسموح بها"),  # NUL byte
            ({"author_name": "سا\x00رة"}, "محارف غير مسموح بها"),
            ({"body": "   \n  "}, "هذا الحقل مطلوب"),
            ({"author_email": "ليس-بريدًا"}, "أدخل بريدًا إلكترونيًا صحيحًا"),
            ({"author_url": "javascript:alert(1)"}, "أدخل رابطًا صحيحًا"),
            ({"parent": "999999"}, "التعليق المردود عليه غير موجود"),
            ({"parent": "abc"}, "التعليق المردود عليه غير موجود"),
        ],
    )
    def test_bad_input_gets_an_arabic_error_and_nothing_is_stored(self, post, fields, message):
        response = post(**fields)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert Comment.objects.count() == 0

    def test_body_over_the_upload_limit_gets_an_arabic_413(self, post):
        response = post(body="ب" * 2_000_000)  # 4 MB of UTF-8, past DATA_UPLOAD_MAX_MEMORY_SIZE
        assert response.status_code == 413
        assert "أطول بكثير من المسموح" in response.content.decode()
        assert Comment.objects.count() == 0

    def test_bad_input_as_json(self, post):
        data = post(json=True, author_email="x").json()
        assert not data["ok"] and "author_email" in data["errors"]

    def test_invalid_utf8_never_500s(self, article, old_token):
        client = Client()
        body = (b"body=%FF%FE%D8&author_name=%D8%A3&author_email=a%40example.org&ts="
                + old_token.encode())
        response = client.post(f"/comments/post/{article.pk}/", body,
                               content_type="application/x-www-form-urlencoded",
                               headers={"Origin": "http://testserver"})
        assert response.status_code in (302, 400)
        for comment in Comment.objects.all():  # whatever was stored is whole and valid text
            comment.body.encode("utf-8")

    def test_bidi_override_is_a_reason(self, post):
        post(body="\u202eبيبحلا بلج\u202c شيخ روحاني مجرب", author_name="س")
        comment = last_comment()
        assert comment.status in (Comment.Status.SPAM, Comment.Status.PENDING)
        assert "محارف تحكم باتجاه النص" in comment.reasons

    def test_honeypot_is_quiet_spam(self, post):
        response = post(nickname="http://spam.example.com")
        assert response.status_code == 302  # the bot is told nothing
        assert last_comment().status == Comment.Status.SPAM
        assert "حقل مخفي مُلئ (روبوت)" in last_comment().reasons

    def test_too_fast_is_held(self, post):
        post(ts=services.fill_token_make())
        assert last_comment().status == Comment.Status.PENDING
        assert "أُرسل أسرع مما يكتب إنسان" in last_comment().reasons

    def test_forged_token_is_held(self, post):
        post(ts="form:forged:signature")
        assert "رمز النموذج غير صالح" in last_comment().reasons

    def test_duplicate_is_held_and_a_repeat_of_spam_is_spam(self, post):
        post(body="تعليق مكرر حرفيًا")
        post(body="تعليقٌ مكرر حرفيًا", author_email="other@example.org")  # same after normalizing
        # a reader who pressed twice is not a spammer: a moderator looks
        assert last_comment().status == Comment.Status.PENDING
        assert "تعليق مكرر" in last_comment().reasons
        services.comment_moderate(comment=last_comment(), action="spam")
        post(body="تعليق مكرر حرفيًا", author_email="third@example.org")
        assert last_comment().status == Comment.Status.SPAM
        assert "تكرار لتعليق صُنّف مزعجًا" in last_comment().reasons

    def test_thousand_posts_from_one_address(self, post):
        statuses = [post(body=f"تعليق رقم {i} من العنوان نفسه").status_code for i in range(1000)]
        assert set(statuses) <= {302, 429}
        stored = Comment.objects.count()
        assert stored == 30  # 10 judged normally, 20 more kept for a moderator, the rest refused
        assert Comment.objects.filter(status=Comment.Status.PENDING).count() >= 20
        assert not Comment.objects.filter(status=Comment.Status.SPAM).exists()
        refused = post(body="ومرة أخرى")
        assert refused.status_code == 429
        assert "أرسلت تعليقات كثيرة" in refused.content.decode()

    def test_missing_csrf_token_from_another_site_is_refused(self, article, old_token):
        client = Client(enforce_csrf_checks=True)
        data = {"body": "تعليق", "author_name": "س", "author_email": "s@example.org", "ts": old_token}
        no_origin = client.post(f"/comments/post/{article.pk}/", data)
        assert no_origin.status_code == 403
        assert "انتهت صلاحية النموذج" in no_origin.content.decode()
        other_site = client.post(f"/comments/post/{article.pk}/", data,
                                 headers={"Origin": "https://evil.example"})
        assert other_site.status_code == 403
        assert Comment.objects.count() == 0


def test_unknown_article_is_an_arabic_404(client):
    response = client.post("/comments/post/999999/", {}, headers={"Origin": "http://testserver"})
    assert response.status_code == 404
    assert "المقال غير موجود" in response.content.decode()

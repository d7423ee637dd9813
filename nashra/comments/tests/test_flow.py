"""The whole flow through HTTP: post → held → approved in the admin → shown; spam → not spam."""

import pytest
from django.contrib.auth import get_user_model

from nashra.comments import services
from nashra.comments.models import Comment
from nashra.comments.spam import store

from .conftest import OnOneArticle, last_comment
from .test_filter import local_verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("mod", "mod@example.org", "x")
    client.force_login(user)
    return client


class TestCommentFlow(OnOneArticle):
    """On one story, built once for the class."""

    def test_clean_comment_is_published_and_shown(self, client, post, article):
        response = post()
        assert response.status_code == 302
        comment = last_comment()
        assert comment.status == Comment.Status.APPROVED
        page = client.get(article.url).content.decode()
        assert "تغطية ممتازة، شكرًا على التوضيح." in page
        assert 'dir="auto"' in page
        assert "sara@example.org" not in page  # the email is never shown

    def test_held_comment_is_shown_only_to_its_poster_then_approved_in_admin(
        self, client, post, article, spammy, admin_client
    ):
        response = post(**{**spammy, "body": "رأيي أن الخطة جيدة، اتصلوا على 0555123456 للاستفسار",
                           "author_url": "", "author_name": "ماجد"})
        comment = last_comment()
        assert comment.status == Comment.Status.PENDING, comment.reasons
        assert "رقم هاتف" in comment.reasons
        # The redirect names the poster's own comment, signed; the page shows it marked as held.
        own = client.get(response["Location"]).content.decode()
        assert "تعليقك بانتظار المراجعة" in own
        assert "رأيي أن الخطة جيدة" in own
        # Anyone else does not see it.
        assert "رأيي أن الخطة جيدة" not in client.get(article.url).content.decode()
        # The queue lists it with its reasons, and approving it publishes it.
        listing = admin_client.get("/admin/snippets/comments/comment/?status=pending").content.decode()
        assert "رقم هاتف" in listing
        url = f"/admin/nashra-comments/{comment.pk}/approve/"
        assert "رقم هاتف" in admin_client.get(url).content.decode()
        admin_client.post(url, {"next": "/admin/"})
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED and comment.taught_label == "ham"
        admin_client.logout()
        assert "رأيي أن الخطة جيدة" in client.get(article.url).content.decode()

    def test_spam_then_not_spam_is_shown_and_the_filter_learns(self, post, spammy, client, article,
                                                               admin_client):
        post(**spammy)
        comment = last_comment()
        assert comment.status == Comment.Status.SPAM, comment.spam_score
        assert comment.reasons
        version = store.current_version()
        admin_client.post(f"/admin/nashra-comments/{comment.pk}/not_spam/", {"next": "/admin/"})
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert store.current_version() == version + 1
        # the same comment again is not held on the filter's word
        assert local_verdict(comment.body, comment.author_name, comment.author_url).same_as == "ham"
        admin_client.logout()
        assert "شركة نقل عفش بالرياض" in client.get(article.url).content.decode()

    def test_filter_learns_spam_from_a_decision_and_another_worker_reloads(self, article):
        body = "عرض خاص على كبسولات الطاقة الزرقاء اطلب الآن من صفحتنا"
        comment = services.comment_create(page=article, author_name="نور",
                                          author_email="n@example.org", body=body)
        assert local_verdict(body, "نور").same_as == ""
        # Another worker: its process-local copy is at the old version.
        store._local["version"] = None
        services.comment_moderate(comment=comment, action="spam")
        assert local_verdict(body, "نور").same_as == "spam"
        assert store._local["version"] == store.current_version()
        again = services.comment_create(page=article, author_name="نور",
                                        author_email="other@example.org", body=body + "!")
        assert again.status == Comment.Status.SPAM
        assert "يكاد يطابق تعليقًا صنّفه مشرف مزعجًا" in again.reasons

    def test_replies_nest_two_levels(self, client, post, article):
        post(body="التعليق الأول")
        first = last_comment()
        post(body="رد على الأول", parent=first.pk, author_email="b@example.org")
        reply = last_comment()
        post(body="رد على الرد", parent=reply.pk, author_email="c@example.org")
        deeper = last_comment()
        post(body="رد رابع المستوى", parent=deeper.pk, author_email="d@example.org")
        fourth = last_comment()
        assert (reply.depth, deeper.depth, fourth.depth) == (1, 2, 2)
        assert fourth.parent_id == reply.pk  # deeper replies join the last level
        page = client.get(article.url).content.decode()
        assert page.index("التعليق الأول") < page.index("رد على الأول") < page.index("رد على الرد")
        assert page.count('class="comments__replies"') == 2

    def test_json_post_returns_the_rendered_comment(self, post):
        response = post(json=True, body="أتفق مع الكاتب في أن الحل يبدأ من المدرسة.")
        data = response.json()
        assert data["ok"] and data["status"] == "approved"
        assert "الحل يبدأ من المدرسة" in data["html"]

    def test_trusted_commenter_gets_the_benefit_of_the_doubt(self, article, old_token):
        meta = services.RequestMeta(fill_token=old_token)
        borderline = "رأيي أن الخطة جيدة، اتصلوا على 0555123456 للاستفسار"
        stranger = services.comment_create(page=article, author_name="غريب",
                                           author_email="x@example.org", body=borderline, meta=meta)
        assert stranger.status == Comment.Status.PENDING
        first = services.comment_create(page=article, author_name="أمل",
                                        author_email="amal@example.org", body="تعليق أول عادي")
        services.comment_moderate(comment=first, action="approve")
        second = services.comment_create(page=article, author_name="أمل",
                                         author_email="AMAL@example.org", body=borderline + " حقًا",
                                         meta=meta)
        assert second.status == Comment.Status.APPROVED

    def test_trash_and_restore(self, article):
        c = services.comment_create(page=article, author_name="أ", author_email="a@example.org",
                                    body="تعليق")
        status = c.status
        services.comment_moderate(comment=c, action="trash")
        assert c.status == Comment.Status.TRASH
        services.comment_moderate(comment=c, action="restore")
        assert c.status == status

    def test_bulk_action_spams_and_teaches(self, admin_client, article):
        comments = [
            services.comment_create(page=article, author_name=f"ق{i}",
                                    author_email=f"q{i}@example.org", body=f"تعليق رقم {i}")
            for i in range(2)
        ]
        ids = "&".join(f"id={c.pk}" for c in comments)
        url = f"/admin/bulk/comments/comment/comment_spam/?next=/admin/&{ids}"
        assert admin_client.get(url).status_code == 200
        admin_client.post(url)
        assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.SPAM}

    def test_menu_shows_pending_count(self, rf, article):
        from wagtail import hooks

        services.comment_create(page=article, author_name="أ", author_email="a@example.org",
                                body="تعليق", meta=services.RequestMeta())  # no token → held
        items = [fn() for fn in hooks.get_hooks("register_admin_menu_item")]
        item = next(i for i in items if getattr(i, "name", "") == "comments")
        assert item.render_component(rf.get("/admin/")).label == "التعليقات (1)"

    def test_admin_search_filter_export_and_erase(self, admin_client, article):
        c = services.comment_create(page=article, author_name="هالة", author_email="hala@example.org",
                                    body="تعليق عن النقل العام")
        other = services.comment_create(page=article, author_name="زيد", author_email="z@example.org",
                                        body="شيء مختلف تمامًا")
        base = "/admin/snippets/comments/comment/"
        found = admin_client.get(base, {"q": "النقل"}).content.decode()
        assert "تعليق عن النقل العام" in found and "شيء مختلف تمامًا" not in found
        by_author = admin_client.get(base, {"author_email": "Z@example.org"}).content.decode()
        assert "شيء مختلف تمامًا" in by_author and "تعليق عن النقل العام" not in by_author
        assert admin_client.get(f"{base}inspect/{c.pk}/").status_code == 200
        export = admin_client.get(f"/admin/nashra-comments/{c.pk}/author/export/")
        assert export.json()["comments"][0]["body"] == "تعليق عن النقل العام"
        erase_url = f"/admin/nashra-comments/{c.pk}/author/erase/"
        assert "hala@example.org" in admin_client.get(erase_url).content.decode()
        admin_client.post(erase_url)
        assert list(Comment.objects.values_list("pk", flat=True)) == [other.pk]

    def test_thread_changes_are_announced_for_the_page(self, article):
        from nashra.core import changes

        with changes.recording() as seen:
            c = services.comment_create(page=article, author_name="أ", author_email="a@example.org",
                                        body="تعليق")  # held: no token, nothing readers see changed
            assert seen == []
            services.comment_moderate(comment=c, action="approve")
            services.comments_erase_author(email="a@example.org")
        assert [(ch.event, ch.reason, ch.page_id) for ch in seen] == [
            ("thread_changed", "approve", article.pk), ("thread_changed", "erase", article.pk)]



"""comments_import_bulk: comments another site's moderators decided, kept as they decided them
(nashra.wordpress calls it; its own tests cover a whole export)."""

import datetime as dt

import pytest

from nashra.comments import services
from nashra.comments.models import Comment, TrainingExample
from nashra.comments.services import CommentImport, comments_import_bulk

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2023, 11, 5, 8, 0, tzinfo=dt.UTC)


def _c(key, article, parent=None, status=Comment.Status.APPROVED, **fields):
    data = {"author_name": f"قارئ {key}", "author_email": f"r{key}@example.org",
            "author_url": "", "body": f"تعليق رقم {key}", "created_at": WHEN + dt.timedelta(
                hours=key), **fields}
    return CommentImport(key=key, page_id=article.pk, parent_key=parent, status=status, **data)


def test_threads_keep_the_source_and_cap_at_max_depth(article):
    earlier = comments_import_bulk(new=[_c(1, article)]).created[1]
    # Given replies first: parents are made before their replies whatever the order.
    result = comments_import_bulk(
        new=[_c(5, article, parent=4), _c(4, article, parent=3), _c(3, article, parent=2),
             _c(2, article, parent=1), _c(6, article, parent=99)],
        earlier={1: earlier.pk})
    made = {key: Comment.objects.get(pk=c.pk) for key, c in result.created.items()}
    assert made[2].parent_id == earlier.pk and made[2].depth == 1
    assert made[3].parent_id == made[2].pk and made[3].depth == services.MAX_DEPTH
    # deeper replies join the last level, as comment_create does
    assert made[4].parent_id == made[2].pk and made[4].depth == services.MAX_DEPTH
    assert made[5].parent_id == made[2].pk and made[5].depth == services.MAX_DEPTH
    # a reply to a comment that never came over answers the story
    assert made[6].parent_id is None and made[6].depth == 0
    # the source's dates and statuses, and the keys nashra keeps
    assert made[3].created_at == WHEN + dt.timedelta(hours=3)
    assert made[3].status == Comment.Status.APPROVED and made[3].reasons == []
    assert made[3].email_key and made[3].body_key


def test_changed_comments_follow_the_source_and_deleted_ones_stay_deleted(article):
    kept, deleted = comments_import_bulk(new=[_c(1, article), _c(2, article)]).created.values()
    deleted_pk = deleted.pk
    deleted.delete()
    result = comments_import_bulk(new=[], changed=[
        (kept.pk, _c(1, article, status=Comment.Status.TRASH, body="نص معدّل",
                     status_before_trash=Comment.Status.APPROVED)),
        (deleted_pk, _c(2, article, body="لا يعود")),
    ])
    assert (result.updated, result.gone) == ([1], [2])
    kept.refresh_from_db()
    assert (kept.status, kept.status_before_trash, kept.body) == (
        Comment.Status.TRASH, Comment.Status.APPROVED, "نص معدّل")
    assert not Comment.objects.filter(pk=deleted_pk).exists()


@pytest.mark.parametrize("learn", [True, False])
def test_the_filter_learns_each_spam_verdict_and_as_many_approvals(article, learn):
    before = TrainingExample.objects.count()
    result = comments_import_bulk(new=[
        _c(1, article), _c(2, article), _c(3, article),
        _c(4, article, status=Comment.Status.SPAM), _c(5, article, status=Comment.Status.PENDING),
    ], learn=learn)
    assert (result.lessons, result.taught, result.held_back) == (4, 2, 2)
    labels = sorted(Comment.objects.exclude(taught_label="").values_list("taught_label",
                                                                          flat=True))
    assert labels == ["ham", "spam"]
    # a dry run marks the lessons but teaches nothing
    assert TrainingExample.objects.count() - before == (2 if learn else 0)

"""Comments readers can trust (issue 15): spam means certain, learning only helps, reasons a
moderator can act on, and the reader's answer never waits for the filter.

The labelled sets are nashra/comments/spam/data: the shipped model is trained on train.jsonl;
test.jsonl was never taught (docs/comments.md has the figures and where the comments come from).
"""

import pytest
from django.test import override_settings

from nashra.comments import services
from nashra.comments.models import Comment, CommentSettings, FilterState
from nashra.comments.moderation import CheapChecks, CommentModerator
from nashra.comments.spam import classifier, store
from nashra.comments.spam.backends import LocalBackend, Submission

from .conftest import last_comment

pytestmark = pytest.mark.django_db

TEST_SET = classifier.load_jsonl(classifier.TEST_FILE)


def decide(examples) -> list[str]:
    """The site's decision on each comment (default settings, no cheap checks)."""
    local, moderator = LocalBackend(name="local"), CommentModerator(CommentSettings())
    return [moderator.decide(CheapChecks(), [local.check(Submission(
        body=e.body, author=e.author, email=e.email, url=e.url))]) for e in examples]


def sorting(examples) -> dict[str, float]:
    decisions = [d.status for d in decide(examples)]
    ham = [d for e, d in zip(examples, decisions, strict=True) if not e.y]
    spam = [d for e, d in zip(examples, decisions, strict=True) if e.y]
    return {"genuine spam": sum(d == "spam" for d in ham),
            "genuine held": sum(d == "pending" for d in ham) / max(len(ham), 1),
            "spam caught": sum(d != "approved" for d in spam) / max(len(spam), 1)}


def test_the_held_out_set_as_shipped():
    """Issue 15's targets on comments the filter was never taught."""
    figures = sorting(TEST_SET)
    assert figures["genuine spam"] == 0, figures
    assert figures["genuine held"] <= 0.05, figures
    assert figures["spam caught"] >= 0.95, figures


def test_teaching_half_never_makes_the_other_half_worse():
    """Teach one half of a labelled set (as `nashra learn-comments` does: lessons, then a
    retrain in a task), check the other half against the untaught filter."""
    taught, checked = TEST_SET[::2], TEST_SET[1::2]
    before = sorting(checked)
    trained_through = FilterState.objects.get(pk=1).trained_through
    services.filter_learn_examples(examples=taught)
    assert FilterState.objects.get(pk=1).trained_through > trained_through  # retrained
    after = sorting(checked)
    assert after["genuine spam"] == before["genuine spam"] == 0
    assert after["spam caught"] >= before["spam caught"], (before, after)
    assert after["genuine held"] <= before["genuine held"], (before, after)


def test_one_not_spam_passes_its_like_without_unlearning_the_rest(article):
    """A moderator's single decision works at once, on that comment's like only."""
    held = next(e for e, d in zip(TEST_SET, decide(TEST_SET), strict=True)
                if not e.y and d.status == "pending")
    spam = [e for e in TEST_SET if e.y]
    caught = sorting(spam)["spam caught"]
    comment = services.comment_create(page=article, author_name=held.author,
                                      author_email="reader@example.org", body=held.body,
                                      author_url=held.url)
    services.comment_moderate(comment=comment, action="not_spam")
    like = classifier.Example(body=held.body + " فعلًا", author=held.author, url=held.url)
    assert decide([like])[0].status == "approved"
    assert sorting(spam)["spam caught"] == caught  # the rest is as it was


def test_word_statistics_alone_never_file_a_comment_as_spam():
    """A comment the model is sure of, without a known offer and a way to reach the seller,
    is held for a moderator, not filed as spam."""
    decisions = decide(TEST_SET)
    local = LocalBackend(name="local")
    sure = [(e, d) for e, d in zip(TEST_SET, decisions, strict=True) if d.score >= 0.97]
    assert sure
    for example, decision in sure:
        verdict = local.check(Submission(body=example.body, author=example.author, email="",
                                         url=example.url))
        if not verdict.offer_with_contact:
            assert decision.status == "pending", example.body
    # and the offers filed as spam name what they sell and how to reach the seller
    filed = [d for d in decisions if d.status == "spam"]
    assert filed and all(len(d.reasons) >= 2 for d in filed)


def test_reasons_name_real_signals_never_a_common_word():
    for example, decision in zip(TEST_SET, decide(TEST_SET), strict=True):
        if decision.status == "approved":
            assert decision.reasons == []
            continue
        assert decision.reasons, example.body
        # the old filter's «كلمات مثل: قراء» named a stem any reader writes
        assert not any(r.startswith("كلمات مثل") for r in decision.reasons), decision.reasons


@pytest.mark.parametrize(("checks", "status"), [
    (CheapChecks(honeypot_filled=True), "spam"),
    (CheapChecks(repeat_of_spam=True), "spam"),
    (CheapChecks(over_rate=True), "pending"),  # a busy reader is not a spammer
    (CheapChecks(duplicate=True), "pending"),  # nor one who pressed twice
    (CheapChecks(too_fast=True), "pending"),
])
def test_cheap_checks_file_only_what_is_certain(checks, status):
    moderator = CommentModerator(CommentSettings())
    verdict = LocalBackend(name="local").check(Submission(
        body="تغطية ممتازة، شكرًا على التوضيح.", author="سارة", email="", url=""))
    assert moderator.decide(checks, [verdict]).status == status


@pytest.mark.parametrize(("body", "author", "url", "status", "reason"), [
    # a known offer, a way to reach the seller, and a model that agrees: certain
    ("شيخ روحاني لجلب الحبيب وفك السحر، واتساب ٠٥٥٥١٢٣٤٥٦", "الشيخ", "", "spam",
     "شعوذة («شيخ روحاني»)"),
    # the same words with the number disguised
    ("أفضل شركة نقل عفش بالرياض، الجوال O55 512 3456", "نقل عفش", "", "spam",
     "رقم مموّه (أرقام مفصولة برموز أو حروف)"),
    # a reader's warning about the same offers, with an official link: published
    ("احذروا من إعلانات «قرض فوري بدون كفيل»، والتحقق من الجهات المرخصة على www.sama.gov.sa",
     "سلمى", "", "approved", None),
    ("مقال متوازن، يستحق القراءة", "قارئ", "", "approved", None),
])
def test_decisions_on_hard_comments(body, author, url, status, reason):
    decision = decide([classifier.Example(body=body, author=author, url=url)])[0]
    assert decision.status == status, (decision.score, decision.reasons)
    if reason:
        assert reason in decision.reasons


def test_a_reader_is_answered_before_the_filter_runs(post, article,
                                                     django_capture_on_commit_callbacks):
    """The post stores the comment and queues its scoring; the reader's answer does not wait
    for it. The queued task then files the comment."""
    from django_tasks import task_backends

    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                         "QUEUES": ["front", "default"]}}
    with override_settings(TASKS=dummy):
        backend = task_backends["default"]
        backend.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = post(body="تغطية ممتازة، شكرًا على التوضيح.", json=True)
        assert response.status_code == 200 and response.json()["ok"]
        comment = last_comment()
        assert comment.status == Comment.Status.PENDING
        assert comment.reasons == services.UNCHECKED
        [queued] = [r for r in backend.results if r.task.name == "comment_score"]
        queued.task.call(*queued.args, **queued.kwargs)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    # a moderator who decided first is never overruled by a late score
    held = services.comment_create(page=article, author_name="ندى", author_email="n@example.org",
                                   body="تعليق")
    services.comment_moderate(comment=held, action="trash")
    services.comment_score.call(held.pk, checks={}, meta={})
    held.refresh_from_db()
    assert held.status == Comment.Status.TRASH


def test_retraining_keeps_the_model_when_lessons_would_make_it_forget():
    """Lessons that contradict the shipped set (spam labelled genuine in bulk) are kept, but a
    model trained on them does not replace the one that sorts the shipped set better."""
    shipped = classifier.load_jsonl(classifier.TRAIN_FILE)
    poisoned = [classifier.Example(body=e.body + " .", author=e.author, url=e.url, label="ham")
                for e in shipped if e.y]
    store.current()
    before = bytes(FilterState.objects.get(pk=1).model)
    with override_settings(NASHRA_COMMENT_RETRAIN_AFTER=10**6):
        services.filter_learn_examples(examples=poisoned)
    result = store.retrain()
    assert not result.accepted, result
    assert bytes(FilterState.objects.get(pk=1).model) == before

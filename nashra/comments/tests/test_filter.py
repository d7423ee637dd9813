"""The filter's signals and reasons (table-driven), the commands, Akismet's fallback, privacy."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings

from nashra.comments import selectors, services
from nashra.comments.models import Comment, TrainingExample
from nashra.comments.spam import classifier, store
from nashra.comments.spam.backends import LocalBackend, Submission, get_backends
from nashra.comments.spam.signals import reasons_of, signals_of


@pytest.mark.parametrize(
    ("body", "author", "url", "reason"),
    [
        ("زوروا naql.com و afsh.net و https://c.org", "", "", "٣ روابط"),  # plural 3–10
        ("رابط واحد https://example.com", "", "", "رابط"),
        ("اطلب الآن واتساب ٠٥٥٥١٢٣٤٥٦", "", "", "رقم واتساب"),  # Arabic-Indic digits
        ("اتصل 055-512-3456 الآن", "", "", "رقم هاتف"),
        ("وا\u200cتس\u200cاب", "", "", "محارف خفية بعرض صفري"),
        ("\u202eبيبحلا بلج", "", "", "محارف تحكم باتجاه النص"),
        ("ﺷﺮﻛﺔ ﻧﻘﻞ ﻋﻔﺶ", "", "", "حروف بأشكال العرض"),  # presentation forms
        ("ش ر ك ة ن ق ل", "", "", "حروف متباعدة"),
        ("c a s i n o now", "", "", "حروف متباعدة"),
        ("𝐁𝐞𝐬𝐭 𝐜𝐚𝐬𝐢𝐧𝐨", "", "", "حروف مزخرفة"),
        ("Buу vіаgrа", "", "", "كلمات تخلط بين الأبجديات"),  # Cyrillic у і а inside Latin
        ("最好的在线赌场", "", "", "نص بلغة غير متوقعة"),
        ("تعليق", "نقل عفش 0555123456", "", "رابط أو رقم في اسم الكاتب"),
        ("موقع نقطة كوم", "", "", "رابط"),
    ],
)
def test_reasons(body, author, url, reason):
    assert reason in reasons_of(signals_of(body, author=author, url=url))


@pytest.mark.parametrize(
    "body",
    [
        "تغطية ممتازة، شكرًا على التوضيح.",  # nothing to report
        "نتيجة المباراة 2-1",  # a score is not a phone number
        "عام 2026 كان صعبًا",
    ],
)
def test_no_reasons_for_plain_comments(body):
    assert reasons_of(signals_of(body)) == []


def local_verdict(body: str, author: str = "", url: str = ""):
    """What the local filter says of a comment, as the moderation policy sees it."""
    return LocalBackend(name="local").check(Submission(body=body, author=author, email="",
                                                       url=url))


def test_shipped_model_separates_the_obvious(db):
    model = store.current().model
    spam = classifier.Example(body="أفضل شركة نقل عفش بالرياض خصم 30% اتصل 0555123456",
                              author="شركة نقل عفش")
    ham = classifier.Example(body="أتمنى أن تتابعوا الملف، فالقضية تمس آلاف الأسر.", author="ندى")
    assert classifier.score(model, spam).spam > 0.9 > 0.1 > classifier.score(model, ham).spam


@pytest.mark.django_db
def test_score_comments_command(monkeypatch):
    lines = "\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"author": "ندى", "email": "n@example.org", "url": "",
         "body": "أتمنى أن تتابعوا الملف، فالقضية تمس آلاف الأسر."},
        {"author": "شركة نقل عفش", "email": "m@example.org", "url": "https://naql.example.com",
         "body": "أفضل شركة نقل عفش بالرياض خصم 30% واتساب 0555123456", "ip": "203.0.113.9"},
    ])
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    out = io.StringIO()
    call_command("score_comments", "-", stdout=out)
    ham, spam = [json.loads(line) for line in out.getvalue().splitlines()]
    assert ham["decision"] == "approve" and ham["reasons"] == []
    assert spam["decision"] == "spam" and "رقم واتساب" in spam["reasons"]
    assert 0 <= ham["spam"] < spam["spam"] <= 1


@pytest.mark.django_db
def test_learn_comments_command(tmp_path):
    body = "تخفيضات كبرى على ساعات الحائط الذهبية في متجرنا"
    assert local_verdict(body, "متجر").same_as == ""
    path = tmp_path / "old-spam.jsonl"
    path.write_text(json.dumps({"author": "متجر", "email": "shop@example.org", "url": "",
                                "body": body, "label": "spam"}, ensure_ascii=False) + "\n")
    out = io.StringIO()
    call_command("learn_comments", str(path), stdout=out)
    assert "تعلّم المرشح من تعليق واحد" in out.getvalue()
    # the same comment again, a word changed, is a repeat of spam
    assert local_verdict(body + " اليوم", "متجر").same_as == "spam"
    assert TrainingExample.objects.filter(source="import").count() == 1
    out = io.StringIO()
    call_command("train_comment_filter", stdout=out)  # lessons survive a retrain
    assert "الدروس 1،" in out.getvalue()
    assert local_verdict(body, "متجر").same_as == "spam"


@pytest.mark.django_db
def test_learn_comments_rejects_a_bad_label(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.jsonl"
    path.write_text('{"body": "x", "label": "maybe"}\n')
    with pytest.raises(CommandError):
        call_command("learn_comments", str(path))


@pytest.mark.django_db
def test_export_and_erase(article):
    c = services.comment_create(page=article, author_name="هند", author_email="Hind@example.org",
                                body="تعليقي")
    services.comment_moderate(comment=c, action="approve")  # also a lesson for the filter
    out = io.StringIO()
    call_command("comments_export", "hind@example.org", stdout=out)
    data = json.loads(out.getvalue())
    assert data["comments"][0]["body"] == "تعليقي"
    assert selectors.comments_export(email="other@example.org") == []
    call_command("comments_erase", "hind@example.org", stdout=io.StringIO())
    assert not Comment.objects.exists()
    assert not TrainingExample.objects.exists()


RECORDING = {
    "local": {"BACKEND": "nashra.comments.spam.backends.LocalBackend"},
    "remote": {"BACKEND": "nashra.comments.spam.backends.RecordingBackend",
               "OPTIONS": {"UNAVAILABLE": True}},
}


@pytest.mark.django_db
def test_unreachable_remote_checker_holds_borderline_and_never_errors(article, old_token):
    with override_settings(NASHRA_COMMENT_SPAM_BACKENDS=RECORDING):
        meta = services.RequestMeta(fill_token=old_token)
        borderline = services.comment_create(
            page=article, author_name="غريب", author_email="g@example.org", meta=meta,
            body="الخطة جيدة لكن الأسعار مرتفعة، تواصلوا معي على الواتساب")
        clean = services.comment_create(
            page=article, author_name="ندى", author_email="n@example.org", meta=meta,
            body="أتمنى أن تتابعوا الملف، فالقضية تمس آلاف الأسر.")
        remote = get_backends()[1]
        services.comment_moderate(comment=clean, action="approve")
    assert borderline.status == Comment.Status.PENDING
    assert "تعذر سؤال الخدمة" in borderline.reasons
    assert clean.status == Comment.Status.APPROVED
    assert [call[0] for call in remote.calls] == ["check", "check", "learn"]
    assert remote.calls[-1][2] == "ham"


@pytest.mark.django_db
def test_akismet_unreachable_falls_back(article, old_token, monkeypatch):
    import httpx

    def refuse(*args, **kwargs):
        raise httpx.ConnectError("no network in tests")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    config = {**RECORDING, "remote": {
        "BACKEND": "nashra.comments.spam.backends.AkismetBackend",
        "OPTIONS": {"API_KEY": "k", "SITE_URL": "http://testserver"}}}
    with override_settings(NASHRA_COMMENT_SPAM_BACKENDS=config):
        c = services.comment_create(
            page=article, author_name="ندى", author_email="n@example.org",
            meta=services.RequestMeta(fill_token=old_token),
            body="أتمنى أن تتابعوا الملف، فالقضية تمس آلاف الأسر.")
    assert c.status == Comment.Status.APPROVED


@pytest.mark.django_db
def test_akismet_says_spam_and_hears_the_decision(article, old_token, monkeypatch):
    """A stand-in for Akismet's HTTP API (no network): spam on check, thanks on submit."""
    import httpx

    seen = []

    def answer(self, request, **kwargs):
        seen.append((request.url.path, dict(httpx.QueryParams(request.content.decode()))))
        if request.url.path.endswith("comment-check"):
            return httpx.Response(200, text="true", request=request)
        return httpx.Response(200, text="Thanks for making the web a better place.",
                              request=request)

    monkeypatch.setattr(httpx.Client, "send", answer)
    config = {**RECORDING, "remote": {
        "BACKEND": "nashra.comments.spam.backends.AkismetBackend",
        "OPTIONS": {"API_KEY": "k", "SITE_URL": "http://testserver"}}}
    with override_settings(NASHRA_COMMENT_SPAM_BACKENDS=config, AKISMET_API_KEY="k"):
        c = services.comment_create(
            page=article, author_name="ندى", author_email="n@example.org",
            meta=services.RequestMeta(fill_token=old_token, ip="203.0.113.5"),
            body="أتمنى أن تتابعوا الملف، فالقضية تمس آلاف الأسر.")
        # Akismet's plain "spam" holds a comment for a moderator; only its "discard" files it
        assert c.status == Comment.Status.PENDING and "صنّفه Akismet مزعجًا" in c.reasons
        services.comment_moderate(comment=c, action="not_spam")
    paths = [p for p, _ in seen]
    assert paths[0].endswith("comment-check") and paths[-1].endswith("submit-ham")
    assert seen[0][1]["user_ip"] == "203.0.113.5"
    assert seen[0][1]["comment_content"].startswith("أتمنى")
    assert seen[-1][1]["user_ip"] == "203.0.113.0"  # only the truncated address was kept

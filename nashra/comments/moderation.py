"""The moderation policy: may a comment be posted here, and what becomes of it.

Override `allow()` / `moderate()` in a subclass and point settings.NASHRA_COMMENT_MODERATOR at
it to change the rules (e.g. hold every first comment).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from nashra.arabic.digits import to_arabic_indic_digits

from .models import Comment
from .spam.backends import Submission, Verdict, get_backends


@dataclass(frozen=True)
class CheapChecks:
    """What the request told us before any classifier ran."""

    honeypot_filled: bool = False
    token_missing: bool = False
    token_invalid: bool = False
    too_fast: bool = False
    over_rate: bool = False
    duplicate: bool = False
    repeat_of_spam: bool = False  # the same words as a comment already filed as spam


@dataclass(frozen=True)
class Decision:
    status: str
    score: float
    reasons: list[str] = field(default_factory=list)


class CommentModerator:
    def __init__(self, config):
        self.config = config  # CommentSettings for the site

    # --- may a comment be posted at all --------------------------------------------------
    def closed_reason(self, page, *, now: dt.datetime | None = None,
                      switched_off: bool | None = None) -> str:
        """Why comments are closed on `page`, or "" when open. `switched_off`: the story's
        own switch (ArticleComments), when the caller has read it already."""
        from . import selectors

        if not self.config.enabled:
            return "التعليقات متوقفة في الموقع."
        if switched_off is None:
            switched_off = selectors.comments_switched_off(page=page)
        if switched_off:
            return "أُغلقت التعليقات على هذا المقال."
        days = self.config.close_after_days
        published = getattr(page, "first_published_at", None)
        if days and published and (now or timezone.now()) - published > dt.timedelta(days=days):
            return f"أُغلقت التعليقات بعد {to_arabic_indic_digits(str(days))} يومًا من النشر."
        return ""

    def allow(self, page) -> bool:
        return not self.closed_reason(page)

    # --- what becomes of a stored comment ----------------------------------------------
    def moderate(self, comment: Comment, checks: CheapChecks, submission: Submission) -> Decision:
        """Spam only on certain, explainable evidence; held when unsure; published otherwise.

        Spam: the honeypot; a near-repeat of a comment a moderator marked spam; a backend sure
        on its own (Akismet's "discard"); or a known spam offer with a way to reach the seller
        that the calibrated model also scores at `spam_threshold` or more. Word statistics alone
        never file a comment as spam: a high score holds it for a moderator, and a comment
        nearly the same as one a moderator passed is not held on the score alone.
        """
        verdicts = [backend.check(submission) for backend in get_backends()]
        return self.decide(checks, verdicts, trusted=self.is_trusted(comment))

    def decide(self, checks: CheapChecks, verdicts: list[Verdict], *,
               trusted: bool = False) -> Decision:
        hard = self._cheap_reasons(checks)
        reasons = list(hard)
        scores = [v.score for v in verdicts if v.score is not None]
        for verdict in verdicts:
            reasons.extend(r for r in verdict.reasons if r not in reasons)
        unavailable = any(v.unavailable for v in verdicts)
        score = max(scores) if scores else 0.5
        if trusted and not hard:
            score *= self.config.trusted_discount
        spam = Comment.Status.SPAM
        if checks.honeypot_filled:
            return Decision(spam, 1.0, reasons)
        if checks.repeat_of_spam or any(v.same_as == "spam" or v.certain for v in verdicts):
            return Decision(spam, max(score, 0.99), reasons)
        offer = any(v.offer_with_contact for v in verdicts)
        if offer and score >= self.config.spam_threshold:
            return Decision(spam, score, reasons)
        passed = any(v.same_as == "ham" for v in verdicts)
        # A checker that could not answer leaves a borderline comment, or one with a way to
        # reach someone, for a person to judge.
        unsure = score >= self.config.hold_threshold or unavailable and (
            score >= self.config.hold_threshold / 2 or any(v.contact for v in verdicts))
        if hard or offer or (unsure and not passed):
            if not any(r for r in reasons if r not in hard) and unsure:
                reasons.append(f"درجة المرشح {to_arabic_indic_digits(str(round(score * 100)))}٪")
            return Decision(Comment.Status.PENDING, score, reasons)
        return Decision(Comment.Status.APPROVED, score, [])

    def is_trusted(self, comment: Comment) -> bool:
        return Comment.objects.filter(
            email_key=comment.email_key, status=Comment.Status.APPROVED, decided_at__isnull=False
        ).exclude(pk=comment.pk).exists()

    @staticmethod
    def _cheap_reasons(checks: CheapChecks) -> list[str]:
        reasons = []
        if checks.honeypot_filled:
            reasons.append("حقل مخفي مُلئ (روبوت)")
        if checks.token_missing:
            reasons.append("رمز النموذج مفقود")
        if checks.token_invalid:
            reasons.append("رمز النموذج غير صالح")
        if checks.too_fast:
            reasons.append("أُرسل أسرع مما يكتب إنسان")
        if checks.over_rate:
            reasons.append("تعليقات كثيرة من العنوان نفسه")
        if checks.repeat_of_spam:
            reasons.append("تكرار لتعليق صُنّف مزعجًا")
        elif checks.duplicate:
            reasons.append("تعليق مكرر")
        return reasons


def get_moderator(config) -> CommentModerator:
    return import_string(settings.NASHRA_COMMENT_MODERATOR)(config)

"""Spam checkers, loaded from settings.NASHRA_COMMENT_SPAM_BACKENDS like Django's caches.

Every backend answers `check()` with a Verdict; the moderation policy combines them. A backend
that fails or is slow answers `unavailable=True` and the policy decides without it.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("nashra.comments")


@dataclass(frozen=True)
class Verdict:
    score: float | None = None  # 0..1, None when the backend could not answer
    reasons: tuple[str, ...] = ()
    unavailable: bool = False
    # Evidence the policy (moderation.py) may file a comment as spam on; never word statistics.
    offer_with_contact: bool = False  # a known spam offer and a way to reach the seller
    same_as: str = ""  # "spam" / "ham": nearly the same as a comment a moderator labelled
    certain: bool = False  # the backend is sure on its own (Akismet's "discard")
    contact: bool = False  # a link, a phone number, a handle: a way to reach someone


@dataclass(frozen=True)
class Submission:
    """What a backend may see of a comment (and of the request that posted it)."""

    body: str
    author: str
    email: str
    url: str
    ip: str = ""
    user_agent: str = ""
    permalink: str = ""


@dataclass
class SpamBackend:
    name: str = ""
    options: dict = field(default_factory=dict)

    def __post_init__(self):
        """Subclasses set up per-instance state here."""

    def check(self, submission: Submission) -> Verdict:  # pragma: no cover - interface
        raise NotImplementedError

    def learn(self, submission: Submission, *, label: str) -> None:
        """Called after a moderator's decision; label is "spam" or "ham"."""


class LocalBackend(SpamBackend):
    """nashra's own classifier (spam/classifier.py); nothing leaves the server."""

    def check(self, submission: Submission) -> Verdict:
        from . import classifier, store

        example = classifier.Example(
            body=submission.body, author=submission.author, url=submission.url
        )
        current = store.current()
        result = classifier.score(current.model, example, memory=current.memory,
                                  trusted_domains=settings.NASHRA_COMMENT_TRUSTED_DOMAINS)
        reasons = classifier.reasons(result)
        if result.same_as == "spam":
            reasons.insert(0, "يكاد يطابق تعليقًا صنّفه مشرف مزعجًا")
        signals = result.signals
        offers = set(signals.offers) - {"call"}
        return Verdict(score=result.spam, reasons=tuple(reasons), same_as=result.same_as,
                       offer_with_contact=bool(offers) and signals.contact,
                       contact=signals.contact)

    def learn(self, submission: Submission, *, label: str) -> None:
        pass  # the service teaches the local store directly (with the lesson recorded)


class AkismetBackend(SpamBackend):
    """Akismet, when AKISMET_API_KEY is set: sends the comment and the reader's IP abroad."""

    def _client(self):
        import akismet
        import httpx

        # A short timeout: a slow Akismet must not slow the reader's post.
        http = httpx.Client(headers={"User-Agent": akismet.USER_AGENT},
                            timeout=float(self.options.get("TIMEOUT", 2.0)))
        config = akismet.Config(key=self.options["API_KEY"], url=self.options["SITE_URL"])
        return akismet.SyncClient(config=config, http_client=http)

    def _kwargs(self, s: Submission) -> dict:
        return {
            "user_ip": s.ip, "user_agent": s.user_agent, "comment_type": "comment",
            "comment_author": s.author, "comment_author_email": s.email,
            "comment_author_url": s.url, "comment_content": s.body, "permalink": s.permalink,
            "blog_lang": "ar",
        }

    def check(self, submission: Submission) -> Verdict:
        try:
            result = self._client().comment_check(**self._kwargs(submission))
        except Exception:  # unreachable, slow, refused: decide locally
            logger.warning("Akismet unavailable; deciding locally", exc_info=True)
            return Verdict(unavailable=True, reasons=("تعذر سؤال Akismet",))
        # CheckResponse: HAM = 0, SPAM = 1, DISCARD = 2 (blatant spam).
        value = int(result)
        if value == 0:
            return Verdict(score=0.0)
        # Akismet's plain "spam" holds the comment for a person; only its "discard" (blatant
        # spam) files it.
        return Verdict(score=0.9 if value == 1 else 1.0, certain=value == 2,
                       reasons=("صنّفه Akismet مزعجًا",))

    def learn(self, submission: Submission, *, label: str) -> None:
        try:
            client = self._client()
            if label == "spam":
                client.submit_spam(**self._kwargs(submission))
            else:
                client.submit_ham(**self._kwargs(submission))
        except Exception:
            logger.warning("could not report a decision to Akismet", exc_info=True)


class RecordingBackend(SpamBackend):
    """For tests: answers a fixed verdict and records every call."""

    calls: list

    def __post_init__(self):
        self.calls = []

    def check(self, submission: Submission) -> Verdict:
        self.calls.append(("check", submission))
        if self.options.get("UNAVAILABLE"):
            return Verdict(unavailable=True, reasons=("تعذر سؤال الخدمة",))
        return Verdict(score=self.options.get("SCORE", 0.0),
                       reasons=tuple(self.options.get("REASONS", ())),
                       certain=bool(self.options.get("CERTAIN")))

    def learn(self, submission: Submission, *, label: str) -> None:
        self.calls.append(("learn", submission, label))


_cache: dict[str, SpamBackend] = {}
_cache_key: list = [None]


def get_backends() -> list[SpamBackend]:
    config = settings.NASHRA_COMMENT_SPAM_BACKENDS
    if _cache_key[0] != repr(config):  # settings can change in tests (override_settings)
        _cache.clear()
        for name, entry in config.items():
            cls = import_string(entry["BACKEND"])
            _cache[name] = cls(name=name, options=dict(entry.get("OPTIONS", {})))
        _cache_key[0] = repr(config)
    return list(_cache.values())

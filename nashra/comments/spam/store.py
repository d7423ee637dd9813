"""Where the local filter lives: one database row, reloaded by every worker when its version moves.

Each process keeps the unpickled estimator with its version. Before scoring it reads the
version from the cache (one cheap GET); after a moderator's decision the row is updated under a
row lock and the cache key bumped, so every worker picks up the lesson on its next comment,
without a restart.
"""

import pickle
import threading

from django.core.cache import cache
from django.db import transaction

from nashra.comments.models import FilterState, TrainingExample

from . import classifier

VERSION_KEY = "nashra:comments:filter-version"
_local = {"version": None, "estimator": None}
_lock = threading.Lock()


def _ensure_row() -> FilterState:
    state = FilterState.objects.filter(pk=1).first()
    if state is None:
        # Trained from the shipped set the first time it is needed (or by `nashra setup`'s
        # migrate → `train-comment-filter`); the set is in the repository, nothing downloaded.
        state, _ = FilterState.objects.get_or_create(
            pk=1, defaults={"model": classifier.shipped_model_bytes(), "version": 1}
        )
    return state


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _ensure_row().version
        cache.set(VERSION_KEY, version, None)
    return version


def estimator():
    """The filter for this process, reloaded if another worker taught it since."""
    version = current_version()
    with _lock:
        if _local["version"] != version or _local["estimator"] is None:
            state = _ensure_row()
            _local["estimator"] = pickle.loads(bytes(state.model))  # our own rows only
            # The row's version, not the cache's: a reader that raced a commit reloads again.
            _local["version"] = state.version
        return _local["estimator"]


def teach(examples: list[classifier.Example], *, source: str, comment=None) -> int:
    """Teach the stored filter and record the lessons; returns the new version."""
    with transaction.atomic():
        _ensure_row()
        state = FilterState.objects.select_for_update().get(pk=1)
        est = pickle.loads(bytes(state.model))
        classifier.learn(est, examples)
        state.model = pickle.dumps(est)
        state.version += 1
        state.decisions += len(examples)
        state.save()
        TrainingExample.objects.bulk_create(
            TrainingExample(
                label=e.label, source=source, author=e.author[:100], url=e.url[:300],
                body=e.body, email_key=_email_key(e.email), comment=comment,
            )
            for e in examples
        )
    _announce(state.version)
    return state.version


def retrain() -> int:
    """Rebuild from the shipped set plus every recorded lesson (same result on every run)."""
    lessons = [
        classifier.Example(body=t.body, author=t.author, url=t.url, label=t.label)
        for t in TrainingExample.objects.order_by("pk")
    ]
    est = classifier.train(classifier.load_jsonl(classifier.TRAIN_FILE))
    if lessons:
        classifier.learn(est, lessons)
    with transaction.atomic():
        _ensure_row()
        state = FilterState.objects.select_for_update().get(pk=1)
        state.model = pickle.dumps(est)
        state.version += 1
        state.save()
    _announce(state.version)
    return state.version


def _email_key(email: str) -> str:
    from nashra.comments.keys import email_key

    return email_key(email) if email else ""


def _announce(version: int) -> None:
    # Now (a worker that reads the row before the commit simply reloads again next time) and
    # after the commit (so no worker is left on the old version).
    cache.set(VERSION_KEY, version, None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, version, None))

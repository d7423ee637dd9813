"""Where the local filter lives: one database row for the model, the lessons in their own table.

Each process keeps the unpickled model and the memory of lessons with their version. Before
scoring it reads the version from the cache (one cheap GET); a lesson or a retrained model
bumps it, so every worker picks up the change on its next comment, without a restart.

- A lesson (a moderator's decision, a labelled file) is recorded and takes effect at once
  through the memory (classifier.Memory): the same comment again gets the same decision.
- The model is retrained from the shipped set plus every lesson, in a task, once
  NASHRA_COMMENT_RETRAIN_AFTER lessons have gathered (and by `train-comment-filter`). A
  retrained model replaces the stored one only if it still sorts the shipped set as well:
  lessons that would make it forget (a flood of wrong labels) are kept but not trusted.
"""

import logging
import pickle
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from nashra.comments.models import FilterState, TrainingExample

from . import classifier

logger = logging.getLogger("nashra.comments")

VERSION_KEY = "nashra:comments:filter-version"
_local: dict = {"version": None, "filter": None}
_lock = threading.Lock()
# The guard: a retrained model may catch at most this much less of the shipped set's spam, or
# hold this much more of its genuine comments, than the model it replaces.
GUARD_TOLERANCE = 0.01


@dataclass(frozen=True)
class Filter:
    model: object
    memory: classifier.Memory
    version: int


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


def _lessons() -> list[classifier.Example]:
    return [classifier.Example(body=t.body, author=t.author, url=t.url, label=t.label)
            for t in TrainingExample.objects.order_by("pk")]


def current() -> Filter:
    """The filter for this process, reloaded if a lesson or a retrain happened since."""
    version = current_version()
    with _lock:
        if _local["version"] != version or _local["filter"] is None:
            state = _ensure_row()
            # The row's version, not the cache's: a reader that raced a commit reloads again.
            _local["filter"] = Filter(model=pickle.loads(bytes(state.model)),  # our own row
                                      memory=classifier.Memory(_lessons()),
                                      version=state.version)
            _local["version"] = state.version
        return _local["filter"]


def teach(examples: list[classifier.Example], *, source: str, comment=None) -> int:
    """Record lessons (effective at once through the memory); queue a retrain once enough have
    gathered. Returns the new version."""
    with transaction.atomic():
        _ensure_row()
        state = FilterState.objects.select_for_update().get(pk=1)
        TrainingExample.objects.bulk_create(
            TrainingExample(
                label=e.label, source=source, author=e.author[:100], url=e.url[:300],
                body=e.body, email_key=_email_key(e.email), comment=comment,
            )
            for e in examples
        )
        state.version += 1
        state.decisions += len(examples)
        state.save(update_fields=["version", "decisions", "updated_at"])
        waiting = TrainingExample.objects.filter(pk__gt=state.trained_through).count()
        if waiting >= settings.NASHRA_COMMENT_RETRAIN_AFTER:
            from nashra.core import tasks

            tasks.later(filter_retrain)
    _announce(state.version)
    return state.version


@dataclass(frozen=True)
class Retrained:
    version: int
    accepted: bool
    lessons: int
    before: tuple[float, float]  # (spam caught, genuine held) on the shipped set
    after: tuple[float, float]


def _sorting(model, examples) -> tuple[float, float]:
    """(share of spam held or filed, share of genuine held) at the hold threshold."""
    from nashra.comments.models import CommentSettings

    hold = CommentSettings._meta.get_field("hold_threshold").default
    scores = classifier.score_many(model, examples)
    spam = [s for e, s in zip(examples, scores, strict=True) if e.y]
    ham = [s for e, s in zip(examples, scores, strict=True) if not e.y]
    return (sum(s >= hold for s in spam) / max(len(spam), 1),
            sum(s >= hold for s in ham) / max(len(ham), 1))


def retrain(*, guard: bool = True) -> Retrained:
    """Rebuild the model from the shipped set plus every recorded lesson (the same result on
    every run). With `guard`, keep the current model if the new one sorts the shipped set
    worse than it does (beyond GUARD_TOLERANCE)."""
    shipped = classifier.load_jsonl(classifier.TRAIN_FILE)
    rows = list(TrainingExample.objects.order_by("pk").values_list(
        "pk", "body", "author", "url", "label"))
    lessons = [classifier.Example(body=b, author=a, url=u, label=label)
               for _, b, a, u, label in rows]
    through = rows[-1][0] if rows else 0
    candidate = classifier.train(shipped + lessons)
    state = _ensure_row()
    before = _sorting(pickle.loads(bytes(state.model)), shipped)
    after = _sorting(candidate, shipped)
    accepted = not guard or (after[0] >= before[0] - GUARD_TOLERANCE
                             and after[1] <= before[1] + GUARD_TOLERANCE)
    with transaction.atomic():
        state = FilterState.objects.select_for_update().get(pk=1)
        if accepted:
            state.model = pickle.dumps(candidate)
        else:
            logger.warning("comment filter: a model retrained with %d lessons sorts the shipped "
                           "set worse (spam caught %.3f -> %.3f, genuine held %.3f -> %.3f); "
                           "keeping the current one", len(lessons), before[0], after[0],
                           before[1], after[1])
        state.trained_through = through
        state.version += 1
        state.save()
    _announce(state.version)
    return Retrained(state.version, accepted, len(lessons), before, after)


@task()
def filter_retrain() -> None:
    retrain()


def _email_key(email: str) -> str:
    from nashra.comments.keys import email_key

    return email_key(email) if email else ""


def _announce(version: int) -> None:
    # Now (a worker that reads the row before the commit simply reloads again next time) and
    # after the commit (so no worker is left on the old version).
    cache.set(VERSION_KEY, version, None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, version, None))

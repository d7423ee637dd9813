"""The local spam classifier: hashed Arabic-aware text features + signals → a calibrated blend
of two linear models (about a second to train on the shipped set), and a memory of what
moderators decided.

No Django here.
- Features are hashed (HashingVectorizer), so there is no vocabulary to store or grow.
- The model is retrained from the shipped set plus every lesson (a few seconds, in a task),
  never nudged one decision at a time: stochastic steps weighted for single decisions made it
  forget what it knew (teaching 249 balanced comments once lowered spam caught from 93.5% to
  80.5%).
- Its probability is calibrated (scikit-learn's CalibratedClassifierCV, Platt scaling on
  cross-validated scores): 0.9 means right about 9 times in 10 on comments it was not trained
  on (docs/comments.md has the reliability table).
- A moderator's decision also takes effect at once through `Memory`: a comment nearly the same
  as one marked spam is a repeat of spam; one nearly the same as one marked genuine is not held
  on the model's word alone.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.utils import murmurhash3_32

from nashra.arabic.analysis import analyse
from nashra.arabic.normalize import normalize

from .signals import Signals, reasons_of, signals_of

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN_FILE = DATA_DIR / "train.jsonl"  # the shipped model is trained on this
LEARN_FILE = DATA_DIR / "learn.jsonl"  # lessons a newsroom might teach (the learning check)
TEST_FILE = DATA_DIR / "test.jsonl"  # never taught: the figures in docs/comments.md

N_WORD_FEATURES = 2**17
N_CHAR_FEATURES = 2**17
SIGNAL_WEIGHT = 1.5
# Regularization of the logistic regression and smoothing of naive Bayes, chosen by 5-fold
# cross-validation on train + learn (bench/comments_quality.py --cv), never on the test set.
ALPHA = 1e-5
NB_ALPHA = 0.03
FOLDS = 5
SEED = 20261130
# Longer bodies cost more to score and teach nothing new past this point.
MAX_SCORED_CHARS = 5000
# Memory: how alike two comments must be (Jaccard of their character 5-gram sets) to be "the
# same comment" for a moderator's decision.
SAME_COMMENT = 0.6


@dataclass(frozen=True)
class Example:
    body: str
    author: str = ""
    url: str = ""
    email: str = ""
    label: str = ""  # "spam" | "ham"

    @property
    def y(self) -> int:
        return 1 if self.label == "spam" else 0


def _words(text: str) -> list[str]:
    terms = analyse(text)
    return terms + [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]


_WORDS = HashingVectorizer(
    analyzer=_words, n_features=N_WORD_FEATURES, alternate_sign=False, norm="l2"
)
_CHARS = HashingVectorizer(
    analyzer="char_wb", ngram_range=(2, 4), preprocessor=normalize, lowercase=False,
    n_features=N_CHAR_FEATURES, alternate_sign=False, norm="l2",
)


def _text(example: Example) -> str:
    # The author's name is part of the message for spam ("شركة نقل عفش بالرياض").
    return f"{example.author}\n{example.body[:MAX_SCORED_CHARS]}"


def _signals(example: Example, trusted_domains: tuple[str, ...] = ()) -> Signals:
    return signals_of(example.body[:MAX_SCORED_CHARS], author=example.author, url=example.url,
                      trusted_domains=trusted_domains)


def featurize(examples: Sequence[Example], *, trusted_domains: tuple[str, ...] = ()
              ) -> tuple[sparse.csr_matrix, list[Signals]]:
    texts = [_text(e) for e in examples]
    sigs = [_signals(e, trusted_domains) for e in examples]
    dense = sparse.csr_matrix(np.array([s.vector() for s in sigs]) * SIGNAL_WEIGHT)
    return sparse.hstack([_WORDS.transform(texts), _CHARS.transform(texts), dense]).tocsr(), sigs


class Blend(ClassifierMixin, BaseEstimator):
    """The mean of two quick linear models that err differently: a logistic regression (by
    stochastic gradient descent) and complement naive Bayes. On the labelled set it catches
    more spam at the same share of genuine comments held than either alone (docs/comments.md);
    CalibratedClassifierCV turns its mean into a calibrated probability."""

    def __init__(self, alpha: float = ALPHA, nb_alpha: float = NB_ALPHA):
        self.alpha = alpha
        self.nb_alpha = nb_alpha

    def fit(self, X, y):
        self.models_ = [
            SGDClassifier(loss="log_loss", alpha=self.alpha, class_weight="balanced",
                          max_iter=50, tol=None, random_state=SEED).fit(X, y),
            ComplementNB(alpha=self.nb_alpha).fit(X, y),
        ]
        self.classes_ = self.models_[0].classes_
        return self

    def predict_proba(self, X):
        return sum(model.predict_proba(X) for model in self.models_) / len(self.models_)

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]


def new_estimator() -> CalibratedClassifierCV:
    return CalibratedClassifierCV(
        Blend(), method="sigmoid", cv=StratifiedKFold(FOLDS, shuffle=True, random_state=SEED),
        ensemble=False,
    )


def train(examples: Sequence[Example]) -> CalibratedClassifierCV:
    """A fresh, calibrated model trained on `examples` (the same result on every run)."""
    X, _ = featurize(examples)
    y = np.array([e.y for e in examples])
    return new_estimator().fit(X, y)


@dataclass(frozen=True)
class Score:
    spam: float  # calibrated probability that the comment is spam
    signals: Signals
    same_as: str = ""  # "spam" / "ham": nearly the same as a comment a moderator labelled


def score(model, example: Example, *, memory: "Memory | None" = None,
          trusted_domains: tuple[str, ...] = ()) -> Score:
    """The spam probability of one comment, its signals, and what moderators said of its
    like."""
    X, sigs = featurize([example], trusted_domains=trusted_domains)
    p = float(model.predict_proba(X)[0, 1])
    return Score(spam=p, signals=sigs[0], same_as=memory.label_of(example) if memory else "")


def score_many(model, examples: Sequence[Example]) -> list[float]:
    X, _ = featurize(examples)
    return [float(p) for p in model.predict_proba(X)[:, 1]]


def reasons(result: Score) -> list[str]:
    """What a moderator reads: real signals, never a common word."""
    return reasons_of(result.signals)


# --- what moderators decided ------------------------------------------------------------------

def shingles(example: Example) -> frozenset[int]:
    text = " ".join(normalize(f"{example.author} {example.body[:MAX_SCORED_CHARS]}").split())
    if len(text) < 5:
        return frozenset({murmurhash3_32(text, seed=1)})
    return frozenset(murmurhash3_32(text[i:i + 5], seed=1) for i in range(len(text) - 4))


class Memory:
    """The comments moderators labelled, to find a new comment's near-twin among them.

    A later decision on the same text wins over an earlier one."""

    def __init__(self, lessons: Iterable[Example] = ()):
        self._items: list[tuple[frozenset[int], str]] = []
        self._postings: dict[int, list[int]] = {}
        for example in lessons:
            self.add(example)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, example: Example) -> None:
        grams = shingles(example)
        index = len(self._items)
        self._items.append((grams, example.label))
        for gram in grams:
            self._postings.setdefault(gram, []).append(index)

    def label_of(self, example: Example) -> str:
        """The label of the most alike lesson at least SAME_COMMENT alike, else ""."""
        grams = shingles(example)
        overlap: dict[int, int] = {}
        for gram in grams:
            for index in self._postings.get(gram, ()):
                overlap[index] = overlap.get(index, 0) + 1
        best, best_index = 0.0, -1
        for index, shared in overlap.items():
            other = self._items[index][0]
            similarity = shared / (len(grams) + len(other) - shared)
            if similarity > best or (similarity == best and index > best_index):
                best, best_index = similarity, index
        return self._items[best_index][1] if best >= SAME_COMMENT else ""


def load_jsonl(path: Path | str) -> list[Example]:
    with open(path, encoding="utf-8") as fh:
        return list(parse_jsonl(fh))


def parse_jsonl(lines: Iterable[str]) -> Iterable[Example]:
    for line in lines:
        if line.strip():
            row = json.loads(line)
            yield Example(
                body=str(row.get("body", "")), author=str(row.get("author", "")),
                url=str(row.get("url", "")), email=str(row.get("email", "")),
                label=str(row.get("label", "")),
            )


@lru_cache(maxsize=1)
def shipped_model_bytes() -> bytes:
    """The model trained on the shipped set, computed once per process (pickled)."""
    import pickle

    return pickle.dumps(train(load_jsonl(TRAIN_FILE)))

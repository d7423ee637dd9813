"""The analyser every comparison of text goes through: normalize → tokens → stop words → stems."""

from collections.abc import Callable
from functools import cache, lru_cache

from .stem import light_stem
from .stopwords import STOP_WORDS
from .tokenize import tokenize


def _snowball() -> Callable[[str], str]:
    import Stemmer  # PyStemmer: optional, used for comparison on the relevance set

    stemmer = Stemmer.Stemmer("arabic")
    return lambda word: stemmer.stemWord(word) or word


def _identity(word: str) -> str:
    return word


_STEMMER_FACTORIES: dict[str, Callable[[], Callable[[str], str]]] = {
    "none": lambda: _identity,
    "light": lambda: light_stem,
    "snowball": _snowball,
}
STEMMERS = tuple(_STEMMER_FACTORIES)
DEFAULT_STEMMER = "light"


@cache
def _stemmer(name: str) -> Callable[[str], str]:
    try:
        factory = _STEMMER_FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown stemmer {name!r}; choose one of {STEMMERS}") from None
    return lru_cache(maxsize=200_000)(factory())


def analyse(text: str, *, stemmer: str = DEFAULT_STEMMER) -> list[str]:
    """Index terms of `text` in order: normalized, stop words out, stemmed."""
    stem = _stemmer(stemmer)
    return [stem(token) for token in tokenize(text) if token not in STOP_WORDS]

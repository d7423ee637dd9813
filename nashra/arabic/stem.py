"""Light stemming for Arabic news text: clitics off the front, inflection off the back.

Why our own rules: the Snowball Arabic stemmer (PyStemmer) leaves a joined و+ال
(والجزائر) and stems a country (ليبيا → ليبي) apart from its adjective (الليبية → ليب),
which are exactly the misses news readers notice. The rules below follow Larkey's Light10
with a stricter guard on و and news-specific endings (the country names in يا and ا that
must meet their adjectives, the relative-adjective plurals يون/يين, the accusative ا), every strip guarded by a minimum
stem length. bench/relevance_eval.py compares them on the relevance set.
"""

from .charsets import ALEF, WAW

# Longest first; a stem must keep at least MIN_STEM letters after any strip.
DEFINITE_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
SUFFIXES = ("يون", "يين", "ها", "ان", "ات", "ون", "ين", "يه", "يا", "ه", "ي", "ا")
MIN_STEM = 3
MIN_STEM_AFTER_PREFIX = 2
# و is a joined "and" in وتونس but a root letter in وزير, وطن, ولد: only words of five
# letters or more lose it (four-letter ones such as ومصر keep it; the bare word is usually
# in the same story anyway).
CONJUNCTION_MIN_WORD = 5
# Words whose final alif is their own, not the alif that carries tanween (تعاوناً, أمطاراً):
# names ending in ـونا/ـينا/ـانا would otherwise lose ون/ين/ان after it (كورونا → كور,
# which is كوريا's stem). In normalized form; the country names in ـيا need no entry, as
# their stem is the one their adjective gets either way (ليبيا, الليبية → ليب).
OWN_FINAL_ALEF = frozenset({
    "كورونا", "اريزونا", "برشلونا", "فيينا", "اثينا", "بوتسوانا", "غويانا", "ماليزيانا",
    "مادونا", "ديانا", "تيرانا", "ريهانا", "هافانا", "بوركينا", "غينيا",
})
# ـها is "her/its" (تعاونها), not an accusative alif.
PRONOUN_HA = "ها"


def strip_conjunction(word: str) -> str:
    """و as a joined "and", on words long enough that it cannot be a root letter."""
    if word.startswith(WAW) and len(word) >= CONJUNCTION_MIN_WORD:
        return word[1:]
    return word


def strip_definite_article(word: str) -> str:
    for prefix in DEFINITE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM_AFTER_PREFIX:
            return word[len(prefix):]
    return word


def strip_tanween_alef(word: str) -> str:
    """The alif written after tanween al-fath (تعاوناً, أمطاراً: normalization has already
    dropped the mark), so the word then stems as its bare form does (تعاونا → تعاون → تعا,
    the stem of التعاون). Kept when the stem would fall under MIN_STEM (غدا, عصا) and in the
    words of OWN_FINAL_ALEF."""
    if (word.endswith(ALEF) and not word.endswith(PRONOUN_HA) and len(word) - 1 >= MIN_STEM
            and word not in OWN_FINAL_ALEF):
        return word[:-1]
    return word


def strip_suffixes(word: str) -> str:
    """Each ending at most once, in order, while the stem stays at least MIN_STEM long."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            word = word[: -len(suffix)]
    return word


def light_stem(word: str) -> str:
    """The stem of one normalized token; never empty for a non-empty token."""
    if not word or not word[0].isalpha() or word.isascii():
        return word
    stem = strip_definite_article(strip_conjunction(word))
    stem = strip_suffixes(stem if stem in OWN_FINAL_ALEF else strip_tanween_alef(stem))
    return stem or word

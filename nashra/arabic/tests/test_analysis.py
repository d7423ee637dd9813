"""The Arabic analyser: normalization, tokens, stop words, stems — tables of variants that
must meet and look-alikes that must not, and properties that hold for every string."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nashra.arabic.analysis import STEMMERS, analyse
from nashra.arabic.normalize import normalize
from nashra.arabic.stem import light_stem
from nashra.arabic.stopwords import STOP_WORDS
from nashra.arabic.tokenize import tokenize

REFERENCE = (Path(__file__).resolve().parents[2] / "news" / "demo" /
             "reference-article.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("اتفاق", "إتفاق"),  # hamza below
        ("احمد", "أحمد"),  # hamza above
        ("القران", "القرآن"),  # madda
        ("ٱلله", "الله"),  # wasla
        ("مستشفي", "مستشفى"),  # alef maqsura typed as yeh
        ("الازمه", "الأزمة"),  # teh marbuta typed as heh
        ("مسئول", "مسؤول"),  # the two hamza seats of one word
        ("الجزاير", "الجزائر"),  # a hamza seat typed as its bare letter
        ("لِيبيا", "ليبيا"),  # a kasra
        ("الرحمٰن", "الرحمن"),  # superscript alef
        ("ليـــبيا", "ليبيا"),  # tatweel
        ("غزة\u200f", "غزة"),  # a right-to-left mark
        ("ل\u200cيبيا", "ليبيا"),  # a zero-width non-joiner inside the word
        ("٢٠١١", "2011"),  # Arabic-Indic digits
        ("۲۰۱۱", "2011"),  # Persian digits
        ("ﻻ", "لا"),  # a presentation-form ligature
        ("ﺑﻴﺮﻭﺕ", "بيروت"),  # presentation forms letter by letter
        ("فارسی", "فارسي"),  # Farsi yeh
        ("COVID", "covid"),  # Latin case
    ],
)
def test_variants_normalize_alike(typed, stored):
    assert normalize(typed) == normalize(stored)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("علم", "عالم"),  # a letter more is another word
        ("سلام", "اسلام"),  # a leading alef is a letter here, not a prefix
        ("مصر", "مطر"),  # one letter apart
        ("قدس", "قدم"),
    ],
)
def test_look_alikes_stay_apart(a, b):
    assert analyse(a) != analyse(b)


def test_tokens_of_mixed_text():
    assert tokenize("قال «بايدن» لـCNN: كوفيد19 في ٢٠٢١، أي 100%!") == [
        "قال", "بايدن", "ل", "cnn", "كوفيد", "19", "في", "2021", "اي", "100"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("ليبيا", "ليب"),  # the country …
        ("الليبية", "ليب"),  # … its adjective …
        ("ليبيون", "ليب"),  # … its people
        ("الجزائريين", "جزاير"),
        ("والجزائر", "جزاير"),  # و + ال together
        ("للجزائر", "جزاير"),
        ("بالقاهرة", "قاهر"),
        ("القاهره", "قاهر"),
        ("مصري", "مصر"),
        ("المسؤولين", "مسيول"),  # sound plural
        ("مسؤولون", "مسيول"),
        ("القرارات", "قرار"),
        ("والتنسيق", "تنسيق"),
        ("وتونس", "تونس"),  # a joined "and"
        ("وزير", "وزير"),  # a root و in a four-letter word is kept
        ("ولد", "ولد"),
        ("ال", "ال"),  # too short to strip
    ],
)
def test_light_stem(word, stem):
    assert analyse(word) == [stem]


def test_stop_words_are_dropped_and_normalized():
    assert {"في", normalize("إلى"), normalize("على")} <= STOP_WORDS
    assert analyse("في ليبيا على الحدود إلى تونس") == ["ليب", "حدود", "تونس"]


@pytest.mark.parametrize(
    "query",
    # the list: each must find the reference article
    ["ليبيا", "الليبية", "ليبية", "التنسيق", "تنسيق", "إتفاق", "الازمه", "لِيبيا", "ليـبيا",
     "داعش", "الجزائريين", "القاهره", "مصري"],
)
def test_reference_article_carries_every_query_term(query):
    terms = set(analyse(REFERENCE))
    assert analyse(query) and set(analyse(query)) <= terms


@given(st.text())
def test_normalize_is_idempotent_and_total(text):
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)))
def test_normalize_is_idempotent_on_arabic_block(text):
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(min_size=1))
def test_stemming_never_empties_a_token(text):
    for token in tokenize(text):
        assert light_stem(token)
    for name in STEMMERS:
        assert all(analyse(text, stemmer=name))


def test_unknown_stemmer_is_refused():
    with pytest.raises(ValueError, match="unknown stemmer"):
        analyse("نص", stemmer="porter")


@given(st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from("\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066\u2069\ufeff"),
)))
def test_quick_fold_keeps_every_term_of_text_it_covers(text):
    from nashra.arabic.normalize import QUICK_FOLD_EXACT_RE, quick_fold

    if not QUICK_FOLD_EXACT_RE.fullmatch(text):
        return
    folded = quick_fold(text)
    for term in analyse(text):
        assert term in folded


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # tanween al-fath and its alif: the accusative meets the bare word (issue 21)
        ("تعاوناً", "التعاون"),
        ("تعاونًا", "تعاون"),  # the mark written before the alif
        ("تعاونا", "والتعاون"),  # and typed without the mark at all
        ("استخباراتياً", "الاستخباراتي"),
        ("أمطاراً", "الأمطار"),
        ("عدواناً", "العدوان"),
        ("مليوناً", "المليون"),
        ("اتجاهاً", "الاتجاه"),
        ("ليبيا", "الليبية"),  # a country's own alif still meets its adjective
    ],
)
def test_tanween_alif_meets_the_bare_word(typed, stored):
    assert analyse(typed) == analyse(stored)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("كورونا", "كوريا"),  # the final alif of كورونا is its own: its ون must stay
        ("غداً", "غد"),  # too short to lose the alif: غدا keeps three letters
    ],
)
def test_final_alif_of_the_word_is_kept(a, b):
    assert analyse(a) != analyse(b)


def test_the_pronoun_ha_is_no_tanween_alif():
    assert analyse("وتعاونها") == analyse("التعاون")

"""Query expansion without a database: the shipped equivalences, grouping, close spellings."""

import pytest

from nashra.arabic.analysis import analyse
from nashra.search.expansion import (
    KINDS,
    Expansion,
    Group,
    close_spellings,
    deletion_keys,
    edit_distance,
    expand,
    parse_terms,
    shipped_entries,
    shipped_table,
)


def _one(text):
    return tuple(analyse(text))


def test_every_shipped_entry_has_a_kind_a_source_and_two_phrases():
    entries = shipped_entries()
    assert len(entries) > 100
    for entry in entries:
        assert entry.kind in KINDS and entry.source
        assert len(entry.phrases) >= 2


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        # the pairs, each way
        ("العيش", "الخبز"),
        ("الخبز", "العيش"),
        ("البترول", "النفط"),
        ("النفط", "البترول"),
        ("الهجرة غير الشرعية", "الهجرة غير النظامية"),
        ("الهجرة غير النظامية", "الهجرة غير الشرعية"),
        ("الأسرى", "السجناء"),
        ("السجناء", "المعتقلين"),
        ("ويمبلدن", "ويمبلدون"),
        ("اليونيسيف", "اليونيسف"),
        ("برينت", "برنت"),
        ("انقطاع الكهرباء", "تخفيف الأحمال"),
        # broken plurals
        ("سجناء", "سجين"),
        ("أسرى", "أسير"),
        ("مدارس", "مدرسة"),
        ("طبيب", "الأطباء"),
    ],
)
def test_shipped_equivalences_reach_each_other(typed, found):
    assert _one(found) in shipped_table()[_one(typed)]


def test_one_way_entries_do_not_lead_back():
    table = shipped_table()
    assert _one("المهاجرين غير الشرعيين") in table[_one("الحراقة")]
    assert _one("الحراقة") not in table.get(_one("المهاجرين غير الشرعيين"), [])


def test_a_phrase_the_reader_typed_becomes_one_group():
    table = {_one("انقطاع الكهرباء"): [_one("تخفيف الأحمال")], _one("النفط"): [_one("البترول")]}
    expansion = expand(analyse("انقطاع الكهرباء وأسعار النفط"), [table])
    assert expansion.groups == (
        Group(_one("انقطاع الكهرباء"), (_one("تخفيف الأحمال"),)),
        Group(_one("أسعار")),
        Group(_one("النفط"), (_one("البترول"),)),
    )
    assert expansion.terms == analyse("انقطاع الكهرباء أسعار النفط")
    assert expansion.expanded


def test_a_query_no_table_knows_is_left_alone():
    assert expand(analyse("مجلس الأمن"), [shipped_table()]) == Expansion.plain(analyse("مجلس الأمن"))


def test_editor_syntax():
    assert parse_terms("البترول، النفط\nالزيت الخام") == (["البترول", "النفط", "الزيت الخام"], False)
    assert parse_terms("الحراقة => المهاجرين, اللاجئين") == (["الحراقة", "المهاجرين", "اللاجئين"], True)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("تنسيق", "تننسيق", 1),  # a letter too many
        ("يونيسف", "يونيسيف", 1),
        ("برنت", "برينت", 1),
        ("جزاير", "جزاءر", 1),  # one letter for another
        ("سبتمبر", "سبمتبر", 1),  # two neighbours swapped
        ("تنسيق", "تنسيق", 0),
        ("مصر", "مطار", 2),
    ],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_deletion_keys_meet_for_every_single_edit():
    for a, b in [("تنسيق", "تننسيق"), ("برنت", "برينت"), ("جزاير", "جزاءر"), ("سبتمبر", "سبمتبر")]:
        assert deletion_keys(a) & deletion_keys(b)
    assert deletion_keys("مصر") == set()  # too short to guess


def test_close_spellings_prefer_the_more_used_and_skip_the_rarer():
    candidates = [("تنسيق", 40), ("تنسيقي", 3), ("تنفيذ", 90), ("تننسيق", 1)]
    assert close_spellings("تننسيق", 1, candidates) == ["تنسيق"]
    # the reader's spelling is the more used one: nothing to suggest
    assert close_spellings("تنسيق", 40, candidates) == []

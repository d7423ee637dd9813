"""Synonyms, dialect words, broken plurals and close spellings through the real search path
(HTTP), on SQLite FTS5 and PostgreSQL; editors' sets take effect on the next search."""

import json

import pytest
from django.urls import reverse

from nashra.search.models import SpellingKey, SynonymSet, VocabularyTerm

pytestmark = pytest.mark.django_db


def _titles(client, query):
    response = client.get("/api/search/", {"q": query})
    assert response.status_code == 200
    return [r["title"] for r in json.loads(response.content)["results"]]


def test_shipped_equivalences_find_the_other_word_below_the_readers_own(client, make_article):
    # the equivalent word in the headline (weighted ×3), the reader's word in the text only:
    # still the reader's word first
    oil = make_article(title="النفط يرتفع والنفط يقود الأسواق", body="صعد خام برنت.")
    petroleum = make_article(title="كشف جديد للغاز", body="قالت وزارة البترول إن الكشف كبير.")
    make_article(title="مباراة كرة القدم", body="فاز المنتخب.")
    assert _titles(client, "البترول") == [petroleum.title, oil.title]
    assert _titles(client, "النفط") == [oil.title, petroleum.title]
    bread = make_article(title="الحكومة تبقي سعر رغيف الخبز", body="الدعم باق.")
    assert _titles(client, "العيش") == [bread.title]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("السجناء", "سجين سابق يروي تجربته"),  # broken plural → singular
        ("الأسرى", "إضراب المعتقلين عن الطعام"),  # news equivalence
        ("الهجرة غير الشرعية", "مهاجرون في قارب: الهجرة غير النظامية تتواصل"),
        ("انقطاع الكهرباء", "جدول جديد: تخفيف الأحمال في الصيف"),  # paraphrase
        ("اليونيسيف", "اليونيسف تحذر من سوء التغذية"),  # transliteration
        ("تعاوناً استخباراتياً", "التعاون الاستخباراتي بين البلدين"),  # tanween
    ],
)
def test_the_issues_phenomena_are_found(client, make_article, query, title):
    make_article(title=title, body="نص الخبر.")
    make_article(title="مباراة كرة القدم", body="فاز المنتخب بهدفين.")
    assert _titles(client, query) == [title]


def test_the_shipped_legitimacy_phrase_does_not_leak(client, make_article):
    # «غير الشرعية» of migration is not the «الشرعية» of a government
    make_article(title="الحكومة الشرعية تطالب بدعم دولي", body="نص.")
    assert _titles(client, "الهجرة غير النظامية") == []


def test_an_editors_set_counts_from_the_next_search(client, make_article):
    story = make_article(title="افتتاح المترو الجديد في القاهرة", body="خط ثالث.")
    assert _titles(client, "قطار الأنفاق") == []
    synonyms = SynonymSet(terms="قطار الأنفاق، المترو")
    synonyms.full_clean()
    synonyms.save()
    assert _titles(client, "قطار الأنفاق") == [story.title]
    synonyms.terms = "قطار الأنفاق، الترام"
    synonyms.save()
    assert _titles(client, "قطار الأنفاق") == []
    synonyms.delete()
    assert _titles(client, "المترو") == [story.title]


def test_a_one_way_set_leads_from_its_first_word_only(client, make_article):
    brand = make_article(title="منصة إكس تغير سياستها", body="قرار جديد.")
    old = make_article(title="تويتر يغير سياسته", body="قرار قديم.")
    SynonymSet.objects.create(terms="تويتر => إكس", one_way=True)
    assert _titles(client, "تويتر") == [old.title, brand.title]
    assert _titles(client, "إكس") == [brand.title]


def test_editors_manage_sets_in_the_settings_menu(admin_client, client, make_article):
    from wagtail.admin.menu import settings_menu

    request = admin_client.get(reverse("wagtailadmin_home")).wsgi_request
    items = {item.name: item for item in settings_menu.menu_items_for_request(request)}
    assert items["synonyms"].label == "المرادفات"
    add = reverse("wagtailsnippets_nashra_search_synonymset:add")
    # bad input: one word only, or only a preposition → an Arabic message, nothing saved
    for terms, message in [("المترو", "كلمتين مختلفتين"), ("في، المترو", "لا تحمل كلمات")]:
        response = admin_client.post(add, {"terms": terms, "note": ""})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not SynonymSet.objects.exists()
    response = admin_client.post(add, {"terms": "قطار الأنفاق، المترو", "note": "القاهرة"})
    assert response.status_code == 302
    story = make_article(title="افتتاح المترو الجديد", body="نص.")
    assert _titles(client, "قطار الأنفاق") == [story.title]


def test_close_spellings_find_the_story_and_the_page_asks_did_you_mean(client, make_article):
    story = make_article(title="ديوكوفيتش يتأهل في ويمبلدون", body="فوز في أربع مجموعات.")
    make_article(title="مباراة كرة القدم", body="فاز المنتخب.")
    # the vocabulary grew when the stories were published (a task; immediate in tests)
    assert VocabularyTerm.objects.filter(term="ديوكوفيتش").exists()
    assert SpellingKey.objects.filter(key="ديوكوفيش").exists()
    response = client.get("/api/search/", {"q": "ديوكوفيش"})
    data = json.loads(response.content)
    assert [r["title"] for r in data["results"]] == [story.title]
    assert data["suggestion"] == "ديوكوفيتش"
    page = client.get("/search/", {"q": "ديوكوفيش"}).content.decode()
    assert "هل تقصد" in page and "?q=%D8%AF%D9%8A%D9%88%D9%83%D9%88%D9%81%D9%8A%D8%AA%D8%B4" in page


def test_a_word_the_index_spells_the_same_gets_no_suggestion(client, make_article):
    make_article(title="ديوكوفيتش يتأهل في ويمبلدون", body="نص.")
    data = json.loads(client.get("/api/search/", {"q": "ديوكوفيتش"}).content)
    assert data["suggestion"] is None and data["total"] == 1
    assert "هل تقصد" not in client.get("/search/", {"q": "ديوكوفيتش"}).content.decode()


def test_vocabulary_rebuild_counts_the_indexed_stories(make_article):
    from nashra.search.services import vocabulary_rebuild

    make_article(title="زلزال قوي", body="زلزال ثان.")
    make_article(title="زلزال ثالث", body="نص.")
    VocabularyTerm.objects.all().delete()
    assert vocabulary_rebuild() > 0
    assert VocabularyTerm.objects.get(term="زلزال").stories == 2

"""Related news: chosen by content at publish time, copies collapsed, editors' pins and exclusions."""

import pytest

from nashra.discovery import related, selectors
from nashra.discovery.models import (
    ArticleProfile,
    RelatedCuration,
    RelatedExclusion,
    RelatedPin,
    TermStat,
)
from nashra.discovery.services import scheduler_job
from nashra.news.demo import REFERENCE_SECTION, reference_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home

LIBYA = [
    ("تونس تغلق معبر رأس جدير مع ليبيا بعد اشتباكات مسلحة قرب الحدود",
     "أغلقت السلطات التونسية معبر رأس جدير الحدودي مع ليبيا إثر اشتباكات بين مجموعات مسلحة "
     "على الجانب الليبي، وعززت وحدات الجيش انتشارها على الحدود تحسباً لتسلل عناصر من تنظيم داعش.",
     ["ليبيا", "تونس"]),
    ("الجزائر ترفع درجة التأهب على حدودها مع ليبيا",
     "قررت وزارة الدفاع الجزائرية رفع درجة التأهب الأمني على الحدود الشرقية مع ليبيا، وسط مخاوف "
     "من تمدد تنظيم داعش وتهريب السلاح عبر الصحراء، بالتنسيق مع مصر وتونس.",
     ["ليبيا", "الجزائر"]),
    ("غارات مصرية على مواقع لتنظيم داعش في درنة شرقي ليبيا",
     "شن الجيش المصري غارات جوية على مواقع قال إنها لتنظيم داعش في مدينة درنة الليبية، بعد "
     "إعلان التنظيم ذبح رهائن مصريين، وقال مسؤول أمني إن التنسيق مع دول جوار ليبيا مستمر.",
     ["ليبيا", "مصر"]),
]
OTHERS = [
    ("الذهب يصعد إلى أعلى مستوى في ثلاثة أشهر",
     "ارتفعت أسعار الذهب في الأسواق العالمية مع ترقب المستثمرين لقرارات الفائدة الأميركية.",
     ["الذهب", "الأسواق"]),
    ("ختام بطولة الناشئين لكرة القدم في نابلس",
     "اختتمت في نابلس بطولة الناشئين لكرة القدم بمشاركة ستة عشر فريقاً من أندية الضفة.",
     ["كرة القدم", "نابلس"]),
    ("معرض الكتاب في رام الله يستقطب آلاف الزوار",
     "استقطب معرض الكتاب في رام الله آلاف الزوار في أسبوعه الأول وسط إقبال على الروايات.",
     ["الكتاب", "رام الله"]),
]


def _publish(make_article, rows):
    return [make_article(title=t, body=b, tags=tags, section=REFERENCE_SECTION)
            for t, b, tags in rows]


def test_reference_article_lists_libya_security_first(make_article):
    others = _publish(make_article, OTHERS)
    libya = _publish(make_article, LIBYA)
    title, body = reference_article()
    reference = make_article(title=title, body=body, section=REFERENCE_SECTION,
                             tags=["ليبيا", "الجزائر", "مصر", "تونس"])
    ids = ArticleProfile.objects.get(pk=reference.pk).related
    assert set(ids[:3]) == {a.pk for a in libya}
    assert not set(ids) & {a.pk for a in others if "الذهب" in a.title}


def test_wire_copies_are_collapsed(make_article):
    title, body, tags = LIBYA[0]
    first = make_article(title=title, body=body, tags=tags)
    copy = make_article(title=title + " (تحديث)", body=body + " وأضاف المصدر أن المعبر سيبقى مغلقاً.",
                        tags=tags)
    # The copy is this very story again: it is not "related" to it.
    assert first.pk not in ArticleProfile.objects.get(pk=copy.pk).related
    t2, b2, tags2 = LIBYA[1]
    later = make_article(title=t2, body=b2 + " " + body, tags=tags2 + tags)
    chosen = ArticleProfile.objects.get(pk=later.pk).related
    # Both copies match; only one of them is shown.
    assert len({first.pk, copy.pk} & set(chosen)) == 1


def test_newer_story_joins_older_lists_through_the_scheduler(make_article):
    first, second = _publish(make_article, LIBYA[:2])
    assert first.pk in ArticleProfile.objects.get(pk=second.pk).related
    profile = ArticleProfile.objects.get(pk=first.pk)
    # Published alone, the first story had nothing related; the second marks it for refresh.
    assert profile.stale and second.pk not in profile.related
    scheduler_job()
    profile.refresh_from_db()
    assert not profile.stale and second.pk in profile.related


def test_pins_and_exclusions_on_the_page(client, make_article):
    gold = _publish(make_article, OTHERS[:1])[0]
    libya = _publish(make_article, LIBYA)
    subject = libya[2]
    assert set(ArticleProfile.objects.get(pk=subject.pk).related) == {libya[0].pk, libya[1].pk}
    curation = RelatedCuration.objects.create(article=subject)
    RelatedPin.objects.create(curation=curation, story=gold, sort_order=0)
    RelatedExclusion.objects.create(curation=curation, story=libya[1])
    assert [a.pk for a in selectors.related_articles(article=subject)] == [gold.pk, libya[0].pk]
    html = client.get(subject.url).content.decode()
    start = html.index("أخبار ذات علاقة")
    block = html[start:html.index("</section>", start)]
    assert block.index(gold.title) < block.index(libya[0].title)
    assert libya[1].title not in block


def test_editing_and_unpublishing_keep_document_frequencies_right(make_article):
    story = _publish(make_article, LIBYA[:1])[0]
    assert TermStat.objects.get(term=related.DOC_COUNT_KEY).df == 1
    stem = related.analyse("رأس جدير")[1]
    assert TermStat.objects.get(term=stem).df == 1
    story.title = "تونس تعيد فتح الحدود"
    story.body = [("paragraph", "<p>أعادت تونس فتح الحدود.</p>")]
    story.save_revision().publish()
    assert TermStat.objects.get(term=stem).df == 0
    story.unpublish()
    assert not ArticleProfile.objects.filter(pk=story.pk).exists()
    assert TermStat.objects.get(term=related.DOC_COUNT_KEY).df == 0


def test_rebuild_matches_publish_time_lists(make_article):
    libya = _publish(make_article, LIBYA)
    _publish(make_article, OTHERS)
    before = {p.pk: set(p.related) for p in ArticleProfile.objects.all()}
    assert related.profiles_rebuild(batch_size=2) == 6
    after = {p.pk: set(p.related) for p in ArticleProfile.objects.all()}
    assert after[libya[0].pk] >= {libya[1].pk, libya[2].pk}
    assert before.keys() == after.keys()

"""nashra.news.bulk, the one bulk writer of published stories: every field of the model is
written, the tree it leaves is the one treebeard would have made, and the stories are served
and found like stories published through Wagtail."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.html import escape
from wagtail.fields import StreamField
from wagtail.models import Locale, Page

from nashra.news import bulk, services
from nashra.news.demo import demo_image
from nashra.news.models import ArticlePage, ArticleTag, SectionPage

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)


def _story(section, n, **fields) -> bulk.NewStory:
    fields = {"title": f"خبر مكتوب دفعة واحدة رقم {n}", "slug": f"bulk-{n}",
              "standfirst": f"مقدمة الخبر {n}", "external_id": f"bulk:{n}",
              "body": [{"type": "paragraph", "value": f"<p>فقرة الخبر {n}</p>"}],
              "first_published_at": WHEN + dt.timedelta(hours=n), **fields}
    article = ArticlePage(**fields)
    return bulk.NewStory(article=article, section=section)


def _tree():
    return sorted(Page.objects.values_list("pk", "path", "depth", "numchild", "url_path"))


# --- every concrete field --------------------------------------------------------------------


def _related_values(home):
    """A value for each relation of ArticlePage, none of them what an empty page holds."""
    user = get_user_model().objects.create_user(username="bulk-owner")
    section = services.section_ensure_path(path="أخبار/محليات", home=home)
    revision = section.save_revision()
    return {
        "locale": Locale.objects.create(language_code="fr"),
        "latest_revision": revision,
        "live_revision": revision,
        "locked_by": user,
        "owner": user,
        "content_type": ContentType.objects.get_for_model(SectionPage),
        "alias_of": section,
        "hero_image": demo_image(title="صورة", alt="صورة", seed=3, size=(64, 48)),
    }


def _value_for(field, n: int, related: dict):
    """A value of `field` that no default gives; a field of a kind not listed fails the test
    until a value is added here, so a new field is never left untested."""
    if field.is_relation:
        if field.name not in related:
            pytest.fail(f"no test value for the relation {field.name}: add one to "
                        "_related_values")
        return related[field.name]
    if isinstance(field, StreamField):
        return [{"type": "paragraph", "value": "<p>نص من حقل الاختبار</p>", "id": str(uuid.uuid4())}]
    if isinstance(field, models.BooleanField):
        return not field.get_default()
    if isinstance(field, models.DateTimeField):
        return WHEN + dt.timedelta(days=n)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.IntegerField):
        return 7 + n
    if isinstance(field, models.CharField | models.TextField):
        return f"{field.name}-{n}"[:field.max_length]
    pytest.fail(f"no test value for {field.name} ({type(field).__name__}): add one to _value_for")


def test_every_concrete_field_is_written(home):
    """A field added to ArticlePage (or to Page by a Wagtail upgrade) must reach the row."""
    section = services.section_ensure_path(path="أخبار/عربية ودولية", home=home)
    related = _related_values(home)
    article = ArticlePage()
    fields = [f for f in ArticlePage._meta.concrete_fields if f.name not in bulk.WRITER_FIELDS]
    for n, field in enumerate(fields):
        setattr(article, field.name, _value_for(field, n, related))
    expected = {f.name: f.value_from_object(article) for f in fields}
    for field in fields:
        assert expected[field.name] != field.get_default(), field.name

    written, = bulk.articles_publish_bulk(stories=[bulk.NewStory(article=article,
                                                                 section=section)])
    stored = ArticlePage.objects.get(pk=written.pk)
    for field in fields:
        got, want = field.value_from_object(stored), expected[field.name]
        if isinstance(field, StreamField):
            got, want = field.get_prep_value(got), field.get_prep_value(want)
        assert got == want, field.name
    # and the fields the writer decides
    assert stored.live and not stored.has_unpublished_changes
    assert stored.url_path == f"{section.url_path}{expected['slug']}/"


def test_what_the_writer_fills_when_left_empty(home):
    section = services.section_ensure_path(path="أخبار/عربية ودولية", home=home)
    story = _story(section, 1)
    story.article.first_published_at = None
    written, = bulk.articles_publish_bulk(stories=[story])
    stored = ArticlePage.objects.get(pk=written.pk)
    assert stored.draft_title == stored.title
    assert stored.locale_id == section.locale_id
    assert stored.first_published_at is not None
    assert stored.last_published_at == stored.first_published_at
    assert stored.content_type == ContentType.objects.get_for_model(ArticlePage)
    assert all(block.id for block in stored.body)


# --- the tree --------------------------------------------------------------------------------


def test_paths_follow_treebeard_and_leave_nothing_to_fix(home, make_article):
    world = services.section_ensure_path(path="أخبار/عربية ودولية", home=home)
    sport = services.section_ensure_path(path="رياضة", home=home)
    before = make_article(title="خبر نُشر من المحرر", section="أخبار/عربية ودولية")
    slugs = bulk.SiblingSlugs()
    batches = [[_story(world, 1), _story(sport, 2), _story(world, 3)],
               [_story(sport, 4), _story(world, 5, slug=before.slug)]]
    for batch in batches:
        bulk.articles_publish_bulk(stories=batch, slugs=slugs, search_index=False)

    # Appended after the existing story, in the order given, numbered as add_child numbers.
    children = [p.specific for p in world.get_children()]
    assert [c.title for c in children][1:] == [s.article.title for s in
                                               (batches[0][0], batches[0][2], batches[1][1])]
    assert [c.path for c in children] == [world.path + step
                                          for step in ("0001", "0002", "0003", "0004")]
    assert {c.depth for c in children} == {world.depth + 1}
    # A slug a sibling holds takes a number; the URL follows the slug.
    assert children[-1].slug == f"{before.slug}-2"
    assert children[-1].url_path == f"{world.url_path}{before.slug}-2/"
    for section in (world, sport):
        section.refresh_from_db()
        assert section.numchild == section.get_children().count()

    # treebeard finds no problem, and fixing the tree changes nothing.
    assert Page.find_problems() == ([], [], [], [], [])
    tree = _tree()
    Page.fix_tree()
    assert _tree() == tree

    # Wagtail's own add_child goes on after the bulk-written stories.
    added = world.add_child(instance=ArticlePage(title="بعد الدفعة", slug="after",
                                                 body=[]))
    assert added.path[-Page.steplen:] == "0005"
    assert Page.find_problems() == ([], [], [], [], [])


def test_a_full_section_is_refused_and_nothing_written(home, monkeypatch):
    section = services.section_ensure_path(path="أخبار/عربية ودولية", home=home)
    monkeypatch.setattr(bulk, "MAX_CHILDREN", 2)
    bulk.articles_publish_bulk(stories=[_story(section, 1)])
    tree = _tree()
    with pytest.raises(bulk.SectionFull):
        bulk.articles_publish_bulk(stories=[_story(section, 2), _story(section, 3)])
    assert _tree() == tree
    assert not ArticlePage.objects.filter(external_id__in=["bulk:2", "bulk:3"]).exists()


# --- served and found --------------------------------------------------------------------------


def test_a_bulk_written_story_is_served_at_its_url_and_found(home, client):
    section = services.section_ensure_path(path="أخبار/عربية ودولية", home=home)
    author = services.author_get_or_create(name="رنا حمدان")
    hero, pictured = (demo_image(title="الميناء", alt="الميناء", seed=n, size=(64, 48))
                      for n in (4, 5))
    story = _story(section, 1, source="وفا", hero_image=hero, body=[
        {"type": "paragraph", "value": "<p>فقرة الخبر 1</p>"},
        {"type": "image", "value": {"image": pictured.pk, "caption": "", "credit": ""}}])
    story.article.title = "افتتاح ميناء الحديدة الجديد"
    story.author_ids, story.tags = [author.pk], ["موانئ", "اليمن"]
    written, = bulk.articles_publish_bulk(stories=[story])

    response = client.get(written.url)
    assert response.status_code == 200, written.url
    html = response.content.decode()
    assert f'<h1 class="article__headline">{escape(written.title)}</h1>' in html
    assert written.standfirst in html and "فقرة الخبر 1" in html
    assert author.name in html and "موانئ" in html
    assert sorted(ArticleTag.objects.filter(content_object_id=written.pk)
                  .values_list("tag__name", flat=True)) == ["اليمن", "موانئ"]
    assert written.title in client.get(section.url).content.decode()
    # in the search index without a rebuild
    found = client.get("/search/", {"q": "ميناء الحديدة"}).content.decode()
    assert escape(written.title) in found
    # the images it shows are listed by the headless API, as a published story's are
    images = client.get("/api/v2/images/").json()["items"]
    assert {image["id"] for image in images} == {hero.pk, pictured.pk}

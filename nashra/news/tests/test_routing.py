"""The home page's one-query routing finds exactly what Wagtail's walk over the tree finds."""

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from nashra.conftest import article_maker, home_install, shared_rows
from nashra.news import services
from nashra.news.models import HomePage

pytestmark = pytest.mark.django_db


def _outcome(route, home, components):
    """(page class, page id, routable view name and kwargs) or "404"."""
    request = RequestFactory().get("/" + "".join(f"{c}/" for c in components))
    try:
        result = route(home, request, components)
    except Http404:
        return "404"
    extra = None
    if result.args:
        view, _args, kwargs = result.args
        extra = (view.__name__, kwargs)
    return type(result.page), result.page.pk, extra


def _wagtail_route(home, request, components):
    # What HomePage inherits: the routable page's own routes, then Wagtail's tree walk.
    return RoutablePageMixin.route(home, request, components)


def _ours(home, request, components):
    return home.route(request, components)


def _tree_build() -> dict[str, int]:
    home = home_install()
    make_article = article_maker(home, prefix="tree")
    story = make_article(title="خبر في القسم الفرعي", section="أخبار/عربية ودولية",
                         tags=["غزة"], authors=["سلمى حداد"])
    top_story = make_article(title="خبر رياضي", section="رياضة")
    draft = make_article(title="خبر سحب من النشر", section="رياضة")
    draft.unpublish()
    hidden = make_article(title="خبر تحت قسم غير منشور", section="قسم مخفي")
    hidden.get_parent().unpublish()
    # A section whose slug is also the tag route's prefix: the route wins for /tag/<slug>/.
    tag_section = services.section_ensure_path(path="tag", home=home)
    tag_story = make_article(title="غزة", section="tag")
    return {"home": home.pk, "story": story.pk, "top_story": top_story.pk, "draft": draft.pk,
            "hidden": hidden.pk, "tag_section": tag_section.pk, "tag_story": tag_story.pk}


@pytest.fixture(scope="class")
def _tree_built(request, django_db_setup, django_db_blocker):
    """Every kind of page the routing meets, built once for a test class (each test's writes
    are still rolled back after it)."""
    with shared_rows(request, django_db_blocker, _tree_build) as pks:
        yield pks


@pytest.fixture
def tree(_tree_built):
    return {name: Page.objects.get(pk=pk).specific for name, pk in _tree_built.items()}


def _components(page):
    return [c for c in page.url_path.split("/")[2:] if c]


class TestOnOneTree:
    """On every kind of page, built once for the class."""

    def test_same_outcome_as_wagtail_for_every_kind_of_path(self, tree):
        home, story = tree["home"], tree["story"]
        cases = [
            [],                                              # the home page itself
            _components(story.get_parent()),                 # a nested section
            _components(story.get_parent().get_parent()),    # a top-level section
            _components(story),                              # a story two sections deep
            _components(tree["top_story"]),                  # a story one section deep
            _components(tree["draft"]),                      # unpublished story: 404
            _components(tree["hidden"]),                     # live story, section not live: served
            _components(tree["hidden"].get_parent()),        # the section that is not live: 404
            [_components(story)[0], _components(tree["top_story"])[-1]],  # story, wrong section
            [*_components(story.get_parent()), "لا-يوجد"],   # no such story
            ["لا-يوجد"],                                     # no such section
            [*_components(story), "زائد"],                   # below a story
            ["tag", "غزة"],                                  # tag route
            ["tag", "وسم-غير-موجود"],                        # tag route (the view answers 404)
            ["author", "سلمى-حداد"],                         # author route
            _components(tree["tag_section"]),                # the section named "tag"
            _components(tree["tag_story"]),                  # its story: the tag route wins
        ]
        for components in cases:
            assert _outcome(_ours, home, components) == _outcome(_wagtail_route, home, components), (
                components)
        assert _outcome(_ours, home, _components(story))[1] == story.pk

    def test_a_story_is_found_in_one_query(self, tree):
        home, story = tree["home"], tree["story"]
        request = RequestFactory().get(story.url)
        with CaptureQueriesContext(connection) as ctx:
            result = home.route(request, _components(story))
        assert len(ctx.captured_queries) == 1
        # The specific page, whole: its own fields need no further query.
        with CaptureQueriesContext(connection) as ctx:
            assert (result.page.title, result.page.body[0].value.source) == (
                story.title, story.body[0].value.source)
        assert len(ctx.captured_queries) == 0

    def test_renamed_and_moved_stories_answer_at_their_new_url(self, client, tree):
        home, story = tree["home"], tree["story"]
        old = _components(story)
        story.slug = "عنوان-جديد"
        story.save_revision().publish()
        story.refresh_from_db()
        assert client.get(story.url).status_code == 200
        assert _outcome(_ours, home, _components(story))[1] == story.pk
        assert _outcome(_ours, home, old) == _outcome(_wagtail_route, home, old) == "404"
        story.move(tree["top_story"].get_parent(), pos="last-child")
        story.refresh_from_db()
        assert story.url.startswith(tree["top_story"].get_parent().url)
        assert client.get(story.url).status_code == 200
        assert _outcome(_ours, home, _components(story))[1] == story.pk


@pytest.mark.parametrize("slug", [
    "غزة",            # Arabic letters are percent-encoded
    "سلمى-حداد",      # with a hyphen
    "a_b-9",          # ASCII word characters
    "SLUG",           # the placeholder itself
])
def test_tag_and_author_paths_match_wagtails_reverse(slug):
    for route in ("tag", "author"):
        assert HomePage.reverse_subpage_static(route, slug) == HomePage().reverse_subpage(
            route, kwargs={"slug": slug})


def test_a_slug_the_route_refuses_is_refused_as_before():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        HomePage.reverse_subpage_static("tag", "x'y")

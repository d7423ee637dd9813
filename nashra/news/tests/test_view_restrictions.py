"""View restrictions read in one query give Wagtail's answer, aliases included."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from nashra.core.pages import ViewRestrictionsMixin
from nashra.news import services

pytestmark = pytest.mark.django_db


def _wagtails(page):
    return super(ViewRestrictionsMixin, page).get_view_restrictions()


def _ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_same_restrictions_as_wagtail_for_every_page(client, home, make_article, settings):
    settings.NASHRA_PAGE_CACHE = False
    open_story = make_article(title="خبر عام", section="رياضة")
    locked_story = make_article(title="خبر للمشتركين", section="أخبار/خاص")
    password_story = make_article(title="خبر بكلمة سر", section="رياضة")
    private = locked_story.get_parent()
    other = open_story.get_parent()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    PageViewRestriction.objects.create(page=password_story,
                                       restriction_type=PageViewRestriction.PASSWORD,
                                       password="سر")
    groups = PageViewRestriction.objects.create(page=private.get_parent(),
                                                restriction_type=PageViewRestriction.GROUPS)
    groups.groups.add(Group.objects.create(name="مشتركون"))
    # Aliases take their source page's restrictions (only its own, not its ancestors'),
    # an alias of an alias its source's.
    folder = services.section_ensure_path(path="ملفات/ملف", home=home)
    PageViewRestriction.objects.create(page=folder, restriction_type=PageViewRestriction.LOGIN)
    alias = folder.create_alias(parent=other, update_slug="نسخة")
    alias_of_alias = alias.create_alias(parent=home, update_slug="نسخة-ثانية")
    private_alias = private.create_alias(parent=other, update_slug="خاص-نسخة")

    pages = [home, open_story, locked_story, password_story, private, other, folder,
             folder.get_parent(), alias, alias_of_alias, private_alias]
    for page in pages:
        page = Page.objects.get(pk=page.pk).specific
        assert _ids(page.get_view_restrictions()) == _ids(_wagtails(page)), page.url_path
    folder_rule = PageViewRestriction.objects.get(page=folder).pk
    assert folder_rule in _ids(Page.objects.get(pk=alias_of_alias.pk).specific
                               .get_view_restrictions())
    story = Page.objects.get(pk=locked_story.pk).specific
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(story.get_view_restrictions())) == 2
    assert len(ctx.captured_queries) == 1

    # And readers see it: the open story, a login redirect, a password form.
    assert client.get(open_story.url).status_code == 200
    assert client.get(locked_story.url).status_code == 302
    response = client.get(password_story.url)
    assert response.status_code == 200 and b'name="password"' in response.content
    assert password_story.title.encode() not in response.content

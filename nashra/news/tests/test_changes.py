"""Every write path announces its change (nashra.core.changes), and the front caches are told
exactly the pages it touched: one row per path, through the real admin where an editor uses it.
"""

import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from nashra.core import changes
from nashra.core.pagecache import RecordingPurgeBackend
from nashra.news import services
from nashra.news.models import ArticlePage

from .test_editor_flow import article_form_data, form_errors

ROOT = "http://localhost"
WORLD = "/أخبار/عربية-ودولية/"
WXR = Path(__file__).resolve().parents[2] / "wordpress" / "tests" / "data" / "export.xml"


def u(*paths):
    return {ROOT + quote(p, safe="/?=%") for p in paths}


@pytest.fixture
def desk(home, make_article, admin_client):
    story = make_article(title="قمة عربية", tags=["غزة"], external_id="s1")
    bystander = make_article(title="خبر لا يتغير", tags=["اقتصاد"], external_id="b1")
    sport = services.section_ensure_path(path="رياضة", home=home)
    return {"story": story, "bystander": bystander, "sport": sport, "client": admin_client,
            "home": home}


def _admin_post(client, url, data=None):
    response = client.post(url, data or {})
    assert response.status_code in (200, 302), response.status_code
    return response


def admin_edit(d):
    story = d["story"]
    data = article_form_data(title="قمة عربية طارئة", slug=story.slug,
                             **{"action-publish": "action-publish"})
    response = d["client"].post(reverse("wagtailadmin_pages:edit", args=(story.pk,)), data)
    assert response.status_code == 302, form_errors(response)


def admin_publish_new(d):
    section = d["story"].get_parent()
    data = article_form_data(title="خبر جديد", slug="خبر-جديد",
                             **{"action-publish": "action-publish"})
    response = d["client"].post(
        reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.pk)), data)
    assert response.status_code == 302, form_errors(response)


def admin_move(d):
    _admin_post(d["client"], reverse("wagtailadmin_pages:move_confirm",
                                     args=(d["story"].pk, d["sport"].pk)))


def admin_unpublish(d):
    _admin_post(d["client"], reverse("wagtailadmin_pages:unpublish", args=(d["story"].pk,)))


def admin_delete(d):
    _admin_post(d["client"], reverse("wagtailadmin_pages:delete", args=(d["story"].pk,)))


def admin_private(d):
    _admin_post(d["client"], reverse("wagtailadmin_pages:set_privacy", args=(d["story"].pk,)),
                {"restriction_type": "password", "password": "سر-التحرير-1"})


def import_articles(d, tmp_path):
    line = ('{"external_id": "s1", "title": "قمة عربية", "section": "أخبار/عربية ودولية",'
            ' "body": "نص محدث من الوكالة.", "tags": ["غزة"]}\n')
    path = tmp_path / "wire.jsonl"
    path.write_text(line, encoding="utf-8")
    call_command("import_articles", str(path), no_progress=True, stdout=io.StringIO())


def import_wordpress(d, tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError):  # the export holds one post that cannot be imported
        call_command("import_wordpress", str(WXR), no_progress=True, stdout=out, stderr=out)
    assert "مقالات منشورة: جديدة: 3" in out.getvalue()


def comment_approve(d):
    from nashra.comments import services as comments

    comment = comments.comment_create(page=d["story"], author_name="سارة",
                                      author_email="s@example.org", body="تعليق")
    comments.comment_moderate(comment=comment, action="approve")


def curation(d):
    from nashra.discovery.models import PickItem, PicksList

    picks = PicksList(name="اخترنا لكم")
    picks.items = [PickItem(story=d["story"])]
    picks.save()


def site_settings(d):
    from wagtail.models import Site

    from nashra.core.models import SiteSettings

    row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    row.site_name = "نشرة المساء"
    row.save()


STORY = WORLD + "قمة-عربية/"
# (write path, the events it announces as (event, reason), URLs the front caches must get)
PATHS = [
    # an editor publishes an edit in the admin: the story, its sections, tag, feeds, home
    (admin_edit, [("story_changed", "publish")], u(STORY, "/", WORLD, "/tag/غزة/")),
    # a new story from the admin's add form
    (admin_publish_new, [("story_changed", "publish")], u(WORLD + "خبر-جديد/", "/", WORLD)),
    # moved to another section: its old and its new address, both sections
    (admin_move, [("story_changed", "move")], u(STORY, "/رياضة/قمة-عربية/", "/رياضة/", WORLD)),
    (admin_unpublish, [("story_gone", "unpublish")], u(STORY, "/", WORLD)),
    # Wagtail unpublishes a live page before deleting it
    (admin_delete, [("story_gone", "unpublish"), ("story_gone", "delete")], u(STORY, "/", WORLD)),
    # a password set in the admin's privacy dialog: gone from every page at once
    (admin_private, [("story_gone", "private")], u(STORY, "/", WORLD, "/tag/غزة/")),
    (import_articles, [("story_changed", "publish")], u(STORY, "/", WORLD)),
    # bulk-written stories: one change of the tree (every page may show them)
    (import_wordpress, [("tree_changed", "import-wordpress")], u("/")),
    (comment_approve, [("thread_changed", "approve")], u(STORY)),
    (curation, [("curation_changed", "picks"), ("curation_changed", "item:pickitem")], u("/")),
    (site_settings, [("settings_changed", "settings:core.sitesettings")], u("/")),
]


@pytest.mark.parametrize(("action", "events", "urls"), PATHS, ids=[p[0].__name__ for p in PATHS])
def test_each_write_path_announces_its_change_and_purges_its_pages(
        action, events, urls, desk, tmp_path, django_capture_on_commit_callbacks):
    RecordingPurgeBackend.purged.clear()
    with changes.recording() as seen, django_capture_on_commit_callbacks(execute=True):
        if action in (import_articles, import_wordpress):
            action(desk, tmp_path)
        else:
            action(desk)
    announced = [(c.event, c.reason) for c in seen]
    for event in events:
        assert event in announced, announced
    if action is not import_wordpress:  # the import also publishes its sections one by one
        assert sorted(set(announced)) == sorted(set(events)), announced
    purged = set(RecordingPurgeBackend.purged)
    assert urls <= purged, sorted(urls - purged)
    # a story nothing touched keeps its page in the front caches
    assert not any(quote("خبر-لا-يتغير") in url for url in purged)


def test_a_story_made_private_is_not_served_from_any_cache(desk):
    story, reader = desk["story"], Client()
    assert reader.get(story.url)["X-Page-Cache"] == "MISS"
    assert reader.get(story.url)["X-Page-Cache"] == "HIT"
    admin_private(desk)
    response = reader.get(story.url)
    assert response.get("X-Page-Cache") != "HIT"
    assert "نص" not in response.content.decode() or "كلمة" in response.content.decode()
    assert "قمة عربية" not in reader.get("/").content.decode()  # nor listed on the home page
    assert not ArticlePage.objects.live().public().filter(pk=story.pk).exists()


def test_every_event_has_subscribers_and_the_map_names_them():
    mapped = changes.subscribers()
    assert set(mapped) == set(changes.EVENTS)
    assert all(mapped[event] for event in changes.EVENTS), mapped
    assert "nashra.news.subscribers.story_pages_dropped" in mapped["story_gone"]
    assert "nashra.distribution.subscribers.story_listed" in mapped["story_gone"]
    assert "nashra.discovery.subscribers.related_forget" in mapped["story_gone"]


def test_an_edit_refreshes_its_hot_pages_first_and_drops_the_rest(
        desk, monkeypatch, settings, django_capture_on_commit_callbacks):
    """Readers of the story, the home page and its section keep the old copy until the new one
    is stored, in that order; the other pages (tag, feeds, sitemaps, later listing pages) are
    dropped, so a refresh of each of them one after another never delays the hot ones."""
    from nashra.core import pagecache

    told = []
    monkeypatch.setattr(pagecache, "_front_tell",
                        lambda urls, *, drop, every=None: told.append((urls, drop)))
    with django_capture_on_commit_callbacks(execute=True):
        admin_edit(desk)
    refreshed = [urls for urls, drop in told if not drop]
    dropped = {url for urls, drop in told if drop for url in urls}
    assert refreshed == [[ROOT + quote(p) for p in (STORY, "/", WORLD, "/أخبار/")]]
    assert ROOT + quote("/tag/غزة/") in dropped
    assert any("/feeds/" in url for url in dropped)
    assert not set(refreshed[0]) & dropped
    # a story gone is dropped everywhere at once, never refreshed
    told.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_unpublish(desk)
    assert told and all(drop for _, drop in told)

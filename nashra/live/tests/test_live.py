"""Live coverage through its stable interfaces: the `nashra live-*` commands, the admin's
composer, the reader page (through nashra's page cache), the poll endpoint, the feed and the
JSON-LD. Each change — post, correct, delete, pin, end — must reach a page already cached and
the poll answer an open page asks for."""

import io
import json
import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from nashra.core import changes
from nashra.core.pagecache import RecordingPurgeBackend
from nashra.live import services
from nashra.live.models import LiveEntry, LiveStoryPage
from nashra.news.services import EDITORS_GROUP, REPORTERS_GROUP

SECTION = "أخبار/انتخابات"
TITLE = "الانتخابات البرلمانية لحظة بلحظة"


def cli(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def story(home):
    path = cli("live_start", "--section", SECTION, "--title", TITLE,
               "--summary", "تغطية مباشرة لفرز الأصوات.")
    return LiveStoryPage.objects.get(title=TITLE), path


def warm(client, path):
    """Render once and check nashra's page cache now answers the page itself."""
    client.get(path)
    response = client.get(path)
    assert response["X-Page-Cache"] == "HIT"
    return response


def poll(client, story, after=0):
    response = client.get(reverse("live:entries", args=[story.pk]), {"after": after})
    assert response.status_code == 200, response.content
    return response.json()


def entry_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="entry-(\d+)"', html)]


def test_live_start_prints_a_path_live_post_and_live_end_take(story, client):
    page, path = story
    assert path == "/أخبار/انتخابات/الانتخابات-البرلمانية-لحظة-بلحظة/"
    assert page.live and page.state == "live" and page.coverage_started_at is not None
    body = client.get(path).content.decode()
    assert "live-badge" in body and TITLE in body and "تغطية مباشرة لفرز الأصوات." in body
    number = cli("live_post", path, "--body", "فُتحت صناديق الاقتراع.", "--title", "بدء التصويت")
    entry = LiveEntry.objects.get(pk=int(number))
    assert entry.page_id == page.pk and entry.title == "بدء التصويت" and not entry.pinned
    # the path percent-encoded, as a full URL, or the page's id find it too
    cli("live_post", "https://news.example.org" + quote(path), "--body", "ثانٍ", "--pin")
    cli("live_post", str(page.pk), "--body", "ثالث")
    assert LiveEntry.objects.filter(page=page).count() == 3
    assert LiveEntry.objects.filter(page=page, pinned=True).count() == 1
    assert cli("live_end", path).startswith("ended")
    page.refresh_from_db()
    assert page.state == "ended" and page.coverage_ended_at is not None


@pytest.mark.parametrize("args, message", [
    (("live_post", "/لا/شيء/هنا/", "--body", "نص"), "لا توجد تغطية مباشرة"),
    (("live_post", "PATH", "--body", "   "), "التحديث فارغ"),
    (("live_post", "PATH", "--body", "ن", "--title", "ع" * 201), "أطول من 200"),
    (("live_start", "--section", "أخبار", "--title", "  "), "عنوان التغطية مطلوب"),
    (("live_start", "--section", "أخبار/<x>", "--title", "ع"), "رموز غير مسموح"),
    (("live_end", "/أخبار/"), "لا توجد تغطية مباشرة"),
])
def test_commands_refuse_bad_input_with_a_clear_error_and_write_nothing(story, args, message):
    page, path = story
    args = tuple(path if a == "PATH" else a for a in args)
    before = (LiveEntry.objects.count(), LiveStoryPage.objects.count())
    with pytest.raises(CommandError, match=message):
        cli(*args)
    assert (LiveEntry.objects.count(), LiveStoryPage.objects.count()) == before


def test_a_story_that_is_not_live_coverage_is_named_so(story, make_article):
    article = make_article(title="خبر عادي")
    with pytest.raises(CommandError, match="ليست تغطية مباشرة"):
        cli("live_post", article.url, "--body", "نص")


def test_posting_reaches_a_cached_page_and_the_poll_endpoint(
        story, client, django_capture_on_commit_callbacks):
    page, path = story
    warm(client, path)
    assert poll(client, page) == {"seq": 0, "state": "live", "entries": [], "reload": False}
    with changes.recording() as seen, django_capture_on_commit_callbacks(execute=True):
        cli("live_post", path, "--body", "النتائج الأولى: تقدّم القائمة أ.", "--title", "فرز")
    assert [(c.event, c.reason) for c in seen] == [("live_changed", "post")]
    entry = LiveEntry.objects.get()
    response = client.get(path)
    assert response.get("X-Page-Cache") != "HIT"
    assert "النتائج الأولى" in response.content.decode()
    data = poll(client, page)
    assert data["seq"] == entry.seq and [e["id"] for e in data["entries"]] == [entry.pk]
    assert f'id="entry-{entry.pk}"' in data["entries"][0]["html"]
    assert "النتائج الأولى" in data["entries"][0]["html"]
    # asked again after what it has seen: nothing
    assert poll(client, page, after=data["seq"])["entries"] == []
    # the live page and its feeds are told to the front caches; the home page is not
    purged = set(RecordingPurgeBackend.purged)
    assert "http://localhost" + quote(path) in purged
    assert "http://localhost" + reverse("live:feed_rss", args=[page.pk]) in purged
    assert "http://localhost/" not in purged


def test_correcting_shows_in_place_with_an_update_mark(story, client):
    page, path = story
    entry = services.live_entry_post(story=page, data=services.EntryInput(text="عدد المقترعين ٣٠٠"))
    warm(client, path)
    seen = poll(client, page)["seq"]
    services.live_entry_correct(entry=entry, data=services.EntryInput(text="عدد المقترعين ٣٠٠٠"))
    body = client.get(path).content.decode()
    assert "٣٠٠٠" in body and "live-entry__updated" in body and "تحديث" in body
    assert entry_ids(body) == [entry.pk]
    data = poll(client, page, after=seen)
    assert [e["id"] for e in data["entries"]] == [entry.pk]
    assert "٣٠٠٠" in data["entries"][0]["html"] and "live-entry__updated" in data["entries"][0]["html"]


def test_deleting_takes_the_entry_off_the_page_and_tells_open_pages(story, client):
    page, path = story
    keep = services.live_entry_post(story=page, data=services.EntryInput(text="يبقى"))
    gone = services.live_entry_post(story=page, data=services.EntryInput(text="خطأ يُحذف"))
    warm(client, path)
    seen = poll(client, page)["seq"]
    services.live_entry_delete(entry=gone)
    body = client.get(path).content.decode()
    assert "خطأ يُحذف" not in body and entry_ids(body) == [keep.pk]
    data = poll(client, page, after=seen)
    assert data["entries"] == [{"id": gone.pk, "seq": data["seq"], "deleted": True,
                                "pinned": False, "html": ""}]
    gone.refresh_from_db()
    assert gone.deleted and not gone.body and not gone.title  # its text is erased
    with pytest.raises(ValidationError):
        services.live_entry_delete(entry=gone)


def test_pinning_lists_the_entry_among_key_events(story, client):
    page, path = story
    entry = services.live_entry_post(story=page, data=services.EntryInput(
        title="إعلان النتيجة الرسمية", text="أعلنت اللجنة النتيجة."))
    body = warm(client, path).content.decode()
    assert "أبرز التطورات" in body  # the heading is there, hidden while nothing is pinned
    assert 'data-live-highlights hidden' in body
    seen = poll(client, page)["seq"]
    services.live_entry_pin(entry=entry, pinned=True)
    body = client.get(path).content.decode()
    highlights = body.split("data-live-highlights", 1)[1].split("</section>", 1)[0]
    assert "إعلان النتيجة الرسمية" in highlights and f"#entry-{entry.pk}" in highlights
    data = poll(client, page, after=seen)
    assert data["entries"][0]["pinned"] and "إعلان النتيجة الرسمية" in data["highlights"]
    services.live_entry_pin(entry=entry, pinned=False)
    assert "data-live-highlights hidden" in client.get(path).content.decode()


def test_ending_keeps_the_page_and_its_entries_and_drops_the_badge(story, client, home):
    page, path = story
    entry = services.live_entry_post(story=page, data=services.EntryInput(text="آخر تحديث"))
    warm(client, path)
    assert "live-badge" in client.get("/").content.decode()  # the home page's card
    seen = poll(client, page)["seq"]
    services.live_story_end(story=page)
    body = client.get(path).content.decode()
    assert "آخر تحديث" in body and entry_ids(body) == [entry.pk]
    assert "انتهت التغطية" in body and 'data-live-poll' not in body
    assert '<span class="live-badge">' not in client.get("/").content.decode()
    data = poll(client, page, after=seen)
    assert data["state"] == "ended"
    ld = live_blog_posting(body)
    assert ld["coverageEndTime"]
    with pytest.raises(ValidationError, match="انتهت"):
        services.live_entry_post(story=page, data=services.EntryInput(text="بعد النهاية"))
    # ended, it is cached like any story page (no short lifetime)
    assert "s-maxage=3," not in client.get(path)["Cache-Control"]


def live_blog_posting(html: str) -> dict:
    blocks = [json.loads(b) for b in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    found = [b for b in blocks if b.get("@type") == "LiveBlogPosting"]
    assert len(found) == 1, [b.get("@type") for b in blocks]
    return found[0]


def test_json_ld_is_a_live_blog_posting_with_every_update(story, client):
    page, path = story
    first = services.live_entry_post(story=page, data=services.EntryInput(
        title="افتتاح", text="<p>نص <b>أول</b></p>"))
    second = services.live_entry_post(story=page, data=services.EntryInput(text="نص ثانٍ"))
    ld = live_blog_posting(client.get(path).content.decode())
    assert ld["@context"] == "https://schema.org" and ld["headline"] == TITLE
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", ld["coverageStartTime"])
    assert "coverageEndTime" not in ld
    updates = ld["liveBlogUpdate"]
    assert [u["url"].rsplit("#", 1)[1] for u in updates] == [f"entry-{second.pk}",
                                                               f"entry-{first.pk}"]
    assert updates[1]["headline"] == "افتتاح" and updates[1]["articleBody"] == "نص أول"
    assert all(u["@type"] == "BlogPosting" and u["datePublished"] for u in updates)
    assert updates[0]["url"].startswith("http://localhost/")


def test_the_sanitizer_of_stories_cleans_entries(story, client):
    page, path = story
    services.live_entry_post(story=page, data=services.EntryInput(
        text='<p onclick="x()">نص <script>alert(1)</script><a href="javascript:y()">رابط</a></p>'))
    body = client.get(path).content.decode()
    entry_html = body.split('class="live-entry__body"', 1)[1].split("</div>", 1)[0]
    assert "<script" not in entry_html and "onclick" not in entry_html
    assert "javascript:" not in entry_html and "نص" in entry_html


def test_poll_endpoint_refuses_bad_input_and_hides_what_readers_may_not_see(story, client):
    page, _ = story
    url = reverse("live:entries", args=[page.pk])
    for after in ("", "-1", "x", "²", "1" * 30, "1.5"):
        response = client.get(url, {"after": after})
        assert response.status_code == 400, after
        assert "after" in response.json()["error"]
    assert client.get(url).status_code == 400
    assert client.get(reverse("live:entries", args=[9999999]), {"after": 0}).status_code == 404
    assert client.get(f"/live/{'9' * 19}/entries/?after=0").status_code == 404
    page.unpublish()
    assert client.get(url, {"after": 0}).status_code == 404


def test_poll_with_nothing_new_asks_no_query(story, client, django_assert_num_queries):
    page, _ = story
    services.live_entry_post(story=page, data=services.EntryInput(text="نص"))
    seq = poll(client, page)["seq"]
    with django_assert_num_queries(0):
        response = client.get(reverse("live:entries", args=[page.pk]), {"after": seq})
    assert response.json()["entries"] == []
    assert "public" in response["Cache-Control"] and "max-age=1" in response["Cache-Control"]


def test_entries_feeds(story, client):
    page, path = story
    services.live_entry_post(story=page, data=services.EntryInput(title="أول", text="نص أول"))
    rss = client.get(reverse("live:feed_rss", args=[page.pk]))
    assert rss.status_code == 200 and "<title>أول</title>" in rss.content.decode()
    assert "http://localhost" + quote(path) + "#entry-" in rss.content.decode()
    atom = client.get(reverse("live:feed_atom", args=[page.pk]))
    assert atom.status_code == 200 and "http://www.w3.org/2005/Atom" in atom.content.decode()
    assert client.get(reverse("live:feed_rss", args=[999999])).status_code == 404


# --- permissions and the composer ------------------------------------------------------------

def _user(name, group=None, **kwargs):
    user = User.objects.create_user(name, password="pw", **kwargs)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def test_reporters_post_only_when_their_group_allows_and_editors_moderate(story):
    page, _ = story
    reporter, editor = _user("r", REPORTERS_GROUP), _user("e", EDITORS_GROUP)
    data = services.EntryInput(text="من الميدان")
    with pytest.raises(PermissionDenied):
        services.live_entry_post(story=page, data=data, user=reporter)
    Group.objects.get(name=REPORTERS_GROUP).permissions.add(
        Permission.objects.get(content_type__app_label="live", codename="post_entry"))
    reporter = User.objects.get(pk=reporter.pk)  # permissions are read once per user object
    entry = services.live_entry_post(story=page, data=data, user=reporter)
    assert entry.posted_by == reporter
    for action in (lambda: services.live_entry_pin(entry=entry, pinned=True, user=reporter),
                   lambda: services.live_entry_correct(entry=entry, data=data, user=reporter),
                   lambda: services.live_entry_delete(entry=entry, user=reporter),
                   lambda: services.live_story_end(story=page, user=reporter),
                   lambda: services.live_entry_post(story=page, data=data, user=reporter,
                                                    pin=True)):
        with pytest.raises(PermissionDenied):
            action()
    services.live_entry_pin(entry=entry, pinned=True, user=editor)
    services.live_entry_correct(entry=entry, data=services.EntryInput(text="مصحح"), user=editor)
    services.live_story_end(story=page, user=editor)


def test_two_editors_post_from_the_composer_and_see_each_others_entries(story):
    page, path = story
    first, second = Client(), Client()
    first.force_login(_user("e1", EDITORS_GROUP))
    second.force_login(_user("e2", EDITORS_GROUP))
    composer = reverse("live_composer", args=[page.pk])
    screen = second.get(composer)
    assert screen.status_code == 200 and "انشر التحديث" in screen.content.decode()
    seq = int(re.search(r'data-live-seq="(\d+)"', screen.content.decode())[1])
    response = first.post(composer, {"title": "من المحرر الأول", "text": "نص الأول",
                                     "pin": "on"})
    assert response.status_code == 302
    seen = second.get(reverse("live_admin_entries", args=[page.pk]), {"after": seq}).json()
    assert len(seen["entries"]) == 1 and "من المحرر الأول" in seen["entries"][0]["html"]
    entry = LiveEntry.objects.get()
    assert entry.pinned and entry.posted_by.username == "e1"
    # an empty entry is refused on the form, in Arabic, with nothing written
    response = second.post(composer, {"title": "", "text": " "})
    assert response.status_code == 200 and "التحديث فارغ" in response.content.decode()
    assert LiveEntry.objects.count() == 1
    # a correction from the composer
    response = second.post(reverse("live_correct", args=[entry.pk]),
                           {"title": "من المحرر الأول", "text": "نص مصحح", "pin": "on"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.corrected_at and "نص مصحح" in str(entry.body[0].value)
    # delete and end, by POST only
    assert second.get(reverse("live_delete", args=[entry.pk])).status_code == 405
    assert second.post(reverse("live_delete", args=[entry.pk])).status_code == 302
    assert second.post(reverse("live_end", args=[page.pk])).status_code == 302
    page.refresh_from_db()
    assert page.state == "ended"


def test_the_composer_refuses_whoever_may_not_post(story):
    page, _ = story
    reporter = Client()
    reporter.force_login(_user("r", REPORTERS_GROUP))
    composer = reverse("live_composer", args=[page.pk])
    assert reporter.get(composer).status_code in (302, 403)
    assert reporter.post(composer, {"text": "x"}).status_code in (302, 403)
    assert not LiveEntry.objects.exists()


def test_the_live_story_page_edit_screen_links_to_the_composer(story, admin_client):
    page, _ = story
    body = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert reverse("live_composer", args=[page.pk]) in body


def test_an_editor_starts_and_ends_coverage_in_the_page_editor(home, admin_client, client):
    """The admin's own page form: a live story needs no body, and its state field ends it."""
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    from nashra.news import services as news_services
    from nashra.news.tests.test_editor_flow import article_form_data, form_errors

    section = news_services.section_ensure_path(path="رياضة", home=home)
    data = article_form_data(title="نهائي الكأس مباشرة", slug="نهائي-الكأس",
                             **{"action-publish": "action-publish"})
    data = {k: v for k, v in data.items() if not k.startswith("body-")}
    data.update(nested_form_data({"body": streamfield([])}), state="live")
    add = reverse("wagtailadmin_pages:add", args=("live", "livestorypage", section.pk))
    response = admin_client.post(add, data)
    assert response.status_code == 302, form_errors(response)
    page = LiveStoryPage.objects.get(title="نهائي الكأس مباشرة")
    assert page.live and page.coverage_started_at and not page.body
    assert "live-badge" in client.get("/").content.decode()
    services.live_entry_post(story=page, data=services.EntryInput(text="صافرة البداية"))
    data["state"] = "ended"
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = admin_client.post(edit, data)
    assert response.status_code == 302, form_errors(response)
    page.refresh_from_db()
    assert page.state == "ended" and page.coverage_ended_at
    body = client.get(page.url).content.decode()
    assert "صافرة البداية" in body and live_blog_posting(body)["coverageEndTime"]
    assert '<span class="live-badge">' not in client.get("/").content.decode()


def test_the_breaking_bar_can_point_at_a_live_story(story, client):
    from nashra.discovery.models import BreakingNews

    page, path = story
    BreakingNews.objects.create(text="عاجل: تابعوا فرز الأصوات مباشرة", story=page)
    bar = client.get(reverse("discovery:breaking")).content.decode()
    assert "تابعوا فرز الأصوات مباشرة" in bar and f'href="{quote(path)}"' in bar

"""Admin › الوكالات: the inbox and its filters and search, an item's preview, «استخدام», and
the guards on stories made from wire items (embargo, withdrawal)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nashra.news.models import ArticlePage
from nashra.news.tests.test_editor_flow import article_form_data, form_errors
from nashra.wire import services
from nashra.wire.models import Provider, WireItem

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db
QUAKE_QNA = "urn:newsml:qna.org.qa:20261207:ar-quake-malatya"
VISIT_QNA = "urn:newsml:qna.org.qa:20261207:ar-erdogan-qatar-pm"


@pytest.fixture
def desk(home, drop, feeds):
    feeds.files["/aa.xml"] = fixture_bytes("aa_rss.xml")
    aa = services.provider_create(name="الأناضول", kind="rss", source=feeds.url("/aa.xml"),
                                  section_path="أخبار/تركيا", credit="الأناضول")
    qna = services.provider_create(name="قنا", kind="newsml", source=str(drop.folder),
                                   section_path="أخبار/عربية ودولية", credit="قنا")
    drop("qna_message.xml")
    services.provider_poll(provider=aa)
    services.provider_poll(provider=qna)
    return {"aa": aa, "qna": qna, "drop": drop}


def inbox(client, **params):
    response = client.get(reverse("wire_inbox"), params)
    assert response.status_code == 200
    return response


def headlines(response) -> list[str]:
    return [i.headline for i in response.context["items"]]


def test_inbox_newest_first_with_filters_and_group_sizes(desk, admin_client):
    WireItem.objects.filter(guid="aa-3400102").update(
        received_at=timezone.now() + dt.timedelta(minutes=5))
    response = inbox(admin_client)
    rows = headlines(response)
    assert len(rows) == 5 and rows[0].startswith("البنك المركزي")
    html = response.content.decode()
    assert "2 أخبار" in html  # the quake from two agencies, seen at a glance
    assert inbox(admin_client, provider=desk["qna"].pk).context["items"][0].provider.name == "قنا"
    assert len(headlines(inbox(admin_client, section="أخبار/تركيا"))) == 3
    assert len(headlines(inbox(admin_client, language="ar"))) == 5
    assert headlines(inbox(admin_client, language="en")) == []
    quake = WireItem.objects.get(guid=QUAKE_QNA)
    assert len(headlines(inbox(admin_client, group=quake.group_id))) == 2
    services.item_use(item=quake)
    assert headlines(inbox(admin_client, state="used")) == [quake.headline]


@pytest.mark.parametrize("query,expected", [
    ("ملاطيه", 2),  # teh marbuta written as heh: the same word
    ("الزلزال", 3),  # with the article, and every quake (Malatya twice, Muğla)
    ("زِلزال مُلاطية", 2),  # with diacritics; both words must match
    ("الفائدة", 1),
    ("أردوغان", 1),  # hamza on the alef or not
    ("برشلونة", 0),
])
def test_inbox_search_uses_the_arabic_analyser(desk, admin_client, query, expected):
    assert len(headlines(inbox(admin_client, q=query))) == expected


@pytest.mark.parametrize("params", [
    {"provider": "9" * 40}, {"provider": "²"}, {"group": "-1"}, {"state": "nope"},
    {"q": "\x00"}, {"p": "99999"}, {"p": "x"}, {"language": "a" * 500}, {"section": "؟"},
])
def test_inbox_bad_input_is_never_a_500(desk, admin_client, params):
    assert admin_client.get(reverse("wire_inbox"), params).status_code in (200, 404)


def test_inbox_query_count_does_not_grow_with_items(desk, admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    inbox(admin_client)  # warm the session and the admin's own reads
    with CaptureQueriesContext(connection) as five:
        inbox(admin_client)
    for n in range(30):
        WireItem.objects.create(provider=desk["aa"], guid=f"extra-{n}", headline=f"خبر {n}",
                                received_at=timezone.now(), first_received_at=timezone.now())
    with CaptureQueriesContext(connection) as thirty_five:
        assert len(headlines(inbox(admin_client))) == 35
    assert len(thirty_five) == len(five) <= 15


def test_item_preview_and_use_makes_a_draft(desk, admin_client):
    quake = WireItem.objects.get(guid=QUAKE_QNA)
    page = admin_client.get(reverse("wire_item", args=[quake.pk]))
    html = page.content.decode()
    assert "يشيل يورت" in html and "استخدام" in html
    assert "الأناضول" in html  # the same event from another agency, linked
    response = admin_client.post(reverse("wire_item_use", args=[quake.pk]),
                                 {"section": "أخبار/عربية ودولية"})
    quake.refresh_from_db()
    story = ArticlePage.objects.get(pk=quake.story_id)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert not story.live and story.source == "قنا"
    assert admin_client.get(reverse("wire_item", args=[99999])).status_code == 404


def test_use_only_into_the_desks_sections(desk, admin_client):
    from nashra.news.models import SectionPage

    aa = WireItem.objects.get(guid="aa-3400102")
    response = admin_client.post(reverse("wire_item_use", args=[aa.pk]),
                                 {"section": "قسم/جديد"}, follow=True)
    assert "اختر قسماً من أقسام الوكالات" in response.content.decode()
    assert not SectionPage.objects.filter(title="جديد").exists()
    assert WireItem.objects.get(pk=aa.pk).story_id is None


def test_a_reporter_without_rights_on_the_section_cannot_use(desk, client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("guest", "g@example.org", "x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    quake = WireItem.objects.get(guid=QUAKE_QNA)
    response = client.post(reverse("wire_item_use", args=[quake.pk]))
    # Wagtail's admin answers a refusal by sending the user to its dashboard with a message.
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    assert not ArticlePage.objects.exists()


def test_publishing_before_the_embargo_is_refused_and_scheduling_offered(desk, admin_client):
    visit = WireItem.objects.get(guid=VISIT_QNA)
    story = services.item_use(item=visit)
    data = article_form_data(title=story.title, slug=story.slug,
                             **{"action-publish": "action-publish"})
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[story.pk]), data,
                                 follow=True)
    assert response.status_code == 200, form_errors(response)
    story.refresh_from_db()
    assert not story.live
    html = response.content.decode()
    assert "لا يُنشر هذا الخبر قبل رفع حظر الوكالة" in html
    schedule = reverse("wire_schedule", args=[story.pk])
    assert schedule in html
    assert admin_client.get(schedule).status_code == 200
    admin_client.post(schedule)
    story.refresh_from_db()
    assert not story.live
    assert story.get_latest_revision().approved_go_live_at == visit.embargoed_until

    # Scheduling at (or after) the embargo through the editor's own form is allowed.
    later = services.item_use(item=WireItem.objects.get(guid="aa-3400102"))
    WireItem.objects.filter(story_id=later.pk).update(
        embargoed_until=timezone.now() + dt.timedelta(hours=2))
    at = timezone.localtime(timezone.now() + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    data = article_form_data(title=later.title, slug=later.slug, go_live_at=at,
                             **{"action-publish": "action-publish"})
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=[later.pk]), data)
    assert response.status_code == 302, form_errors(response)
    later.refresh_from_db()
    assert later.get_latest_revision().approved_go_live_at is not None


def test_a_canceled_item_warns_its_storys_editors(desk, admin_client):
    story = services.item_use(item=WireItem.objects.get(guid=QUAKE_QNA))
    desk["drop"]("qna_cancel.xml")
    services.provider_poll(provider=Provider.objects.get(name="قنا"))
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    assert "ألغت الوكالة هذا الخبر بعد أن أُعدّ منه خبر" in html
    inbox_html = inbox(admin_client).content.decode()
    assert "ألغت الوكالة" in inbox_html


def test_failing_provider_shows_its_error_in_the_admin(desk, admin_client, feeds):
    Provider.objects.filter(pk=desk["aa"].pk).update(source=feeds.url("/gone.xml"))
    services.provider_poll(provider=Provider.objects.get(pk=desk["aa"].pk))
    html = admin_client.get(reverse("wagtailsnippets_wire_provider:list")).content.decode()
    assert "HTTP 404" in html and "يعمل" in html  # the other provider still works


def test_editors_keep_the_subject_mapping(home):
    from django.contrib.auth.models import Group

    from nashra.news.services import EDITORS_GROUP

    editors = Group.objects.get(name=EDITORS_GROUP)
    codenames = set(editors.permissions.filter(content_type__app_label="wire")
                    .values_list("codename", flat=True))
    assert codenames == {"add_subjectmapping", "change_subjectmapping",
                         "delete_subjectmapping"}


def test_a_draft_approved_in_a_workflow_before_the_embargo_waits_for_it(desk):
    """Workflow approval publishes the latest revision without the editor's publish hook: the
    draft made from an embargoed item carries the embargo as its go-live time, so approving it
    early schedules it instead of putting it live."""
    visit = WireItem.objects.get(guid=VISIT_QNA)
    assert visit.embargoed_until > timezone.now()
    story = services.item_use(item=visit)
    revision = story.get_latest_revision()
    revision.publish()  # what GroupApprovalTask's approval does
    story.refresh_from_db()
    assert not story.live
    assert story.get_latest_revision().approved_go_live_at == visit.embargoed_until

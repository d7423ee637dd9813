"""The newsroom through the real Wagtail admin, over HTTP.

A reporter writes a story and submits it; an editor previews it, schedules it for 14:05
and approves; nothing shows before 14:05; the scheduler's tick at 14:06 puts it on the
home and section pages; the editor unpublishes it and it is gone again.
"""

import datetime as dt
import json

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Revision,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from nashra.core.blocks import RICH_TEXT_FEATURES
from nashra.core.scheduler import scheduler_tick
from nashra.news import services
from nashra.news.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(shared_home):
    """The site, installed once for this module (every test here uses it)."""
    return shared_home

SECTION_PATH = "أخبار/عربية ودولية"
HEADLINE = "وزراء الخارجية العرب يجتمعون في عمّان لبحث التهدئة"
SLUG = "اجتماع-وزراء-الخارجية-في-عمان"
PARAGRAPH = "عقد وزراء الخارجية العرب اجتماعاً طارئاً في العاصمة الأردنية."
# 14:00 in Amman (UTC+3): the reporter files; the editor schedules the story for 14:05.
NOW = dt.datetime(2025, 6, 1, 11, 0, tzinfo=dt.UTC)
GO_LIVE = NOW + dt.timedelta(minutes=5)


@pytest.fixture
def newsroom(home, django_user_model):
    section = services.section_ensure_path(path=SECTION_PATH, home=home)
    reporter = django_user_model.objects.create_user(username="reporter", password="x")
    reporter.groups.add(Group.objects.get(name=services.REPORTERS_GROUP))
    editor = django_user_model.objects.create_user(username="editor", password="x")
    editor.groups.add(Group.objects.get(name=services.EDITORS_GROUP))
    author = services.author_get_or_create(name="سلمى الخطيب")
    return section, reporter, editor, author


def article_form_data(*, title, slug, authors=(), initial_authors=0, go_live_at="", **action):
    """What the add/edit form posts for an ArticlePage. `authors` is [(row id or "", author)]."""
    return nested_form_data({
        "title": title,
        "slug": slug,
        "standfirst": "اجتماع طارئ لبحث التهدئة.",
        "source": "الأناضول",
        "article_authors": inline_formset(
            [{"id": row_id, "author": author.pk} for row_id, author in authors],
            initial=initial_authors,
        ),
        "hero_image": "",
        "body": streamfield([
            ("paragraph", rich_text(f"<p>{PARAGRAPH}</p>", features=RICH_TEXT_FEATURES)),
        ]),
        "tags": "عمّان, دبلوماسية",
        "seo_title": "",
        "search_description": "",
        "go_live_at": go_live_at,
        "expire_at": "",
    }) | action


def form_errors(response) -> str:
    """Why the admin re-rendered the form instead of redirecting, for the assertion message."""
    context = response.context or {}
    form = context.get("form")
    if form is None:
        return f"status {response.status_code}"
    formsets = {name: fs.errors for name, fs in getattr(form, "formsets", {}).items()}
    return f"status {response.status_code}: {form.errors.as_json()} {formsets}"


def reader_sees(url: str, text: str) -> bool:
    """Whether an anonymous reader finds `text` at `url` (which must answer 200)."""
    response = Client().get(url)
    assert response.status_code == 200, url
    return text in response.content.decode()


def in_moderation(page) -> bool:
    return WorkflowState.objects.for_instance(page).filter(
        status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()


def test_reporter_submits_editor_schedules_scheduler_publishes_editor_unpublishes(
    client, home, newsroom
):
    section, reporter, editor, author = newsroom
    add_url = reverse("wagtailadmin_pages:add", args=("news", "articlepage", section.id))

    with time_machine.travel(NOW, tick=False) as traveller:
        # --- the reporter writes and submits --------------------------------------------------
        client.force_login(reporter)
        response = client.get(add_url)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="ar" dir="rtl"' in html
        assert 'name="action-submit"' in html
        assert 'name="action-publish"' not in html  # no publish button for a reporter

        response = client.post(add_url, article_form_data(
            title=HEADLINE, slug=SLUG, authors=[("", author)], **{"action-submit": "1"},
        ))
        assert response.status_code == 302, form_errors(response)
        page = ArticlePage.objects.get(slug=SLUG)
        assert page.get_parent().id == section.id
        assert page.title == HEADLINE
        assert page.owner == reporter
        assert not page.live
        assert page.first_published_at is None
        assert in_moderation(page)
        assert page.current_workflow_task.specific.name == services.APPROVAL_TASK_NAME
        assert [a.author for a in page.article_authors.all()] == [author]
        assert set(page.tags.names()) == {"عمّان", "دبلوماسية"}
        assert PARAGRAPH in str(page.body)

        # A reporter's "publish" on the story under review changes nothing: no publish
        # permission, and the approval task locks it for non-editors.
        revisions = page.revisions.count()
        row = page.article_authors.get()
        edit_url = reverse("wagtailadmin_pages:edit", args=(page.id,))
        client.post(edit_url, article_form_data(
            title=HEADLINE, slug=SLUG, authors=[(row.id, author)], initial_authors=1,
            **{"action-publish": "1"},
        ))
        page.refresh_from_db()
        assert not page.live
        assert page.revisions.count() == revisions
        assert in_moderation(page)

        # …nor on a new story, where nothing but the permission stands in the way.
        response = client.post(add_url, article_form_data(
            title="خبر يحاول المراسل نشره", slug="محاولة-نشر", **{"action-publish": "1"},
        ))
        assert response.status_code == 302, form_errors(response)
        attempt = ArticlePage.objects.get(slug="محاولة-نشر")
        assert not attempt.live
        assert attempt.live_revision is None
        assert not Revision.page_revisions.filter(object_id=str(attempt.id)).exclude(
            approved_go_live_at=None).exists()

        # --- the editor previews, schedules and approves --------------------------------------
        client.force_login(editor)
        task = page.current_workflow_task
        response = client.get(
            reverse("wagtailadmin_pages:workflow_preview", args=(page.id, task.id))
        )
        assert response.status_code == 200
        assert f'<h1 class="article__headline">{HEADLINE}</h1>' in response.content.decode()

        go_live_local = timezone.localtime(GO_LIVE).strftime("%Y-%m-%d %H:%M")
        assert go_live_local == "2025-06-01 14:05"
        response = client.post(edit_url, article_form_data(
            title=HEADLINE, slug=SLUG, authors=[(row.id, author)], initial_authors=1,
            go_live_at=go_live_local,
            **{
                "action-workflow-action": "1",
                "workflow-action-name": "approve",
                "workflow-action-extra-data": json.dumps({"comment": "جاهز للنشر"}),
            },
        ))
        assert response.status_code == 302, form_errors(response)
        page.refresh_from_db()
        assert not in_moderation(page)
        assert WorkflowState.objects.for_instance(page).get().status == (
            WorkflowState.STATUS_APPROVED
        )
        assert page.go_live_at == GO_LIVE
        assert not page.live
        assert page.revisions.filter(approved_go_live_at=GO_LIVE).exists()

        url = page.url
        assert not reader_sees("/", HEADLINE)
        assert not reader_sees(section.url, HEADLINE)
        assert Client().get(url).status_code == 404

        # A tick before 14:05 publishes nothing.
        traveller.move_to(GO_LIVE - dt.timedelta(seconds=1))
        scheduler_tick()
        page.refresh_from_db()
        assert not page.live

        # --- 14:06: the scheduler's tick publishes it -----------------------------------------
        traveller.move_to(GO_LIVE + dt.timedelta(minutes=1))
        scheduler_tick()
        page.refresh_from_db()
        assert page.live
        assert not page.revisions.exclude(approved_go_live_at=None).exists()
        assert reader_sees("/", HEADLINE)
        assert reader_sees(section.url, HEADLINE)
        assert reader_sees(url, PARAGRAPH)

        # --- the editor takes it down ---------------------------------------------------------
        response = client.post(reverse("wagtailadmin_pages:unpublish", args=(page.id,)))
        assert response.status_code == 302
        page.refresh_from_db()
        assert not page.live
        assert not reader_sees("/", HEADLINE)
        assert not reader_sees(section.url, HEADLINE)
        assert Client().get(url).status_code == 404


def _page_permissions(group) -> set[str]:
    return set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "permission__codename", flat=True
        )
    )


def test_reporters_write_and_editors_publish(home, newsroom, make_article):
    section, reporter, editor, _ = newsroom
    reporters = Group.objects.get(name=services.REPORTERS_GROUP)
    editors = Group.objects.get(name=services.EDITORS_GROUP)
    # Granted once, at the home page, so they hold for every section below it.
    assert set(GroupPagePermission.objects.filter(group__in=[reporters, editors])
               .values_list("page_id", flat=True)) == {home.id}
    assert _page_permissions(reporters) == {"add_page", "change_page"}
    assert _page_permissions(editors) == {
        "add_page", "change_page", "publish_page", "lock_page", "unlock_page",
    }
    for user in (reporter, editor):
        assert user.has_perm("wagtailadmin.access_admin")

    live = make_article(section=SECTION_PATH)
    assert live.live and live.get_parent().id == section.id

    as_reporter = live.permissions_for_user(reporter)
    assert section.permissions_for_user(reporter).can_add_subpage()
    assert as_reporter.can_edit()
    assert not as_reporter.can_publish()
    assert not as_reporter.can_unpublish()
    assert not as_reporter.can_lock()
    assert not as_reporter.can_delete()  # a live story is not a reporter's to remove

    as_editor = live.permissions_for_user(editor)
    assert section.permissions_for_user(editor).can_add_subpage()
    assert as_editor.can_edit()
    assert as_editor.can_publish()
    assert as_editor.can_unpublish()
    assert as_editor.can_lock()

    # Editors review the workflow's one task; reporters do not.
    task = GroupApprovalTask.objects.get(name=services.APPROVAL_TASK_NAME)
    assert list(task.groups.all()) == [editors]
    assert live.get_workflow().name == services.WORKFLOW_NAME
    assert {name for name, *_ in task.get_actions(live, editor)} >= {"approve", "reject"}
    assert task.get_actions(live, reporter) == []


def test_newsroom_roles_ensure_is_idempotent(home):
    def snapshot():
        return {
            "groups": list(Group.objects.order_by("id").values_list("id", "name")),
            "group_perms": sorted(
                Group.permissions.through.objects.values_list("group_id", "permission_id")
            ),
            "page_perms": sorted(
                GroupPagePermission.objects.values_list("group_id", "page_id", "permission_id")
            ),
            "collection_perms": sorted(GroupCollectionPermission.objects.values_list(
                "group_id", "collection_id", "permission_id")),
            "workflows": list(Workflow.objects.values_list("id", "name", "active")),
            "tasks": list(Task.objects.values_list("id", "name")),
            "task_groups": sorted(
                GroupApprovalTask.groups.through.objects.values_list("groupapprovaltask_id",
                                                                     "group_id")
            ),
            "workflow_tasks": list(WorkflowTask.objects.values_list("workflow_id", "task_id")),
            "workflow_pages": list(WorkflowPage.objects.values_list("page_id", "workflow_id")),
        }

    before = snapshot()  # the `home` fixture has already run it once
    assert {name for _, name in before["groups"]} >= {
        services.REPORTERS_GROUP, services.EDITORS_GROUP}
    assert before["page_perms"] and before["collection_perms"] and before["workflow_tasks"]
    reporters, editors, workflow = services.newsroom_roles_ensure(home=home)
    assert snapshot() == before
    assert (reporters.name, editors.name, workflow.name) == (
        services.REPORTERS_GROUP, services.EDITORS_GROUP, services.WORKFLOW_NAME)
    assert Permission.objects.filter(group=editors, codename="add_author").exists()


def test_editors_moderate_comments_and_curate_the_front(client, home):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from nashra.comments.models import Comment
    from nashra.discovery.models import BreakingNews

    editor = get_user_model().objects.create_user("ed2", password="x")
    editor.groups.add(Group.objects.get(name=services.EDITORS_GROUP))
    reporter = get_user_model().objects.create_user("rep2", password="x")
    reporter.groups.add(Group.objects.get(name=services.REPORTERS_GROUP))
    comments_url = reverse(Comment.snippet_viewset.get_url_name("list"))
    breaking_url = reverse(BreakingNews.snippet_viewset.get_url_name("add"))
    client.force_login(editor)
    assert client.get(comments_url).status_code == 200
    assert client.get(breaking_url).status_code == 200
    client.force_login(reporter)
    assert client.get(comments_url).status_code in (302, 403)

"""The moderation queue in the Wagtail admin: a snippet listing with actions, bulk actions and a
pending count in the menu. Every decision goes through services.comment_moderate, so it teaches
the filter."""

import json

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from nashra.core.numbers import site_count

from . import selectors, services
from .models import ArticleComments, Comment

ACTION_LABELS = {
    "approve": "موافقة ونشر",
    "unapprove": "إلغاء النشر",
    "spam": "مزعج",
    "not_spam": "ليس مزعجًا",
    "trash": "إلى سلة المحذوفات",
    "restore": "استعادة",
}
# Which actions make sense from each status.
ACTIONS_FOR = {
    Comment.Status.PENDING: ["approve", "spam", "trash"],
    Comment.Status.APPROVED: ["unapprove", "spam", "trash"],
    Comment.Status.SPAM: ["not_spam", "trash"],
    Comment.Status.TRASH: ["restore"],
}


def _can_moderate(user) -> bool:
    return user.has_perm("comments.change_comment")


class CountMenuItem(MenuItem):
    """«التعليقات (٣)»: the pending count, computed when the menu is drawn."""

    def render_component(self, request):
        component = super().render_component(request)
        pending = selectors.pending_count()
        if pending:
            component.label = f"{self.label} ({pending})"
        return component


class CommentFilterSet(WagtailFilterSet):
    author_email = django_filters.CharFilter(label="بريد الكاتب", lookup_expr="iexact")

    class Meta:
        model = Comment
        fields = ["status", "page"]


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = "التعليقات"
    menu_name = "comments"
    menu_order = 250
    add_to_admin_menu = True
    filterset_class = CommentFilterSet
    search_fields = ["body", "author_name", "author_email"]
    search_backend_name = None
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "__str__",
        Column("status", label="الحالة", accessor="get_status_display"),
        Column("spam_score", label="الدرجة", accessor="score_display"),
        Column("reasons", label="الأسباب", accessor="reasons_display"),
        Column("history", label="سجل الكاتب", accessor="history_display"),
        Column("page", label="المقال", accessor="page"),
        "created_at",
    ]

    def get_menu_item(self, order=None):
        return CountMenuItem(
            label=self.menu_label, url=self.menu_url, name=self.menu_name,
            icon_name=self.menu_icon, order=order or self.menu_order,
        )

    def get_queryset(self, request):
        return Comment.objects.select_related("page").order_by("-created_at")


register_snippet(CommentViewSet)


class ArticleCommentsViewSet(SnippetViewSet):
    model = ArticleComments
    icon = "lock"
    menu_label = "إغلاق التعليقات"
    add_to_admin_menu = False
    list_display = ["page", "closed"]


register_snippet(ArticleCommentsViewSet)


# Display helpers for the listing columns.
def _score_display(self):
    return "—" if self.spam_score is None else f"{self.spam_score:.2f}"


def _reasons_display(self):
    return "، ".join(self.reasons) if self.reasons else "—"


def _history_display(self):
    h = selectors.author_history(email_keys=[self.email_key]).get(self.email_key)
    if not h:
        return "—"
    return f"منشور {h['approved']} · معلّق {h['pending']} · مزعج {h['spam']}"


Comment.score_display = _score_display
Comment.reasons_display = _reasons_display
Comment.history_display = _history_display


@hooks.register("register_snippet_listing_buttons")
def comment_listing_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, Comment) or not _can_moderate(user) or snippet.erased:
        return []  # an erased comment has nothing of its author left to decide on
    buttons = [
        Button(
            ACTION_LABELS[action],
            reverse("comments_admin:moderate", args=[snippet.pk, action]) + f"?next={next_url or ''}",
            priority=10 + i,
        )
        for i, action in enumerate(ACTIONS_FOR.get(snippet.status, []))
    ]
    buttons.append(Button("تصدير بيانات الكاتب",
                          reverse("comments_admin:author_export", args=[snippet.pk]), priority=40))
    if user.has_perm("comments.delete_comment"):
        buttons.append(Button("محو كل تعليقات الكاتب",
                              reverse("comments_admin:author_erase", args=[snippet.pk]),
                              priority=41))
    return buttons


def moderate_view(request, comment_id: int, action: str):
    if not _can_moderate(request.user) or action not in ACTION_LABELS:
        raise PermissionDenied
    comment = get_object_or_404(Comment, pk=comment_id, erased=False)
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse(CommentViewSet().get_url_name("list"))
    if request.method == "POST":
        services.comment_moderate(comment=comment, action=action, user=request.user)
        messages.success(request, f"تم: {ACTION_LABELS[action]} — {comment}")
        return redirect(next_url)
    return render(request, "comments/admin/confirm.html", {
        "comment": comment, "action": action, "label": ACTION_LABELS[action],
        "next": next_url, "reasons": comment.reasons,
        "history": selectors.author_history(email_keys=[comment.email_key]).get(comment.email_key),
    })


def author_export_view(request, comment_id: int):
    """Everything stored for this comment's author, as a JSON download."""
    if not _can_moderate(request.user):
        raise PermissionDenied
    comment = get_object_or_404(Comment, pk=comment_id, erased=False)
    data = selectors.author_export(email=comment.author_email)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="comments-{comment.pk}.json"'
    return response


def author_erase_view(request, comment_id: int):
    """Delete every comment by this comment's author (after a confirmation page)."""
    if not request.user.has_perm("comments.delete_comment"):
        raise PermissionDenied
    comment = get_object_or_404(Comment, pk=comment_id, erased=False)
    history = selectors.author_history(email_keys=[comment.email_key]).get(comment.email_key)
    if request.method == "POST":
        count = services.comments_erase_author(email=comment.author_email)
        messages.success(request, f"مُحيت تعليقات هذا الكاتب ({site_count(request, count, 'comment')})"
                                  " وكل ما تعلّمه المرشح منها.")
        return redirect(reverse(CommentViewSet().get_url_name("list")))
    return render(request, "comments/admin/erase.html", {"comment": comment, "history": history})


@hooks.register("register_admin_urls")
def comment_admin_urls():
    moderation = [
        path("<int:comment_id>/author/export/", author_export_view, name="author_export"),
        path("<int:comment_id>/author/erase/", author_erase_view, name="author_erase"),
        path("<int:comment_id>/<str:action>/", moderate_view, name="moderate"),
    ]
    return [path("nashra-comments/", include((moderation, "comments_admin")))]


class _CommentBulkAction(SnippetBulkAction):
    template_name = "comments/admin/confirm_bulk.html"
    comment_action = ""

    models = [Comment]

    def check_perm(self, obj):
        return _can_moderate(self.request.user) and not obj.erased

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        count = services.comments_moderate_bulk(
            comments=objects, action=cls.comment_action, user=user
        )
        return count, 0

    def get_execution_context(self):
        return {"user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return (f"تم: {ACTION_LABELS[self.comment_action]} — "
                f"{site_count(self.request, num_parent_objects, 'comment')}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["label"] = ACTION_LABELS[self.comment_action]
        return context


def _bulk(action: str, priority: int):
    return type(
        f"Comment{action.title().replace('_', '')}BulkAction", (_CommentBulkAction,),
        {"display_name": ACTION_LABELS[action], "action_type": f"comment_{action}",
         "aria_label": ACTION_LABELS[action], "comment_action": action,
         "action_priority": priority},
    )


for _i, _action in enumerate(["approve", "spam", "not_spam", "trash", "restore"]):
    hooks.register("register_bulk_action", _bulk(_action, 10 + _i))


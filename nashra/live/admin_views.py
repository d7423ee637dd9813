"""The composer: one screen per live story where editors post, and see each other's entries
appear (live/admin.js asks `admin_entries` every two seconds, past every cache)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from nashra.core.inputs import whole_number

from . import selectors, services
from .forms import EntryForm
from .models import LiveEntry, LiveStoryPage


def _story(story_id) -> LiveStoryPage:
    return get_object_or_404(LiveStoryPage, pk=story_id)


class _Composer(WagtailAdminTemplateMixin, FormView):
    form_class = EntryForm
    header_icon = "radio-full"

    def dispatch(self, request, *args, **kwargs):
        if not services.can_post(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "can_pin": services.can_moderate(self.request.user)}

    def _fail(self, form, error):
        for message in getattr(error, "messages", [str(error)]):
            form.add_error(None, message)
        return self.form_invalid(form)


class ComposerView(_Composer):
    template_name = "live/admin/composer.html"

    def get_page_title(self):
        return f"التغطية المباشرة: {self.story.title}"

    def dispatch(self, request, *args, story_id, **kwargs):
        self.story = _story(story_id)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.live_entry_post(story=self.story, data=form.entry_input(),
                                     user=self.request.user, author=form.cleaned_data["author"],
                                     pin=form.cleaned_data.get("pin", False))
        except (ValidationError, PermissionDenied) as error:
            return self._fail(form, error)
        messages.success(self.request, "نُشر التحديث.")
        return redirect("live_composer", story_id=self.story.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = selectors.entries_shown(story=self.story)
        context.update(story=self.story, entries=entries,
                       seq=selectors.sequence_now(story=self.story),
                       can_moderate=services.can_moderate(self.request.user),
                       entries_url=reverse("live_admin_entries", args=[self.story.pk]))
        return context


class CorrectView(_Composer):
    template_name = "live/admin/correct.html"
    page_title = "تصحيح تحديث"

    def dispatch(self, request, *args, entry_id, **kwargs):
        if not services.can_moderate(request.user):
            raise PermissionDenied
        self.entry = get_object_or_404(LiveEntry.objects.select_related("page"), pk=entry_id,
                                       deleted=False)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return EntryForm.initial_for(self.entry)

    def form_valid(self, form):
        try:
            services.live_entry_correct(entry=self.entry, data=form.entry_input(),
                                        user=self.request.user)
            if form.cleaned_data.get("pin", False) != self.entry.pinned:
                services.live_entry_pin(entry=self.entry, pinned=form.cleaned_data["pin"],
                                        user=self.request.user)
        except (ValidationError, PermissionDenied) as error:
            return self._fail(form, error)
        messages.success(self.request, "صُحّح التحديث؛ يظهر للقراء بعلامة «تحديث».")
        return redirect("live_composer", story_id=self.entry.page_id)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entry": self.entry,
                "story": self.entry.page}


def _moderator(request):
    if not services.can_moderate(request.user):
        raise PermissionDenied


@require_POST
def entry_delete(request, entry_id):
    _moderator(request)
    entry = get_object_or_404(LiveEntry, pk=entry_id)
    try:
        services.live_entry_delete(entry=entry, user=request.user)
        messages.success(request, "حُذف التحديث.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("live_composer", story_id=entry.page_id)


@require_POST
def entry_pin(request, entry_id):
    _moderator(request)
    entry = get_object_or_404(LiveEntry, pk=entry_id)
    try:
        services.live_entry_pin(entry=entry, pinned=request.POST.get("pinned") == "1",
                                user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("live_composer", story_id=entry.page_id)


@require_POST
def story_end(request, story_id):
    _moderator(request)
    story = _story(story_id)
    try:
        services.live_story_end(story=story, user=request.user)
        messages.success(request, "انتهت التغطية؛ تبقى الصفحة بكل تحديثاتها.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("live_composer", story_id=story.pk)


def admin_entries(request, story_id):
    """What changed after `after`, as the composer's own list items (never cached)."""
    if not services.can_post(request.user):
        raise PermissionDenied
    after = whole_number(request.GET.get("after", ""))
    if after is None:
        return HttpResponseBadRequest("after غير صالح")
    story = LiveStoryPage.objects.filter(pk=story_id).first()
    if story is None:
        raise Http404
    changed = selectors.entries_changed(story_id=story.pk, after=after)
    context = {"story": story, "can_moderate": services.can_moderate(request.user)}
    data = {"seq": changed[-1].seq if changed else after, "state": story.state, "entries": [
        {"id": e.pk, "deleted": e.deleted,
         "html": "" if e.deleted else render_to_string("live/admin/entry.html",
                                                       {**context, "entry": e}, request=request)}
        for e in changed]}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    add_never_cache_headers(response)
    return response

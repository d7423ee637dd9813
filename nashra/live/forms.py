from django import forms
from wagtail.admin.widgets import AdminPageChooser
from wagtail.images.widgets import AdminImageChooser

from nashra.core.models import NashraImage
from nashra.news.models import ArticlePage, Author

from .services import EntryInput


class EntryForm(forms.Form):
    """The composer: one form for an entry, plain text (or simple HTML) plus what an entry
    may carry; the services check and clean it (EntryInput)."""

    title = forms.CharField(label="العنوان (اختياري)", required=False, max_length=200)
    text = forms.CharField(label="النص", required=False,
                           widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
                           help_text="سطر فارغ بين الفقرات. يُنظَّف كما يُنظَّف نص الخبر.")
    image = forms.ModelChoiceField(NashraImage.objects.all(), label="صورة", required=False,
                                   widget=AdminImageChooser)
    image_caption = forms.CharField(label="تعليق الصورة", required=False, max_length=255)
    image_credit = forms.CharField(label="مصدر الصورة", required=False, max_length=255)
    quote = forms.CharField(label="اقتباس", required=False,
                            widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}))
    quote_by = forms.CharField(label="القائل", required=False, max_length=255)
    embed_url = forms.URLField(label="رابط للتضمين (فيديو، منشور)", required=False,
                               assume_scheme="https")
    story = forms.ModelChoiceField(ArticlePage.objects.all(), label="رابط إلى خبر",
                                   required=False,
                                   widget=AdminPageChooser(target_models=[ArticlePage]))
    author = forms.ModelChoiceField(Author.objects.all(), label="الكاتب", required=False)
    pin = forms.BooleanField(label="من أبرز التطورات (تثبيت)", required=False)

    def __init__(self, *args, can_pin: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_pin:
            del self.fields["pin"]

    def entry_input(self) -> EntryInput:
        data = self.cleaned_data
        return EntryInput(
            title=data["title"], text=data["text"],
            image_id=data["image"].pk if data["image"] else None,
            image_caption=data["image_caption"], image_credit=data["image_credit"],
            quote=data["quote"], quote_by=data["quote_by"], embed_url=data["embed_url"],
            story_id=data["story"].pk if data["story"] else None)

    @classmethod
    def initial_for(cls, entry) -> dict:
        """A stored entry back in the form, for a correction."""
        initial = {"title": entry.title, "author": entry.author_id, "pin": entry.pinned}
        paragraphs = []
        for block in entry.body:
            kind, value = block.block_type, block.value
            if kind == "paragraph":
                paragraphs.append(value.source)
            elif kind == "quote":
                initial.update(quote=value["text"], quote_by=value["attribution"])
            elif kind == "image":
                initial.update(image=value["image"], image_caption=value["caption"],
                               image_credit=value["credit"])
            elif kind == "embed" and value is not None:
                initial["embed_url"] = value.url
            elif kind == "story":
                initial["story"] = value["page"]
        initial["text"] = "\n".join(paragraphs)
        return initial

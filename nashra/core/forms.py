from django import forms
from wagtail.images.forms import BaseImageForm

from nashra.arabic.normalize import strip_invisibles

ALT_TEXT_REQUIRED = "اكتب نصاً بديلاً يصف الصورة؛ هذا الحقل مطلوب."


class NashraImageForm(BaseImageForm):
    """Alt text is required on upload: the model says so, and the form says it in Arabic."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].error_messages["required"] = ALT_TEXT_REQUIRED

    def clean_description(self):
        value = (self.cleaned_data.get("description") or "").strip()
        # A lone right-to-left mark or zero-width space is not a description.
        if not strip_invisibles(value).strip():
            raise forms.ValidationError(ALT_TEXT_REQUIRED)
        return value

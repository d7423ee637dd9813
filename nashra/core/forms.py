from django import forms
from wagtail.images.forms import BaseImageForm


class NashraImageForm(BaseImageForm):
    """Alt text is required on upload: the model says so, and the form says it in Arabic."""

    def clean_description(self):
        value = (self.cleaned_data.get("description") or "").strip()
        if not value:
            raise forms.ValidationError("اكتب نصاً بديلاً يصف الصورة؛ هذا الحقل مطلوب.")
        return value

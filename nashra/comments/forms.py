"""The reader's comment form. Every label and error is Arabic; cheap checks ride along hidden."""

from django import forms

from nashra.arabic.normalize import has_visible

MAX_BODY = 5000
_REQUIRED = "هذا الحقل مطلوب."
_NUL = "يحتوي النص على محارف غير مسموح بها."
_INVISIBLE_NAME = "الاسم لا يحتوي على حروف ظاهرة: اكتب اسمًا يمكن قراءته."
_INVISIBLE_BODY = "التعليق لا يحتوي على نص ظاهر: اكتب تعليقك بحروف يمكن قراءتها."


def _messages(**extra) -> dict:
    return {"required": _REQUIRED, "null_characters_not_allowed": _NUL, **extra}


class CommentForm(forms.Form):
    body = forms.CharField(
        label="التعليق", max_length=MAX_BODY, strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto", "maxlength": MAX_BODY}),
        error_messages=_messages(max_length="التعليق طويل جدًا: الحد الأقصى ٥٠٠٠ حرف."),
    )
    author_name = forms.CharField(
        label="الاسم", max_length=100,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "name"}),
        error_messages=_messages(max_length="الاسم طويل جدًا: الحد الأقصى ١٠٠ حرف."),
    )
    author_email = forms.EmailField(
        label="البريد الإلكتروني", max_length=254, help_text="لن يُنشر بريدك الإلكتروني.",
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
        error_messages=_messages(invalid="أدخل بريدًا إلكترونيًا صحيحًا.",
                                 max_length="البريد الإلكتروني طويل جدًا."),
    )
    author_url = forms.URLField(
        label="الموقع الإلكتروني (اختياري)", required=False, max_length=300, assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr", "autocomplete": "url"}),
        error_messages=_messages(invalid="أدخل رابطًا صحيحًا يبدأ بـ https://",
                                 max_length="الرابط طويل جدًا."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput,
                                error_messages=_messages(invalid="التعليق المردود عليه غير موجود."))
    # Cheap checks: a field people never see (bots fill it) and a signed time of filling.
    nickname = forms.CharField(required=False, max_length=10_000, label="اتركه فارغًا")
    ts = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        if not body.strip():
            raise forms.ValidationError(_REQUIRED, code="required")
        if not has_visible(body):  # zero-width and bidi characters only
            raise forms.ValidationError(_INVISIBLE_BODY, code="invisible")
        return body

    def clean_author_name(self):
        name = self.cleaned_data["author_name"]
        if not has_visible(name):
            raise forms.ValidationError(_INVISIBLE_NAME, code="invisible")
        return name

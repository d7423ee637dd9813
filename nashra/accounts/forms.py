from django import forms
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class CodeForm(forms.Form):
    token = forms.CharField(
        label="رمز التحقق", max_length=64,
        error_messages={"required": "اكتب الرمز.", "max_length": "الرمز أطول مما ينبغي."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "dir": "ltr", "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )


class LoginForm(WagtailLoginForm):
    """Wagtail's sign-in form with a label on the password field: Wagtail gives it none, and
    Django then prints the field's English name («Password») above it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "كلمة المرور"

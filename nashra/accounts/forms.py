from django import forms


class CodeForm(forms.Form):
    token = forms.CharField(
        label="رمز التحقق", max_length=64,
        error_messages={"required": "اكتب الرمز.", "max_length": "الرمز أطول مما ينبغي."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "dir": "ltr", "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )

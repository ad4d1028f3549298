from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"), required=False, max_length=80,
        help_text=_("Exact action, or a prefix ending in '.', e.g. auth."),
    )  # fmt: skip
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        label=_("Before"), required=False, widget=forms.DateInput({"type": "date"})
    )

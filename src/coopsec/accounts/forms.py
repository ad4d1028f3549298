from django import forms
from django.utils.translation import gettext_lazy as _


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

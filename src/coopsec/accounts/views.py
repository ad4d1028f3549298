"""Account pages: the profile and the TOTP second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login

from coopsec.accounts.actor import Actor
from coopsec.accounts.forms import TotpCodeForm
from coopsec.accounts.roles import ROLE_CHOICES
from coopsec.accounts.second_factor import (
    totp_confirm,
    totp_manual_key,
    totp_pending_device,
    totp_qr_svg,
    totp_remove,
)
from coopsec.errors import Invalid


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Who I am, my organization and roles, my second factor."""
    actor = Actor.from_user(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/profile.html",
        {
            "actor": actor,
            "role_names": [label for code, label in ROLE_CHOICES if code in actor.roles],
            "has_2fa": user_has_device(request.user, confirmed=True),
            "section": "account",
        },
    )


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with a code."""
    actor = Actor.from_user(request.user)  # type: ignore[arg-type]
    if user_has_device(request.user, confirmed=True):
        return redirect("accounts:profile")
    device = totp_pending_device(actor=actor)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_confirm(actor=actor, code=form.cleaned_data["code"])
        except Invalid as exc:
            form.add_error("code", exc.message)
        else:
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "qr_svg": totp_qr_svg(device),
            "secret": totp_manual_key(device),
            "section": "account",
            "next": _next_url(request),
        },
    )


@login_required
def totp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in for accounts with an authenticator."""
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "")
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(code):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error("code", _("That code does not match. Try the next code."))
    return render(request, "accounts/totp_verify.html", {"form": form, "next": _next_url(request)})


@require_POST
@login_required
def totp_disable(request: HttpRequest) -> HttpResponse:
    """Remove the authenticator (not possible for administrators when 2FA is required)."""
    actor = Actor.from_user(request.user)  # type: ignore[arg-type]
    if settings.COOPSEC_REQUIRE_2FA and actor.has_role("admin"):
        messages.error(request, _("Administrators must keep two-factor sign-in on."))
    else:
        totp_remove(actor=actor)
        messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("accounts:profile")

"""Second-factor gate: a signed-in session that still owes its TOTP code reaches only the
verification, enrolment and sign-out pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from coopsec.accounts.second_factor import second_factor_required

_OPEN_PREFIXES = ("/static/", "/i18n/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
            and second_factor_required(user, require_for_admins=settings.COOPSEC_REQUIRE_2FA)
        ):
            enrolled = user_has_device(user, confirmed=True)
            target = reverse("accounts:2fa-verify" if enrolled else "accounts:2fa-setup")
            allowed = {target, reverse("web:logout")}
            if request.path not in allowed:
                if not request.path.startswith("/api/"):
                    return redirect(f"{target}?next={request.get_full_path()}")
                if "HTTP_AUTHORIZATION" not in request.META:
                    return JsonResponse(
                        {"error": "second_factor_required",
                         "detail": "Complete the second factor in the browser first."},
                        status=401,
                    )  # fmt: skip
                # A request with an Authorization header must authenticate by its token alone:
                # the half-signed-in session must not stand in when the token is refused.
                request.user = AnonymousUser()
        return self.get_response(request)

"""API authentication: a session cookie (with CSRF) or `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's login session; unsafe methods need the CSRF token."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


AUTH = [BearerToken(), SessionAuth()]


def actor_of(request: HttpRequest) -> Actor:
    """The Actor for an authenticated API request."""
    user = request.auth  # type: ignore[attr-defined]
    return Actor.from_user(user)

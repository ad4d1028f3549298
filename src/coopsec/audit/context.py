"""The request id of the current request, for audit events written while serving it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("coopsec_request_id", default="")
# Printable ASCII without spaces: a proxy's id is kept; anything that could not be echoed as a
# header (line breaks, control characters) or would clutter the trail is replaced.
_SANE_ID = re.compile(r"[!-~]{8,64}")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Gives every request an id (or keeps a sane X-Request-ID) and echoes it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response

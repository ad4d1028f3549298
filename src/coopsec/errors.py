"""The project's own errors. Services and selectors raise these; the API's exception handler
and the HTML error path turn them into responses with one body shape."""

from __future__ import annotations

from typing import Any


class CoopsecError(Exception):
    """Base of every error the application raises on purpose."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, details: dict[str, Any] | list[Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "detail": self.message}
        if self.details is not None:
            body["errors"] = self.details
        return body


class NotFound(CoopsecError):
    """The object does not exist, or the actor may not know that it exists."""

    status = 404
    code = "not_found"


class Forbidden(CoopsecError):
    """The actor can see the object but may not perform the action."""

    status = 403
    code = "forbidden"


class Invalid(CoopsecError):
    """Input was rejected; `details` names each field (or file, row, column) and the reason."""

    status = 400
    code = "invalid"

"""The REST API under /api/v1: every app's router, one error body, OpenAPI at /api/v1/docs."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from coopsec.api.auth import AUTH
from coopsec.errors import CoopsecError

api = NinjaAPI(
    title="coopsec API",
    version="1",
    description=(
        "The coopsec REST API. Authenticate with a browser session or "
        "`Authorization: Bearer <token>` (`coopsec token create --username U`). "
        'Lists answer `{"count": N, "items": [...]}` and take `limit` and `offset`. '
        "Dates are ISO 8601 (YYYY-MM-DD); membership questions take `as_of` (default: today). "
        'Every error answers `{"error": <code>, "detail": <message>, "errors": <details>}`.'
    ),
    auth=AUTH,
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, body: dict[str, object]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(CoopsecError)
def _coopsec_error(request: HttpRequest, exc: CoopsecError) -> HttpResponse:
    return _error(request, exc.status, exc.as_dict())


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {
            "location": ".".join(str(p) for p in err.get("loc", ())),
            "reason": err.get("msg", ""),
        }
        for err in exc.errors
    ]
    where = "; ".join(f"{d['location']}: {d['reason']}" for d in details)
    return _error(
        request,
        400,
        {"error": "invalid", "detail": f"Invalid request ({where}).", "errors": details},
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        {"error": "unauthenticated", "detail": "Sign in or send 'Authorization: Bearer <token>'."},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, {"error": "http_error", "detail": str(exc)})


def _register_routers() -> None:
    from coopsec.activities.api import router as activities_router
    from coopsec.analytics.api import router as analytics_router
    from coopsec.audit.api import router as audit_router
    from coopsec.network.api import router as network_router
    from coopsec.planning.api import router as planning_router
    from coopsec.programmes.api import router as programmes_router

    api.add_router("", network_router)
    api.add_router("", activities_router)
    api.add_router("", audit_router)
    api.add_router("", programmes_router)
    api.add_router("/analytics", analytics_router)
    api.add_router("/planning", planning_router)


_register_routers()

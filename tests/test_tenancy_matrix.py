"""The tenancy matrix: every URL pattern and every API route, for every role, for objects of
the user's own organization and of another organization, answers as expected.

Routes are discovered, not listed by hand: a new route without an entry in EXPECTATIONS fails
`test_every_route_has_an_expectation`, so nothing ships uncovered.

Reading the table: anonymous pages redirect to the login page (302) and anonymous API calls
answer 401; objects the actor may not see answer 404; visible objects the actor may not act
on answer 403. The partnership registry (organizations, frameworks, operations) is public
reference data, so there "another organization's object" is readable by every role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.api.api import api

ANON = "anonymous"
# role -> the organization its test user belongs to
ACTORS: dict[str, str | None] = {
    ANON: None,
    R.COORDINATOR: "NATO",
    R.PARTNER_LIAISON: "GEO",
    R.INSTITUTION_MANAGER: "PTEC-AUT-AUTINT",
    R.ANALYST: "NATO",
    R.AUDITOR: "NATO",
    R.ADMIN: "NATO",
}
OWN, OTHER = "own", "other"
# For organization-addressed routes: an organization that is not the actor's.
OTHER_ORGANIZATION = {"GEO": "JOR", "NATO": "GEO", "PTEC-AUT-AUTINT": "GEO", None: "GEO"}


@dataclass(frozen=True)
class Route:
    """How to call a route and what each role should get."""

    expect: Callable[[str, str], int]  # (role, ownership) -> status
    method: str = "GET"
    kwargs: Callable[[str | None, str], dict[str, str]] = field(
        default=lambda org, ownership: {}
    )  # (actor's org code, ownership) -> URL kwargs
    owned: bool = False  # does the object belong to an organization (own/other matter)?
    data: dict[str, Any] = field(default_factory=dict)


def page(ok: int = 200) -> Callable[[str, str], int]:
    """A page every signed-in role may open."""
    return lambda role, ownership: 302 if role == ANON else ok


def api_read() -> Callable[[str, str], int]:
    """An API read every signed-in role may make."""
    return lambda role, ownership: 401 if role == ANON else 200


def only(*roles: str, anon: int, ok: int = 200) -> Callable[[str, str], int]:
    """Allowed roles get `ok`; other signed-in roles 403."""
    return lambda role, ownership: anon if role == ANON else (ok if role in roles else 403)


def org_code(org: str | None, ownership: str) -> dict[str, str]:
    return {"code": (org or "NATO") if ownership == OWN else OTHER_ORGANIZATION[org]}


def framework(org: str | None, ownership: str) -> dict[str, str]:
    return {"code": "PfP"}


def operation(org: str | None, ownership: str) -> dict[str, str]:
    return {"code": "KFOR"}


EXPECTATIONS: dict[str, Route] = {
    # web: sign-in and layout
    "web:login": Route(expect=lambda role, o: 200 if role == ANON else 302),
    "web:logout": Route(method="POST", expect=lambda role, o: 302),
    "web:overview": Route(expect=lambda role, o: 302),
    "set_language": Route(method="POST", data={"language": "fr"}, expect=lambda role, o: 302),
    # network registry pages (public reference data)
    "network:overview": Route(expect=page()),
    "network:organization-list": Route(expect=page()),
    "network:organization-detail": Route(expect=page(), kwargs=org_code, owned=True),
    "network:framework-list": Route(expect=page()),
    "network:framework-detail": Route(expect=page(), kwargs=framework),
    # account and second factor
    "accounts:profile": Route(expect=page()),
    "accounts:2fa-setup": Route(expect=page()),
    "accounts:2fa-verify": Route(expect=page()),
    "accounts:2fa-disable": Route(method="POST", expect=lambda role, o: 302),
    # audit trail
    "audit:event-list": Route(expect=only(R.AUDITOR, R.ADMIN, anon=302)),
    # API documentation (describes routes, holds no data)
    "api:openapi-json": Route(expect=lambda role, o: 200),
    "api:openapi-view": Route(expect=lambda role, o: 200),
    "api:api-root": Route(expect=lambda role, o: 404),
    # API routes, keyed "METHOD /path" as in the OpenAPI schema
    "GET /api/v1/organizations": Route(expect=api_read()),
    "GET /api/v1/organizations/{code}": Route(expect=api_read(), kwargs=org_code, owned=True),
    "GET /api/v1/frameworks": Route(expect=api_read()),
    "GET /api/v1/frameworks/{code}": Route(expect=api_read(), kwargs=framework),
    "GET /api/v1/frameworks/{code}/members": Route(expect=api_read(), kwargs=framework),
    "GET /api/v1/allies": Route(expect=api_read()),
    "GET /api/v1/partners": Route(expect=api_read()),
    "GET /api/v1/operations": Route(expect=api_read()),
    "GET /api/v1/operations/{code}": Route(expect=api_read(), kwargs=operation),
    "GET /api/v1/operations/{code}/contributors": Route(expect=api_read(), kwargs=operation),
    "GET /api/v1/audit": Route(expect=only(R.AUDITOR, R.ADMIN, anon=401)),
}


def _django_routes(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
            yield from _django_routes(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}" if namespace else p.name


def discovered_routes() -> set[str]:
    names = set(_django_routes(get_resolver().url_patterns))
    api_paths = {
        f"{method.upper()} {path}"
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method in ops
    }
    # Admin pages are covered as a group below; API operations by their OpenAPI route.
    web = {n for n in names if not n.startswith("admin:")}
    operation_names = {n for n in web if n.startswith("api:")} - {
        "api:openapi-json", "api:openapi-view", "api:api-root",
    }  # fmt: skip
    return (web - operation_names) | api_paths


def test_every_route_has_an_expectation() -> None:
    missing = sorted(discovered_routes() - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - discovered_routes())
    assert not missing, f"routes without an expectation in the tenancy matrix: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def _cases() -> Iterator[Any]:
    for key, route in sorted(EXPECTATIONS.items()):
        for role in ACTORS:
            for ownership in (OWN, OTHER) if route.owned else (OWN,):
                yield pytest.param(key, role, ownership, id=f"{key}|{role}|{ownership}")


@pytest.fixture
def actor_client(make_user: Callable[..., User]) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        client = Client()
        if role != ANON:
            org = ACTORS[role]
            is_admin = role == R.ADMIN  # administrators are Django superusers (SECURITY.md)
            client.force_login(make_user(role, org, is_staff=is_admin, is_superuser=is_admin))
        return client

    return make


def _url(key: str, route: Route, org: str | None, ownership: str) -> str:
    kwargs = route.kwargs(org, ownership)
    if key.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
        path = key.split(" ", 1)[1]
        for name, value in kwargs.items():
            path = path.replace("{" + name + "}", value)
        return path
    return reverse(key, kwargs=kwargs or None)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role", "ownership"), list(_cases()))
def test_route(key: str, role: str, ownership: str, actor_client: Callable[[str], Client]) -> None:
    route = EXPECTATIONS[key]
    client = actor_client(role)
    url = _url(key, route, ACTORS[role], ownership)
    method = route.method if " " not in key else key.split(" ", 1)[0]
    response = getattr(client, method.lower())(url, data=route.data or None)
    expected = route.expect(role, ownership)
    assert response.status_code == expected, (
        f"{method} {url} as {role} ({ownership}): {response.status_code}, expected {expected}"
    )
    if expected == 302 and role == ANON and method == "GET" and key != "web:overview":
        assert reverse("web:login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ACTORS))
def test_admin_site(role: str, actor_client: Callable[[str], Client]) -> None:
    """The Django admin opens for administrators only; every model's list is covered."""
    client = actor_client(role)
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for url in urls:
        response = client.get(url)
        if role == R.ADMIN:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert "/admin/login/" in response["Location"], url

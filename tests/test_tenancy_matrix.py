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

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.api.api import api
from tests.analytics import matrix as analytics_matrix
from tests.planning import matrix as planning_matrix
from tests.programmes import matrix as programmes_matrix
from tests.tenancy import (
    ACTIVITY_JSON,
    ACTORS,
    ANON,
    LIAISON,
    MANAGER,
    NOMINATE_FORM,
    OTHER,
    OWN,
    Route,
    World,
    activity,
    api_read,
    build_world,
    feed,
    framework,
    nomination,
    only,
    operation,
    org_code,
    page,
    sided,
)

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
    # --- the cooperation menu: pages -------------------------------------------------------
    "activities:activity-list": Route(expect=page()),
    "activities:nomination-list": Route(expect=page()),
    "activities:notification-list": Route(expect=page()),
    "activities:notification-read": Route(method="POST", expect=lambda role, o: 302),
    "activities:activity-queue": Route(expect=only(R.COORDINATOR, R.ADMIN, anon=302)),
    "activities:desk-list": Route(expect=only(R.COORDINATOR, MANAGER, R.ADMIN, anon=302)),
    "activities:activity-create": Route(expect=only(R.COORDINATOR, MANAGER, R.ADMIN, anon=302)),
    "activities:activity-detail": Route(
        kwargs=activity, owned=True, expect=sided({}, 200, anon=302)
    ),
    "activities:activity-update": Route(
        kwargs=activity,
        owned=True,
        expect=sided({R.COORDINATOR: 200, MANAGER: 200, R.ADMIN: 200}, 403, anon=302),
    ),
    "activities:activity-desk": Route(
        kwargs=activity,
        owned=True,
        expect=sided(
            {R.COORDINATOR: 200, MANAGER: 200, R.ADMIN: 200, LIAISON: 404, R.AUDITOR: 404},
            403,
            anon=302,
        ),
    ),
    "activities:activity-transition": Route(
        method="POST",
        data={"to": "closed"},
        kwargs=activity,
        owned=True,
        expect=sided({R.COORDINATOR: 302, MANAGER: 302, R.ADMIN: 302}, 403, anon=302),
    ),
    "activities:nomination-create": Route(
        method="POST",
        data=NOMINATE_FORM,
        kwargs=activity,
        owned=True,
        expect=sided({LIAISON: 302}, 403, anon=302),
    ),
    "activities:report-submit": Route(
        method="POST",
        data={"summary": "Matrix."},
        kwargs=activity,
        owned=True,
        # The host reaches the rule that reports follow the conduct: the form again, 400.
        expect=sided({MANAGER: 400}, 403, anon=302),
    ),
    "activities:nomination-withdraw": Route(
        method="POST",
        kwargs=nomination,
        owned=True,
        expect=sided(
            {R.COORDINATOR: 302, MANAGER: 302, R.ADMIN: 302, LIAISON: 302, R.AUDITOR: 404},
            403,
            anon=302,
            staff_other=None,
        ),
    ),
    "activities:nomination-decide": Route(
        method="POST",
        data={"to": "waitlisted"},
        kwargs=nomination,
        owned=True,
        expect=sided(
            {R.COORDINATOR: 302, MANAGER: 302, R.ADMIN: 302, R.AUDITOR: 404}, 403, anon=302
        ),
    ),
    "activities:nomination-attendance": Route(
        method="POST",
        data={"attended": "1"},
        kwargs=nomination,
        owned=True,
        expect=sided(
            {R.COORDINATOR: 302, MANAGER: 302, R.ADMIN: 302, R.AUDITOR: 404}, 403, anon=302
        ),
    ),
    "activities:feedback-submit": Route(
        method="POST",
        data={"relevance": "5", "quality": "5", "applicability": "5"},
        prefix="feedback-{nomination_id}",
        kwargs=nomination,
        owned=True,
        # The partner reaches the rule that only attended participants give feedback (400).
        expect=sided({LIAISON: 400, R.AUDITOR: 404}, 403, anon=302),
    ),
    "exchange:activity-import": Route(expect=only(R.COORDINATOR, MANAGER, R.ADMIN, anon=302)),
    "exchange:activity-export": Route(
        kwargs=lambda world, org, ownership: {"fmt": "csv"},
        expect=only(R.COORDINATOR, MANAGER, R.ADMIN, anon=302),
    ),
    # A calendar feed's secret token is its credential: a made-up one is simply not there.
    "calendar:feed": Route(
        kwargs=lambda world, org, ownership: {"token": "not-a-real-token"},
        expect=lambda role, o: 404,
    ),
    # --- the cooperation menu: API -----------------------------------------------------------
    "GET /api/v1/areas": Route(expect=api_read()),
    "GET /api/v1/activities": Route(expect=api_read()),
    "POST /api/v1/activities": Route(
        data=ACTIVITY_JSON,
        json=True,
        expect=only(R.COORDINATOR, MANAGER, R.ADMIN, anon=401, ok=201),
    ),
    "GET /api/v1/activities/{activity_id}": Route(
        kwargs=activity, owned=True, expect=sided({}, 200, anon=401)
    ),
    "GET /api/v1/activities/{activity_id}/ics": Route(
        kwargs=activity, owned=True, expect=sided({}, 200, anon=401)
    ),
    "GET /api/v1/activities/{activity_id}/nominations": Route(
        kwargs=activity, owned=True, expect=sided({}, 200, anon=401)
    ),
    "POST /api/v1/activities/{activity_id}/nominations": Route(
        data={"participant": {"name": "Matrix Participant"}, "priority": 1},
        json=True,
        kwargs=activity,
        owned=True,
        expect=sided({LIAISON: 201}, 403, anon=401),
    ),
    "POST /api/v1/activities/{activity_id}/transition": Route(
        data={"to": "closed"},
        json=True,
        kwargs=activity,
        owned=True,
        expect=sided({R.COORDINATOR: 200, MANAGER: 200, R.ADMIN: 200}, 403, anon=401),
    ),
    "GET /api/v1/nominations": Route(expect=api_read()),
    "GET /api/v1/nominations/{nomination_id}": Route(
        kwargs=nomination, owned=True, expect=sided({R.AUDITOR: 404}, 200, anon=401)
    ),
    "POST /api/v1/nominations/{nomination_id}/withdraw": Route(
        kwargs=nomination,
        owned=True,
        expect=sided(
            {R.COORDINATOR: 200, MANAGER: 200, R.ADMIN: 200, LIAISON: 200, R.AUDITOR: 404},
            403,
            anon=401,
        ),
    ),
    "POST /api/v1/nominations/{nomination_id}/decide": Route(
        data={"to": "waitlisted"},
        json=True,
        kwargs=nomination,
        owned=True,
        expect=sided(
            {R.COORDINATOR: 200, MANAGER: 200, R.ADMIN: 200, R.AUDITOR: 404}, 403, anon=401
        ),
    ),
    # Allowed callers reach the rule that attendance waits for the start (400).
    "POST /api/v1/nominations/{nomination_id}/attendance": Route(
        data={"attended": True},
        json=True,
        kwargs=nomination,
        owned=True,
        expect=sided(
            {R.COORDINATOR: 400, MANAGER: 400, R.ADMIN: 400, R.AUDITOR: 404}, 403, anon=401
        ),
    ),
    "GET /api/v1/calendar-feeds": Route(expect=api_read()),
    "POST /api/v1/calendar-feeds": Route(
        data={"organization_wide": False},
        json=True,
        expect=lambda role, o: 401 if role == ANON else 201,
    ),
    # Feeds belong to users: one's own can be deleted, anyone else's does not exist.
    "DELETE /api/v1/calendar-feeds/{feed_id}": Route(
        kwargs=feed,
        owned=True,
        expect=lambda role, o: 401 if role == ANON else (204 if o == OWN else 404),
    ),
}
EXPECTATIONS.update(programmes_matrix.EXPECTATIONS)
EXPECTATIONS.update(analytics_matrix.EXPECTATIONS)
EXPECTATIONS.update(planning_matrix.EXPECTATIONS)


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
def actor_client(make_user: Callable[..., User]) -> Callable[[str], tuple[Client, User | None]]:
    def make(role: str) -> tuple[Client, User | None]:
        client = Client()
        user = None
        if role != ANON:
            org = ACTORS[role]
            is_admin = role == R.ADMIN  # administrators are Django superusers (SECURITY.md)
            user = make_user(role, org, is_staff=is_admin, is_superuser=is_admin)
            client.force_login(user)
        return client, user

    return make


def _url(key: str, route: Route, world: World, org: str | None, ownership: str) -> str:
    kwargs = route.kwargs(world, org, ownership)
    if key.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
        path = key.split(" ", 1)[1]
        for name, value in kwargs.items():
            path = path.replace("{" + name + "}", str(value))
        return path
    return reverse(key, kwargs=kwargs or None)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role", "ownership"), list(_cases()))
def test_route(
    key: str,
    role: str,
    ownership: str,
    actor_client: Callable[[str], tuple[Client, User | None]],
    make_user: Callable[..., User],
) -> None:
    route = EXPECTATIONS[key]
    client, user = actor_client(role)
    world = build_world(
        user,
        make_user,
        with_programmes=key in programmes_matrix.EXPECTATIONS,
        with_planning=key in planning_matrix.EXPECTATIONS,
    )
    url = _url(key, route, world, ACTORS[role], ownership)
    data = route.data
    if route.prefix:
        prefix = route.prefix.format(**route.kwargs(world, ACTORS[role], ownership))
        data = {f"{prefix}-{name}": value for name, value in data.items()}
    method = route.method if " " not in key else key.split(" ", 1)[0]
    call = getattr(client, method.lower())
    if route.json:
        response = call(url, data=json.dumps(data), content_type="application/json")
    else:
        response = call(url, data=data or None)
    expected = route.expect(role, ownership)
    assert response.status_code == expected, (
        f"{method} {url} as {role} ({ownership}): {response.status_code}, expected {expected}"
    )
    if expected == 302 and role == ANON and method == "GET" and key != "web:overview":
        assert reverse("web:login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ACTORS))
def test_admin_site(role: str, actor_client: Callable[[str], tuple[Client, User | None]]) -> None:
    """The Django admin opens for administrators only; every model's list is covered."""
    client, _user = actor_client(role)
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

"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.accounts.services import token_create
from coopsec.activities.areas import apply_areas, read_areas
from coopsec.activities.models import CooperationArea
from coopsec.network.models import Organization
from coopsec.network.reference import apply_reference, read_reference

ARTIFACTS = Path(os.environ.get("COOPSEC_TEST_ARTIFACTS", "test-artifacts"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    is_pg = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass")
    for item in items:
        if "postgres" in item.keywords and not is_pg:
            item.add_marker(skip_pg)


def load_reference_data() -> None:
    """The shipped registry facts and cooperation areas, as `coopsec load-reference` loads."""
    if not Organization.objects.exists():
        apply_reference(actor=Actor.system(), data=read_reference())
    if not CooperationArea.objects.exists():
        apply_areas(actor=Actor.system(), rows=read_areas())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the shipped reference data once into the test database."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_reference_data()


@pytest.fixture
def reference(db: None) -> None:
    """The reference data, reloaded if a transactional test flushed it."""
    load_reference_data()


@pytest.fixture(autouse=True)
def _no_language_left_active() -> Iterator[None]:
    """Whatever a test leaves active in this thread (a page in French, a task run under its
    requester's language), the next test starts in the default language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings: object) -> None:
    """Argon2 is slow on purpose; tests that are not about hashing use a fast hasher.
    Tests marked `argon2` keep the production hashers."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ]


@pytest.fixture(autouse=True)
def _reference_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser, concurrency) empty the database when they end; every
    database test after them still starts with the reference data."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and not marker.kwargs.get("transaction") and not marker.args:
        request.getfixturevalue("reference")


@pytest.fixture
def make_user(reference: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: str = R.COORDINATOR, org: str = "NATO", **extra: object) -> User:
        user = User.objects.create(
            username=extra.pop("username", None) or f"{role}-{org}-{next(counter)}".lower(),
            organization=Organization.objects.get(code=org),
            roles=[role],
            **extra,
        )
        user.set_password("correct horse battery staple")
        user.save(update_fields=["password"])
        return user

    return make


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(R.COORDINATOR, "NATO")


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client(coordinator: User) -> Client:
    """A client authenticated with a bearer token of a coordinator."""
    secret = token_create(actor=Actor.system(), username=coordinator.username).secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def db_vendor(db: None) -> str:
    return connection.vendor


CHROMIUM = Path(os.environ.get("COOPSEC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; skipped (or failed in CI) when missing."""
    if not CHROMIUM.exists():
        message = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("COOPSEC_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; COOPSEC_REQUIRE_BROWSER=1 requires it")
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh page; a screenshot is saved when the test fails."""
    # A fixed locale, so pages come out in English whatever the machine's language is.
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    pg = context.new_page()
    yield pg
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        pg.screenshot(path=str(artifacts / f"FAILED-{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)

"""The heavy sections' answers kept per data version (`analytics/sections/cache.py`): a
repeated question is answered from the cache, and every kind of write — a service's, the
admin's — gives the next question a fresh answer; readers and settings never share one.

The cache keeps nothing inside a transaction, and pytest-django runs each test in one, so
the tests of what is kept run with `transaction=True` (committed writes, as in production).
"""

from __future__ import annotations

from collections.abc import Callable
from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import lifecycle
from coopsec.activities.models import Activity
from coopsec.activities.services import activity_transition
from coopsec.analytics.filters import Filters
from coopsec.analytics.sections import area_balance, attention
from coopsec.analytics.sections import cache as kept_answers
from coopsec.audit.services import audit_record
from tests.analytics.recompute import TODAY, generate_history

EVERY_YEAR = Filters()


def cells(found: area_balance.AreaBalance) -> dict[tuple[str, int], int]:
    return {(r.area, r.year): r.activities for r in found.rows}


def answer_afresh(actor: Actor) -> area_balance.AreaBalance:
    cache.clear()
    return area_balance.area_balance(actor=actor, filters=EVERY_YEAR)


@pytest.fixture
def coordinator_actor(make_user: Callable[..., User]) -> Actor:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        generate_history()
    cache.clear()
    return Actor.from_user(make_user(R.COORDINATOR, "NATO"))


def an_offered_activity() -> Activity:
    """An offered activity that may still be cancelled and that nothing the admin keeps
    read-only refers to (so the admin may delete it)."""
    found = (
        Activity.objects.filter(
            state__in=(lifecycle.APPROVED, lifecycle.OPEN, lifecycle.CLOSED),
            nominations__isnull=True,
            programme_items__isnull=True,
            report__isnull=True,
        )
        .order_by("code")
        .first()
    )
    assert found is not None, "the generated history has no activity without nominations"
    return found


@pytest.mark.django_db(transaction=True)
def test_a_repeated_question_is_answered_from_the_cache(coordinator_actor: Actor) -> None:
    first = area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    with CaptureQueriesContext(connection) as captured:
        again = area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    assert again == first
    assert len(captured.captured_queries) == 1, "only the data version is read"


@pytest.mark.django_db(transaction=True)
def test_a_service_write_gives_a_fresh_answer(coordinator_actor: Actor) -> None:
    before = area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    activity = an_offered_activity()
    activity_transition(actor=coordinator_actor, activity_id=activity.pk, to=lifecycle.CANCELLED)

    after = area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    cell = (activity.primary_area.code, activity.start.year)
    assert cells(after)[cell] == cells(before)[cell] - 1
    assert after == answer_afresh(coordinator_actor)


@pytest.mark.django_db(transaction=True)
def test_an_admin_edit_gives_a_fresh_answer(
    coordinator_actor: Actor, client_for: Callable[[User], Client]
) -> None:
    # Logged in first: a login is audited, and only the admin's own record may be seen here.
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    admin = client_for(root)
    before = area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    activity = an_offered_activity()
    response = admin.post(f"/admin/activities/activity/{activity.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content
    assert not Activity.objects.filter(pk=activity.pk).exists()

    after = area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    cell = (activity.primary_area.code, activity.start.year)
    assert cells(after)[cell] == cells(before)[cell] - 1
    assert after == answer_afresh(coordinator_actor)


@pytest.mark.django_db(transaction=True)
def test_readers_and_settings_do_not_share_answers(
    coordinator_actor: Actor, make_user: Callable[..., User], settings: object
) -> None:
    staff = attention.attention(actor=coordinator_actor, filters=EVERY_YEAR)
    liaison = Actor.from_user(make_user(R.PARTNER_LIAISON, "GEO"))
    own = attention.attention(actor=liaison, filters=EVERY_YEAR)
    assert len({r.partner for r in staff.rows}) > 1
    assert {r.partner for r in own.rows} == {"GEO"}

    kept_before = area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    conf = dict(settings.COOPSEC_ANALYTICS)  # type: ignore[attr-defined]
    conf["crowded_index"] = 100.0  # no area is that crowded
    settings.COOPSEC_ANALYTICS = conf  # type: ignore[attr-defined]
    changed = area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    assert any(r.flag == area_balance.CROWDED for r in kept_before.rows)
    assert not any(r.flag == area_balance.CROWDED for r in changed.rows)


@pytest.mark.django_db
def test_nothing_is_kept_inside_a_transaction(coordinator_actor: Actor) -> None:
    area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    with CaptureQueriesContext(connection) as captured:
        area_balance.area_balance(actor=coordinator_actor, filters=EVERY_YEAR)
    assert len(captured.captured_queries) > 1, "computed again, not read from the cache"


@pytest.mark.django_db
def test_two_histories_of_the_same_length_are_two_versions(reference: None) -> None:
    versions = []
    for action in ("first.history", "second.history"):
        with transaction.atomic():
            audit_record(actor=Actor.system(), action=action)
            versions.append(kept_answers.data_version())
            transaction.set_rollback(True)
    first, second = versions
    assert first.split("|")[0] == second.split("|")[0], "the same sequence number"
    assert first != second

"""Applying a run as a task (docs/planning.md, "Applying"): the request refuses at once what
cannot be applied and otherwise marks the run applying, audits and queues; the task writes
every decision through the nomination services as the user who asked, or — the cycle
changed in between, a decision refused — writes nothing and puts the run back to done with
the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from django_tasks_db.models import DBTaskResult

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import services as registration
from coopsec.activities.models import Nomination
from coopsec.activities.services import nomination_withdraw
from coopsec.audit.models import AuditEvent
from coopsec.errors import Forbidden, Invalid
from coopsec.planning import services
from coopsec.planning.models import AllocationRun, RunStatus
from tests.planning.workflow import CYCLE, SmallCycle, frozen_today, small_cycle
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db
__all__ = ["frozen_today"]


@pytest.fixture
def small(reference: None, frozen_today: None) -> SmallCycle:
    return small_cycle()


@pytest.fixture
def planner(make_user: Callable[..., User]) -> Actor:
    return Actor.from_user(make_user(R.COORDINATOR, "NATO"))


def solved(actor: Actor, **params: Any) -> AllocationRun:
    run = services.run_create(actor=actor, cycle=CYCLE, params=params)
    run_tasks()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


def states(run: AllocationRun) -> dict[int, str]:
    planned = run.decisions.values_list("nomination_id", flat=True)
    return dict(Nomination.objects.filter(pk__in=planned).values_list("pk", "state"))


def test_the_request_queues_and_the_task_applies(small: SmallCycle, planner: Actor) -> None:
    run = solved(planner)
    planned = dict(run.decisions.values_list("nomination_id", "outcome"))
    requested = services.run_apply_request(actor=planner, run_id=run.pk)
    assert requested.status == RunStatus.APPLYING and requested.applied_at is None
    task = DBTaskResult.objects.get(task_path__endswith="run_apply")
    assert task.args_kwargs["args"] == [run.pk, planner.user.pk, "en"]  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="planning.run_apply_requested").count() == 1
    assert set(states(run).values()) == {"pending"}
    # While it is being applied, the run cannot change, nor be asked for again.
    seated = next(iter(planned))
    with pytest.raises(Invalid) as caught:
        services.run_adjust(actor=planner, run_id=run.pk, nomination_id=seated, outcome="declined")
    assert "being applied" in caught.value.message
    with pytest.raises(Invalid):
        services.run_apply_request(actor=planner, run_id=run.pk)

    assert run_tasks() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100 and run.error == ""
    assert run.applied_at is not None and run.applied_by == planner.user
    assert states(run) == planned
    event = AuditEvent.objects.get(action="planning.run_applied")
    assert event.actor_username == planner.user.username  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="nomination.decide").count() >= len(planned)
    # A task of a run no longer applying leaves it alone.
    services.run_apply_execute(run.pk, user_id=planner.user.pk, language="en")  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="planning.run_applied").count() == 1


def test_what_cannot_be_applied_is_refused_at_request_time(
    small: SmallCycle, planner: Actor, make_user: Callable[..., User]
) -> None:
    queued = services.run_create(actor=planner, cycle=CYCLE)
    with pytest.raises(Invalid) as caught:
        services.run_apply_request(actor=planner, run_id=queued.pk)
    assert "queued" in caught.value.message
    run_tasks()
    what_if = solved(planner, nominations="all")
    with pytest.raises(Invalid) as caught:
        services.run_apply_request(actor=planner, run_id=what_if.pk)
    assert "what-if" in caught.value.message
    run = solved(planner)
    analyst = Actor.from_user(make_user(R.ANALYST, "NATO"))
    with pytest.raises(Forbidden):
        services.run_apply_request(actor=analyst, run_id=run.pk)
    nomination_withdraw(actor=Actor.from_user(small.jor), nomination_id=small.nominations["hal"].pk)
    with pytest.raises(Invalid) as caught:
        services.run_apply_request(actor=planner, run_id=run.pk)
    assert "withdrawn" in caught.value.message
    assert {r.status for r in AllocationRun.objects.all()} == {RunStatus.DONE}
    assert not DBTaskResult.objects.filter(task_path__endswith="run_apply").exists()
    assert not AuditEvent.objects.filter(action="planning.run_apply_requested").exists()


def test_a_cycle_changed_before_the_task_runs_writes_nothing(
    small: SmallCycle, planner: Actor
) -> None:
    run = solved(planner)
    services.run_apply_request(actor=planner, run_id=run.pk)
    nomination_withdraw(actor=Actor.from_user(small.jor), nomination_id=small.nominations["hal"].pk)
    assert run_tasks() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.applied_at is None
    assert "The cycle changed since run" in run.error and "withdrawn" in run.error
    assert set(states(run).values()) == {"pending", "withdrawn"}
    assert not AuditEvent.objects.filter(action="planning.run_applied").exists()


def test_a_decision_the_registration_refuses_writes_nothing(
    small: SmallCycle, planner: Actor
) -> None:
    run = solved(planner)
    services.run_apply_request(actor=planner, run_id=run.pk)
    real = registration.nomination_decide
    calls = iter(range(100))

    def refuse_the_fourth(**kwargs: Any) -> Any:
        if next(calls) == 3:
            raise Invalid("The registration is closed.")
        return real(**kwargs)

    with patch.object(registration, "nomination_decide", refuse_the_fourth):
        assert run_tasks() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.applied_at is None
    assert "could not be" in run.error and "The registration is closed." in run.error
    assert set(states(run).values()) == {"pending"}
    # Once the cause is gone it can be asked for again.
    services.run_apply_request(actor=planner, run_id=run.pk)
    assert run_tasks() == 1
    run.refresh_from_db()
    assert run.applied_at is not None and run.error == ""


def test_an_account_no_longer_active_applies_nothing(small: SmallCycle, planner: Actor) -> None:
    run = solved(planner)
    services.run_apply_request(actor=planner, run_id=run.pk)
    User.objects.filter(pk=planner.user.pk).update(is_active=False)  # type: ignore[union-attr]
    assert run_tasks() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.applied_at is None
    assert "no longer active" in run.error
    assert set(states(run).values()) == {"pending"}

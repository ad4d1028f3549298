"""The planning workflow on a small allocated cycle (tests/planning/workflow.py): a run is
checked whole and stored with its task and an audit event, or refused with nothing stored;
the task solves it with progress, decisions that keep every hard constraint and figures
beside the baselines'; hard rules that cannot be met fail it with the reason; a decision
adjusted by hand is checked; applying writes through the nomination services once, and
never from a stale run; each role gets what planning/access.py says."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from django_tasks_db.models import DBTaskResult

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.models import Activity, Nomination, Notification
from coopsec.activities.services import ParticipantInput, nomination_create, nomination_withdraw
from coopsec.audit.models import AuditEvent
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.planning import selectors, services
from coopsec.planning.models import AllocationDecision, AllocationRun, Outcome, RunStatus
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


def executed(actor: Actor, **kwargs: Any) -> AllocationRun:
    run = services.run_create(actor=actor, cycle=kwargs.pop("cycle", CYCLE), **kwargs)
    run_tasks()
    run.refresh_from_db()
    return run


def outcomes(run: AllocationRun) -> dict[int, str]:
    return dict(run.decisions.values_list("nomination_id", "outcome"))


# --- creating ------------------------------------------------------------------------------


def test_a_bad_run_is_refused_and_nothing_is_stored(small: SmallCycle, planner: Actor) -> None:
    with pytest.raises(Invalid) as caught:
        services.run_create(
            actor=planner, activities=[small.a1.pk, small.fcfs.pk], params={"weight_rank": -2}
        )
    fields = {d["field"] for d in caught.value.details or []}
    assert fields == {"activities[1]", "params.weight_rank"}
    with pytest.raises(Invalid):
        services.run_create(actor=planner, cycle=2031)
    assert not AllocationRun.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="planning.").exists()


def test_a_run_is_stored_audited_and_queued(small: SmallCycle, planner: Actor) -> None:
    run = services.run_create(actor=planner, cycle=CYCLE, params={"fairness_floor": 0.5})
    assert run.status == RunStatus.QUEUED and run.progress == 0 and run.cycle == CYCLE
    assert run.params == {"fairness_floor": 0.5} and run.created_by == planner.user
    assert DBTaskResult.objects.get().args_kwargs["args"] == [run.pk]
    event = AuditEvent.objects.get(action="planning.run_created")
    assert event.object_id == str(run.pk)
    assert event.summary["activities"] == 3 and event.summary["nominations"] == 10


# --- executing -----------------------------------------------------------------------------


def test_the_task_solves_the_cycle_within_every_hard_constraint(
    small: SmallCycle, planner: Actor
) -> None:
    seen: list[tuple[int, str]] = []
    original = services._progress

    def spy(run_id: int, percent: int, step: str) -> None:
        original(run_id, percent, step)
        row = AllocationRun.objects.get(pk=run_id)
        seen.append((row.progress, row.status))

    with patch.object(services, "_progress", spy):
        run = executed(planner, params={"total_budget": 300})
    assert run.status == RunStatus.DONE, run.error
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and len(set(percents)) >= 7
    assert {status for _, status in seen} == {RunStatus.RUNNING}
    assert run.progress == 100 and run.finished_at is not None
    decided = list(run.decisions.select_related("activity", "partner"))
    assert len(decided) == 10
    confirmed = [d for d in decided if d.outcome == Outcome.CONFIRMED]
    per_activity = Counter(d.activity_id for d in confirmed)
    per_pair = Counter((d.activity_id, d.partner.code) for d in confirmed)
    for activity in (small.a1, small.a2, small.a3):
        assert per_activity[activity.pk] <= activity.seats
        if activity.per_partner_cap is not None:
            assert all(
                n <= activity.per_partner_cap for (a, _), n in per_pair.items() if a == activity.pk
            )
    spent = sum(float(d.activity.tuition_cost + d.activity.accommodation_cost) for d in confirmed)
    assert spent <= 300
    booked: dict[str, list[Activity]] = defaultdict(list)
    for d in confirmed:
        for other in booked[d.participant_key]:
            assert other.end < d.activity.start or d.activity.end < other.start
        booked[d.participant_key].append(d.activity)
    optimum, fcfs, robin = (run.metrics[k] for k in ("optimum", "fcfs", "round_robin"))
    assert optimum["seats"] == len(confirmed) and optimum["gap"] <= 0.005 + 1e-9
    assert optimum["value"] >= max(fcfs["value"], robin["value"]) - 1e-9
    assert fcfs["bound"] == optimum["bound"] and fcfs["gap"] >= 0
    # Every declined or waitlisted nomination says why; the baselines' outcomes are kept.
    for d in decided:
        reasons = d.reason_params["reasons"]
        assert reasons and reasons[0]["code"] == d.reason_code
        assert (d.reason_code == "chosen") == (d.outcome == Outcome.CONFIRMED)
    assert {d.fcfs_outcome for d in decided} <= set(Outcome.values)
    assert sum(d.fcfs_outcome == Outcome.CONFIRMED for d in decided) == fcfs["seats"]
    assert {m["activity"] for m in run.marginal_seat_value} == {
        small.a1.pk, small.a2.pk, small.a3.pk,
    }  # fmt: skip
    assert len(run.frontier["points"]) == 8
    # A second run of the same task leaves a finished run alone.
    services.run_execute(run.pk)
    assert run.decisions.count() == 10


def test_the_cap_and_the_overlap_show_in_the_reasons(small: SmallCycle, planner: Actor) -> None:
    run = executed(planner)
    decided = {d.nomination_id: d for d in run.decisions.all()}
    a1 = [decided[small.nominations[k].pk] for k in ("ana-a1", "bo")]
    # GEO may hold one seat at A1: one of its two is confirmed, the other stopped by the cap.
    assert sorted(d.outcome for d in a1) == [Outcome.CONFIRMED, Outcome.DECLINED]
    capped = next(d for d in a1 if d.outcome == Outcome.DECLINED)
    assert capped.reason_code == "partner_cap"
    assert capped.reason_params["reasons"][0]["params"]["partner"] == "GEO"
    ana = [decided[small.nominations[k].pk] for k in ("ana-a1", "ana-a2")]
    assert sum(d.outcome == Outcome.CONFIRMED for d in ana) <= 1


def test_unmeetable_hard_rules_fail_the_run_with_the_reason(
    small: SmallCycle, planner: Actor
) -> None:
    run = executed(
        planner,
        activities=[small.a1.pk, small.a3.pk],
        cycle=None,
        params={"hard_rules": ["fairness_floor"], "fairness_floor": 1.0, "total_budget": 100},
    )
    assert run.status == RunStatus.FAILED
    assert "fairness floor" in run.error and "100" in run.error
    assert not run.decisions.exists() and not run.metrics
    assert (
        not Nomination.objects.exclude(state="pending")
        .filter(activity__in=[small.a1, small.a3])
        .exists()
    )


# --- adjusting -----------------------------------------------------------------------------


def test_an_adjustment_that_breaks_a_cap_is_refused(small: SmallCycle, planner: Actor) -> None:
    run = executed(planner)
    capped = run.decisions.get(reason_code="partner_cap")
    with pytest.raises(Invalid) as caught:
        services.run_adjust(
            actor=planner, run_id=run.pk, nomination_id=capped.nomination_id, outcome="confirmed"
        )
    assert "cap of 1" in caught.value.message
    capped.refresh_from_db()
    assert capped.outcome == Outcome.DECLINED and not capped.adjusted
    full = run.decisions.filter(reason_code="activity_full").first()
    assert full is not None
    with pytest.raises(Invalid) as caught:
        services.run_adjust(
            actor=planner, run_id=run.pk, nomination_id=full.nomination_id, outcome="confirmed"
        )
    assert "is full" in caught.value.message
    with pytest.raises(Invalid):
        services.run_adjust(
            actor=planner, run_id=run.pk, nomination_id=full.nomination_id, outcome="maybe"
        )
    with pytest.raises(NotFound):
        services.run_adjust(
            actor=planner, run_id=run.pk, nomination_id=small.fcfs.pk + 10_000, outcome="declined"
        )


def test_an_adjustment_recomputes_the_figures_and_the_reasons(
    small: SmallCycle, planner: Actor
) -> None:
    run = executed(planner)
    seated = run.decisions.filter(activity=small.a2, outcome=Outcome.CONFIRMED).first()
    waiting = run.decisions.filter(activity=small.a2, reason_code="activity_full").first()
    assert seated is not None and waiting is not None
    before = run.metrics["optimum"]
    services.run_adjust(
        actor=planner, run_id=run.pk, nomination_id=seated.nomination_id, outcome="waitlisted"
    )
    run.refresh_from_db()
    seated.refresh_from_db()
    waiting.refresh_from_db()
    after = run.metrics["optimum"]
    assert after["seats"] == before["seats"] - 1 and after["adjustments"] == 1
    assert after["value"] < before["value"] and after["gap"] > before["gap"]
    assert run.metrics["solver"]["seats"] == before["seats"]
    assert seated.outcome == Outcome.WAITLISTED and seated.adjusted
    assert seated.reason_code == "adjusted" and seated.adjusted_by == planner.user
    # The seat freed at A2: what stopped the other nomination there is no longer the seats.
    assert waiting.reason_code != "activity_full"
    # Giving it back is allowed: it fits again.
    services.run_adjust(
        actor=planner, run_id=run.pk, nomination_id=seated.nomination_id, outcome="confirmed"
    )
    run.refresh_from_db()
    assert run.metrics["optimum"]["seats"] == before["seats"]
    assert AuditEvent.objects.filter(action="planning.run_adjusted").count() == 2


# --- applying ------------------------------------------------------------------------------


def test_apply_writes_every_decision_through_the_services_once(
    small: SmallCycle, planner: Actor
) -> None:
    run = executed(planner)
    planned = outcomes(run)
    before = AuditEvent.objects.filter(action="nomination.decide").count()
    services.run_apply(actor=planner, run_id=run.pk)
    states = dict(Nomination.objects.filter(pk__in=planned).values_list("pk", "state"))
    assert states == planned
    assert AuditEvent.objects.filter(action="nomination.decide").count() - before == 10
    event = AuditEvent.objects.get(action="planning.run_applied")
    assert event.summary["confirmed"] == Counter(planned.values())["confirmed"]
    for activity in (small.a1, small.a2, small.a3):
        activity.refresh_from_db()
        assert activity.confirmed_count == sum(
            1 for pk, o in planned.items()
            if o == "confirmed" and Nomination.objects.get(pk=pk).activity_id == activity.pk
        )  # fmt: skip
    # Each partner's liaison is told of each of its nominations' outcome.
    assert Notification.objects.filter(user=small.qat).count() == 1
    assert Notification.objects.filter(user=small.geo, message__contains="Nomination").count() == 5
    run.refresh_from_db()
    assert run.applied_at is not None and run.applied_by == planner.user
    with pytest.raises(Invalid) as caught:
        services.run_apply(actor=planner, run_id=run.pk)
    assert "was applied" in caught.value.message
    with pytest.raises(Invalid):
        services.run_adjust(
            actor=planner, run_id=run.pk, nomination_id=next(iter(planned)), outcome="declined"
        )
    assert AuditEvent.objects.filter(action="planning.run_applied").count() == 1


def test_a_stale_run_is_refused_and_nothing_is_written(small: SmallCycle, planner: Actor) -> None:
    run = executed(planner)
    nomination_withdraw(actor=Actor.from_user(small.jor), nomination_id=small.nominations["hal"].pk)
    nomination_create(
        actor=Actor.from_user(small.qat),
        activity_id=small.a2.pk,
        participant=ParticipantInput(name="Late Comer"),
    )
    with pytest.raises(Invalid) as caught:
        services.run_apply(actor=planner, run_id=run.pk)
    fields = {d["field"] for d in caught.value.details or []}
    assert fields == {f"nomination {small.nominations['hal'].pk}", "nominations"}
    assert "withdrawn" in caught.value.message
    assert set(Nomination.objects.filter(pk__in=outcomes(run)).values_list("state", flat=True)) == {
        "pending",
        "withdrawn",
    }
    run.refresh_from_db()
    assert run.applied_at is None


def test_a_run_not_done_or_a_what_if_is_not_applied(small: SmallCycle, planner: Actor) -> None:
    queued = services.run_create(actor=planner, cycle=CYCLE)
    with pytest.raises(Invalid) as caught:
        services.run_apply(actor=planner, run_id=queued.pk)
    assert "queued" in caught.value.message
    run_tasks()
    what_if = executed(planner, params={"nominations": "all"})
    assert what_if.status == RunStatus.DONE
    # Every live nomination of the cycle, in either mode: the FCFS one is in too.
    assert what_if.decisions.filter(activity=small.fcfs).count() == 1
    with pytest.raises(Invalid) as caught:
        services.run_apply(actor=planner, run_id=what_if.pk)
    assert "what-if" in caught.value.message


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "org", "reads", "plans"),
    [
        (R.COORDINATOR, "NATO", True, True),
        (R.ADMIN, "NATO", True, True),
        (R.ANALYST, "NATO", True, False),
        (R.AUDITOR, "NATO", False, False),
        (R.PARTNER_LIAISON, "GEO", False, False),
        (R.INSTITUTION_MANAGER, "PTEC-AUT-AUTINT", False, False),
    ],
)
def test_access_per_role(
    small: SmallCycle,
    planner: Actor,
    make_user: Callable[..., User],
    role: str,
    org: str,
    reads: bool,
    plans: bool,
) -> None:
    actor = Actor.from_user(make_user(role, org))
    run = executed(planner)
    nomination = run.decisions.filter(outcome=Outcome.CONFIRMED).first()
    assert nomination is not None
    if reads:
        assert selectors.run_get(actor=actor, run_id=run.pk) == run
        assert list(selectors.run_list(actor=actor)) == [run]
        assert selectors.run_decisions(actor=actor, run=run).count() == 10
    else:
        with pytest.raises(Forbidden):
            selectors.run_get(actor=actor, run_id=run.pk)
        with pytest.raises(Forbidden):
            selectors.run_list(actor=actor)
    assert AllocationRun.objects.visible_to(actor).exists() == reads
    if not plans:
        with pytest.raises(Forbidden):
            services.run_create(actor=actor, cycle=CYCLE)
        for call in (
            lambda: services.run_adjust(
                actor=actor, run_id=run.pk, nomination_id=nomination.nomination_id,
                outcome="waitlisted",
            ),
            lambda: services.run_apply(actor=actor, run_id=run.pk),
        ):  # fmt: skip
            with pytest.raises(Forbidden):
                call()
        return
    # An administrator who is not a coordinator applies through the same services.
    services.run_apply(actor=actor, run_id=run.pk)
    assert dict(Nomination.objects.filter(pk__in=outcomes(run)).values_list("pk", "state")) == (
        outcomes(run)
    )
    assert AllocationDecision.objects.filter(run=run).count() == 10

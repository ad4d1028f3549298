"""Allocation runs through the API (issue 7, item 6; the contract: extend it, don't rename it).

Start a run of a cycle or of listed activities, follow it, read its figures beside the
baselines' and every decision with its reason, adjust a decision by hand, apply the run (a
task: the request answers 202 and the run shows `applying` until it is written), and read
a cycle's deepen-versus-widen frontier. Coordinators and administrators do all of
it; analysts read; every other role is refused (403).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from coopsec.api.auth import actor_of
from coopsec.planning import selectors, services
from coopsec.planning.models import AllocationDecision, AllocationRun, Outcome, RunStatus
from coopsec.planning.reasons import decision_reasons, reason_text

router = Router(tags=["planning"])

MAX_ACTIVITIES = 20_000


class RunIn(Schema):
    cycle: int | None = Field(
        None, description="a year: its activities in allocated mode, open or closed"
    )
    activities: list[int] | None = Field(
        None, max_length=MAX_ACTIVITIES, description="or these activities' ids (not both)"
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="weights, budgets, soft and hard rules, solver limits, `partner_budgets`, "
        "`neglected_areas`, `frontier_sweep` (docs/planning.md, 'Parameters of a run')",
    )


class RunCreated(Schema):
    id: int
    status: str = Field(description=" | ".join(RunStatus.values))


class MethodFigures(Schema):
    value: float | None = Field(description="the objective: values, breadth bonus, penalties")
    bound: float | None = Field(description="the best proven upper bound on the objective")
    gap: float | None = Field(description="(bound - value) / value")
    seconds: float = Field(description="solve time")
    seats: int
    partners_served: int
    gini: float = Field(description="Gini of seats over the nominating partners")
    min_satisfaction: float | None = Field(description="lowest share of its demand a partner got")
    neglected_fill: float | None = Field(description="seats filled in neglected areas / offered")
    total_value: float = Field(description="the seats' values, without bonus and penalties")
    cost: float
    status: str


class Metrics(Schema):
    optimum: MethodFigures
    fcfs: MethodFigures
    round_robin: MethodFigures


class DecisionOut(Schema):
    nomination: int
    outcome: str = Field(description=" | ".join(Outcome.values))
    reason: str = Field(description="the main reason, in words")
    reasons: list[str] = Field(description="every reason, the main one first")
    reason_code: str
    activity: int
    partner: str = Field(description="the partner's code")
    value: float
    fcfs: str = Field(description="first come, first served's outcome")
    round_robin: str = Field(description="round robin's outcome")
    adjusted: bool = Field(description="changed by hand")


class MarginalSeat(Schema):
    activity: int
    code: str
    value: float = Field(description="LP dual of the activity's seats: value of one more seat")


class LeftOut(Schema):
    nomination: int
    reason: str


class RunSummary(Schema):
    id: int
    cycle: int | None
    activities: list[int]
    status: str = Field(description=" | ".join(RunStatus.values))
    progress: int = Field(description="percent done")
    step: str = Field(description="what the task is doing now")
    error: str = Field(
        description="why the run failed (e.g. which hard rules cannot be met), or why applying "
        "it was refused"
    )
    created_at: datetime
    created_by: str | None
    finished_at: datetime | None
    applied_at: datetime | None
    applied_by: str | None


class RunOut(RunSummary):
    params: dict[str, Any]
    metrics: Metrics | None = Field(description="once done")
    decisions: list[DecisionOut]
    marginal_seat_value: list[MarginalSeat] = Field(description="highest first")
    left_out: list[LeftOut] = Field(description="pending nominations the run could not consider")
    frontier_note: str


class OutcomeIn(Schema):
    outcome: str = Field(description=" | ".join(Outcome.values))


class DecisionChanged(Schema):
    nomination: int
    outcome: str
    reason: str
    metrics: Metrics


class FrontierPointOut(Schema):
    parameter: float
    breadth: int = Field(description="partners holding at least `breadth_seats` seats")
    depth: float = Field(description="mean seats per partner holding any")
    total_value: float
    objective: float | None
    gap: float | None
    seats: int
    chosen: list[int] = Field(description="the nominations given a seat at this point")
    partner_seats: dict[str, int] = Field(
        description="seats per partner code at this point (partners with none left out)"
    )


class FrontierOut(Schema):
    run: int
    cycle: int
    sweep: str
    breadth_seats: int
    points: list[FrontierPointOut]


def _username(user: Any) -> str | None:
    return None if user is None else user.get_username()


def _summary(run: AllocationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "cycle": run.cycle,
        "activities": run.activities,
        "status": run.status,
        "progress": run.progress,
        "step": run.step,
        "error": run.error,
        "created_at": run.created_at,
        "created_by": _username(run.created_by),
        "finished_at": run.finished_at,
        "applied_at": run.applied_at,
        "applied_by": _username(run.applied_by),
    }


def _decision(d: AllocationDecision) -> dict[str, Any]:
    reason, reasons = decision_reasons(d.reason_code, d.reason_params, adjusted=d.adjusted)
    return {
        "nomination": d.nomination_id,
        "outcome": d.outcome,
        "reason": reason,
        "reasons": reasons,
        "reason_code": d.reason_code,
        "activity": d.activity_id,
        "partner": d.partner.code,
        "value": d.value,
        "fcfs": d.fcfs_outcome,
        "round_robin": d.round_robin_outcome,
        "adjusted": d.adjusted,
    }


def _run(request: HttpRequest, run: AllocationRun, outcome: str | None) -> dict[str, Any]:
    actor = actor_of(request)
    done = run.status in (RunStatus.DONE, RunStatus.APPLYING)
    decisions = selectors.run_decisions(actor=actor, run=run, outcome=outcome)
    return {
        **_summary(run),
        "params": run.params,
        "metrics": run.metrics if done else None,
        "decisions": [_decision(d) for d in decisions],
        "marginal_seat_value": run.marginal_seat_value,
        "left_out": [
            {"nomination": row["nomination"], "reason": reason_text(row["reason"], row)}
            for row in run.inputs.get("left_out", [])
        ],
        "frontier_note": run.frontier.get("note", ""),
    }


@router.post("/runs", response={202: RunCreated}, summary="Start an allocation run")
def run_create(request: HttpRequest, payload: RunIn) -> Status[dict[str, Any]]:
    """Allocate the seats of a cycle's activities in allocated mode (`cycle`), or of listed
    activities, under `params`. The run is checked whole first — a bad or unknown parameter,
    an unknown or unallocated activity, a cycle without allocated activities or pending
    nominations, a budget below the cheapest seat answer 400 naming each — then queued
    (202); follow it at GET /planning/runs/{id}. Coordinators and administrators only."""
    run = services.run_create(
        actor=actor_of(request),
        cycle=payload.cycle,
        activities=payload.activities,
        params=payload.params,
    )
    return Status(202, {"id": run.pk, "status": run.status})


@router.get("/runs", response=list[RunSummary], summary="Allocation runs")
@paginate(LimitOffsetPagination)
def run_list(request: HttpRequest, cycle: int | None = None):  # type: ignore[no-untyped-def]
    """Every run (of `cycle`, if given), newest first: status and progress, without figures.
    Coordinators, administrators and analysts."""
    return [_summary(r) for r in selectors.run_list(actor=actor_of(request), cycle=cycle)]


@router.get("/runs/{run_id}", response=RunOut, summary="An allocation run")
def run_detail(
    request: HttpRequest,
    run_id: int,
    outcome: str | None = Query(None, description="only the decisions with this outcome"),
) -> dict[str, Any]:
    """A run's status and progress; once done, the optimum's figures beside first come first
    served's and round robin's, every decision with its reasons and the baselines' outcomes,
    and the marginal value of one more seat per activity (`outcome` keeps one kind of
    decision). A failed run's `error` says why (for unmeetable hard rules, which ones and
    why)."""
    return _run(request, selectors.run_get(actor=actor_of(request), run_id=run_id), outcome)


@router.post(
    "/runs/{run_id}/decisions/{nomination_id}",
    response=DecisionChanged,
    summary="Adjust a decision by hand",
)
def run_adjust(
    request: HttpRequest, run_id: int, nomination_id: int, payload: OutcomeIn
) -> dict[str, Any]:
    """Set one nomination's outcome in a finished run before it is applied. A seat that would
    break a hard constraint (seats, cap, budget, the participant's dates, a rule declared
    hard) answers 400 with the reason; the run's optimum figures are recomputed."""
    decision = services.run_adjust(
        actor=actor_of(request),
        run_id=run_id,
        nomination_id=nomination_id,
        outcome=payload.outcome,
    )
    run = selectors.run_get(actor=actor_of(request), run_id=run_id)
    return {
        "nomination": decision.nomination_id,
        "outcome": decision.outcome,
        "reason": reason_text(decision.reason_code, decision.reason_params),
        "metrics": run.metrics,
    }


@router.post("/runs/{run_id}/apply", response={202: RunSummary}, summary="Apply an allocation run")
def run_apply(request: HttpRequest, run_id: int) -> Status[dict[str, Any]]:
    """Queue the writing of the run's decisions through the nomination services
    (confirmations, then waitlists, then declines; audited, the partners notified): 202 with
    the run, now `applying`. Follow it at GET /planning/runs/{id}: once written it is `done`
    again with `applied_at` set; if the cycle changed in the meantime (or the registration
    services refuse a decision), it is `done` and unapplied, `error` says why and nothing
    was written. Once only; a run not done, being or already applied, a what-if, or whose
    cycle changed since it was read (a nomination decided or withdrawn, a new one, seats
    changed) answers 400 at once naming what, and nothing is queued."""
    run = services.run_apply_request(actor=actor_of(request), run_id=run_id)
    return Status(202, _summary(run))


class FrontierQuery(Schema):
    cycle: int = Field(description="the cycle (year)")


@router.get("/frontier", response=FrontierOut, summary="A cycle's deepen-versus-widen frontier")
def frontier(request: HttpRequest, query: Query[FrontierQuery]) -> dict[str, Any]:
    """The frontier traced by the newest finished run of the cycle: per point, the swept
    parameter, breadth (partners with at least `breadth_seats` seats), depth (mean seats per
    engaged partner), value and the allocation itself. 404 naming the cycle when no run of
    it has one."""
    run = selectors.frontier_latest(actor=actor_of(request), cycle=query.cycle)
    return {
        "run": run.pk,
        "cycle": query.cycle,
        "sweep": run.frontier["sweep"],
        "breadth_seats": run.frontier["breadth_seats"],
        "points": run.frontier["points"],
    }

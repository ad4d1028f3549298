"""Writes of the planning workflow (issue 7, item 5; docs/planning.md, "Workflow"): start a
run, execute it (the task's body), adjust a decision by hand, apply the run.

A run is checked whole before anything is stored — its parameters, its activities or
cycle, the instance they make (seats, caps, budgets) — and then stored with an audit event
and handed to the task queue in one transaction, so a run is queued exactly when its row
exists. The task (`planning.tasks.run_execute`, run by `coopsec db-worker`) reads the cycle
again as the run's creator, records its progress on the row as it goes, and stores the
figures and one decision per nomination. Applying writes every decision through
`activities.services.nomination_decide`, so seats, caps, audit events and the partners'
notifications are exactly those of a decision taken by hand; a whole cycle takes minutes,
so pages and the API ask for it (`run_apply_request`, refused at once when the run cannot
be applied) and a task writes it (`run_apply_execute`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import services as registration
from coopsec.audit.services import audit_record
from coopsec.errors import CoopsecError, Forbidden, Invalid, NotFound
from coopsec.planning import access
from coopsec.planning.adapter import Cycle, read_cycle
from coopsec.planning.execute import NoAllocation, Progress, RunResult, solve_cycle
from coopsec.planning.models import AllocationDecision, AllocationRun, Outcome, RunStatus
from coopsec.planning.optimize.instance import Problem
from coopsec.planning.optimize.value import nomination_value
from coopsec.planning.params import EVERY, parse_params
from coopsec.planning.revise import revised
from coopsec.planning.snapshot import instance_of_run, stale_problems

logger = logging.getLogger(__name__)

APPLY_ORDER = (Outcome.CONFIRMED, Outcome.WAITLISTED, Outcome.DECLINED)


def run_create(
    *,
    actor: Actor,
    cycle: int | None = None,
    activities: list[int] | None = None,
    params: dict[str, Any] | None = None,
    enqueue: bool = True,
) -> AllocationRun:
    """Check a run of `cycle` (a year) or of the listed `activities` under `params`, store
    it, audit it and queue its task (`enqueue=False`: the caller executes it in process).

    Raises Forbidden for roles that do not plan, Invalid naming every bad field (an unknown
    or unallocated activity, a cycle without allocated activities, a bad or unknown
    parameter, a budget below the cheapest seat, ...); nothing is stored then.
    """
    if not access.can_create_run(actor):
        raise Forbidden(_("Only coordinators and administrators allocate seats."))
    given = {} if params is None else params
    cycle_read = read_cycle(actor=actor, cycle=cycle, activity_ids=activities, params=given)
    with transaction.atomic():
        run = AllocationRun.objects.create(
            created_by=actor.user,
            cycle=cycle,
            activities=list(activities or []),
            params=given,
            language=translation.get_language() or "en",
        )
        audit_record(
            actor=actor,
            action="planning.run_created",
            object_type="planning.run",
            object_id=run.pk,
            summary={
                "cycle": cycle,
                "activities": len(cycle_read.instance.activities),
                "nominations": len(cycle_read.instance.nominations),
                "params": given,
            },
        )
        if enqueue:
            from coopsec.planning.tasks import run_execute as task

            task.enqueue(run.pk)
    return run


def _progress(run_id: int, percent: int, step: str) -> None:
    """Record how far the run is (outside any transaction, so readers see it at once)."""
    AllocationRun.objects.filter(pk=run_id).update(progress=min(100, percent), step=step[:200])


def _fail(run_id: int, error: str) -> None:
    AllocationRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, step="", error=error, finished_at=timezone.now()
    )


def run_execute(run_id: int, *, progress: Progress | None = None) -> None:
    """Execute a queued run: read its cycle, solve, compare, explain, store (the task body).

    A run that is not queued (done, or taken by another worker) is left alone. Input that
    no longer holds (the cycle changed since the request) and hard rules that cannot all be
    met fail the run with the reason, storing no decision; any other error fails it too, is
    logged and raised again for the task queue to record. `progress(percent, step)` is
    told each step as well.
    """
    claimed = AllocationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=1, step=_("Starting")
    )
    if not claimed:
        return
    run = AllocationRun.objects.select_related("created_by").get(pk=run_id)

    def step(percent: int, text: str) -> None:
        _progress(run_id, percent, text)
        if progress is not None:
            progress(percent, text)

    with translation.override(run.language):
        try:
            _execute(run, step)
        except (CoopsecError, NoAllocation) as exc:
            _fail(run_id, exc.message if isinstance(exc, CoopsecError) else str(exc))
        except Exception:
            logger.exception("Allocation run %s failed", run_id)
            _fail(run_id, _("The run failed unexpectedly; the error is in the server's log."))
            raise


def _creator(run: AllocationRun) -> Actor:
    """Who the run reads as: its creator, or the operator for a command-line run."""
    user = run.created_by
    if user is None:
        return Actor.system()
    if not user.is_active:
        raise Forbidden(_("The account that started this run is no longer active."))
    return Actor.from_user(user)


def _execute(run: AllocationRun, step: Progress) -> None:
    step(5, _("Reading the cycle"))
    actor = _creator(run)
    if not access.can_create_run(actor):
        raise Forbidden(_("The account that started this run may no longer allocate seats."))
    cycle = read_cycle(
        actor=actor, cycle=run.cycle, activity_ids=run.activities or None, params=run.params
    )
    codes = {a["id"]: a["code"] for a in cycle.inputs["activities"]}
    result = solve_cycle(
        cycle.instance,
        cycle.run_params.params,
        codes=codes,
        sweep=cycle.run_params.frontier_sweep,
        progress=step,
    )
    step(95, _("Storing the decisions"))
    with transaction.atomic():
        AllocationDecision.objects.bulk_create(_decisions(run, cycle, result), batch_size=2000)
        AllocationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            progress=100,
            step="",
            error="",
            finished_at=timezone.now(),
            inputs=cycle.inputs,
            metrics=result.metrics,
            marginal_seat_value=result.marginal_seat_value,
            frontier=result.frontier,
        )


def _decisions(run: AllocationRun, cycle: Cycle, result: RunResult) -> list[AllocationDecision]:
    rows = []
    params = cycle.run_params.params
    for nomination in cycle.instance.nominations:
        outcome, reasons = result.decisions[nomination.id]
        facts = cycle.facts[nomination.id]
        rows.append(
            AllocationDecision(
                run=run,
                nomination_id=nomination.id,
                outcome=outcome,
                reason_code=reasons[0]["code"],
                reason_params={"reasons": reasons},
                value=nomination_value(nomination, params),
                fcfs_outcome=result.baselines["fcfs"][nomination.id],
                round_robin_outcome=result.baselines["round_robin"][nomination.id],
                activity_id=facts.activity_id,
                partner_id=facts.partner_id,
                participant_key=nomination.participant,
                submitted_at=nomination.submitted_at,
                rank=nomination.rank,
                interest=nomination.interest,
                alliance_priority=nomination.alliance_priority,
                serves_objective=nomination.serves_objective,
            )
        )
    return rows


def _run_for_update(actor: Actor, run_id: int) -> AllocationRun:
    """The run, locked for this transaction. Raises NotFound."""
    run = AllocationRun.objects.visible_to(actor).select_for_update().filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No allocation run %(id)s.") % {"id": run_id})
    return run


def _open_for_changes(run: AllocationRun) -> None:
    """Raises Invalid unless the run is done and not applied (nor being applied)."""
    if run.status == RunStatus.APPLYING:
        raise Invalid(
            _("Run %(id)s is being applied; it cannot change any more.") % {"id": run.pk},
            details={"run": run.status},
        )
    if run.status != RunStatus.DONE:
        raise Invalid(
            _("Run %(id)s is %(status)s; only a finished run can be changed or applied.")
            % {"id": run.pk, "status": str(RunStatus(run.status).label).lower()},
            details={"run": run.status},
        )
    _not_applied(run)


def _not_applied(run: AllocationRun) -> None:
    if run.applied_at is not None:
        raise Invalid(
            _("Run %(id)s was applied on %(when)s; it cannot change any more.")
            % {"id": run.pk, "when": timezone.localtime(run.applied_at).strftime("%Y-%m-%d %H:%M")},
            details={"run": "applied"},
        )


def run_adjust(
    *, actor: Actor, run_id: int, nomination_id: int, outcome: str
) -> AllocationDecision:
    """Change one decision of a finished, unapplied run by hand, and recompute the run's
    optimum figures and the other decisions' reasons.

    Raises Forbidden (not a planner), NotFound (no such run, or the nomination is not in
    it), Invalid (an unknown outcome; the run is not done or already applied; a seat that
    would break a hard constraint: the activity's seats, the partner's cap or budget, the
    total budget, the participant's dates, or a soft rule declared hard).
    """
    if not access.can_view_runs(actor):
        raise Forbidden(_("Your role does not give access to allocation runs."))
    if outcome not in Outcome.values:
        raise Invalid(
            _("'%(value)s' is not an outcome; choose one of %(choices)s.")
            % {"value": outcome, "choices": ", ".join(Outcome.values)},
            details={"outcome": outcome},
        )
    with transaction.atomic():
        run = _run_for_update(actor, run_id)
        if not access.can_adjust_run(actor):
            raise Forbidden(_("Only coordinators and administrators adjust allocation runs."))
        _open_for_changes(run)
        decisions = list(run.decisions.select_related("partner").order_by("pk"))
        decision = next((d for d in decisions if d.nomination_id == nomination_id), None)
        if decision is None:
            raise NotFound(
                _("Nomination %(nomination)s is not in run %(run)s.")
                % {"nomination": nomination_id, "run": run_id}
            )
        if decision.outcome == outcome:
            return decision
        before = decision.outcome
        instance = instance_of_run(run, decisions)
        params = parse_params(run.params).params
        codes = {a["id"]: a["code"] for a in run.inputs["activities"]}
        changes = revised(instance, params, run, decisions, decision, outcome, codes)
        decision.outcome = outcome
        decision.adjusted = True
        decision.adjusted_by = actor.user
        AllocationDecision.objects.bulk_update(
            [decision, *changes.decisions],
            ["outcome", "adjusted", "adjusted_by", "reason_code", "reason_params"],
            batch_size=2000,
        )
        run.metrics = changes.metrics
        run.save(update_fields=["metrics"])
        audit_record(
            actor=actor,
            action="planning.run_adjusted",
            object_type="planning.run",
            object_id=run.pk,
            summary={"nomination": nomination_id, "from": before, "to": outcome},
        )
    return decision


def run_apply(*, actor: Actor, run_id: int) -> AllocationRun:
    """Write a finished run's decisions through the nomination services — confirmations
    first, then waitlists, then declines — in one transaction, audited, each partner
    notified by those services. A run is applied once. (Pages and the API queue this as a
    task: `run_apply_request`; the command line applies in its own process.)

    Raises Forbidden (not a planner), NotFound, Invalid (the run is not done, was already
    applied, or the cycle changed since it was read: a nomination decided, withdrawn or
    re-ranked, a new nomination, an activity's seats or cap changed; or a decision the
    registration services refuse). Nothing is written then.
    """
    if not access.can_view_runs(actor):
        raise Forbidden(_("Your role does not give access to allocation runs."))
    with transaction.atomic():
        run = _run_for_update(actor, run_id)
        if not access.can_apply_run(actor):
            raise Forbidden(_("Only coordinators and administrators apply allocation runs."))
        _open_for_changes(run)
        _applicable(actor, run)
        _write_decisions(actor, run)
    return run


def run_apply_request(*, actor: Actor, run_id: int) -> AllocationRun:
    """Check that a finished run can be applied now, mark it applying, audit the request and
    queue the task that applies it (`planning.tasks.run_apply`), in one transaction.

    The refusals of `run_apply` are given here, at once: Forbidden (not a planner),
    NotFound, Invalid (the run is not done, is being or was applied, is a what-if, or the
    cycle changed since it was read). The task checks the cycle again before it writes.
    """
    if not access.can_view_runs(actor):
        raise Forbidden(_("Your role does not give access to allocation runs."))
    with transaction.atomic():
        run = _run_for_update(actor, run_id)
        if not access.can_apply_run(actor):
            raise Forbidden(_("Only coordinators and administrators apply allocation runs."))
        _open_for_changes(run)
        _applicable(actor, run)
        run.status = RunStatus.APPLYING
        run.progress = 0
        run.step = _("Waiting for a worker to apply the decisions")
        run.error = ""
        run.save(update_fields=["status", "progress", "step", "error"])
        audit_record(
            actor=actor,
            action="planning.run_apply_requested",
            object_type="planning.run",
            object_id=run.pk,
            summary={"cycle": run.cycle},
        )
        from coopsec.planning.tasks import run_apply as task

        user_id = None if actor.user is None else actor.user.pk
        task.enqueue(run.pk, user_id, translation.get_language() or run.language)
    return run


def run_apply_execute(run_id: int, *, user_id: int | None, language: str) -> None:
    """Apply a run marked applying, as the user who asked (the task body of
    `run_apply_request`).

    A run that is not applying is left alone. A refusal — the cycle changed since the
    request, a decision the registration services refuse, the account no longer allowed —
    puts the run back to done with the reason in `error`, and nothing is written; so does
    any other error, which is logged and raised again for the task queue to record.
    """
    with translation.override(language):
        decisions = AllocationDecision.objects.filter(run_id=run_id).count()
        claimed = AllocationRun.objects.filter(pk=run_id, status=RunStatus.APPLYING).update(
            progress=5,
            # The writes are one transaction (all or nothing), so no reader can see them
            # advance: this step stands until they are committed.
            step=_("Checking the cycle again and writing %(n)s decisions") % {"n": decisions},
        )
        if claimed:
            try:
                _apply_claimed(run_id, user_id)
            except CoopsecError as exc:
                _apply_refused(run_id, exc.message)
            except Exception:
                logger.exception("Applying allocation run %s failed", run_id)
                _apply_refused(
                    run_id, _("Applying failed unexpectedly; the error is in the server's log.")
                )
                raise


def _apply_claimed(run_id: int, user_id: int | None) -> None:
    actor = _applier(user_id)
    with transaction.atomic():
        run = _run_for_update(actor, run_id)
        if not access.can_apply_run(actor):
            raise Forbidden(_("The account that asked may no longer apply runs."))
        if run.status != RunStatus.APPLYING:
            return
        _not_applied(run)
        _applicable(actor, run)
        _write_decisions(actor, run)
        run.status = RunStatus.DONE
        run.progress = 100
        run.step = ""
        run.save(update_fields=["status", "progress", "step"])


def _applier(user_id: int | None) -> Actor:
    """Who applies: the user who asked, or the operator."""
    if user_id is None:
        return Actor.system()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise Forbidden(_("The account that asked to apply this run is no longer active."))
    return Actor.from_user(user)


def _apply_refused(run_id: int, error: str) -> None:
    """Back to done, unapplied, with why (outside the failed transaction)."""
    AllocationRun.objects.filter(pk=run_id, status=RunStatus.APPLYING).update(
        status=RunStatus.DONE, progress=100, step="", error=error
    )


def _applicable(actor: Actor, run: AllocationRun) -> None:
    """Raises Invalid when the run is a what-if or the cycle changed since it was read."""
    if run.inputs.get("nominations") == EVERY:
        raise Invalid(
            _(
                "Run %(id)s is a what-if over every nomination of its cycle, decided or "
                "not; it is for comparison and cannot be applied."
            )
            % {"id": run.pk},
            details={"params.nominations": EVERY},
        )
    problems = stale_problems(actor, run)
    if problems:
        raise Invalid(
            _("The cycle changed since run %(id)s read it; start a new run. %(problems)s")
            % {"id": run.pk, "problems": _first(problems)},
            details=[{"field": p.where, "message": p.message} for p in problems],
        )


def _write_decisions(actor: Actor, run: AllocationRun) -> None:
    """Every decision through the nomination services, the run marked applied, audited
    (inside the caller's transaction)."""
    registrar = access.registrar_for(actor)
    counts: dict[str, int] = {str(o): 0 for o in APPLY_ORDER}
    for outcome in APPLY_ORDER:
        for nomination_id in (
            run.decisions.filter(outcome=outcome)
            .order_by("activity_id", "nomination_id")
            .values_list("nomination_id", flat=True)
        ):
            _decide(registrar, nomination_id, outcome)
            counts[outcome] += 1
    run.applied_at = timezone.now()
    run.applied_by = actor.user
    run.error = ""
    run.save(update_fields=["applied_at", "applied_by", "error"])
    audit_record(
        actor=actor,
        action="planning.run_applied",
        object_type="planning.run",
        object_id=run.pk,
        summary={"cycle": run.cycle, **counts},
    )


def _first(problems: list[Problem], shown: int = 10) -> str:
    """The first problems in words (a whole cycle may have changed: the details list all)."""
    text = "; ".join(str(p).rstrip(".") for p in problems[:shown]) + "."
    if len(problems) > shown:
        text += " " + _("… and %(n)s more.") % {"n": len(problems) - shown}
    return text


def _decide(registrar: Actor, nomination_id: int, outcome: str) -> None:
    try:
        registration.nomination_decide(actor=registrar, nomination_id=nomination_id, to=outcome)
    except CoopsecError as exc:
        raise Invalid(
            _("Nomination %(id)s could not be %(outcome)s: %(reason)s Nothing was applied.")
            % {
                "id": nomination_id,
                "outcome": str(Outcome(outcome).label).lower(),
                "reason": exc.message,
            },
            details={f"nomination {nomination_id}": exc.message},
        ) from exc

"""Reads of allocation runs, scoped by planning/access.py: the roles that read runs see every
run; every other role is refused (403), since a run belongs to no partner or institution."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.planning import access
from coopsec.planning.models import AllocationDecision, AllocationRun, Outcome, RunStatus

# What a list of decisions shows (a run holds thousands: no more than that).
DECISION_FIELDS = (
    "run_id", "nomination_id", "outcome", "reason_code", "reason_params", "value",
    "fcfs_outcome", "round_robin_outcome", "adjusted", "rank", "interest",
    "alliance_priority", "serves_objective", "activity__code", "activity__title",
    "activity__title_fr", "activity__start", "partner__code", "partner__name",
    "adjusted_by__username",
)  # fmt: skip
# The big parts of a run, left out of lists.
HEAVY_FIELDS = ("inputs", "frontier", "marginal_seat_value")


def _runs(actor: Actor) -> QuerySet[AllocationRun]:
    if not access.can_view_runs(actor):
        raise Forbidden(_("Your role does not give access to allocation runs."))
    return AllocationRun.objects.visible_to(actor).select_related("created_by", "applied_by")


def run_list(*, actor: Actor, cycle: int | None = None) -> QuerySet[AllocationRun]:
    """Every run (of `cycle`, if given), newest first, without their inputs and frontier.
    Raises Forbidden for roles that do not read runs."""
    runs = _runs(actor).defer(*HEAVY_FIELDS)
    if cycle is not None:
        runs = runs.filter(cycle=cycle)
    return runs.order_by("-created_at", "-id")


def run_get(*, actor: Actor, run_id: int) -> AllocationRun:
    """One run, whole. Raises Forbidden for roles that do not read runs, NotFound."""
    run = _runs(actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No allocation run %(id)s.") % {"id": run_id})
    return run


def run_decisions(
    *,
    actor: Actor,
    run: AllocationRun,
    outcome: str | None = None,
    partner: str | None = None,
    activity: int | None = None,
) -> QuerySet[AllocationDecision]:
    """The run's decisions by activity and nomination, with the activity and the partner
    (`outcome` keeps one kind, `partner` one partner's by code, `activity` one activity's by
    id). Raises Forbidden for roles that do not read runs, Invalid for an unknown outcome."""
    if not access.can_view_runs(actor):
        raise Forbidden(_("Your role does not give access to allocation runs."))
    decisions = run.decisions.select_related("activity", "partner", "adjusted_by").only(
        *DECISION_FIELDS
    )
    if outcome is not None:
        if outcome not in Outcome.values:
            raise Invalid(
                _("'%(value)s' is not an outcome; choose one of %(choices)s.")
                % {"value": outcome, "choices": ", ".join(Outcome.values)},
                details={"outcome": outcome},
            )
        decisions = decisions.filter(outcome=outcome)
    if partner is not None:
        decisions = decisions.filter(partner__code=partner)
    if activity is not None:
        decisions = decisions.filter(activity_id=activity)
    return decisions.order_by("activity__start", "activity_id", "nomination_id")


def frontier_latest(*, actor: Actor, cycle: int) -> AllocationRun:
    """The newest finished run of `cycle` that traced a frontier. Raises Forbidden for roles
    that do not read runs, NotFound naming the cycle when there is none."""
    run = (
        _runs(actor)
        .filter(cycle=cycle, status__in=(RunStatus.DONE, RunStatus.APPLYING))
        .exclude(frontier__points=[])
        .order_by("-created_at", "-id")
        .first()
    )
    if run is None:
        raise NotFound(
            _("No finished allocation run of cycle %(cycle)s has a frontier.") % {"cycle": cycle}
        )
    return run

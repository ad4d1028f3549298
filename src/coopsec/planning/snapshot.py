"""What a run kept of the cycle it read, and whether that still holds.

The instance a run solved is rebuilt from the run's `inputs` and its decisions' copies of
their nominations, so a decision adjusted by hand is checked against exactly what was
solved, even after the nominations changed. Before a run is applied, the cycle is read
again and compared with what the run kept: anything decided, withdrawn, re-ranked or added
since, or an activity's seats or cap changed, makes the run stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.activities import selectors as activities
from coopsec.activities.models import NominationState
from coopsec.planning.adapter import ALLOCATABLE_STATES
from coopsec.planning.models import AllocationDecision, AllocationRun
from coopsec.planning.optimize import instance as opt
from coopsec.planning.optimize.instance import Problem


def instance_of_run(run: AllocationRun, decisions: Iterable[AllocationDecision]) -> opt.Instance:
    """The instance a run solved, rebuilt from what it kept (`inputs` and the decisions'
    copies of their nominations), so adjustments are checked against exactly that."""
    return opt.Instance(
        activities=tuple(
            opt.Activity(
                id=a["id"],
                seats=a["seats"],
                cap=a["cap"],
                cost_per_seat=a["cost"],
                area=a["area"],
                neglected=a["neglected"],
                start=date.fromisoformat(a["start"]),
                end=date.fromisoformat(a["end"]),
            )
            for a in run.inputs["activities"]
        ),
        nominations=tuple(
            opt.Nomination(
                id=d.nomination_id,
                activity=d.activity_id,
                partner=d.partner.code,
                participant=d.participant_key,
                submitted_at=d.submitted_at,
                rank=d.rank,
                interest=d.interest,
                alliance_priority=d.alliance_priority,
                serves_objective=d.serves_objective,
            )
            for d in decisions
        ),
        partners=tuple(
            opt.Partner(code=p["code"], operational=p["operational"], budget=p["budget"])
            for p in run.inputs["partners"]
        ),
    )


def stale_problems(actor: Actor, run: AllocationRun) -> list[Problem]:
    """What changed since the run read its cycle: nominations no longer pending or with
    another rank, new pending nominations, activities whose seats or cap changed (read as
    the actor applying the run)."""
    decided = dict(run.decisions.values_list("nomination_id", "rank"))
    left_out = {row["nomination"] for row in run.inputs.get("left_out", [])}
    ids = [a["id"] for a in run.inputs["activities"]]
    problems: list[Problem] = []
    now = {
        pk: (state, priority)
        for pk, state, priority in activities.nomination_list(actor=actor)
        .filter(
            Q(pk__in=run.decisions.values("nomination_id"))
            | Q(activity_id__in=ids, state=NominationState.PENDING)
        )
        .values_list("pk", "state", "priority")
    }
    for pk, rank in decided.items():
        state, priority = now.get(pk, (None, None))
        if state != NominationState.PENDING:
            problems.append(
                Problem(
                    f"nomination {pk}",
                    _("is now %(state)s, not pending.") % {"state": _state_name(state)},
                )
            )
        elif priority != rank:
            problems.append(
                Problem(
                    f"nomination {pk}",
                    _("its rank changed from %(old)s to %(new)s.") % {"old": rank, "new": priority},
                )
            )
    new = sorted(set(now) - set(decided) - left_out)
    if new:
        problems.append(
            Problem(
                "nominations",
                _("%(n)s nomination(s) were made since the run: %(ids)s.")
                % {"n": len(new), "ids": ", ".join(map(str, new[:10]))},
            )
        )
    current = {a.pk: a for a in activities.activity_list(actor=actor).filter(pk__in=ids)}
    for given in run.inputs["activities"]:
        a = current.get(given["id"])
        if a is None or a.state not in ALLOCATABLE_STATES:
            problems.append(Problem(f"activity {given['code']}", _("is no longer open or closed.")))
        elif (a.seats, a.confirmed_count, a.per_partner_cap) != (
            given["total_seats"],
            given["held"],
            given["cap"],
        ):
            problems.append(
                Problem(f"activity {given['code']}", _("its seats or cap changed since the run."))
            )
    return problems


def _state_name(state: str | None) -> str:
    """A nomination's state in the reader's words ("deleted" when it is gone)."""
    if state is None:
        return _("deleted")
    return str(NominationState(state).label).lower()

"""A decision changed by hand: checked against the hard constraints of the instance the run
solved, then the run's optimum figures and the other decisions' reasons recomputed.

A seat given by hand must fit like any other — the activity's free seats, the partner's cap
and budget, the total budget, the participant's dates — and no soft rule declared hard may
fall short once the change is made (taking a seat away can break a hard fairness floor).
The bound stays what the solver proved (the instance has not changed), so the gap shows
what the hand edits cost against the best possible; the solver's own figures are kept
beside them (`metrics["solver"]`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopsec.errors import Invalid
from coopsec.planning.execute import figures
from coopsec.planning.models import AllocationDecision, AllocationRun, Outcome
from coopsec.planning.optimize.explain import Reason, explain_declined
from coopsec.planning.optimize.instance import Instance, Params
from coopsec.planning.optimize.ledger import Ledger
from coopsec.planning.optimize.model import Solution
from coopsec.planning.optimize.value import Tally, objective
from coopsec.planning.reasons import ADJUSTED, explained, reason_params, reason_text

# The soft rules by name, in the reader's words.
RULE_NAMES = {
    "fairness_floor": gettext_lazy("Fairness floor"),
    "non_operational_share": gettext_lazy("Non-operational share"),
    "neglected_fill": gettext_lazy("Neglected-area fill"),
}


@dataclass(frozen=True)
class Revision:
    """The run's new figures and the other decisions whose reasons changed."""

    metrics: dict[str, Any]
    decisions: list[AllocationDecision]


def _refuse(nomination_id: int, messages: list[str]) -> Invalid:
    return Invalid(
        _("Nomination %(id)s cannot be changed so: %(reasons)s")
        % {"id": nomination_id, "reasons": " ".join(messages)},
        details={f"nomination {nomination_id}": messages},
    )


def revised(
    instance: Instance,
    params: Params,
    run: AllocationRun,
    decisions: list[AllocationDecision],
    decision: AllocationDecision,
    outcome: str,
    codes: Mapping[int, str],
) -> Revision:
    """Check `decision` turned into `outcome` and recompute what depends on it. The caller
    saves `decision` (its reason is set here) and the returned decisions.

    Raises Invalid naming each hard constraint the change would break.
    """
    chosen = {d.nomination_id for d in decisions if d.outcome == Outcome.CONFIRMED}
    nomination = instance.nomination[decision.nomination_id]
    chosen.discard(nomination.id)
    if outcome == Outcome.CONFIRMED:
        ledger = Ledger(instance, params, chosen)
        blocks = ledger.blocks(nomination)
        if blocks:
            tally = Tally.of(instance, params, chosen)
            code = codes[nomination.activity]
            raise _refuse(
                nomination.id,
                [
                    reason_text(
                        *reason_params(
                            instance,
                            params,
                            ledger,
                            tally,
                            nomination,
                            Reason(b.rule, "", b.holders),
                            code,
                        )
                    )
                    for b in blocks
                ],
            )
        chosen.add(nomination.id)
    allocation = frozenset(chosen)
    score = objective(instance, params, allocation)
    if score.broken_rules:
        raise _refuse(
            nomination.id,
            [
                _("The %(rule)s, declared a hard rule, would no longer be met.")
                % {"rule": str(RULE_NAMES.get(rule, rule)).lower()}
                for rule in score.broken_rules
            ],
        )
    metrics = _metrics(instance, params, run.metrics, allocation, score.objective)
    answers = explained(
        instance, params, allocation, explain_declined(instance, params, allocation), codes
    )
    decision.reason_code = ADJUSTED
    decision.reason_params = {
        "from": decision.outcome,
        "to": outcome,
        "reasons": answers[nomination.id][1],
    }
    changed = []
    for other in decisions:
        if other is decision:
            continue
        reasons = answers[other.nomination_id][1]
        if other.reason_params.get("reasons") == reasons:
            continue
        other.reason_params = {**other.reason_params, "reasons": reasons}
        if not other.adjusted:
            other.reason_code = reasons[0]["code"]
        changed.append(other)
    return Revision(metrics=metrics, decisions=changed)


def _metrics(
    instance: Instance,
    params: Params,
    before: dict[str, Any],
    allocation: frozenset[int],
    value: float,
) -> dict[str, Any]:
    optimum = before["optimum"]
    hand = Solution("adjusted", "adjusted", value, None, None, optimum["seconds"], allocation)
    now = figures(instance, params, hand, optimum["bound"])
    return {
        **before,
        "optimum": {
            **optimum,
            **now,
            "status": optimum["status"],
            "adjustments": optimum.get("adjustments", 0) + 1,
        },
        "solver": before.get("solver", optimum),
    }

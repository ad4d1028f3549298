"""Why a run decided what it did, kept as a code and its parameters and put into words at
display time, in the reader's language.

The optimizer explains every declined nomination (`optimize.explain`: one reason per hard
constraint that stops it, or its price when none does); here each reason becomes a code with
the numbers a sentence needs, so a stored run reads in English or French alike. A reason
names nominations by number and partners by code, never a participant.

Outcome of a nomination without a seat: **waitlisted** when only the activity's seats (or
the total budget) stop it, or when it would fit and the solver stopped within its gap — a
seat or money freed later could go to it; **declined** when its partner's cap or budget, its
participant's dates, or its value under the run's weights stop it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from coopsec.planning.models import Outcome
from coopsec.planning.optimize.explain import TOLERANCE, Explanation, Reason
from coopsec.planning.optimize.instance import Instance, Nomination, Params
from coopsec.planning.optimize.ledger import Ledger
from coopsec.planning.optimize.value import Tally, gain, nomination_value

CHOSEN = "chosen"
ADJUSTED = "adjusted"
NO_SEATS, WORTHLESS = "no_seats", "worthless"
# Rules that a seat or money freed later at the activity could lift.
WAITING_RULES = frozenset({"activity_full", NO_SEATS, "total_budget", "gap"})


def outcome_of(codes: list[str]) -> str:
    """Waitlisted when every reason could lift by itself later, declined otherwise."""
    return Outcome.WAITLISTED if set(codes) <= WAITING_RULES else Outcome.DECLINED


def reason_params(
    instance: Instance,
    params: Params,
    ledger: Ledger,
    tally: Tally,
    nomination: Nomination,
    reason: Reason,
    activity_code: str,
) -> tuple[str, dict[str, Any]]:
    """The code and parameters of one of the optimizer's reasons for `nomination`."""
    activity = instance.activity[nomination.activity]
    value = round(nomination_value(nomination, params), 4)
    rule = reason.rule
    if rule == "activity_full":
        if not reason.holders:
            return NO_SEATS, {"activity": activity_code}
        values = [nomination_value(instance.nomination[h], params) for h in reason.holders]
        return rule, {
            "activity": activity_code,
            "seats": activity.seats,
            "min": round(min(values), 4),
            "max": round(max(values), 4),
            "value": value,
            "all_worth_more": min(values) >= value - TOLERANCE,
        }
    if rule == "partner_cap":
        return rule, {
            "activity": activity_code,
            "partner": nomination.partner,
            "cap": activity.cap,
            "holders": list(reason.holders),
        }
    if rule == "partner_budget":
        budget = instance.partner[nomination.partner].budget or 0.0
        return rule, {
            "partner": nomination.partner,
            "budget": budget,
            "left": round(budget - ledger.spent[nomination.partner], 2),
            "cost": activity.cost_per_seat,
        }
    if rule == "total_budget":
        budget = params.total_budget or 0.0
        return rule, {
            "budget": budget,
            "left": round(budget - ledger.total_spent, 2),
            "cost": activity.cost_per_seat,
        }
    if rule == "participant_conflict":
        return rule, {"holders": list(reason.holders)}
    delta = round(gain(instance, params, tally, nomination), 4)
    if rule == "gap":
        return rule, {"delta": delta, "gap": params.mip_gap}
    if value <= TOLERANCE and delta >= -TOLERANCE:
        return WORTHLESS, {}
    return rule, {"delta": -delta, "value": value, "share": params.non_operational_share}


def explained(
    instance: Instance,
    params: Params,
    chosen: frozenset[int],
    explanations: Mapping[int, Explanation],
    codes: Mapping[int, str],
) -> dict[int, tuple[str, list[dict[str, Any]]]]:
    """Per nomination: its outcome and its reasons as [{"code", "params"}], the main one
    first. `codes` names the activities by id."""
    ledger = Ledger(instance, params, chosen)
    tally = Tally.of(instance, params, chosen)
    answers: dict[int, tuple[str, list[dict[str, Any]]]] = {}
    for nomination in instance.nominations:
        if nomination.id in chosen:
            value = round(nomination_value(nomination, params), 4)
            answers[nomination.id] = (Outcome.CONFIRMED, [_one(CHOSEN, {"value": value})])
            continue
        code = codes[nomination.activity]
        reasons = [
            _one(*reason_params(instance, params, ledger, tally, nomination, r, code))
            for r in explanations[nomination.id].reasons
        ]
        answers[nomination.id] = (outcome_of([r["code"] for r in reasons]), reasons)
    return answers


def _one(code: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "params": params}


def _outcome_name(outcome: str) -> str:
    return str(Outcome(outcome).label).lower()


def _ids(ids: list[int]) -> str:
    return ", ".join(map(str, ids))


def _text_activity_full(p: Mapping[str, Any]) -> str:
    if p["all_worth_more"]:
        return (
            _(
                "Activity %(activity)s is full: its %(seats)s seats went to nominations worth "
                "%(min).2f to %(max).2f (this one %(value).2f), every one worth at least as much."
            )
            % p
        )
    return (
        _(
            "Activity %(activity)s is full: its %(seats)s seats went to nominations worth "
            "%(min).2f to %(max).2f (this one %(value).2f); giving this one a seat instead would "
            "cost more elsewhere (a partner's fairness floor, breadth, or the seat it would free)."
        )
        % p
    )


TEXTS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    CHOSEN: lambda p: _("Given a seat (value %(value).2f).") % p,
    NO_SEATS: lambda p: _("Activity %(activity)s has no free seat.") % p,
    "activity_full": _text_activity_full,
    "partner_cap": lambda p: (
        _(
            "Partner %(partner)s already holds its cap of %(cap)s seats at activity %(activity)s "
            "(nominations %(held)s)."
        )
        % {**p, "held": _ids(p["holders"])}
    ),
    "partner_budget": lambda p: (
        _(
            "Partner %(partner)s's budget of %(budget).2f has %(left).2f left, less than this "
            "seat's %(cost).2f."
        )
        % p
    ),
    "total_budget": lambda p: (
        _("The total budget of %(budget).2f has %(left).2f left, less than this seat's %(cost).2f.")
        % p
    ),
    "participant_conflict": lambda p: (
        _("Its participant already holds a seat on overlapping dates (nomination %(held)s).")
        % {"held": _ids(p["holders"])}
    ),
    "penalty": lambda p: (
        _(
            "It fits, but adding it would lower the objective by %(delta).2f: its value "
            "%(value).2f is less than the penalty for taking the non-operational partners' share "
            "further below %(percent)s%%."
        )
        % {**p, "percent": round(100 * p["share"])}
    ),
    WORTHLESS: lambda p: _("It fits, but under these weights it is worth nothing."),
    "gap": lambda p: (
        _(
            "It fits and would raise the objective by %(delta).2f; the solver stopped within its "
            "gap target (%(percent)s%%) before finding that."
        )
        % {**p, "percent": f"{100 * p['gap']:.2f}"}
    ),
    "cap_held": lambda p: (
        _(
            "Left out of the run: its partner already held %(held)s seat(s) there before the run, "
            "up to the cap."
        )
        % p
    ),
    "participant_booked": lambda p: _(
        "Left out of the run: its participant already held a seat on overlapping dates."
    ),
    ADJUSTED: lambda p: (
        _("Set by hand from %(from)s to %(to)s.")
        % {"from": _outcome_name(p["from"]), "to": _outcome_name(p["to"])}
    ),
}


def reason_text(code: str, params: Mapping[str, Any]) -> str:
    """A stored reason in words, in the active language."""
    return TEXTS[code](params)


def decision_reasons(
    code: str, params: Mapping[str, Any], *, adjusted: bool
) -> tuple[str, list[str]]:
    """A stored decision's main reason and all its reasons, in words. A decision set by hand
    says so first; otherwise the main reason is the first of the optimizer's."""
    reasons = [reason_text(r["code"], r["params"]) for r in params.get("reasons", [])]
    return (reason_text(code, params) if adjusted else reasons[0]), reasons

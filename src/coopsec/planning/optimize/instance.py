"""What the optimizer is given: activities, nominations, partners and the planner's parameters.

Plain frozen dataclasses with no Django import, so the model is tested without a database and
an adapter elsewhere turns querysets into an `Instance`. Building an `Instance` or a `Params`
checks everything at once and raises `InstanceError` listing every problem (field and reason),
because a planner fixing a spreadsheet wants all the errors, not the first one.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from coopsec.errors import Invalid

SCORE_MAX = 5  # interest and offered priority are scored 0..5
SOFT_RULES = ("fairness_floor", "non_operational_share", "neglected_fill")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (a field path) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PlanningError(Invalid):
    """Base of the optimizer's errors; `problems` lists each one, `details` mirrors it for the
    API's single error body."""

    code = "planning"

    def __init__(self, message: str, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__(
            f"{message} " + "; ".join(str(p).rstrip(".") for p in self.problems) + ".",
            details=[{"field": p.where, "message": p.message} for p in self.problems],
        )


class InstanceError(PlanningError):
    """The instance or its parameters are malformed (negative seats, unknown activity, ...)."""

    code = "invalid_instance"

    def __init__(self, problems: Iterable[Problem]):
        super().__init__("The planning input is invalid:", problems)


class InfeasibleError(PlanningError):
    """The hard rules cannot all be met; `problems` says which and why."""

    code = "infeasible"

    def __init__(self, problems: Iterable[Problem]):
        super().__init__("The hard constraints cannot all be met:", problems)


@dataclass(frozen=True)
class Activity:
    """An activity whose seats are allocated. `cap` is the per-partner cap (None: no cap)."""

    id: int
    seats: int
    cap: int | None
    cost_per_seat: float
    area: str
    neglected: bool
    start: date
    end: date


@dataclass(frozen=True)
class Nomination:
    """A partner's request for one seat for one participant.

    `rank` is the partner's own priority (1 = most wanted); `interest` the partner's declared
    interest in the activity's area and `alliance_priority` the priority the alliance offers
    that partner in that area, both 0..5; `serves_objective` whether the seat serves an agreed
    programme objective.
    """

    id: int
    activity: int
    partner: str
    participant: str
    submitted_at: datetime
    rank: int
    interest: int
    alliance_priority: int
    serves_objective: bool


@dataclass(frozen=True)
class Partner:
    """A nominating partner; `budget` caps what its seats may cost in total (None: no cap)."""

    code: str
    operational: bool
    budget: float | None = None


@dataclass(frozen=True)
class Params:
    """The planner's choices. Weights price a nomination (see `value.nomination_value`); the
    three soft rules each have a target and a penalty per seat short of it, and any of them
    can be made hard by naming it in `hard_rules`; `equity_weight` prices the spread of seats
    across partners (seats times Gini, `value.seat_spread`)."""

    weight_seat: float = 1.0
    weight_interest: float = 1.0
    weight_alliance: float = 1.0
    weight_rank: float = 1.0
    weight_objective: float = 1.0
    total_budget: float | None = None
    fairness_floor: float = 0.25
    non_operational_share: float = 0.3
    neglected_fill: float = 0.5
    fairness_penalty: float = 4.0
    non_operational_penalty: float = 4.0
    neglected_penalty: float = 2.0
    hard_rules: frozenset[str] = field(default_factory=frozenset)
    breadth_weight: float = 0.0
    breadth_seats: int = 2
    # Above 1 it may refuse a well-served partner's low-value seat; 3.5 keeps the optimum's
    # Gini below round robin's with a margin on every seed tried where money is short
    # (docs/planning.md, "Equity between partners").
    equity_weight: float = 1.0
    time_limit: float = 60.0
    mip_gap: float = 0.005
    threads: int = 1

    def __post_init__(self) -> None:
        problems = list(_params_problems(self))
        if problems:
            raise InstanceError(problems)


def _params_problems(p: Params) -> Iterable[Problem]:
    non_negative = (
        "weight_seat",
        "weight_interest",
        "weight_alliance",
        "weight_rank",
        "weight_objective",
        "fairness_penalty",
        "non_operational_penalty",
        "neglected_penalty",
        "breadth_weight",
        "equity_weight",
    )
    for name in non_negative:
        value = getattr(p, name)
        if not _finite(value) or value < 0:
            yield Problem(f"params.{name}", f"must be a finite number ≥ 0, not {value!r}.")
    for name in ("fairness_floor", "non_operational_share", "neglected_fill"):
        value = getattr(p, name)
        if not _finite(value) or not 0 <= value <= 1:
            yield Problem(f"params.{name}", f"is a share: it must lie in [0, 1], not {value!r}.")
    if p.non_operational_share == 1:
        yield Problem(
            "params.non_operational_share", "1 would forbid every seat to operational partners."
        )
    if p.total_budget is not None and (not _finite(p.total_budget) or p.total_budget < 0):
        yield Problem("params.total_budget", f"must be ≥ 0 or absent, not {p.total_budget!r}.")
    unknown = sorted(set(p.hard_rules) - set(SOFT_RULES))
    if unknown:
        yield Problem(
            "params.hard_rules", f"unknown rule(s) {unknown}; the rules are {list(SOFT_RULES)}."
        )
    if not isinstance(p.breadth_seats, int) or p.breadth_seats < 1:
        yield Problem("params.breadth_seats", f"must be an integer ≥ 1, not {p.breadth_seats!r}.")
    if not _finite(p.time_limit) or p.time_limit <= 0:
        yield Problem(
            "params.time_limit", f"must be a number of seconds > 0, not {p.time_limit!r}."
        )
    if not _finite(p.mip_gap) or not 0 <= p.mip_gap < 1:
        yield Problem("params.mip_gap", f"must lie in [0, 1), not {p.mip_gap!r}.")
    if not isinstance(p.threads, int) or p.threads < 1:
        yield Problem("params.threads", f"must be an integer ≥ 1, not {p.threads!r}.")


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Instance:
    """One allocation problem: the activities, the nominations for them and the partners.

    Nominations keep their given order; the model's column i is `nominations[i]`.
    """

    activities: tuple[Activity, ...]
    nominations: tuple[Nomination, ...]
    partners: tuple[Partner, ...]

    def __post_init__(self) -> None:
        problems = list(_instance_problems(self))
        if problems:
            raise InstanceError(problems)

    @cached_property
    def activity(self) -> dict[int, Activity]:
        """Activities by id."""
        return {a.id: a for a in self.activities}

    @cached_property
    def partner(self) -> dict[str, Partner]:
        """Partners by code."""
        return {p.code: p for p in self.partners}

    @cached_property
    def nomination(self) -> dict[int, Nomination]:
        """Nominations by id."""
        return {n.id: n for n in self.nominations}

    @cached_property
    def partner_demand(self) -> dict[str, int]:
        """Seats each nominating partner asked for that the caps and seat counts allow:
        the sum over activities of min(its nominations there, cap, seats). A partner that
        nominated five people for a cap-2 activity cannot be "short" of the other three."""
        per_pair = Counter((n.activity, n.partner) for n in self.nominations)
        demand: dict[str, int] = defaultdict(int)
        for (activity_id, partner), count in per_pair.items():
            demand[partner] += min(count, self.allowed_per_partner(activity_id))
        return dict(demand)

    @cached_property
    def area_attainable(self) -> dict[str, int]:
        """Seats each neglected area can fill given its nominations, caps and seat counts."""
        per_pair = Counter((n.activity, n.partner) for n in self.nominations)
        per_activity: dict[int, int] = defaultdict(int)
        for (activity_id, _), count in per_pair.items():
            per_activity[activity_id] += min(count, self.allowed_per_partner(activity_id))
        attainable: dict[str, int] = {a.area: 0 for a in self.activities if a.neglected}
        for a in self.activities:
            if a.neglected:
                attainable[a.area] += min(a.seats, per_activity.get(a.id, 0))
        return attainable

    def allowed_per_partner(self, activity_id: int) -> int:
        """The most seats one partner may hold at an activity (its cap, or all its seats)."""
        a = self.activity[activity_id]
        return a.seats if a.cap is None else min(a.cap, a.seats)


def _instance_problems(inst: Instance) -> Iterable[Problem]:
    yield from _duplicates("activity", (a.id for a in inst.activities))
    yield from _duplicates("nomination", (n.id for n in inst.nominations))
    yield from _duplicates("partner", (p.code for p in inst.partners))
    activities = {a.id: a for a in inst.activities}
    partners = {p.code for p in inst.partners}
    for a in inst.activities:
        where = f"activity {a.id}"
        if not isinstance(a.seats, int) or a.seats < 0:
            yield Problem(f"{where}.seats", f"must be a whole number ≥ 0, not {a.seats!r}.")
        if a.cap is not None and (not isinstance(a.cap, int) or a.cap < 1):
            yield Problem(f"{where}.cap", f"must be a whole number ≥ 1 or absent, not {a.cap!r}.")
        if not _finite(a.cost_per_seat) or a.cost_per_seat < 0:
            yield Problem(f"{where}.cost_per_seat", f"must be ≥ 0, not {a.cost_per_seat!r}.")
        if not a.area:
            yield Problem(f"{where}.area", "is empty.")
        if a.end < a.start:
            yield Problem(f"{where}.end", f"{a.end} is before the start {a.start}.")
    cheapest: dict[str, float] = {}
    for n in inst.nominations:
        where = f"nomination {n.id}"
        activity = activities.get(n.activity)
        if activity is None:
            yield Problem(f"{where}.activity", f"unknown activity id {n.activity!r}.")
        elif _finite(activity.cost_per_seat):
            cheapest[n.partner] = min(cheapest.get(n.partner, math.inf), activity.cost_per_seat)
        if n.partner not in partners:
            yield Problem(f"{where}.partner", f"unknown partner {n.partner!r}.")
        if not n.participant:
            yield Problem(f"{where}.participant", "is empty.")
        if not isinstance(n.rank, int) or n.rank < 1:
            yield Problem(f"{where}.rank", f"must be a whole number ≥ 1, not {n.rank!r}.")
        for name in ("interest", "alliance_priority"):
            value = getattr(n, name)
            if not isinstance(value, int) or not 0 <= value <= SCORE_MAX:
                yield Problem(f"{where}.{name}", f"must be 0..{SCORE_MAX}, not {value!r}.")
    for p in inst.partners:
        if p.budget is None:
            continue
        where = f"partner {p.code}.budget"
        if not _finite(p.budget) or p.budget < 0:
            yield Problem(where, f"must be ≥ 0 or absent, not {p.budget!r}.")
        elif p.budget < cheapest.get(p.code, 0):
            yield Problem(
                where,
                f"{p.budget:g} is below the cheapest seat it nominated for "
                f"({cheapest[p.code]:g}): it could not be given any seat.",
            )


def _duplicates(kind: str, keys: Iterable[object]) -> Iterable[Problem]:
    for key, count in Counter(keys).items():
        if count > 1:
            yield Problem(f"{kind} {key}", f"the id appears {count} times.")


def check_budget(instance: Instance, params: Params) -> None:
    """Refuse a total budget that could not pay for even the cheapest nominated seat.

    Raises InstanceError; the check needs both the instance and the parameters, so it runs
    when a solve starts rather than when either is built.
    """
    if params.total_budget is None or not instance.nominations:
        return
    cheapest = min(instance.activity[n.activity].cost_per_seat for n in instance.nominations)
    if params.total_budget < cheapest:
        raise InstanceError(
            [
                Problem(
                    "params.total_budget",
                    f"{params.total_budget:g} is below the cheapest nominated seat "
                    f"({cheapest:g}): no seat could be given.",
                )
            ]
        )

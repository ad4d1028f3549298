"""Small hand-built and random instances for the planning tests (no database)."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta

from coopsec.planning.optimize.instance import Activity, Instance, Nomination, Params, Partner

DAY0 = date(2027, 3, 1)
T0 = datetime(2026, 9, 1, 8, tzinfo=UTC)
_ids = itertools.count(1)


def activity(
    id: int,
    *,
    seats: int = 10,
    cap: int | None = None,
    cost: float = 0.0,
    area: str = "logistics",
    neglected: bool = False,
    day: int = 0,
    days: int = 1,
) -> Activity:
    """An activity starting `day` days after DAY0 and lasting `days` days."""
    start = DAY0 + timedelta(days=day)
    return Activity(id, seats, cap, cost, area, neglected, start, start + timedelta(days=days - 1))


def nomination(
    id: int,
    activity: int,
    partner: str,
    *,
    participant: str | None = None,
    minute: int | None = None,
    rank: int = 1,
    interest: int = 0,
    alliance: int = 0,
    objective: bool = False,
) -> Nomination:
    """A nomination submitted `minute` minutes after T0 (default: its id)."""
    return Nomination(
        id=id,
        activity=activity,
        partner=partner,
        participant=f"person-{id}" if participant is None else participant,
        submitted_at=T0 + timedelta(minutes=id if minute is None else minute),
        rank=rank,
        interest=interest,
        alliance_priority=alliance,
        serves_objective=objective,
    )


# Values equal to 1 + 1/rank: no soft rule, no breadth bonus, no equity term; easy to compute
# by hand.
PLAIN = Params(
    weight_interest=0,
    weight_alliance=0,
    weight_objective=0,
    fairness_floor=0,
    non_operational_share=0,
    neglected_fill=0,
    equity_weight=0,
    mip_gap=0,
)


def random_case(seed: int, *, max_nominations: int = 14) -> tuple[Instance, Params]:
    """A random instance small enough to enumerate, with random parameters that exercise
    every constraint: few people (clashes), tight seats and caps, budgets."""
    rng = random.Random(seed)
    partners = [Partner(f"P{i}", rng.random() < 0.5) for i in range(rng.randint(2, 4))]
    activities = [
        activity(
            i + 1,
            seats=rng.randint(0, 4),
            cap=rng.choice([None, 1, 2, 3]),
            cost=rng.choice([0.0, 0.0, float(rng.randint(1, 10))]),
            area=rng.choice(["air_defence", "logistics", "cbrn_defence"]),
            day=rng.randint(0, 12),
            days=rng.randint(1, 6),
        )
        for i in range(rng.randint(2, 5))
    ]
    activities = [
        Activity(
            a.id, a.seats, a.cap, a.cost_per_seat, a.area, a.area != "logistics", a.start, a.end
        )
        for a in activities
    ]
    nominations = []
    for i in range(rng.randint(6, max_nominations)):
        partner = rng.choice(partners).code
        nominations.append(
            nomination(
                i + 1,
                rng.choice(activities).id,
                partner,
                participant=f"{partner}-{rng.randint(1, 3)}",
                minute=rng.randint(0, 50),
                rank=rng.randint(1, 4),
                interest=rng.randint(0, 5),
                alliance=rng.randint(0, 5),
                objective=rng.random() < 0.3,
            )
        )
    cost = {a.id: a.cost_per_seat for a in activities}
    costs = {
        p.code: [cost[n.activity] for n in nominations if n.partner == p.code] for p in partners
    }
    partners = [
        Partner(p.code, p.operational, float(rng.randint(int(min(costs[p.code])), 25)))
        if costs[p.code] and rng.random() < 0.5
        else p
        for p in partners
    ]
    cheapest = min(cost[n.activity] for n in nominations)
    params = Params(
        weight_seat=rng.uniform(0, 2),
        weight_interest=rng.uniform(0, 2),
        weight_alliance=rng.uniform(0, 2),
        weight_rank=rng.uniform(0, 2),
        weight_objective=rng.uniform(0, 2),
        total_budget=rng.choice([None, float(rng.randint(int(cheapest), 30))]),
        fairness_floor=rng.uniform(0, 1),
        non_operational_share=rng.uniform(0, 0.6),
        neglected_fill=rng.uniform(0, 1),
        fairness_penalty=rng.uniform(0, 5),
        non_operational_penalty=rng.uniform(0, 5),
        neglected_penalty=rng.uniform(0, 5),
        breadth_weight=rng.choice([0.0, rng.uniform(0, 5)]),
        breadth_seats=rng.randint(1, 3),
        mip_gap=0,
        time_limit=30,
        # Drawn last, so the other draws (and the instances) stay those of earlier versions.
        equity_weight=rng.choice([0.0, rng.uniform(0, 5)]),
    )
    return Instance(tuple(activities), tuple(nominations), tuple(partners)), params

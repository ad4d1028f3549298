"""Seeded random planning instances for tests and benchmarks, with no database.

The shape follows the demo generator's assumptions (docs/demo-data.md) at one cycle's scale:
seats 10-40, per-partner caps 1-4 or none, a third of the activities free and the rest
100-2,500 per seat plus accommodation, dates spread over a year so that participants
nominated twice sometimes clash, crowded and thin (neglected) areas, operational partners
nominating more, log-normal partner activity and activity appeal. Partners' interests and the
alliance's offered priorities are drawn per area; some partners have a budget that covers only
part of what they asked for, which is where allocation choices start to matter.
Everything is drawn from one `random.Random(seed)`: the same spec gives the same instance.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from coopsec.planning.optimize.instance import Activity, Instance, Nomination, Partner

CROWDED = ("armaments", "deployability", "public_diplomacy")
NEGLECTED = ("air_defence", "cbrn_defence")
OTHER = (
    "defence_reform",
    "education_training",
    "energy_security",
    "counter_terrorism",
    "cyber_defence",
    "arms_control",
    "maritime_security",
    "border_security",
    "crisis_management",
    "civil_preparedness",
    "interoperability",
    "logistics",
    "language_training",
)
CAPS: tuple[tuple[int | None, float], ...] = (
    (1, 0.10),
    (2, 0.35),
    (3, 0.25),
    (4, 0.15),
    (None, 0.15),
)
RANKS = ((1, 0.4), (2, 0.3), (3, 0.18), (4, 0.08), (5, 0.04))


@dataclass(frozen=True)
class SyntheticSpec:
    """The size and assumptions of a synthetic instance (defaults: one `prime` cycle)."""

    activities: int = 10_000
    nominations: int = 45_000
    partners: int = 90
    seed: int = 1
    year: int = 2027
    operational_share: float = 0.4
    budgeted_share: float = 0.5
    budget_cover: tuple[float, float] = (0.4, 0.9)
    free_share: float = 0.35
    participant_reuse: float = 0.5
    popularity_sigma: float = 0.9
    partner_sigma: float = 0.5


def _supply(area: str) -> float:
    return 2.5 if area in CROWDED else 0.3 if area in NEGLECTED else 1.0


def _demand(area: str) -> float:
    """Nominations per seat, relative: crowded areas draw more, neglected ones fewer."""
    return 1.8 if area in CROWDED else 0.45 if area in NEGLECTED else 1.0


def synthetic_instance(spec: SyntheticSpec) -> Instance:
    """A random instance drawn from `spec`."""
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible test data, not secrets
    areas = CROWDED + NEGLECTED + OTHER
    activities = [_activity(rng, spec, i + 1, areas) for i in range(spec.activities)]
    partners = [
        Partner(code=f"SYN{i + 1:03d}", operational=rng.random() < spec.operational_share)
        for i in range(spec.partners)
    ]
    level = {p.code: rng.lognormvariate(0, spec.partner_sigma) for p in partners}
    interest = {(p.code, g): rng.randint(0, 5) for p in partners for g in areas}
    offered = {(p.code, g): rng.randint(0, 5) for p in partners for g in areas}
    appeal = [
        a.seats * _demand(a.area) * rng.lognormvariate(0, spec.popularity_sigma) for a in activities
    ]
    picked = rng.choices(
        activities, cum_weights=list(itertools.accumulate(appeal)), k=spec.nominations
    )
    by_area: dict[str, list[Activity]] = defaultdict(list)
    for activity in picked:
        by_area[activity.area].append(activity)
    people: dict[str, list[str]] = defaultdict(list)
    nominations: list[Nomination] = []
    opens = datetime.combine(date(spec.year - 1, 9, 1), time(8), tzinfo=UTC)
    for area in sorted(by_area):
        weights = [
            level[p.code] * (0.5 + interest[p.code, area]) * (2.0 if p.operational else 1.0)
            for p in partners
        ]
        who = rng.choices(
            partners, cum_weights=list(itertools.accumulate(weights)), k=len(by_area[area])
        )
        for activity, partner in zip(by_area[area], who, strict=True):
            mine = people[partner.code]
            if mine and rng.random() < spec.participant_reuse:
                participant = rng.choice(mine)
            else:
                participant = f"{partner.code}-{len(mine) + 1:05d}"
                mine.append(participant)
            window = max(1, (activity.start - opens.date()).days - 14)
            nominations.append(
                Nomination(
                    id=len(nominations) + 1,
                    activity=activity.id,
                    partner=partner.code,
                    participant=participant,
                    submitted_at=opens + timedelta(minutes=rng.randrange(window * 24 * 60)),
                    rank=rng.choices([r for r, _ in RANKS], [w for _, w in RANKS])[0],
                    interest=interest[partner.code, area],
                    alliance_priority=offered[partner.code, area],
                    serves_objective=rng.random() < 0.1 + 0.1 * interest[partner.code, area],
                )
            )
    costs: dict[str, list[float]] = defaultdict(list)
    for n in nominations:
        costs[n.partner].append(activities[n.activity - 1].cost_per_seat)
    return Instance(
        activities=tuple(activities),
        nominations=tuple(nominations),
        partners=tuple(_with_budget(rng, spec, p, costs[p.code]) for p in partners),
    )


def _activity(rng: random.Random, spec: SyntheticSpec, id: int, areas: tuple[str, ...]) -> Activity:
    area = rng.choices(areas, [_supply(g) for g in areas])[0]
    days = rng.choices((1, 2, 3, 5, 10, 15), (0.15, 0.2, 0.2, 0.25, 0.15, 0.05))[0]
    start = date(spec.year, 1, 5) + timedelta(days=rng.randrange(355 - days))
    if rng.random() < spec.free_share:
        cost = 0.0
    else:
        cost = round(rng.uniform(100, 2500) + (days - 1) * rng.uniform(40, 120), 2)
    return Activity(
        id=id,
        seats=rng.randint(10, 40),
        cap=rng.choices([c for c, _ in CAPS], [w for _, w in CAPS])[0],
        cost_per_seat=cost,
        area=area,
        neglected=area in NEGLECTED,
        start=start,
        end=start + timedelta(days=days - 1),
    )


def _with_budget(
    rng: random.Random, spec: SyntheticSpec, partner: Partner, costs: list[float]
) -> Partner:
    """Give some partners a budget covering part of the cost of the seats they asked for
    (`costs`), never below their cheapest seat, which validation would refuse."""
    if rng.random() >= spec.budgeted_share:
        return partner
    if not costs:
        return partner
    budget = round(sum(costs) * rng.uniform(*spec.budget_cover), 2)
    return Partner(partner.code, partner.operational, max(budget, min(costs)))

"""Helpers of the planning pages' tests: the new run form's data with the optimizer's
defaults, and a small generated cycle (more partners and nominations than
tests/planning/workflow.py's hand-made one, so the frontier has somewhere to go)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from coopsec.accounts.models import User
from coopsec.activities.models import Activity, Mode
from coopsec.planning.forms import DEFAULTS, MAIN_PARAMS
from tests.activities import factories

# Partner states of the reference data, in frameworks that make every one eligible.
PARTNERS = ("GEO", "JOR", "QAT", "AUS", "ARM", "MAR", "IRL", "CHE")


def run_form_data(cycle: int | str = "", **changes: object) -> dict[str, str]:
    """The new run form as it is first shown (the optimizer's defaults), for `cycle`, with
    `changes` (field name → value)."""
    data = {name: "" if DEFAULTS[name] is None else str(DEFAULTS[name]) for name in MAIN_PARAMS}
    data.update(cycle=str(cycle), activities="", advanced="")
    data.update({name: str(value) for name, value in changes.items()})
    return data


@dataclass
class GeneratedCycle:
    year: int
    liaisons: dict[str, User]  # by partner code


def generated_cycle(
    year: int,
    *,
    seed: int = 7,
    activities: int = 6,
    seats: tuple[int, int] = (2, 3),
    people: tuple[int, int] = (1, 3),
) -> GeneratedCycle:
    """`activities` allocated activities of `year` (`seats` seats each, caps of 1 or 2 or
    none, a few with a cost), one a month from February so no participant has two at once;
    each partner nominates `people` participants for each of 2 to 4 of them, ranking them.

    With the defaults there are about 55 nominations for 15 seats: without a fairness floor,
    the breadth weight's frontier moves seats from the partners holding most to more
    partners (several distinct allocations, not one point)."""
    rng = random.Random(seed)
    liaisons = {code: factories.liaison(code) for code in PARTNERS}
    made: list[Activity] = []
    for index in range(activities):
        start = date(year, 2 + index, 3)
        made.append(
            factories.open_activity(
                seats=rng.randint(*seats),
                cap=rng.choice([1, 2, None]),
                start=start,
                end=start + timedelta(days=3),
                mode=Mode.ALLOCATED,
                tuition_cost=rng.choice([0, 0, 100, 250]),
                title=f"Generated course {index + 1}",
            )
        )
    for code, liaison in liaisons.items():
        chosen = rng.sample(made, rng.randint(2, 4))
        for rank, activity in enumerate(chosen, start=1):
            for person in range(rng.randint(*people)):
                name = f"{code} participant {activity.pk}-{person}"
                factories.nominate(liaison, activity, name=name, priority=rank)
    return GeneratedCycle(year, liaisons)

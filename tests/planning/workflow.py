"""A small allocated cycle built through the real services, for the workflow's tests.

Cycle 2027, "today" 2026-11-23 (freeze it with `frozen_today`):

- A1: 3 seats, cap 1, 150 a seat (100 tuition + 50 accommodation), 1-5 March;
- A2: 3 seats, cap 2, free, 3-7 March (overlaps A1);
- A3: 1 seat, no cap, 80 a seat, June;
- F1: first come, first served (not allocated), and P1: allocated but still proposed.

Nominations (partner, participant, priority): on A1 GEO "ana" (1), GEO "bo" (2), JOR "cy"
(1); on A2 GEO "ana" (2, clashes with A1), GEO "dee" (1), GEO "eli" (3), JOR "fay" (1),
JOR "gus" (2); on A3 JOR "hal" (1), QAT "ivy" (1). Ten pending nominations: A2 and A3
have more than their seats, GEO more than A1's cap, and "ana" two overlapping seats.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from unittest.mock import patch

import pytest

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.models import Activity, Mode, Nomination
from coopsec.network import dates
from coopsec.planning import services
from tests.activities import factories

TODAY = date(2026, 11, 23)
CYCLE = 2027


@pytest.fixture
def frozen_today() -> Iterator[None]:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        yield


@dataclass
class SmallCycle:
    a1: Activity
    a2: Activity
    a3: Activity
    fcfs: Activity
    proposed: Activity
    geo: User
    jor: User
    qat: User
    nominations: dict[str, Nomination]  # by participant name ("ana-a1", "ana-a2", "bo", ...)


def _allocated(seats: int, cap: int | None, start: date, end: date, **extra: object) -> Activity:
    return factories.open_activity(
        seats=seats, cap=cap, start=start, end=end, mode=Mode.ALLOCATED, **extra
    )


def small_cycle() -> SmallCycle:
    """The cycle above (reference data must be loaded; dates frozen at TODAY)."""
    a1 = _allocated(
        3, 1, date(2027, 3, 1), date(2027, 3, 5), tuition_cost=100, accommodation_cost=50
    )
    a2 = _allocated(3, 2, date(2027, 3, 3), date(2027, 3, 7))
    a3 = _allocated(1, None, date(2027, 6, 1), date(2027, 6, 2), tuition_cost=80)
    fcfs = factories.open_activity(start=date(2027, 4, 1))
    proposed = factories.proposed_activity(mode=Mode.ALLOCATED, start=date(2027, 5, 1))
    geo, jor, qat = factories.liaison("GEO"), factories.liaison("JOR"), factories.liaison("QAT")
    plan = [
        ("ana-a1", geo, a1, "ana", 1),
        ("bo", geo, a1, "bo", 2),
        ("cy", jor, a1, "cy", 1),
        ("ana-a2", geo, a2, "ana", 2),
        ("dee", geo, a2, "dee", 1),
        ("eli", geo, a2, "eli", 3),
        ("fay", jor, a2, "fay", 1),
        ("gus", jor, a2, "gus", 2),
        ("hal", jor, a3, "hal", 1),
        ("ivy", qat, a3, "ivy", 1),
    ]
    nominations = {
        key: factories.nominate(
            who, activity, name=person.title(), email=f"{person}@example.org", priority=rank
        )
        for key, who, activity, person, rank in plan
    }
    factories.nominate(geo, fcfs)
    return SmallCycle(a1, a2, a3, fcfs, proposed, geo, jor, qat, nominations)


def next_cycle() -> int:
    """The cycle the tenancy matrix's run allocates: next year's."""
    return dates.today().year + 1


def matrix_run() -> tuple[int, int]:
    """For the tenancy matrix: an allocated activity of `next_cycle()` with one pending GEO
    nomination, and a finished run of the cycle (made by the operator through the services).
    Answers the run's id and the nomination's."""
    start = date(next_cycle(), 6, 1)
    activity = _allocated(4, 2, start, start)
    nomination = factories.nominate(factories.liaison("GEO"), activity)
    run = services.run_create(actor=Actor.system(), cycle=start.year, enqueue=False)
    services.run_execute(run.pk)
    return run.pk, nomination.pk

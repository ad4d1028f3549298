"""The generator is reproducible and gives the shape it promises."""

from __future__ import annotations

from collections import Counter

from coopsec.planning.optimize.synthetic import NEGLECTED, SyntheticSpec, synthetic_instance

SMALL = SyntheticSpec(activities=200, nominations=900, partners=20, seed=4)


def test_same_seed_same_instance() -> None:
    assert synthetic_instance(SMALL) == synthetic_instance(SMALL)
    other = synthetic_instance(SyntheticSpec(activities=200, nominations=900, partners=20, seed=5))
    assert other != synthetic_instance(SMALL)


def test_shape() -> None:
    inst = synthetic_instance(SMALL)
    assert (len(inst.activities), len(inst.nominations), len(inst.partners)) == (200, 900, 20)
    assert all(10 <= a.seats <= 40 for a in inst.activities)
    assert {a.cap for a in inst.activities} <= {None, 1, 2, 3, 4}
    assert all(a.neglected == (a.area in NEGLECTED) for a in inst.activities)
    free = sum(1 for a in inst.activities if a.cost_per_seat == 0)
    assert 0.2 < free / len(inst.activities) < 0.5
    assert any(p.budget is not None for p in inst.partners)
    assert any(p.operational for p in inst.partners) and not all(
        p.operational for p in inst.partners
    )
    people = Counter(n.participant for n in inst.nominations)
    assert max(people.values()) > 1  # some people are nominated more than once

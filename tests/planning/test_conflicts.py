"""One seat per participant at a time: the clique rows say exactly "no two overlapping"."""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from coopsec.planning.optimize.conflicts import overlap, participant_cliques
from coopsec.planning.optimize.instance import Instance, Partner
from tests.planning.cases import activity, nomination


def test_hand_built_cliques() -> None:
    # Days: 1 = [0,4], 2 = [2,3], 3 = [4,6], 4 = [7,7], 5 = [4,4] (ends inclusive).
    acts = (
        activity(1, day=0, days=5),
        activity(2, day=2, days=2),
        activity(3, day=4, days=3),
        activity(4, day=7),
        activity(5, day=4),
    )
    noms = tuple(nomination(i, i, "A", participant="p") for i in range(1, 6))
    noms += (nomination(6, 1, "A", participant="q"),)
    inst = Instance(acts, noms, (Partner("A", True),))
    cliques = {frozenset(inst.nominations[i].id for i in c) for _, c in participant_cliques(inst)}
    assert cliques == {frozenset({1, 2}), frozenset({1, 3, 5})}


@pytest.mark.parametrize("seed", range(30))
def test_cliques_are_exactly_the_clashes(seed: int) -> None:
    rng = random.Random(seed)
    acts = tuple(activity(i, day=rng.randint(0, 30), days=rng.randint(1, 8)) for i in range(1, 13))
    noms = tuple(
        nomination(i, rng.randint(1, 12), "A", participant=f"p{rng.randint(1, 3)}")
        for i in range(1, 25)
    )
    inst = Instance(acts, noms, (Partner("A", True),))
    cliques = [set(c) for _, c in participant_cliques(inst)]
    for clique in cliques:
        assert len(clique) > 1
        members = [inst.nominations[i] for i in clique]
        assert len({n.participant for n in members}) == 1
        for a, b in combinations(members, 2):
            assert overlap(inst.activity[a.activity], inst.activity[b.activity])
    # Every clashing pair sits in some clique, and no clique is inside another.
    for i, j in combinations(range(len(noms)), 2):
        a, b = noms[i], noms[j]
        if a.participant == b.participant and overlap(
            inst.activity[a.activity], inst.activity[b.activity]
        ):
            assert any({i, j} <= c for c in cliques)
    for c, d in combinations(cliques, 2):
        assert not c <= d and not d <= c

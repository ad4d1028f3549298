"""The allocations coopsec compares the optimum with: what a registration desk would do.

- First come, first served: nominations in the order they were submitted, each taking a seat
  if it still fits — how every system in the field allocates today.
- Round robin by partner: partners in turn (by code, the same order every round) take their
  best-ranked remaining nomination that still fits, until no partner has one left — the
  simplest "fair" rule a desk could run by hand.

Both respect the same hard constraints as the MILP (seats, caps, budgets, one seat per
participant at a time) through the `Ledger`, and are scored with the same objective, so the
numbers compare like for like. A nomination that does not fit now never will (the hard
constraints only tighten as seats are given), so each is looked at once.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque

from coopsec.planning.optimize.instance import Instance, Nomination, Params
from coopsec.planning.optimize.ledger import Ledger
from coopsec.planning.optimize.model import Solution
from coopsec.planning.optimize.value import objective


def _solution(
    instance: Instance, params: Params, method: str, ledger: Ledger, started: float
) -> Solution:
    chosen = frozenset(ledger.chosen)
    score = objective(instance, params, chosen)
    return Solution(
        method=method,
        status="breaks_hard_rules" if score.broken_rules else "heuristic",
        objective=score.objective,
        bound=None,
        gap=None,
        seconds=time.perf_counter() - started,
        chosen=chosen,
    )


def first_come_first_served(instance: Instance, params: Params) -> Solution:
    """Seats in submission order (ties by nomination id) while they fit."""
    started = time.perf_counter()
    ledger = Ledger(instance, params)
    for nomination in sorted(instance.nominations, key=lambda n: (n.submitted_at, n.id)):
        if ledger.fits(nomination):
            ledger.add(nomination)
    return _solution(instance, params, "fcfs", ledger, started)


def round_robin(instance: Instance, params: Params) -> Solution:
    """Partners in turn take their best-ranked remaining nomination that fits (rank, then
    submission time, then id)."""
    started = time.perf_counter()
    ledger = Ledger(instance, params)
    queues: dict[str, deque[Nomination]] = defaultdict(deque)
    for nomination in sorted(instance.nominations, key=lambda n: (n.rank, n.submitted_at, n.id)):
        queues[nomination.partner].append(nomination)
    turn = sorted(queues)
    while turn:
        still_in: list[str] = []
        for partner in turn:
            queue = queues[partner]
            while queue:
                nomination = queue.popleft()
                if ledger.fits(nomination):
                    ledger.add(nomination)
                    break
            if queue:
                still_in.append(partner)
        turn = still_in
    return _solution(instance, params, "round_robin", ledger, started)

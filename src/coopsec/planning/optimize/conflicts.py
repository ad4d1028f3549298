"""One seat per participant at a time: which of a participant's nominations clash.

Two nominations of the same participant clash when their activities' date ranges overlap
(both ends inclusive). The clashes of one participant form an interval graph, whose maximal
cliques a single sweep over start dates finds; "at most one seat per clique" is then exactly
"no two overlapping seats", with one row per clique instead of one per clashing pair.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from coopsec.planning.optimize.instance import Activity, Instance


def overlap(a: Activity, b: Activity) -> bool:
    """Whether two activities share at least one day."""
    return a.start <= b.end and b.start <= a.end


def participant_cliques(instance: Instance) -> list[tuple[str, list[int]]]:
    """(participant, nomination positions) for every maximal set of two or more of one
    participant's nominations whose activities all share a day.

    Positions index `instance.nominations`. Sweep by start date keeping the nominations still
    running: just before a start that finds one of them ended (and at the end of the sweep)
    the running set is everything that shares the previous start day, and nothing can join it
    — a later start misses the one that ended, an earlier one ended before that day.
    """
    by_participant: dict[str, list[int]] = defaultdict(list)
    for position, nomination in enumerate(instance.nominations):
        by_participant[nomination.participant].append(position)
    cliques: list[tuple[str, list[int]]] = []
    for participant, positions in by_participant.items():
        if len(positions) < 2:
            continue
        spans = sorted(
            (
                instance.activity[instance.nominations[i].activity].start,
                instance.activity[instance.nominations[i].activity].end,
                i,
            )
            for i in positions
        )
        running: list[tuple[date, int]] = []
        for start, end, position in spans:
            if any(finish < start for finish, _ in running):
                if len(running) > 1:
                    cliques.append((participant, [i for _, i in running]))
                running = [(finish, i) for finish, i in running if finish >= start]
            running.append((end, position))
        if len(running) > 1:
            cliques.append((participant, [i for _, i in running]))
    return cliques

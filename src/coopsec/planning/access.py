"""Access rules of allocation runs (docs/planning.md, "Workflow").

- Coordinators and administrators create runs, adjust their decisions by hand and apply
  them: allocating seats is the alliance's work (DESIGN.md, "Users and what they do").
- Analysts read runs: the figures, the decisions and their reasons (nominations are named by
  number, participants never: a reason says "its participant", not who).
- Everyone else is refused (403), whoever they are: a run is the alliance's planning, not an
  object of any partner or institution. A partner liaison learns its own nominations'
  outcomes once a run is applied, through the activities' pages like any other decision.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from coopsec.accounts import roles as R

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor

PLANNERS = (R.COORDINATOR, R.ADMIN)
READERS = (*PLANNERS, R.ANALYST)


def can_view_runs(actor: Actor) -> bool:
    """Coordinators, administrators and analysts read every run."""
    return actor.has_role(*READERS)


def can_create_run(actor: Actor) -> bool:
    """Coordinators and administrators start runs."""
    return actor.has_role(*PLANNERS)


def can_adjust_run(actor: Actor) -> bool:
    """Coordinators and administrators change a run's decisions by hand before it is applied."""
    return actor.has_role(*PLANNERS)


def can_apply_run(actor: Actor) -> bool:
    """Coordinators and administrators apply a run."""
    return actor.has_role(*PLANNERS)


def registrar_for(actor: Actor) -> Actor:
    """The actor a run's decisions are written as, through `activities.services`.

    The nomination services let coordinators (and hosts) decide; an administrator allowed by
    `can_apply_run` acts, for the run's nominations only, with a coordinator's authority over
    registration, so the apply goes through the same service whoever applies it.
    """
    if actor.has_role(R.COORDINATOR):
        return actor
    return dataclasses.replace(actor, roles=actor.roles | {R.COORDINATOR})

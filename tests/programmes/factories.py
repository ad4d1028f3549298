"""Builders for programme tests: interests, programmes in each status, assessments.

Everything goes through the real services (programmes/services.py), so objects are audited
and revisions recorded exactly as in the application. Load the reference data first (the
`reference`, `make_user` or `db` fixture).

    from tests.activities.factories import liaison, coordinator
    from tests.programmes.factories import agreed_programme, interests

    georgia = liaison("GEO")
    interests(georgia, {"cyber_defence": 5, "logistics": 2})          # partner side
    interests(coordinator(), {"cyber_defence": 3}, partner="GEO")     # alliance side
    programme = agreed_programme(georgia)       # ITPP 2026-2027, 1 objective, 1 item
"""

from __future__ import annotations

from datetime import date
from typing import Any

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.models import Activity
from coopsec.programmes import services
from coopsec.programmes.models import (
    Assessment,
    InterestVersion,
    Objective,
    Programme,
    ProgrammeItem,
    Side,
)
from tests.activities.factories import as_actor, coordinator_actor

DEFAULT_AREA = "cyber_defence"


def interests(
    who: User | Actor, areas: dict[str, int], *, partner: str | None = None
) -> InterestVersion:
    """Record a side's priorities: a liaison records its partner's side; anyone else (a
    coordinator) the alliance side for `partner`."""
    actor = as_actor(who)
    if partner is None:
        assert actor.organization is not None
        return services.interests_record(
            actor=actor, partner_code=actor.organization.code, side=Side.PARTNER, areas=areas
        )
    return services.interests_record(
        actor=actor, partner_code=partner, side=Side.ALLIANCE, areas=areas
    )


def objective(
    who: User | Actor, programme: Programme, *, area: str = DEFAULT_AREA, **fields: Any
) -> Objective:
    """An objective added to `programme` by `who`."""
    data = services.ObjectiveInput(
        title=fields.pop("title", f"Objective in {area}"),
        area=area,
        indicator=fields.pop("indicator", "Officers trained"),
        target=fields.pop("target", "4 officers"),
        target_date=fields.pop("target_date", date(programme.cycle_end, 12, 31)),
        baseline=fields.pop("baseline", "0"),
        **fields,
    )
    return services.objective_add(actor=as_actor(who), programme_id=programme.pk, data=data)


def item(
    who: User | Actor,
    programme: Programme,
    objective: Objective,
    *,
    activity: Activity | None = None,
    area: str = "",
    year: int | None = None,
    **fields: Any,
) -> ProgrammeItem:
    """A planned activity: `activity` from the menu, or else an area (default: the
    objective's) and year (default: the cycle's first)."""
    if activity is not None:
        data = services.ItemInput(objective=objective.pk, activity=activity.pk, **fields)
    else:
        data = services.ItemInput(
            objective=objective.pk,
            area=area or objective.area.code,
            year=year or programme.cycle_start,
            **fields,
        )
    return services.item_add(actor=as_actor(who), programme_id=programme.pk, data=data)


def draft_programme(
    who: User | Actor,
    *,
    cycle: tuple[int, int] = (2026, 2027),
    type: str = "ITPP",
    objectives: int = 1,
    area: str = DEFAULT_AREA,
) -> Programme:
    """A liaison's draft with `objectives` objectives, each with one planned activity."""
    programme = services.programme_create(
        actor=as_actor(who),
        data=services.ProgrammeInput(type=type, cycle_start=cycle[0], cycle_end=cycle[1]),
    )
    for n in range(objectives):
        goal = objective(who, programme, area=area, title=f"Objective {n + 1}")
        item(who, programme, goal)
    return programme


def submitted_programme(who: User | Actor, **kwargs: Any) -> Programme:
    """A draft (see `draft_programme`) submitted by the liaison."""
    programme = draft_programme(who, **kwargs)
    return services.programme_submit(actor=as_actor(who), programme_id=programme.pk)


def agreed_programme(
    who: User | Actor, *, by: User | Actor | None = None, **kwargs: Any
) -> Programme:
    """A programme submitted by the liaison `who` and agreed by a coordinator (`by`)."""
    programme = submitted_programme(who, **kwargs)
    agreeing = as_actor(by) if by is not None else coordinator_actor()
    return services.programme_agree(actor=agreeing, programme_id=programme.pk)


def assess(
    who: User | Actor, objective: Objective, *, period: str = "2026", rating: str = "on_track"
) -> Assessment:
    """An assessment of `objective` by `who` (the liaison: partner side; else alliance)."""
    assessment, _created = services.assessment_record(
        actor=as_actor(who),
        data=services.AssessmentInput(
            objective=objective.pk, period=period, rating=rating, narrative="Progress."
        ),
    )
    return assessment


def stored_programmes(who: User) -> tuple[Programme, Programme]:
    """The rows the services leave for `agreed_programme` + `assess` + `draft_programme(cycle=
    (2028, 2029))`, written directly (no audit events): the tenancy matrix builds them for
    hundreds of cases and needs the objects, not the history of their making."""
    from django.utils import timezone

    from coopsec.activities.models import CooperationArea
    from coopsec.programmes.models import ProgrammeRevision
    from coopsec.programmes.selectors import programme_snapshot

    partner = who.organization
    area = CooperationArea.objects.get(code=DEFAULT_AREA)
    now = timezone.now()
    made = []
    for status, (start, end) in (("agreed", (2026, 2027)), ("draft", (2028, 2029))):
        agreed = status == "agreed"
        programme = Programme.objects.create(
            partner=partner, type="ITPP", cycle_start=start, cycle_end=end, status=status,
            created_by=who, submitted_by=who if agreed else None,
            submitted_at=now if agreed else None, agreed_at=now if agreed else None,
        )  # fmt: skip
        goal = Objective.objects.create(
            programme=programme, title="Objective 1", area=area, indicator="Officers trained",
            baseline="0", target="4 officers", target_date=date(end, 12, 31),
            proposed_by=Side.PARTNER, agreed=agreed, position=1,
        )  # fmt: skip
        ProgrammeItem.objects.create(programme=programme, objective=goal, area=area, year=start)
        if agreed:
            for number, event in ((1, "submitted"), (2, "agreed")):
                ProgrammeRevision.objects.create(
                    programme=programme, number=number, event=event, author=who,
                    snapshot=programme_snapshot(programme),
                )  # fmt: skip
            Assessment.objects.create(
                objective=goal, period="2026", period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31), side=Side.PARTNER, rating="on_track",
                narrative="Progress.", evidence={}, assessed_by=who,
            )  # fmt: skip
        made.append(programme)
    return made[0], made[1]

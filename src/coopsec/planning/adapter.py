"""From the database to the optimizer: a cycle's allocated activities and pending nominations
as an `optimize.Instance`, read through the other apps' selectors as the acting user.

What is read (docs/planning.md, "Workflow"):

- activities in "allocated" mode, open or closed, starting in the cycle's year (or the ones
  listed), each with its **free** seats: its seats minus those already held (confirmed by
  hand before the run), its per-partner cap, cost per seat = tuition + accommodation, its
  primary area and dates; the area is **neglected** when the analytics' area balance flags
  it neglected in the activity's year, or when the parameters list it;
- their pending nominations: rank = the nomination's priority; interest and offered priority
  = the partner's and the alliance's latest interest vectors recorded by today, for the
  activity's primary area (0 when none); serves an objective = it names a planned activity
  of the partner's agreed programme; the participant is the person (one seat at a time);
- partners: operational when contributing to an operation on the run's first day (the
  cycle's 1 January, or the earliest listed activity's start); budgets from the parameters.

Seats held before the run count against the run: a partner already holding seats at a
capped activity is considered for at most its remaining cap there (its best-ranked
nominations; the rest are *left out* and stay pending), and a nomination whose participant
already holds a seat on overlapping dates is left out too.

With the parameter `"nominations": "all"` the run is a what-if instead: every live
nomination (pending, waitlisted, confirmed) of every open or closed activity of the cycle,
in either mode, as though no seat were held yet; it is measured and compared, never applied.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.activities import lifecycle
from coopsec.activities import selectors as activities
from coopsec.activities.models import SEAT_STATES, Mode, NominationState
from coopsec.analytics import selectors as analytics
from coopsec.analytics.filters import Filters
from coopsec.analytics.sections.area_balance import NEGLECTED
from coopsec.errors import Invalid
from coopsec.network import dates
from coopsec.network import selectors as network
from coopsec.planning.optimize import instance as opt
from coopsec.planning.optimize.instance import InstanceError, Problem, check_budget
from coopsec.planning.params import EVERY, PENDING, RunParams, parse_params
from coopsec.programmes.models import InterestPriority, InterestVersion, ProgrammeStatus, Side

ALLOCATABLE_STATES = (lifecycle.OPEN, lifecycle.CLOSED)
FIRST_CYCLE, LAST_CYCLE = 1900, 2100
# What the run reads of an activity (a cycle holds thousands: no more than that).
ACTIVITY_FIELDS = (
    "code", "mode", "state", "start", "end", "seats", "confirmed_count", "per_partner_cap",
    "tuition_cost", "accommodation_cost", "primary_area__code",
)  # fmt: skip
# Left-out reasons (planning.reasons puts them into words).
CAP_HELD, PARTICIPANT_BOOKED = "cap_held", "participant_booked"


@dataclass(frozen=True)
class NominationFacts:
    """What a decision keeps of its nomination besides the optimizer's inputs."""

    partner_id: int
    activity_id: int


@dataclass(frozen=True)
class Cycle:
    """A run's input: the instance, its parameters, and what the run keeps of how it was read.

    `inputs` is the JSON the run stores (`AllocationRun.inputs`): the activities and
    partners as given to the optimizer, the as-of date, the nominations left out and why,
    and the activities' seat counts for the staleness check at apply time.
    """

    instance: opt.Instance
    run_params: RunParams
    inputs: dict[str, Any]
    facts: dict[int, NominationFacts]


def refuse(problems: Sequence[Problem]) -> Invalid:
    """The run's single error for a list of problems, each naming its field."""
    return Invalid(
        _("The allocation run cannot be made: %(problems)s")
        % {"problems": "; ".join(str(p).rstrip(".") for p in problems) + "."},
        details=[{"field": p.where, "message": p.message} for p in problems],
    )


def _activities(
    actor: Actor, cycle: object, listed: object, every: bool, problems: list[Problem]
) -> tuple[list[Any], date | None]:
    """The activities to allocate and the run's first day, or problems naming the bad input.
    `every`: any mode (a what-if over every nomination), not only allocated mode."""
    if (cycle is None) == (listed is None):
        problems.append(
            Problem("cycle", _("Give either a cycle (a year) or a list of activities."))
        )
        return [], None
    menu = (
        activities.activity_list(actor=actor)
        .select_related(None)
        .select_related("primary_area")
        .only(*ACTIVITY_FIELDS)
    )
    if cycle is not None:
        if not isinstance(cycle, int) or isinstance(cycle, bool):
            problems.append(Problem("cycle", _("must be a year, not %r.") % (cycle,)))
            return [], None
        if not FIRST_CYCLE <= cycle <= LAST_CYCLE:
            problems.append(
                Problem("cycle", _("%(cycle)s is not a plausible year.") % {"cycle": cycle})
            )
            return [], None
        found = menu.filter(state__in=ALLOCATABLE_STATES).filter(
            start__gte=date(cycle, 1, 1), start__lte=date(cycle, 12, 31)
        )
        chosen = list(found if every else found.filter(mode=Mode.ALLOCATED))
        if not chosen:
            missing = (
                _("No activity, open or closed, starts in %(cycle)s.")
                if every
                else _("No activity in allocated mode, open or closed, starts in %(cycle)s.")
            )
            problems.append(Problem("cycle", missing % {"cycle": cycle}))
        return chosen, date(cycle, 1, 1)
    if not isinstance(listed, list) or not listed:
        problems.append(Problem("activities", _("must be a non-empty list of activity ids.")))
        return [], None
    ids = [i for i in listed if isinstance(i, int) and not isinstance(i, bool)]
    by_id = {a.pk: a for a in menu.filter(pk__in=ids)}
    seen: set[object] = set()
    for position, given in enumerate(listed):
        problem = _listed_problem(by_id.get(given) if given in ids else None, given, seen, every)
        if problem:
            problems.append(Problem(f"activities[{position}]", problem))
        seen.add(given)
    chosen = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    return chosen, min((a.start for a in chosen), default=None)


def _listed_problem(activity: Any, given: object, seen: set[object], every: bool) -> str:
    """What is wrong with one listed activity id (empty: nothing)."""
    if activity is None:
        return _("unknown activity id %r.") % (given,)
    if given in seen:
        return _("activity %(id)s is listed twice.") % {"id": given}
    if activity.mode != Mode.ALLOCATED and not every:
        return _("activity %(code)s is first come, first served, not allocated.") % {
            "code": activity.code
        }
    if activity.state not in ALLOCATABLE_STATES:
        return _(
            "activity %(code)s is %(state)s; only open or closed activities are allocated."
        ) % {
            "code": activity.code,
            "state": activity.state,
        }
    return ""


def _latest_interests(
    actor: Actor, partner_ids: Iterable[int], today: date
) -> dict[tuple[int, str], dict[str, int]]:
    """(partner id, side) -> {area code: priority} of the latest version recorded by today."""
    latest: dict[tuple[int, str], int] = {}
    versions = (
        InterestVersion.objects.visible_to(actor)
        .filter(partner_id__in=list(partner_ids), recorded_on__lte=today)
        .order_by("partner_id", "side", "-recorded_on", "-number")
        .values_list("pk", "partner_id", "side")
    )
    for pk, partner_id, side in versions:
        latest.setdefault((partner_id, side), pk)
    vectors: dict[tuple[int, str], dict[str, int]] = {key: {} for key in latest}
    key_of = {pk: key for key, pk in latest.items()}
    rows = InterestPriority.objects.filter(version_id__in=list(key_of)).values_list(
        "version_id", "area__code", "priority"
    )
    for version_id, code, priority in rows:
        vectors[key_of[version_id]][code] = priority
    return vectors


def _neglected(actor: Actor, years: set[int]) -> set[tuple[str, int]]:
    """(area code, year) pairs the analytics' area balance flags neglected."""
    if not years:
        return set()
    balance = analytics.area_balance(
        actor=actor, filters=Filters(year_from=min(years), year_to=max(years))
    )
    return {(row.area, row.year) for row in balance.rows if row.flag == NEGLECTED}


def _overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def read_cycle(
    *, actor: Actor, cycle: object = None, activity_ids: object = None, params: object = None
) -> Cycle:
    """Read the cycle (or the listed activities) as the actor, check every input at once and
    build the optimizer's instance. Raises Invalid naming each bad field."""
    problems: list[Problem] = []
    given = {} if params is None else params
    run_params: RunParams | None = None
    try:
        run_params = parse_params(given)
    except InstanceError as exc:
        problems.extend(exc.problems)
    every = isinstance(given, dict) and given.get("nominations") == EVERY
    chosen, as_of = _activities(actor, cycle, activity_ids, every, problems)
    if isinstance(given, dict):
        problems.extend(_unknown_codes(actor, given))
    if problems or run_params is None or as_of is None:
        raise refuse(problems)
    return _build(actor, chosen, as_of, run_params)


def _unknown_codes(actor: Actor, given: dict[str, Any]) -> list[Problem]:
    """Area and partner codes the parameters name that do not exist (whatever else is wrong
    with them, so that every problem is reported at once)."""
    found: list[Problem] = []
    areas = given.get("neglected_areas")
    if isinstance(areas, list):
        known_areas = set(activities.area_list(actor=actor).values_list("code", flat=True))
        found.extend(
            Problem("params.neglected_areas", _("unknown area code %r.") % (code,))
            for code in sorted({a for a in areas if isinstance(a, str)} - known_areas)
        )
    budgets = given.get("partner_budgets")
    if isinstance(budgets, dict):
        codes = {str(code) for code in budgets}
        known = {o.code for o in network.organization_list(actor=actor).filter(code__in=codes)}
        found.extend(
            Problem(f"params.partner_budgets.{code}", _("unknown partner code."))
            for code in sorted(codes - known)
        )
    return found


NOMINATION_FIELDS = (
    "pk", "activity_id", "partner_id", "partner__code", "participant_id", "created_at",
    "priority", "programme_item__programme__status",
)  # fmt: skip


def _candidates(
    actor: Actor, chosen: list[Any], every: bool
) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]]]:
    """The nominations the run considers (rows of NOMINATION_FIELDS, by activity and time)
    and those it leaves out, with why (see the module docstring).

    `every`: every live nomination (pending, waitlisted or confirmed) as though none held a
    seat; only seats held elsewhere (another activity's, on overlapping dates) leave one out.
    """
    ids = [a.pk for a in chosen]
    states = (
        [NominationState.PENDING, NominationState.WAITLISTED, NominationState.CONFIRMED]
        if every
        else [NominationState.PENDING]
    )
    considered = activities.nomination_list(actor=actor).filter(
        activity_id__in=ids, state__in=states
    )
    rows = list(
        considered.order_by("activity__start", "activity_id", "created_at", "pk").values_list(
            *NOMINATION_FIELDS
        )
    )
    seats = activities.nomination_list(actor=actor).filter(state__in=SEAT_STATES)
    held = (
        Counter()
        if every
        else Counter(seats.filter(activity_id__in=ids).values_list("activity_id", "partner_id"))
    )
    booked: dict[int, list[tuple[date, date]]] = defaultdict(list)
    elsewhere = seats.filter(participant_id__in=considered.values("participant_id"))
    if every:
        elsewhere = elsewhere.exclude(activity_id__in=ids)
    for person, start, end in elsewhere.values_list(
        "participant_id", "activity__start", "activity__end"
    ):
        booked[person].append((start, end))
    span = {a.pk: (a.start, a.end) for a in chosen}
    caps = {a.pk: a.per_partner_cap for a in chosen}
    left_out: list[dict[str, Any]] = []
    room: dict[tuple[int, int], int] = {}
    kept = set()
    # Best-ranked first, so a partner's remaining cap goes to its first choices.
    for pk, activity_id, partner_id, _code, person, *_rest in sorted(
        rows, key=lambda r: (r[6], r[5], r[0])
    ):
        if any(_overlaps(span[activity_id], taken) for taken in booked.get(person, ())):
            left_out.append({"nomination": pk, "reason": PARTICIPANT_BOOKED})
            continue
        cap, key = caps[activity_id], (activity_id, partner_id)
        if cap is not None and held[key]:
            room.setdefault(key, cap - held[key])
            if room[key] <= 0:
                left_out.append({"nomination": pk, "reason": CAP_HELD, "held": held[key]})
                continue
            room[key] -= 1
        kept.add(pk)
    return [row for row in rows if row[0] in kept], left_out


def _build(actor: Actor, chosen: list[Any], as_of: date, run_params: RunParams) -> Cycle:
    """The instance of the chosen activities and their candidates. Raises Invalid when none
    is left to allocate, or the instance refuses its numbers (a budget below a seat)."""
    today = dates.today()
    every = run_params.every_nomination
    kept, left_out = _candidates(actor, chosen, every)
    if not kept:
        raise refuse(
            [
                Problem(
                    "nominations",
                    _("None of the %(n)s activities has a pending nomination to allocate.")
                    % {"n": len(chosen)},
                )
            ]
        )
    partner_ids = {row[2]: row[3] for row in kept}
    interests = _latest_interests(actor, partner_ids, today)
    operational = network.operational_partner_ids(actor=actor, as_of=as_of)
    neglected = _neglected(actor, {a.start.year for a in chosen})
    area_of = {a.pk: a.primary_area.code for a in chosen}
    problems: list[Problem] = []
    try:
        instance = opt.Instance(
            activities=tuple(
                opt.Activity(
                    id=a.pk,
                    seats=a.seats if every else a.seats - a.confirmed_count,
                    cap=a.per_partner_cap,
                    cost_per_seat=float(a.tuition_cost + a.accommodation_cost),
                    area=area_of[a.pk],
                    neglected=area_of[a.pk] in run_params.neglected_areas
                    or (area_of[a.pk], a.start.year) in neglected,
                    start=a.start,
                    end=a.end,
                )
                for a in chosen
            ),
            nominations=tuple(_nomination(row, area_of[row[1]], interests) for row in kept),
            partners=tuple(
                opt.Partner(
                    code=code,
                    operational=pk in operational,
                    budget=run_params.partner_budgets.get(code),
                )
                for pk, code in sorted(partner_ids.items(), key=lambda item: item[1])
            ),
        )
        check_budget(instance, run_params.params)
    except InstanceError as exc:
        problems.extend(exc.problems)
    if problems:
        raise refuse(problems)
    inputs = {
        "nominations": EVERY if every else PENDING,
        "as_of": as_of.isoformat(),
        "today": today.isoformat(),
        "activities": [_activity_json(a, instance.activity[a.pk]) for a in chosen],
        "partners": [_partner_json(instance.partner[code], pk) for pk, code in partner_ids.items()],
        "left_out": left_out,
    }
    facts = {row[0]: NominationFacts(partner_id=row[2], activity_id=row[1]) for row in kept}
    return Cycle(instance=instance, run_params=run_params, inputs=inputs, facts=facts)


def _nomination(
    row: tuple[Any, ...], area: str, interests: dict[tuple[int, str], dict[str, int]]
) -> opt.Nomination:
    pk, activity_id, partner_id, code, person, created_at, priority, status = row
    return opt.Nomination(
        id=pk,
        activity=activity_id,
        partner=code,
        participant=str(person),
        submitted_at=created_at,
        rank=priority,
        interest=interests.get((partner_id, Side.PARTNER), {}).get(area, 0),
        alliance_priority=interests.get((partner_id, Side.ALLIANCE), {}).get(area, 0),
        serves_objective=status == ProgrammeStatus.AGREED,
    )


def _activity_json(activity: Any, given: opt.Activity) -> dict[str, Any]:
    """The activity as the optimizer was given it, and its seat counts when read."""
    return {
        "id": given.id,
        "code": activity.code,
        "seats": given.seats,
        "cap": given.cap,
        "cost": given.cost_per_seat,
        "area": given.area,
        "neglected": given.neglected,
        "start": given.start.isoformat(),
        "end": given.end.isoformat(),
        "total_seats": activity.seats,
        "held": activity.confirmed_count,
    }


def _partner_json(partner: opt.Partner, pk: int) -> dict[str, Any]:
    return {
        "id": pk,
        "code": partner.code,
        "operational": partner.operational,
        "budget": partner.budget,
    }

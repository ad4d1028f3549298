"""The scale generator behind `coopsec demo --scale small|prime|decade --seed N`.

It builds a clearly labelled *synthetic* cooperation history over the real reference data:
real COEs and PTECs host the activities, real partners (from their dated framework
memberships) nominate participants, and the operational/non-operational split comes from
the real operation contributions. Every generated activity has `synthetic=True`, a code
starting with "SYN-" and a title starting with "[synthetic]"; participants have obviously
fake names and addresses under the reserved `.invalid` domain. docs/demo-data.md documents
every assumption; each one is a field of `GeneratorParams`.

Two halves:
- the random model (`World` in, `History` out) knows nothing of Django: plain data, one seeded
  `random.Random`, so the same seed and the same reference data give the same history;
- the adapter (`load_world`, `write_history`, `delete_synthetic`, `generate`) reads the
  reference organizations through the network selectors and writes rows with bulk_create in
  batches, inside one transaction, with one audit event for the whole generation.

The rows satisfy every invariant the nomination services keep: `confirmed_count` equals the
seat-holding nominations, no activity holds more than its seats, no partner more than the
activity's cap, every nominating partner is eligible on the activity's first day, seats are
confirmed first-come-first-served in nomination-time order (waiting list promoted on
withdrawal, as `nomination_withdraw` does), and states follow the lifecycle relative to today.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db import connection, models, transaction

# --- parameters ----------------------------------------------------------------------------

CROWDED_AREAS = ("armaments", "deployability", "public_diplomacy")
THIN_AREAS = ("air_defence", "cbrn_defence")

SCALES: dict[str, dict[str, Any]] = {
    # `make run` loads this one: a few seconds on SQLite.
    "small": {"years": 2, "activities_per_year": 300},
    # One year at e-PRIME scale: 10,000 activities, ~45,000 nominations, all partners.
    "prime": {"years": 1, "activities_per_year": 10_000},
    # Ten such years: ~100,000 activities, ~450,000 nominations.
    "decade": {"years": 10, "activities_per_year": 10_000},
}


def _default_supply() -> dict[str, float]:
    return {**dict.fromkeys(CROWDED_AREAS, 2.5), **dict.fromkeys(THIN_AREAS, 0.3)}


def _default_demand() -> dict[str, float]:
    return {**dict.fromkeys(CROWDED_AREAS, 1.8), **dict.fromkeys(THIN_AREAS, 0.45)}


def _default_types() -> dict[str, float]:
    return {
        "course": 0.38, "exercise": 0.10, "seminar": 0.12, "conference": 0.08,
        "workshop": 0.12, "mobile_training_team": 0.07, "expert_visit": 0.07,
        "staff_talks": 0.06,
    }  # fmt: skip


SHARES = (
    "military_share", "allocated_share", "cancelled_share", "withdrawn_share", "no_show_share",
    "feedback_share", "reported_share", "participant_reuse", "online_share",
    "free_tuition_share", "proposed_share", "approved_share",
)  # fmt: skip


@dataclass(frozen=True)
class GeneratorParams:
    """Every assumption of the synthetic history. Defaults are documented in
    docs/demo-data.md; `coopsec demo --params FILE` overrides any of them from JSON."""

    seed: int = 1
    years: int = 2
    # The last calendar year generated; None means next year, so the data ends with the
    # coming cycle (open for nominations, allocated activities pending) after the history.
    last_year: int | None = None
    # "Today" for lifecycle states; None means the deployment's today (network.dates.today).
    today: date | None = None
    activities_per_year: int = 300
    # Mean nominations per activity over all activities (e-PRIME: 45,000 / 10,000).
    nominations_per_activity: float = 4.5
    military_share: float = 0.8
    type_weights: dict[str, float] = field(default_factory=_default_types)
    # Relative number of activities per leaf area (supply); areas not listed weigh 1.
    area_supply: dict[str, float] = field(default_factory=_default_supply)
    # Relative nominations per seat per leaf area (demand); areas not listed weigh 1.
    area_demand: dict[str, float] = field(default_factory=_default_demand)
    # Nominations of a partner contributing to an operation on the activity's first day are
    # this many times as likely as those of a non-operational partner.
    operational_factor: float = 2.0
    # Spread (log-normal sigma) of partners' own activity levels and of activities' appeal.
    partner_sigma: float = 0.5
    popularity_sigma: float = 0.9
    allocated_share: float = 0.2
    seats_min: int = 10
    seats_max: int = 40
    # Per-partner cap: value -> weight; 0 stands for "no cap".
    cap_weights: dict[str, float] = field(
        default_factory=lambda: {"1": 0.10, "2": 0.35, "3": 0.25, "4": 0.15, "0": 0.15}
    )
    # Eligibility: all partners, partners in one or two frameworks, or listed partners.
    eligibility_weights: dict[str, float] = field(
        default_factory=lambda: {"all_partners": 0.78, "frameworks": 0.16, "organizations": 0.06}
    )
    # Hosts whose name or field matches the area are this many times as likely to host it.
    host_affinity: float = 12.0
    # A year's menu opens for nominations on this day of the year before (month, day).
    menu_opens: tuple[int, int] = (9, 1)
    cancelled_share: float = 0.04
    # Of the activities not yet started: still proposed / approved but not opened yet.
    proposed_share: float = 0.04
    approved_share: float = 0.05
    withdrawn_share: float = 0.04
    no_show_share: float = 0.07
    feedback_share: float = 0.4
    # Share of conducted activities whose host has filed the after-action report (once the
    # activity ended at least `report_lag_days` ago).
    reported_share: float = 0.85
    report_lag_days: int = 21
    # Share of nominations that name a person the partner nominated before.
    participant_reuse: float = 0.5
    # Partner's priority rank of a nomination: rank -> weight.
    priority_weights: dict[str, float] = field(
        default_factory=lambda: {"1": 0.4, "2": 0.3, "3": 0.18, "4": 0.08, "5": 0.04}
    )
    online_share: float = 0.08
    free_tuition_share: float = 0.35

    @classmethod
    def for_scale(
        cls, scale: str, *, seed: int = 1, overrides: dict[str, Any] | None = None
    ) -> GeneratorParams:
        """The preset of a scale with `overrides` applied. Raises ValueError naming an
        unknown scale or parameter, or a bad value."""
        if scale not in SCALES:
            raise ValueError(f"Unknown scale '{scale}'; use one of {', '.join(SCALES)}.")
        values: dict[str, Any] = {**SCALES[scale], "seed": seed}
        names = {f.name for f in dataclasses.fields(cls)}
        for key, value in (overrides or {}).items():
            if key not in names:
                raise ValueError(
                    f"Unknown parameter '{key}'; parameters: {', '.join(sorted(names))}."
                )
            values[key] = value
        if isinstance(values.get("today"), str):
            values["today"] = date.fromisoformat(values["today"])
        if isinstance(values.get("menu_opens"), list):
            values["menu_opens"] = tuple(values["menu_opens"])
        params = cls(**values)
        params.check()
        return params

    def check(self) -> None:
        """Raises ValueError for values the model cannot use."""
        problems = []
        if self.years < 1:
            problems.append("years must be at least 1")
        if self.activities_per_year < 1:
            problems.append("activities_per_year must be at least 1")
        if self.nominations_per_activity < 0:
            problems.append("nominations_per_activity cannot be negative")
        if not 1 <= self.seats_min <= self.seats_max:
            problems.append("need 1 <= seats_min <= seats_max")
        for name in SHARES:
            if not 0 <= getattr(self, name) <= 1:
                problems.append(f"{name} must be between 0 and 1")
        if self.operational_factor <= 0:
            problems.append("operational_factor must be positive")
        unknown_types = set(self.type_weights) - set(ACTIVITY_TYPES)
        if unknown_types:
            problems.append(f"unknown activity types {sorted(unknown_types)}")
        if set(self.eligibility_weights) - {"all_partners", "frameworks", "organizations"}:
            problems.append("eligibility_weights keys: all_partners, frameworks, organizations")
        for name in ("cap_weights", "priority_weights"):
            if any(not k.isdigit() for k in getattr(self, name)):
                problems.append(f"{name} keys must be whole numbers")
        if problems:
            raise ValueError("Bad generator parameters: " + "; ".join(problems) + ".")

    def window(self, today: date) -> tuple[int, int]:
        last = self.last_year if self.last_year is not None else today.year + 1
        return last - self.years + 1, last


# --- the world the model draws from (plain data) --------------------------------------------


@dataclass(frozen=True)
class HostInfo:
    key: int
    code: str
    country: int | None
    city: str
    since: date | None  # accreditation: no activity before
    text: str  # name, subtype and field of expertise, lower case, for area affinity


@dataclass(frozen=True)
class AreaInfo:
    key: int
    code: str
    name: str


@dataclass(frozen=True)
class PartnerInfo:
    key: int
    code: str
    is_state: bool


@dataclass(frozen=True)
class MembershipInfo:
    partner: int
    framework: int
    start: date
    end: date | None
    suspended: tuple[tuple[date, date | None], ...] = ()

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def suspended_on(self, day: date) -> bool:
        return any(s <= day and (e is None or day < e) for s, e in self.suspended)


@dataclass(frozen=True)
class World:
    """The reference facts the model needs, keyed by database ids but ordered by code."""

    hosts: list[HostInfo]
    areas: list[AreaInfo]  # leaf areas of the taxonomy
    partners: list[PartnerInfo]
    frameworks: dict[int, str]
    memberships: list[MembershipInfo]
    # Operational partners as a step function: from each date on, until the next one.
    operational_steps: list[tuple[date, frozenset[int]]]

    def operational_on(self, day: date) -> frozenset[int]:
        dates = [d for d, _ in self.operational_steps]
        i = bisect.bisect_right(dates, day) - 1
        return self.operational_steps[i][1] if i >= 0 else frozenset()


# --- the history the model produces ---------------------------------------------------------


@dataclass(slots=True)
class ActivityRow:
    index: int
    code: str
    title: str
    description: str
    type: str
    host: int
    primary_area: int
    secondary_areas: tuple[int, ...]
    start: date
    end: date
    country: int | None
    city: str
    online: bool
    language: str
    seats: int
    per_partner_cap: int | None
    eligibility: str
    eligible_frameworks: tuple[int, ...]
    eligible_organizations: tuple[int, ...]
    clearance: str
    tuition_cost: Decimal
    accommodation_cost: Decimal
    nature: str
    registration_deadline: date
    mode: str
    state: str
    created_at: datetime
    updated_at: datetime
    confirmed_count: int = 0


@dataclass(slots=True)
class ParticipantRow:
    index: int
    partner: int
    name: str
    email: str
    rank: str
    created_at: datetime


@dataclass(slots=True)
class NominationRow:
    index: int
    activity: int  # ActivityRow.index
    partner: int
    participant: int  # ParticipantRow.index
    priority: int
    state: str
    created_at: datetime
    decided_at: datetime | None = None


@dataclass(slots=True)
class FeedbackRow:
    nomination: int  # NominationRow.index
    relevance: int
    quality: int
    applicability: int
    comments: str
    submitted_at: datetime


@dataclass(slots=True)
class ReportRow:
    activity: int  # ActivityRow.index
    summary: str
    lessons: str
    submitted_at: datetime


@dataclass
class History:
    params: GeneratorParams
    today: date
    first_year: int
    last_year: int
    activities: list[ActivityRow] = field(default_factory=list)
    participants: list[ParticipantRow] = field(default_factory=list)
    nominations: list[NominationRow] = field(default_factory=list)
    feedback: list[FeedbackRow] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "activities": len(self.activities),
            "participants": len(self.participants),
            "nominations": len(self.nominations),
            "feedback": len(self.feedback),
            "reports": len(self.reports),
        }


# --- the random model -----------------------------------------------------------------------

# Lifecycle and nomination states, spelled as in activities/models.py (kept here as plain
# strings so the model needs no Django import).
PROPOSED, APPROVED, OPEN, CLOSED = "proposed", "approved", "open", "closed"
CONDUCTED, REPORTED, CANCELLED = "conducted", "reported", "cancelled"
PENDING, CONFIRMED, WAITLISTED, DECLINED = "pending", "confirmed", "waitlisted", "declined"
WITHDRAWN, ATTENDED, NO_SHOW = "withdrawn", "attended", "no_show"
SEAT_STATES = (CONFIRMED, ATTENDED, NO_SHOW)

ACTIVITY_TYPES: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[str, ...]]] = {
    # type: (seats range, duration in days, title patterns)
    "course": ((12, 30), (5, 12), ("{a} course", "Advanced {a} course", "{a} for staff officers")),
    "exercise": ((20, 40), (5, 14), ("{a} exercise", "Command post exercise: {a}")),
    "seminar": ((15, 40), (2, 4), ("{a} seminar", "Regional seminar on {a}")),
    "conference": ((25, 40), (1, 3), ("Annual conference on {a}", "{a} conference")),
    "workshop": ((10, 25), (2, 5), ("{a} workshop", "Lessons-learned workshop: {a}")),
    "mobile_training_team": ((10, 20), (3, 10), ("Mobile training team: {a}",)),
    "expert_visit": ((10, 15), (1, 4), ("Expert visit: {a}",)),
    "staff_talks": ((10, 15), (1, 2), ("Staff talks on {a}",)),
}

# Which hosts are likely for an area: words looked for in the host's name and field.
AREA_HOST_WORDS: dict[str, tuple[str, ...]] = {
    "interoperability": ("command and control", "modelling", "force assistance", "joint"),
    "air_defence": ("air ", "missile", "space"),
    "cbrn_defence": ("cbrn", "biological"),
    "deployability": ("cold weather", "mountain", "engineering", "from the sea"),
    "logistics": ("medic", "engineering", "personnel recovery"),
    "armaments": ("explosive", "ordnance", "improvised", "mine warfare"),
    "defence_reform": ("resources management", "security policy", "stability policing"),
    "education_training": ("training", "university", "school", "international centre"),
    "language_training": ("language",),
    "counter_terrorism": ("terrorism", "special operations", "intelligence"),
    "cyber_defence": ("cyber",),
    "energy_security": ("energy", "climate"),
    "maritime_security": ("maritime", "naval", "shallow waters", "sea"),
    "border_security": ("policing", "police"),
    "arms_control": ("explosive", "demining", "security policy"),
    "crisis_management": ("crisis", "peace support", "peacekeeping", "civil-military"),
    "civil_preparedness": ("disaster", "climate", "civil-military", "meteorolog"),
    "public_diplomacy": ("strategic communications", "public affairs", "security studies"),
}

FIRST_NAMES = ("Alex", "Sam", "Robin", "Kim", "Jo", "Chris", "Pat", "Lee", "Dana", "Noa")
LAST_NAMES = ("Example", "Sample", "Placeholder", "Testcase", "Dummy", "Specimen", "Mockford")
MILITARY_RANKS = (
    "Lieutenant", "Captain", "Major", "Lieutenant Colonel", "Colonel", "Warrant Officer",
)  # fmt: skip
CIVIL_TITLES = ("Mr", "Ms", "Dr")
COMMENTS = (
    "[synthetic] Useful and well organized.",
    "[synthetic] More practical exercises would help.",
    "[synthetic] Directly applicable to my unit's work.",
    "[synthetic] Too short for the amount of material.",
)

T = TypeVar("T")


class _Picker(Generic[T]):
    """Weighted choice over a fixed population (cumulative weights computed once)."""

    def __init__(self, items: Sequence[T], weights: Iterable[float]) -> None:
        self.items: list[T] = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def __bool__(self) -> bool:
        return self.total > 0

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _weighted_numbers(weights: dict[str, float]) -> _Picker[int]:
    keys = sorted(weights, key=int)
    return _Picker([int(k) for k in keys], (weights[k] for k in keys))


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _lognormal_mean_one(rng: random.Random, sigma: float) -> float:
    return math.exp(rng.gauss(0.0, sigma) - sigma * sigma / 2)


def _at(day: date, rng: random.Random, first_hour: int = 7, last_hour: int = 18) -> datetime:
    seconds = rng.randrange(first_hour * 3600, last_hour * 3600)
    return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds)


def _between(rng: random.Random, first: datetime, last: datetime, skew: float = 1.0) -> datetime:
    """A moment in [first, last): skew > 1 crowds it towards the start (the FCFS rush)."""
    span = max((last - first).total_seconds(), 1.0)
    return first + timedelta(seconds=int(span * rng.random() ** skew))


class _Model:
    """One run of the random model; `build()` returns the history."""

    def __init__(self, world: World, params: GeneratorParams, today: date) -> None:
        if not world.hosts or not world.areas or not world.partners:
            raise ValueError("The reference data has no hosts, areas or partners; load it first.")
        self.world = world
        self.p = params
        self.today = today
        self.now = datetime.combine(today, time(), tzinfo=UTC)
        # Reproducible synthetic data, not secrets: a seeded generator is the point.
        self.rng = random.Random(params.seed)  # noqa: S311
        self.first_year, self.last_year = params.window(today)
        self.history = History(params, today, self.first_year, self.last_year)
        rng = self.rng
        areas = world.areas
        self.area_picker = _Picker(areas, (params.area_supply.get(a.code, 1.0) for a in areas))
        types = [t for t in ACTIVITY_TYPES if params.type_weights.get(t, 0) > 0]
        self.type_picker = _Picker(types, (params.type_weights[t] for t in types))
        self.cap_picker = _weighted_numbers(params.cap_weights)
        self.priority_picker = _weighted_numbers(params.priority_weights)
        kinds = ["all_partners", "frameworks", "organizations"]
        weights = params.eligibility_weights
        self.eligibility_picker = _Picker(kinds, (weights.get(k, 0) for k in kinds))
        # Each partner's own level of activity, fixed for the run.
        self.propensity = {
            p.key: _lognormal_mean_one(rng, params.partner_sigma) for p in world.partners
        }
        self.partner_codes = {p.key: p.code for p in world.partners}
        self.states = {p.key for p in world.partners if p.is_state}
        self.host_quality = {h.key: min(4.6, max(3.0, rng.gauss(3.9, 0.35))) for h in world.hosts}
        self._host_pickers: dict[tuple[int, int], _Picker] = {}
        self._day_cache: dict[date, tuple[list[int], dict[int, list[int]], _Picker]] = {}
        self.pool: dict[int, list[int]] = defaultdict(list)  # partner -> participant indexes
        self.person_counter: Counter[int] = Counter()

    # -- reference lookups --

    def hosts_for(self, area: AreaInfo, year: int) -> _Picker:
        key = (area.key, year)
        if key not in self._host_pickers:
            words = AREA_HOST_WORDS.get(area.code, ())
            hosts = [h for h in self.world.hosts if h.since is None or h.since.year <= year]
            weights = [
                self.p.host_affinity if any(w in h.text for w in words) else 1.0 for h in hosts
            ]
            self._host_pickers[key] = _Picker(hosts, weights)
        return self._host_pickers[key]

    def partners_on(self, day: date) -> tuple[list[int], dict[int, list[int]], _Picker]:
        """Partners nominating that day (in a framework, not suspended), the same per
        framework, and a weighted picker (propensity x operational factor)."""
        if day not in self._day_cache:
            operational = self.world.operational_on(day)
            by_framework: dict[int, set[int]] = defaultdict(set)
            live: set[int] = set()
            for m in self.world.memberships:
                # Suspended in one framework but active in another still cooperates.
                if m.active_on(day) and not m.suspended_on(day):
                    live.add(m.partner)
                    by_framework[m.framework].add(m.partner)
            # Ordered by code, not by database id, so that every database draws alike.
            nominating = sorted(live, key=self.partner_codes.__getitem__)
            frameworks = {
                fw: sorted(by_framework[fw], key=self.partner_codes.__getitem__)
                for fw in sorted(by_framework, key=self.world.frameworks.__getitem__)
            }
            picker = _Picker(nominating, (self.weight(k, operational) for k in nominating))
            self._day_cache[day] = (nominating, frameworks, picker)
        return self._day_cache[day]

    def weight(self, partner: int, operational: frozenset[int]) -> float:
        factor = self.p.operational_factor if partner in operational else 1.0
        return self.propensity[partner] * factor

    # -- activities --

    def start_day(self, year: int) -> date:
        """A weekday of the year; August and the last fortnight of December are quiet."""
        rng = self.rng
        while True:
            day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            if day.month == 8 and rng.random() < 0.7:
                continue
            if day.month == 12 and day.day > 18:
                continue
            while day.weekday() >= 5:
                day += timedelta(days=1)
            if day.year == year:
                return day

    def build(self) -> History:
        demand: list[tuple[ActivityRow, float, _Picker]] = []
        for year in range(self.first_year, self.last_year + 1):
            demand.extend(self.build_year(year))
        self.nominate(demand)
        attended: dict[int, list[NominationRow]] = defaultdict(list)
        for nom in self.history.nominations:
            if nom.state == ATTENDED:
                attended[nom.activity].append(nom)
        for row in self.history.activities:
            if row.state == REPORTED:
                self.report(row, attended[row.index])
        return self.history

    def build_year(self, year: int) -> list[tuple[ActivityRow, float, _Picker]]:
        p, rng = self.p, self.rng
        drafts = []
        for _ in range(p.activities_per_year):
            area: AreaInfo = self.area_picker.pick(rng)
            drafts.append((self.start_day(year), area, self.type_picker.pick(rng)))
        drafts.sort(key=lambda d: (d[0], d[1].code, d[2]))
        opens = date(year - 1, *p.menu_opens)
        demand = []
        for number, (start, area, kind) in enumerate(drafts, 1):
            row, weight, picker = self.activity(year, number, start, area, kind, opens)
            self.history.activities.append(row)
            if weight > 0:
                demand.append((row, weight, picker))
        return demand

    def activity(
        self, year: int, number: int, start: date, area: AreaInfo, kind: str, opens: date
    ) -> tuple[ActivityRow, float, _Picker]:
        p, rng = self.p, self.rng
        seats_range, days_range, titles = ACTIVITY_TYPES[kind]
        host: HostInfo = self.hosts_for(area, year).pick(rng)
        lo, hi = max(p.seats_min, seats_range[0]), min(p.seats_max, seats_range[1])
        seats = rng.randint(lo, hi) if lo <= hi else rng.randint(p.seats_min, p.seats_max)
        days = rng.randint(*days_range)
        end = start + timedelta(days=days - 1)
        deadline = start - timedelta(days=rng.randint(14, 60))
        nominating, frameworks, picker = self.partners_on(start)
        eligibility = self.eligibility_picker.pick(rng)
        eligible_frameworks: tuple[int, ...] = ()
        eligible_organizations: tuple[int, ...] = ()
        eligible = nominating
        if eligibility == "frameworks":
            candidates = [fw for fw, members in frameworks.items() if len(members) >= 3]
            if candidates:
                chosen = rng.sample(candidates, min(len(candidates), 1 + (rng.random() < 0.25)))
                eligible_frameworks = tuple(sorted(chosen))
                members = {k for fw in chosen for k in frameworks[fw]}
                eligible = [k for k in nominating if k in members]
            else:
                eligibility = "all_partners"
        elif eligibility == "organizations":
            if len(nominating) >= 2:
                listed = rng.sample(nominating, min(len(nominating), rng.randint(2, 8)))
                eligible_organizations = tuple(sorted(listed))
                eligible = [k for k in nominating if k in set(listed)]
            else:
                eligibility = "all_partners"
        if eligible is not nominating:
            operational = self.world.operational_on(start)
            picker = _Picker(eligible, (self.weight(k, operational) for k in eligible))
        online = kind in ("seminar", "conference", "workshop") and rng.random() < p.online_share
        country, city = (None, "") if online else (host.country, host.city)
        if kind == "mobile_training_team":
            # The team travels to a partner.
            states = [k for k in eligible if k in self.states]
            country, city = (rng.choice(states), "") if states else (country, city)
        secondary = tuple(
            sorted({a.key for a in rng.sample(self.world.areas, rng.choice((0, 0, 1, 1, 2)))}
                   - {area.key})
        )  # fmt: skip
        free = rng.random() < p.free_tuition_share
        tuition = Decimal(0 if free else rng.randrange(100, 2550, 50))
        nights = 0 if online else days
        accommodation = Decimal(nights * rng.randrange(40, 130, 10))
        state, created, updated = self.lifecycle(start, end, deadline, opens)
        mode = "allocated" if rng.random() < p.allocated_share else "fcfs"
        code = f"SYN-{year}-{number:05d}"
        row = ActivityRow(
            index=len(self.history.activities), code=code,
            title=f"[synthetic] {rng.choice(titles).format(a=area.name)}",
            description=(
                f"Synthetic demo activity {code} generated by `coopsec demo` (seed {p.seed}); "
                f"not a real event. Area: {area.name}."
            ),
            type=kind, host=host.key, primary_area=area.key, secondary_areas=secondary,
            start=start, end=end, country=country, city=city, online=online,
            language=rng.choices(("en", "en+fr", "fr"), (0.8, 0.12, 0.08))[0],
            seats=seats, per_partner_cap=self.cap_picker.pick(rng) or None, eligibility=eligibility,
            eligible_frameworks=eligible_frameworks, eligible_organizations=eligible_organizations,
            clearance=rng.choices(("none", "restricted", "confidential"), (0.85, 0.1, 0.05))[0],
            tuition_cost=tuition, accommodation_cost=accommodation,
            nature="military" if rng.random() < p.military_share else "civil",
            registration_deadline=deadline, mode=mode, state=state,
            created_at=created, updated_at=updated,
        )  # fmt: skip
        takes_nominations = state in (OPEN, CLOSED, CONDUCTED, REPORTED) and bool(picker)
        weight = 0.0
        if takes_nominations:
            demand = p.area_demand.get(area.code, 1.0)
            weight = seats * demand * _lognormal_mean_one(rng, p.popularity_sigma)
        return row, weight, picker

    def lifecycle(
        self, start: date, end: date, deadline: date, opens: date
    ) -> tuple[str, datetime, datetime]:
        """State relative to today, with plausible creation and last-change moments."""
        p, rng = self.p, self.rng
        proposed_on = opens - timedelta(days=rng.randint(30, 150))
        created = _at(proposed_on, rng)
        if rng.random() < p.cancelled_share:
            cancelled_on = min(start - timedelta(days=rng.randint(1, 60)), self.today)
            return CANCELLED, created, _at(max(cancelled_on, proposed_on), rng)
        if start <= self.today:
            reported_by = end + timedelta(days=p.report_lag_days)
            if reported_by <= self.today and rng.random() < p.reported_share:
                return REPORTED, created, _at(min(reported_by, self.today), rng)
            return CONDUCTED, created, _at(start, rng)
        if opens > self.today:
            return (PROPOSED if rng.random() < 0.5 else APPROVED), created, created
        draw = rng.random()
        if draw < p.proposed_share:
            return PROPOSED, created, created
        if draw < p.proposed_share + p.approved_share:
            return APPROVED, created, _at(proposed_on + timedelta(days=20), rng)
        if deadline < self.today:
            return CLOSED, created, _at(deadline + timedelta(days=1), rng)
        return OPEN, created, _at(opens, rng)

    # -- nominations --

    def nominate(self, demand: list[tuple[ActivityRow, float, _Picker]]) -> None:
        """Spread the target number of nominations over the activities in proportion to
        seats x area demand x appeal, then run each activity's registration."""
        total_activities = len(self.history.activities)
        target = total_activities * self.p.nominations_per_activity
        weight_sum = sum(w for _row, w, _pk in demand)
        if weight_sum <= 0:
            return
        for row, weight, picker in demand:
            count = _poisson(self.rng, target * weight / weight_sum)
            if count:
                self.register(row, count, picker)

    def person(self, partner: int, when: datetime, taken: set[int]) -> int:
        """A participant of the partner not yet nominated to this activity: someone it
        nominated before (`participant_reuse`), or a new, obviously fake person."""
        rng, pool = self.rng, self.pool[partner]
        if pool and rng.random() < self.p.participant_reuse:
            for _ in range(3):
                index = pool[rng.randrange(len(pool))]
                if index not in taken:
                    return index
        self.person_counter[partner] += 1
        n = self.person_counter[partner]
        code = self.partner_codes[partner]
        military = rng.random() < self.p.military_share
        index = len(self.history.participants)
        self.history.participants.append(
            ParticipantRow(
                index=index, partner=partner,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} #{n}",
                email=f"{code.lower()}-{n:06d}@synthetic.invalid",
                rank=rng.choice(MILITARY_RANKS if military else CIVIL_TITLES),
                created_at=when,
            )
        )  # fmt: skip
        pool.append(index)
        return index

    def register(self, row: ActivityRow, count: int, picker: _Picker) -> None:
        """Nominations arrive in time order; FCFS confirms while seats and the partner's cap
        allow and waitlists the rest; a withdrawal frees the seat for the first waiting
        nomination whose partner is under its cap. Allocated activities hold nominations
        pending until the registration deadline, then confirm by the partners' priorities."""
        p, rng = self.p, self.rng
        opens = datetime.combine(date(row.start.year - 1, *p.menu_opens), time(), tzinfo=UTC)
        closes = datetime.combine(row.registration_deadline, time(23, 59), tzinfo=UTC)
        last_nomination = min(closes, self.now)
        if last_nomination <= opens:
            return
        starts = datetime.combine(row.start, time(), tzinfo=UTC)
        taken: set[int] = set()
        noms: list[NominationRow] = []
        for _ in range(count):
            partner = picker.pick(rng)
            created = _between(rng, opens, last_nomination, skew=1.4)
            person = self.person(partner, created, taken)
            taken.add(person)
            noms.append(
                NominationRow(
                    index=-1, activity=row.index, partner=partner, participant=person,
                    priority=self.priority_picker.pick(rng), state=PENDING, created_at=created,
                )
            )  # fmt: skip
        noms.sort(key=lambda n: n.created_at)
        events: list[tuple[datetime, int, int]] = []
        withdraw_until = min(starts if row.mode == "fcfs" else closes, self.now)
        for i, nom in enumerate(noms):
            events.append((nom.created_at, 0, i))
            if rng.random() < p.withdrawn_share and withdraw_until > nom.created_at:
                events.append((_between(rng, nom.created_at, withdraw_until), 1, i))
        events.sort()
        held: Counter[int] = Counter()
        confirmed = 0
        cap = row.per_partner_cap

        def room(partner: int) -> bool:
            return confirmed < row.seats and (cap is None or held[partner] < cap)

        for moment, kind, i in events:
            nom = noms[i]
            if kind == 0:
                if row.mode == "allocated":
                    nom.state = PENDING
                elif room(nom.partner):
                    nom.state, nom.decided_at = CONFIRMED, moment
                    confirmed += 1
                    held[nom.partner] += 1
                else:
                    nom.state = WAITLISTED
                continue
            was = nom.state
            nom.state, nom.decided_at = WITHDRAWN, moment
            if was == CONFIRMED:
                confirmed -= 1
                held[nom.partner] -= 1
                for waiting in noms:  # in nomination-time order, as _promote_waitlist
                    if confirmed >= row.seats:
                        break
                    if waiting.state == WAITLISTED and room(waiting.partner):
                        waiting.state, waiting.decided_at = CONFIRMED, moment
                        confirmed += 1
                        held[waiting.partner] += 1
        if row.mode == "allocated" and closes < self.now:
            decided = closes + timedelta(hours=rng.randint(10, 72))
            ordered = sorted(
                (n for n in noms if n.state == PENDING), key=lambda n: (n.priority, n.created_at)
            )
            for nom in ordered:
                if room(nom.partner):
                    nom.state = CONFIRMED
                    confirmed += 1
                    held[nom.partner] += 1
                else:
                    nom.state = WAITLISTED
                nom.decided_at = decided
        row.confirmed_count = confirmed
        for nom in noms:
            nom.index = len(self.history.nominations)
            self.history.nominations.append(nom)
        if row.state in (CONDUCTED, REPORTED):
            self.attend(row, noms)

    def attend(self, row: ActivityRow, noms: list[NominationRow]) -> None:
        """The host recorded attendance; some participants give feedback afterwards."""
        p, rng = self.p, self.rng
        quality = self.host_quality[row.host]
        for nom in noms:
            if nom.state != CONFIRMED:
                continue
            nom.state = NO_SHOW if rng.random() < p.no_show_share else ATTENDED
            if nom.state != ATTENDED or rng.random() >= p.feedback_share:
                continue
            submitted = _at(row.end + timedelta(days=rng.randint(0, 14)), rng)
            if submitted >= self.now:
                continue

            def rating(base: float) -> int:
                return min(5, max(1, round(rng.gauss(base, 0.8))))

            self.history.feedback.append(
                FeedbackRow(
                    nomination=nom.index,
                    relevance=rating(quality + 0.1), quality=rating(quality),
                    applicability=rating(quality - 0.2),
                    comments=rng.choice(COMMENTS) if rng.random() < 0.3 else "",
                    submitted_at=submitted,
                )
            )  # fmt: skip

    def report(self, row: ActivityRow, attended: list[NominationRow]) -> None:
        partners = len({n.partner for n in attended})
        self.history.reports.append(
            ReportRow(
                activity=row.index,
                summary=(
                    f"[synthetic] {row.code} was conducted with {len(attended)} participants "
                    f"from {partners} partners."
                ),
                lessons="[synthetic] Generated demo report; no real lessons recorded.",
                submitted_at=row.updated_at,
            )
        )


def build_history(world: World, params: GeneratorParams, today: date) -> History:
    """The synthetic history for `world` (no database access). Deterministic: the same world,
    parameters and today give the same history. Raises ValueError for unusable input."""
    params.check()
    return _Model(world, params, today).build()


# --- the adapter: reference data in, rows out -----------------------------------------------

Progress = Callable[[str], None]
BATCH = 5_000


def _quiet(_message: str) -> None:
    return None


def load_world(*, first: date, last: date) -> World:
    """The model's inputs from the database: COEs and PTECs as hosts, the leaf cooperation
    areas, partners with their dated framework memberships (and suspensions), and the
    operational partners as `network.selectors.operational_partner_ids` gives them, asked
    on every date in [first, last] where the answer can change."""
    from coopsec.accounts.actor import Actor
    from coopsec.activities.models import CooperationArea
    from coopsec.network.models import (
        STATE_KINDS,
        InstitutionSubtype,
        Membership,
        MembershipStatus,
        OperationContribution,
        Organization,
        OrganizationKind,
    )
    from coopsec.network.selectors import operational_partner_ids

    institutions = Organization.objects.filter(
        kind=OrganizationKind.INSTITUTION,
        subtype__in=[InstitutionSubtype.COE, InstitutionSubtype.PTEC],
    ).order_by("code")
    hosts = [
        HostInfo(
            key=o.pk,
            code=o.code,
            country=o.host_country_id,
            city=o.city,
            since=o.accreditation_date,
            text=f" {o.name} {o.short_name} {o.subtype} {o.domain} ".lower(),
        )
        for o in institutions
    ]
    areas = [
        AreaInfo(key=a.pk, code=a.code, name=a.name)
        for a in CooperationArea.objects.filter(children__isnull=True).order_by("code")
    ]
    memberships = list(
        Membership.objects.in_frameworks()
        .select_related("organization", "framework")
        .prefetch_related("status_periods")
        .order_by("organization__code", "framework__code", "start")
    )
    partners: dict[int, PartnerInfo] = {}
    frameworks: dict[int, str] = {}
    infos = []
    for m in memberships:
        assert m.framework is not None
        org = m.organization
        partners[org.pk] = PartnerInfo(key=org.pk, code=org.code, is_state=org.kind in STATE_KINDS)
        frameworks[m.framework.pk] = m.framework.code
        suspended = tuple(
            (sp.start, sp.end)
            for sp in m.status_periods.all()
            if sp.status == MembershipStatus.SUSPENDED
        )
        infos.append(MembershipInfo(org.pk, m.framework.pk, m.start, m.end, suspended))
    # The operational set changes only where a membership, a contribution or an operation
    # starts or ends; asking the selector on those dates gives its answer for every date.
    changes: set[date] = {first}
    for m in memberships:
        changes.update(d for d in (m.start, m.end) if d is not None)
    for c in OperationContribution.objects.select_related("operation"):
        for d in (c.start, c.end, c.operation.start, c.operation.end):
            if d is not None:
                changes.add(d)
    actor = Actor.system()
    steps = [
        (day, frozenset(operational_partner_ids(actor=actor, as_of=day)))
        for day in sorted(d for d in changes if first <= d <= last)
    ]
    return World(
        hosts=hosts, areas=areas,
        partners=sorted(partners.values(), key=lambda p: p.code),
        frameworks=frameworks, memberships=infos, operational_steps=steps,
    )  # fmt: skip


def _chunks(rows: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _delete(qs: Any, handled: set[type]) -> int:
    """Delete the rows in one statement when nothing but `handled` models points at them
    (those rows are already gone); otherwise through the ORM, so that another app's
    relations to them cascade or protect as they declare."""
    related = {r.related_model for r in qs.model._meta.related_objects}
    if related <= handled:
        return int(qs._raw_delete(qs.db))
    return int(qs.delete()[0])


def delete_synthetic(progress: Progress = _quiet) -> dict[str, int]:
    """Remove every synthetic activity with its nominations, feedback, reports and the
    synthetic participants left without nominations, and first the synthetic programmes
    drawn over them (programmes/generator.py). Non-synthetic rows stay: a real participant
    nominated to a synthetic activity, a real programme planning one (by area and year)."""
    from django.db.models import Exists, OuterRef

    from coopsec.activities.models import (
        Activity,
        ActivityReference,
        ActivityReport,
        Feedback,
        Nomination,
        Participant,
    )
    from coopsec.programmes import generator as programmes
    from coopsec.programmes.models import ProgrammeItem

    # Planned activities point at activities (PROTECT): none may name a synthetic one after.
    removed = programmes.delete_synthetic(progress)
    activities = Activity.objects.filter(synthetic=True)
    nominations = Nomination.objects.filter(activity__synthetic=True)
    counts = {"activities": activities.count(), "nominations": nominations.count(), **removed}
    if not counts["activities"]:
        counts["participants"] = 0
        return counts
    progress(f"deleting the previous synthetic data ({counts['activities']:,} activities)")
    Feedback.objects.filter(nomination__activity__synthetic=True).delete()
    _delete(Nomination.objects.filter(activity__synthetic=True), {Feedback})
    orphans = Participant.objects.filter(email__endswith=SYNTHETIC_EMAIL_DOMAIN).exclude(
        Exists(Nomination.objects.filter(participant=OuterRef("pk")))
    )
    counts["participants"] = _delete(orphans, {Nomination})
    ActivityReport.objects.filter(activity__synthetic=True).delete()
    ActivityReference.objects.filter(activity__synthetic=True).delete()
    for name in ("secondary_areas", "eligible_frameworks", "eligible_organizations"):
        through = getattr(Activity, name).through
        through.objects.filter(activity__synthetic=True).delete()
    _delete(activities, {Nomination, ActivityReport, ActivityReference, ProgrammeItem})
    return counts


SYNTHETIC_EMAIL_DOMAIN = "@synthetic.invalid"


def write_history(history: History, progress: Progress = _quiet) -> None:
    """Insert the history's rows with bulk_create in batches (inside the caller's
    transaction). Every activity is written with synthetic=True."""
    activity_pks = _write_activities(history, progress)
    participant_pks = _write_participants(history)
    progress(f"participants {len(participant_pks):,}")
    nomination_pks = _write_nominations(history, activity_pks, participant_pks, progress)
    _write_outcomes(history, activity_pks, nomination_pks)
    progress(f"feedback {len(history.feedback):,}, reports {len(history.reports):,}")


def _write_activities(history: History, progress: Progress) -> list[int]:
    from coopsec.activities.models import Activity

    total = len(history.activities)
    pks: list[int] = []
    for chunk in _chunks(history.activities):
        objs = [
            Activity(
                code=r.code, title=r.title, description=r.description, type=r.type,
                host_id=r.host, primary_area_id=r.primary_area, start=r.start, end=r.end,
                country_id=r.country, city=r.city, online=r.online, language=r.language,
                seats=r.seats, per_partner_cap=r.per_partner_cap, eligibility=r.eligibility,
                clearance=r.clearance, tuition_cost=r.tuition_cost,
                accommodation_cost=r.accommodation_cost, nature=r.nature,
                registration_deadline=r.registration_deadline, mode=r.mode, state=r.state,
                confirmed_count=r.confirmed_count, synthetic=True, created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in chunk
        ]  # fmt: skip
        Activity.objects.bulk_create(objs)
        pks.extend(_pks(objs))
        progress(f"activities {len(pks):,}/{total:,}")
    links: list[tuple[str, str, Callable[[ActivityRow], tuple[int, ...]]]] = [
        ("secondary_areas", "cooperationarea_id", lambda r: r.secondary_areas),
        ("eligible_frameworks", "framework_id", lambda r: r.eligible_frameworks),
        ("eligible_organizations", "organization_id", lambda r: r.eligible_organizations),
    ]
    for name, column, targets in links:
        through = getattr(Activity, name).through
        rows = [
            through(activity_id=pks[r.index], **{column: key})
            for r in history.activities
            for key in targets(r)
        ]
        for chunk_of_links in _chunks(rows):
            through.objects.bulk_create(chunk_of_links)
    return pks


def _write_participants(history: History) -> list[int]:
    from coopsec.activities.models import Participant

    pks: list[int] = []
    for chunk in _chunks(history.participants):
        people = [
            Participant(
                partner_id=r.partner, name=r.name, email=r.email, rank=r.rank,
                created_at=r.created_at,
            )
            for r in chunk
        ]  # fmt: skip
        Participant.objects.bulk_create(people)
        pks.extend(_pks(people))
    return pks


def _write_nominations(
    history: History, activity_pks: list[int], participant_pks: list[int], progress: Progress
) -> list[int]:
    from coopsec.activities.models import Nomination

    total = len(history.nominations)
    pks: list[int] = []
    for chunk in _chunks(history.nominations):
        noms = [
            Nomination(
                activity_id=activity_pks[r.activity], partner_id=r.partner,
                participant_id=participant_pks[r.participant], priority=r.priority,
                state=r.state, created_at=r.created_at, decided_at=r.decided_at,
            )
            for r in chunk
        ]  # fmt: skip
        Nomination.objects.bulk_create(noms)
        pks.extend(_pks(noms))
        progress(f"nominations {len(pks):,}/{total:,}")
    return pks


def _write_outcomes(history: History, activity_pks: list[int], nomination_pks: list[int]) -> None:
    from coopsec.activities.models import ActivityReport, Feedback

    for chunk in _chunks(history.feedback):
        Feedback.objects.bulk_create(
            [
                Feedback(
                    nomination_id=nomination_pks[r.nomination], relevance=r.relevance,
                    quality=r.quality, applicability=r.applicability, comments=r.comments,
                    submitted_at=r.submitted_at,
                )
                for r in chunk
            ]
        )  # fmt: skip
    for report_chunk in _chunks(history.reports):
        ActivityReport.objects.bulk_create(
            [
                ActivityReport(
                    activity_id=activity_pks[r.activity], summary=r.summary,
                    lessons=r.lessons, submitted_at=r.submitted_at,
                )
                for r in report_chunk
            ]
        )  # fmt: skip


def _pks(objs: Sequence[Any]) -> list[int]:
    pks = [o.pk for o in objs]
    if any(pk is None for pk in pks):
        raise RuntimeError("The database did not return the new rows' ids from bulk_create.")
    return pks


def analyze() -> None:
    """Fresh planner statistics for the tables the generator fills. PostgreSQL's autovacuum
    would gather them later; SQLite gathers none unless asked, and without them it may pick
    an index on a column with few distinct values (a nomination's partner) over one that
    finds a handful of rows (its activity)."""
    tables = [connection.ops.quote_name(m._meta.db_table) for m in _written_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(tables))
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute("ANALYZE " + table)


def _written_models() -> list[type[models.Model]]:
    from coopsec.activities.models import (
        Activity,
        ActivityReport,
        Feedback,
        Nomination,
        Participant,
    )

    throughs = [
        getattr(Activity, name).through
        for name in ("secondary_areas", "eligible_frameworks", "eligible_organizations")
    ]
    return [Activity, Participant, Nomination, Feedback, ActivityReport, *throughs]


@dataclass(frozen=True)
class GenerationResult:
    scale: str
    seed: int
    first_year: int
    last_year: int
    today: date
    counts: dict[str, int]
    deleted: dict[str, int]
    seconds: dict[str, float]


def generate(
    *, actor: Any, params: GeneratorParams, scale: str = "custom", progress: Progress = _quiet
) -> GenerationResult:
    """Replace the synthetic history with a new one for `params`, in one transaction, with
    one audit event ("demo.generate": scale, seed, window and counts). Raises ValueError for
    bad parameters or missing reference data."""
    import time as clock

    from coopsec.audit.services import audit_record
    from coopsec.network import dates

    params.check()
    today = params.today or dates.today()
    first_year, last_year = params.window(today)
    seconds: dict[str, float] = {}
    began = clock.perf_counter()
    world = load_world(first=date(first_year, 1, 1), last=date(last_year, 12, 31))
    history = build_history(world, params, today)
    seconds["model"] = clock.perf_counter() - began
    progress(
        f"model: {len(history.activities):,} activities, {len(history.nominations):,} "
        f"nominations for {first_year}-{last_year} (seed {params.seed}) "
        f"in {seconds['model']:.1f} s"
    )
    with transaction.atomic():
        began = clock.perf_counter()
        deleted = delete_synthetic(progress)
        seconds["delete"] = clock.perf_counter() - began
        began = clock.perf_counter()
        write_history(history, progress)
        seconds["write"] = clock.perf_counter() - began
        counts = history.counts()
        audit_record(
            actor=actor, action="demo.generate", object_type="activity", object_id="synthetic",
            summary={
                "scale": scale, "seed": params.seed, "years": [first_year, last_year],
                "today": today.isoformat(), "counts": counts, "deleted": deleted,
                "database": connection.vendor,
            },
        )  # fmt: skip
    began = clock.perf_counter()
    analyze()
    seconds["analyze"] = clock.perf_counter() - began
    return GenerationResult(
        scale=scale, seed=params.seed, first_year=first_year, last_year=last_year,
        today=today, counts=counts, deleted=deleted, seconds=seconds,
    )  # fmt: skip

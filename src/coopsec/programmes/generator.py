"""Synthetic partnership programmes over the synthetic cooperation history, for
`coopsec demo --scale` (docs/demo-data.md, "Programmes").

For every partner that nominated in the synthetic history it writes both sides' interests
(versions over the years), one programme per two-year cycle (earlier ones superseded, the
latest agreed, some partners preparing the next one), objectives in the areas the partner
cares about, planned activities that are real synthetic activities of that area and year (a
few by type and year only), links from a share of the partner's nominations to those planned
activities, and assessments per objective and year whose rating follows attendance and whose
evidence has the shape `selectors.Evidence.as_json()` gives.

Like activities/generator.py it has two halves:
- the random model (`Facts` in, `ProgrammeHistory` out) knows nothing of Django: plain data
  and one seeded `random.Random`, so the same seed, history and reference data give the same
  programmes;
- the adapter (`load_facts`, `write_programmes`, `delete_synthetic`, `generate_programmes`)
  reads the synthetic history and writes with bulk_create in batches, in one transaction, with
  one audit event.

What is real data is left alone: a partner with a programme made through the services gets no
synthetic programme, a side of a partner's interests recorded through the services gets no
synthetic version (they would compete for "agreed" and "current").
"""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

# Interest versions carry no `synthetic` flag; this note marks (and finds) the generated ones.
SYNTHETIC_NOTE = "[synthetic] generated demo data"
SYNTHETIC_ITEM_NOTE = "[synthetic] to be chosen when the menu is published"

# Spelled as in programmes/models.py and activities/models.py (plain strings: no Django here).
PARTNER, ALLIANCE = "partner", "alliance"
DRAFT, SUBMITTED, AGREED, SUPERSEDED = "draft", "submitted", "agreed", "superseded"
NOT_STARTED, AT_RISK, ON_TRACK, ACHIEVED = "not_started", "at_risk", "on_track", "achieved"
ATTENDED = "attended"
LIVE_STATES = ("pending", "waitlisted", "confirmed", "attended", "no_show")
HOLDING_STATES = ("pending", "confirmed", "attended", "no_show")  # a seat held or asked for
PLANNABLE_STATES = ("open", "closed", "conducted", "reported")  # on the menu a liaison sees
ACTIVITY_TYPES = (
    "course", "exercise", "seminar", "conference", "workshop", "mobile_training_team",
    "expert_visit", "staff_talks",
)  # fmt: skip
PRIORITY_MAX = 5
MAX_PLANNED_SEATS = 50
FEEDBACK_NAMES = ("relevance", "quality", "applicability")

# (title after the area's name, indicator, unit of baseline and target)
OBJECTIVE_PATTERNS = (
    ("trained personnel", "Personnel trained in Alliance-led activities", "personnel"),
    ("national capacity", "Staff qualified as national instructors", "instructors"),
    ("interoperable units", "Units evaluated at the Alliance's standard", "units"),
    ("doctrine and procedures", "National procedures aligned with Alliance standards",
     "procedures"),
    ("exercise participation", "Participations in Alliance exercises", "participations"),
)  # fmt: skip


@dataclass(frozen=True)
class ProgrammeParams:
    """Every assumption of the synthetic programmes (docs/demo-data.md, "Programmes")."""

    seed: int = 1
    # "Today"; None means the deployment's today (network.dates.today).
    today: date | None = None
    cycle_years: int = 2
    versions: tuple[int, int] = (2, 4)  # interest versions per partner and side
    # The partner's interests: its nomination demand by area, times its own taste
    # (log-normal, fixed for the run), with a little drift between versions.
    taste_sigma: float = 0.6
    drift_sigma: float = 0.25
    # The alliance's: the menu's supply by area, times a policy bias per partner: a few areas
    # pushed, a few hardly offered.
    policy_areas: tuple[int, int] = (2, 4)
    policy_boost: float = 2.5
    withheld_areas: tuple[int, int] = (1, 3)
    withheld_factor: float = 0.25
    priority_noise: float = 0.6  # sigma of the noise on a 0-5 priority
    objectives: tuple[int, int] = (2, 5)
    alliance_objective_share: float = 0.3  # objectives proposed by the alliance
    items_per_year: tuple[int, int] = (2, 5)  # menu activities per objective and year
    nominated_item_share: float = 0.85  # of which ones the partner nominated to
    area_item_share: float = 0.2  # objective-years that also plan a type in the area
    link_share: float = 0.9  # the partner's nominations to a planned activity that name it
    next_cycle_share: float = 0.4  # partners preparing the next cycle (draft or submitted)
    deep_partner_share: float = 0.15  # partner states on an IPAP rather than an ITPP
    alliance_assessment_share: float = 0.7  # objective-periods the alliance assesses too


# --- the facts the model draws from (plain data) --------------------------------------------


@dataclass(frozen=True)
class AreaFacts:
    key: int
    code: str
    name: str


@dataclass(frozen=True)
class PartnerFacts:
    key: int
    code: str
    name: str
    is_state: bool
    aspirant: tuple[tuple[date, date | None], ...] = ()  # Membership Action Plan periods

    def aspirant_on(self, day: date) -> bool:
        return any(s <= day and (e is None or day < e) for s, e in self.aspirant)


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    key: int
    code: str
    title: str
    area: int
    secondary: tuple[int, ...]
    type: str
    start: date
    end: date
    state: str
    report: str  # the host's summary, "" before a report


@dataclass(frozen=True, slots=True)
class NominationFacts:
    key: int
    activity: int
    partner: int
    state: str
    feedback: tuple[int, int, int] | None  # relevance, quality, applicability


@dataclass
class Facts:
    areas: list[AreaFacts]  # the leaf areas, in the taxonomy's order
    partners: list[PartnerFacts]  # the partners that nominated, by code
    activities: dict[int, ActivityFacts]
    nominations: list[NominationFacts]  # in insertion order
    real_programmes: frozenset[int] = frozenset()  # partners with a real programme
    real_interests: frozenset[tuple[int, str]] = frozenset()  # (partner, side) recorded


# --- what the model produces ----------------------------------------------------------------


@dataclass(slots=True)
class InterestRow:
    partner: int
    side: str
    number: int
    recorded_on: date
    recorded_at: datetime
    priorities: dict[int, int]  # area key -> 0..5, every leaf area


@dataclass(slots=True)
class ProgrammeRow:
    index: int
    partner: int
    type: str
    cycle_start: int
    cycle_end: int
    status: str
    title: str
    created_at: datetime
    submitted_at: datetime | None = None
    agreed_at: datetime | None = None
    superseded_at: datetime | None = None


@dataclass(slots=True)
class ObjectiveRow:
    index: int
    programme: int
    title: str
    area: int
    indicator: str
    baseline: str
    target: str
    target_date: date
    proposed_by: str
    agreed: bool
    position: int


@dataclass(slots=True)
class ItemRow:
    index: int
    programme: int
    objective: int
    activity: int | None
    area: int
    activity_type: str
    year: int
    planned_seats: int
    note: str = ""


@dataclass(slots=True)
class AssessmentRow:
    objective: int
    period: str
    period_start: date
    period_end: date
    side: str
    rating: str
    narrative: str
    evidence: dict[str, Any]
    assessed_at: datetime


@dataclass
class ProgrammeHistory:
    interests: list[InterestRow] = field(default_factory=list)
    programmes: list[ProgrammeRow] = field(default_factory=list)
    objectives: list[ObjectiveRow] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)  # (nomination key, item index)
    assessments: list[AssessmentRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "interest_versions": len(self.interests),
            "programmes": len(self.programmes),
            "objectives": len(self.objectives),
            "items": len(self.items),
            "linked_nominations": len(self.links),
            "assessments": len(self.assessments),
        }


# --- the random model -----------------------------------------------------------------------


def _clip(value: float) -> int:
    return max(0, min(PRIORITY_MAX, round(value)))


def _at(day: date, rng: random.Random) -> datetime:
    seconds = rng.randrange(8 * 3600, 18 * 3600)
    return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds)


def _weighted_sample(rng: random.Random, weights: dict[int, float], k: int) -> list[int]:
    """Up to k distinct keys, each drawn in proportion to its weight (zero weights never)."""
    pool = {key: w for key, w in weights.items() if w > 0}
    chosen: list[int] = []
    while pool and len(chosen) < k:
        keys = sorted(pool)
        pick = rng.choices(keys, [pool[key] for key in keys])[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def evidence_json(
    start: date, end: date, rows: list[tuple[ActivityFacts, str, list[NominationFacts], bool]]
) -> dict[str, Any]:
    """What `selectors.Evidence.as_json()` gives for these activities: each with its area's
    code, the partner's attended nominations, and whether one of them named a planned
    activity of the objective."""
    activities: list[dict[str, Any]] = []
    for activity, area, noms, linked in sorted(rows, key=lambda r: (r[0].end, r[0].code)):
        ratings = [n.feedback for n in noms if n.feedback is not None]
        averages = {
            name: round(sum(r[i] for r in ratings) / len(ratings), 2) if ratings else None
            for i, name in enumerate(FEEDBACK_NAMES)
        }
        activities.append(
            {
                "code": activity.code, "title": activity.title,
                "start": activity.start.isoformat(), "end": activity.end.isoformat(),
                "area": area, "attended": len(noms), "linked": linked,
                "feedback_count": len(ratings), **averages, "report": activity.report,
            }
        )  # fmt: skip

    def average(name: str) -> float | None:
        rated = [(a[name], a["feedback_count"]) for a in activities if a["feedback_count"]]
        total = sum(n for _v, n in rated)
        return round(sum(v * n for v, n in rated) / total, 2) if total else None

    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "attended": sum(a["attended"] for a in activities),
        "reports": sum(1 for a in activities if a["report"]),
        "feedback": {name: average(name) for name in FEEDBACK_NAMES},
        "activities": activities,
    }


class _Model:
    """One run of the model; `build()` returns the programmes."""

    def __init__(self, facts: Facts, params: ProgrammeParams, today: date) -> None:
        self.f, self.p, self.today = facts, params, today
        self.yesterday = today - timedelta(days=1)
        # Reproducible synthetic data, not secrets: a seeded generator is the point.
        self.rng = random.Random(f"programmes-{params.seed}")  # noqa: S311
        self.out = ProgrammeHistory()
        self.area_codes = {a.key: a.code for a in facts.areas}
        self.area_names = {a.key: a.name for a in facts.areas}
        acts = facts.activities
        years = [a.start.year for a in acts.values()]
        self.first_year, self.last_year = (min(years), max(years)) if years else (0, -1)
        self.supply: dict[int, Counter[int]] = defaultdict(Counter)  # year -> area -> n
        self.menu: dict[tuple[int, int], list[int]] = defaultdict(list)  # (area, year) -> acts
        for a in sorted(acts.values(), key=lambda a: a.code):
            if a.state != "cancelled":
                self.supply[a.start.year][a.area] += 1
            if a.state in PLANNABLE_STATES:
                self.menu[(a.area, a.start.year)].append(a.key)
        self.demand: dict[int, dict[int, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
        self.of_partner: dict[tuple[int, int], list[NominationFacts]] = defaultdict(list)
        self.nominated: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        self.in_area: dict[tuple[int, int, int], list[NominationFacts]] = defaultdict(list)
        self.attended: dict[tuple[int, int], list[tuple[date, NominationFacts]]] = defaultdict(list)
        for n in facts.nominations:
            a = acts[n.activity]
            self.demand[n.partner][a.start.year][a.area] += 1
            noms = self.of_partner[(n.partner, a.key)]
            if not noms and a.state in PLANNABLE_STATES:
                self.nominated[(n.partner, a.area, a.start.year)].append(a.key)
            noms.append(n)
            for area in (a.area, *a.secondary):
                self.in_area[(n.partner, area, a.start.year)].append(n)
                if n.state == ATTENDED:
                    self.attended[(n.partner, area)].append((a.end, n))
        for rows in self.attended.values():
            rows.sort(key=lambda r: (r[0], r[1].key))
        self.linked: dict[int, int] = {}  # nomination key -> item index
        self.served_by: dict[int, list[NominationFacts]] = defaultdict(list)  # item -> noms

    # -- helpers --

    def moment(self, first: date, last: date) -> datetime:
        """A moment on a day in [first, last], never today or later."""
        last = min(last, self.yesterday)
        first = min(first, last)
        return _at(first + timedelta(days=self.rng.randint(0, (last - first).days)), self.rng)

    def priorities(self, scores: dict[int, float]) -> dict[int, int]:
        top = max(scores.values(), default=0.0)
        noise = self.p.priority_noise
        return {
            area: _clip(PRIORITY_MAX * s / top + self.rng.gauss(0, noise)) if top > 0 else 0
            for area, s in scores.items()
        }

    def window(self, counts: dict[int, Counter[int]], day: date) -> Counter[int]:
        """Counts by area over the years around `day` (all years when those have none)."""
        near: Counter[int] = Counter()
        for year in (day.year - 1, day.year, day.year + 1):
            near.update(counts.get(year, Counter()))
        if not near:
            for by_area in counts.values():
                near.update(by_area)
        return near

    # -- interests --

    def interest_dates(self, partner: int) -> list[date]:
        years = sorted(self.demand[partner])
        first = max(date(years[0] - 1, 9, 1), date(self.first_year - 1, 9, 1))
        last = self.yesterday
        if first >= last:
            first = last - timedelta(days=30)
        n = self.rng.randint(*self.p.versions)
        span = (last - first).days
        days = [
            first + timedelta(days=span * i // n + self.rng.randint(0, max(span // n - 1, 0)))
            for i in range(n)
        ]
        return sorted(set(days))

    def interests(self, partner: PartnerFacts) -> tuple[list[InterestRow], list[InterestRow]]:
        """Both sides' versions, oldest first."""
        rng, p, areas = self.rng, self.p, [a.key for a in self.f.areas]
        taste = {a: math.exp(rng.gauss(0, p.taste_sigma)) for a in areas}
        bias = {a: math.exp(rng.gauss(0, 0.3)) for a in areas}
        pushed = rng.sample(areas, min(len(areas), rng.randint(*p.policy_areas)))
        withheld = rng.sample(
            [a for a in areas if a not in pushed],
            min(len(areas) - len(pushed), rng.randint(*p.withheld_areas)),
        )
        # How far the alliance tailors its offer to this partner's wishes: 0 not at all.
        alignment = rng.random()
        for a in areas:
            bias[a] *= taste[a] ** alignment
        for a in pushed:
            bias[a] *= p.policy_boost
        for a in withheld:
            bias[a] *= p.withheld_factor
        sides: dict[str, list[InterestRow]] = {PARTNER: [], ALLIANCE: []}
        for side in (PARTNER, ALLIANCE):
            counts = self.demand[partner.key] if side == PARTNER else self.supply
            weights = taste if side == PARTNER else bias
            for number, day in enumerate(self.interest_dates(partner.key), 1):
                near = self.window(counts, day)
                total = sum(near.values()) or 1
                drift = {a: math.exp(rng.gauss(0, p.drift_sigma)) for a in areas}
                scores = {a: (near[a] / total) ** 0.6 * weights[a] * drift[a] for a in areas}
                sides[side].append(
                    InterestRow(partner.key, side, number, day, _at(day, rng),
                                self.priorities(scores))
                )  # fmt: skip
        return sides[PARTNER], sides[ALLIANCE]

    # -- programmes --

    def programme_type(self, partner: PartnerFacts, deep: bool, start: int) -> str:
        if partner.aspirant_on(date(start, 1, 1)):
            return "ANP"
        if deep:
            return "IPAP"
        return "ITPP" if start >= 2020 else "IPCP"

    def programmes(
        self, partner: PartnerFacts, wants: list[InterestRow], offers: list[InterestRow]
    ) -> None:
        rng, p, length = self.rng, self.p, self.p.cycle_years
        current = self.today.year - (self.today.year % length)
        first = self.first_year - (self.first_year % length)
        years = self.demand[partner.key]
        cycles = [
            s for s in range(first, current + 1, length)
            if any(years.get(y) for y in range(s, s + length))
        ]  # fmt: skip
        deep = partner.is_state and rng.random() < p.deep_partner_share
        made: list[ProgrammeRow] = []
        for start in cycles:
            agreed = self.moment(date(start - 1, 11, 1), date(start, 2, 28))
            submitted = agreed - timedelta(days=rng.randint(14, 45), hours=rng.randint(1, 6))
            created = submitted - timedelta(days=rng.randint(30, 90), hours=rng.randint(1, 6))
            if made:
                made[-1].superseded_at = agreed
            made.append(self.programme(partner, deep, start, SUPERSEDED, created, submitted,
                                       agreed))  # fmt: skip
        if made:
            made[-1].status = AGREED
            made[-1].superseded_at = None
        if made and cycles[-1] == current and rng.random() < p.next_cycle_share:
            drafted = self.moment(self.today - timedelta(days=120), self.yesterday)
            sent: datetime | None = None
            if rng.random() < 0.5 and drafted.date() < self.yesterday:
                sent = self.moment(drafted.date() + timedelta(days=1), self.yesterday)
            status = SUBMITTED if sent else DRAFT
            made.append(self.programme(partner, deep, current + length, status, drafted, sent))
        for row in made:
            self.objectives(partner, row, wants, offers)

    def programme(
        self,
        partner: PartnerFacts,
        deep: bool,
        start: int,
        status: str,
        created: datetime,
        submitted: datetime | None = None,
        agreed: datetime | None = None,
    ) -> ProgrammeRow:
        kind = self.programme_type(partner, deep, start)
        end = start + self.p.cycle_years - 1
        row = ProgrammeRow(
            index=len(self.out.programmes), partner=partner.key, type=kind, cycle_start=start,
            cycle_end=end, status=status,
            title=f"[synthetic] {kind} {partner.name} {start}-{end}",
            created_at=created, submitted_at=submitted, agreed_at=agreed,
        )  # fmt: skip
        self.out.programmes.append(row)
        return row

    @staticmethod
    def version_on(versions: list[InterestRow], moment: datetime) -> InterestRow:
        earlier = [v for v in versions if v.recorded_at <= moment]
        return earlier[-1] if earlier else versions[0]

    def objectives(
        self,
        partner: PartnerFacts,
        programme: ProgrammeRow,
        wants: list[InterestRow],
        offers: list[InterestRow],
    ) -> None:
        rng, p = self.rng, self.p
        want = self.version_on(wants, programme.created_at).priorities
        offer = self.version_on(offers, programme.created_at).priorities
        chosen: list[tuple[int, str]] = []
        for _ in range(rng.randint(*p.objectives)):
            side = ALLIANCE if rng.random() < p.alliance_objective_share else PARTNER
            vector = offer if side == ALLIANCE else want
            taken = {a for a, _s in chosen}
            weights = {a: float(v * v) for a, v in vector.items() if a not in taken}
            picked = _weighted_sample(rng, weights, 1)
            if picked:
                chosen.append((picked[0], side))
        agreed = programme.status in (AGREED, SUPERSEDED)
        for position, (area, side) in enumerate(chosen, 1):
            suffix, indicator, unit = rng.choice(OBJECTIVE_PATTERNS)
            baseline = rng.choice((0, 2, 3, 4, 5))  # never "1 units"
            month_end = (12, 31) if rng.random() < 0.7 else (6, 30)
            objective = ObjectiveRow(
                index=len(self.out.objectives), programme=programme.index,
                title=f"{self.area_names[area]}: {suffix}", area=area, indicator=indicator,
                baseline=f"{baseline} {unit}",
                target=f"{baseline + rng.randint(2, 8)} {unit}",
                target_date=date(programme.cycle_end, *month_end), proposed_by=side,
                agreed=agreed, position=position,
            )  # fmt: skip
            self.out.objectives.append(objective)
            first_item = len(self.out.items)
            self.items(programme, objective)
            if agreed:
                self.assess(programme, objective, self.out.items[first_item:])

    # -- planned activities and the nominations that serve them --

    def items(self, programme: ProgrammeRow, objective: ObjectiveRow) -> None:
        rng, p = self.rng, self.p
        partner, area = programme.partner, objective.area
        for year in range(programme.cycle_start, programme.cycle_end + 1):
            if year < self.first_year:
                continue  # before the history: nothing to plan from
            menu = self.menu.get((area, year), [])
            nominated = self.nominated.get((partner, area, year), [])
            chosen: list[int] = []
            for _ in range(rng.randint(*p.items_per_year) if menu else 0):
                pool = nominated if nominated and rng.random() < p.nominated_item_share else menu
                for _try in range(4):
                    pick = pool[rng.randrange(len(pool))]
                    if pick not in chosen:
                        chosen.append(pick)
                        break
            for key in sorted(chosen, key=lambda k: (self.f.activities[k].start, k)):
                activity = self.f.activities[key]
                # Plans follow the seats the partner meant to hold there, roughly.
                held = sum(1 for n in self.of_partner.get((partner, key), [])
                           if n.state in HOLDING_STATES)  # fmt: skip
                seats = held + rng.choice((-1, 0, 0, 0, 1)) if held else rng.randint(1, 2)
                item = self.item(programme, objective, key, activity.type, year, seats)
                for n in self.of_partner.get((partner, key), []):
                    if n.key not in self.linked and rng.random() < p.link_share:
                        self.link(n, item)
            if not chosen or rng.random() < p.area_item_share:
                kind = rng.choice(("", *ACTIVITY_TYPES))
                item = self.item(programme, objective, None, kind, year, rng.randint(1, 4),
                                 SYNTHETIC_ITEM_NOTE)  # fmt: skip
                fitting = [
                    n for n in self.in_area.get((partner, area, year), [])
                    if n.key not in self.linked and n.state in LIVE_STATES
                    and (not kind or self.f.activities[n.activity].type == kind)
                ]  # fmt: skip
                for n in fitting[: item.planned_seats]:
                    if rng.random() < p.link_share:
                        self.link(n, item)

    def item(
        self,
        programme: ProgrammeRow,
        objective: ObjectiveRow,
        activity: int | None,
        kind: str,
        year: int,
        seats: int,
        note: str = "",
    ) -> ItemRow:
        row = ItemRow(
            index=len(self.out.items), programme=programme.index, objective=objective.index,
            activity=activity, area=objective.area, activity_type=kind, year=year,
            planned_seats=max(1, min(MAX_PLANNED_SEATS, seats)), note=note,
        )  # fmt: skip
        self.out.items.append(row)
        return row

    def link(self, nomination: NominationFacts, item: ItemRow) -> None:
        self.linked[nomination.key] = item.index
        self.served_by[item.index].append(nomination)
        self.out.links.append((nomination.key, item.index))

    # -- assessments --

    def periods(self, programme: ProgrammeRow) -> Iterator[tuple[str, date, date, datetime]]:
        """Each year of the cycle once it is over, and the first half of this year once
        it is, with the moment it was assessed."""
        for year in range(programme.cycle_start, programme.cycle_end + 1):
            if year < self.today.year:
                when = self.moment(date(year + 1, 1, 10), date(year + 1, 3, 31))
                yield str(year), date(year, 1, 1), date(year, 12, 31), when
            elif year == self.today.year and self.today >= date(year, 7, 15):
                when = self.moment(date(year, 7, 1), self.yesterday)
                yield f"{year}-H1", date(year, 1, 1), date(year, 6, 30), when

    def assess(
        self, programme: ProgrammeRow, objective: ObjectiveRow, items: list[ItemRow]
    ) -> None:
        rng, p = self.rng, self.p
        served = {i.index for i in items}
        acts = self.f.activities
        for label, start, end, when in self.periods(programme):
            whole_year = label.isdigit()
            planned = 0
            for i in items:
                if i.activity is not None and start <= acts[i.activity].start <= end:
                    planned += i.planned_seats
                elif i.activity is None and i.year == start.year:
                    planned += i.planned_seats if whole_year else (i.planned_seats + 1) // 2
            evidence = self.evidence(programme.partner, objective.area, served, start, end)
            attended = sum(
                1
                for i in served
                for n in self.served_by[i]
                if n.state == ATTENDED and start <= acts[n.activity].start <= end
            )
            if not planned and not evidence["attended"]:
                continue
            final = whole_year and start.year == programme.cycle_end
            base = self.rating(planned, attended, final, start.year == programme.cycle_start)
            sides = [PARTNER] + ([ALLIANCE] if rng.random() < p.alliance_assessment_share else [])
            for side in sides:
                rating = base
                if side == PARTNER and rating == AT_RISK and rng.random() < 0.25:
                    rating = ON_TRACK  # partners read their own progress kindly
                if side == ALLIANCE and rating == ON_TRACK and rng.random() < 0.2:
                    rating = AT_RISK
                self.out.assessments.append(
                    AssessmentRow(
                        objective=objective.index, period=label, period_start=start,
                        period_end=end, side=side, rating=rating,
                        narrative=(
                            f"[synthetic] {attended} of {planned} planned seats attended "
                            f"({label}); {evidence['attended']} attended in the area."
                        ),
                        evidence=evidence, assessed_at=when,
                    )
                )  # fmt: skip

    @staticmethod
    def rating(planned: int, attended: int, final: bool, first_year: bool) -> str:
        if not planned:
            return ON_TRACK if attended else NOT_STARTED
        ratio = attended / planned
        if ratio >= 1:
            return ACHIEVED if final else ON_TRACK
        if ratio >= 0.6:
            return ON_TRACK
        if ratio > 0 or not first_year:
            return AT_RISK
        return NOT_STARTED

    def evidence(
        self, partner: int, area: int, served: set[int], start: date, end: date
    ) -> dict[str, Any]:
        rows = self.attended.get((partner, area), [])
        lo = bisect.bisect_left(rows, start, key=lambda r: r[0])
        hi = bisect.bisect_right(rows, end, key=lambda r: r[0])
        by_activity: dict[int, list[NominationFacts]] = defaultdict(list)
        for _end, n in rows[lo:hi]:
            by_activity[n.activity].append(n)
        rows_out = []
        for key, noms in by_activity.items():
            activity = self.f.activities[key]
            linked = any(self.linked.get(n.key) in served for n in noms)
            rows_out.append((activity, self.area_codes.get(activity.area, ""), noms, linked))
        return evidence_json(start, end, rows_out)

    # -- the run --

    def build(self) -> ProgrammeHistory:
        for partner in self.f.partners:
            if not self.demand.get(partner.key):
                continue
            wants, offers = self.interests(partner)
            for row in (*wants, *offers):
                if (partner.key, row.side) not in self.f.real_interests:
                    self.out.interests.append(row)
            if partner.key not in self.f.real_programmes:
                self.programmes(partner, wants, offers)
        return self.out


def build_programmes(facts: Facts, params: ProgrammeParams, today: date) -> ProgrammeHistory:
    """The synthetic programmes for `facts` (no database access). Deterministic: the same
    facts, parameters and today give the same rows."""
    return _Model(facts, params, today).build()


# --- the adapter: the synthetic history in, rows out ----------------------------------------

Progress = Callable[[str], None]
BATCH = 5_000
T = TypeVar("T")


def _quiet(_message: str) -> None:
    return None


def _chunks(rows: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def load_facts() -> Facts:
    """The model's inputs: the leaf areas, the synthetic activities with their secondary areas
    and reports, their nominations with feedback, the nominating partners (those that are
    partners today) with their Membership Action Plan periods, and which partners already
    have real programmes or interests."""
    from coopsec.activities.models import Activity, ActivityReport, Feedback, Nomination
    from coopsec.network.models import STATE_KINDS, Membership, Organization
    from coopsec.programmes.models import InterestVersion, Programme
    from coopsec.programmes.selectors import PARTNER_KINDS, interest_areas

    areas = [AreaFacts(a.pk, a.code, a.name) for a in interest_areas()]
    synthetic = Activity.objects.filter(synthetic=True)
    secondary: dict[int, list[int]] = defaultdict(list)
    through = Activity.secondary_areas.through.objects.filter(activity__synthetic=True)
    for activity_id, area_id in through.values_list("activity_id", "cooperationarea_id"):
        secondary[activity_id].append(area_id)
    reports = dict(
        ActivityReport.objects.filter(activity__synthetic=True).values_list(
            "activity_id", "summary"
        )
    )
    activities = {
        pk: ActivityFacts(pk, code, title, area, tuple(sorted(secondary.get(pk, ()))), kind,
                          start, end, state, reports.get(pk, ""))
        for pk, code, title, area, kind, start, end, state in synthetic.values_list(
            "pk", "code", "title", "primary_area_id", "type", "start", "end", "state"
        ).iterator(chunk_size=BATCH)
    }  # fmt: skip
    ratings = {
        nomination_id: (relevance, quality, applicability)
        for nomination_id, relevance, quality, applicability in Feedback.objects.filter(
            nomination__activity__synthetic=True
        ).values_list("nomination_id", "relevance", "quality", "applicability")
    }
    nominations = [
        NominationFacts(pk, activity, partner, state, ratings.get(pk))
        for pk, activity, partner, state in Nomination.objects.filter(activity__synthetic=True)
        .order_by("pk")
        .values_list("pk", "activity_id", "partner_id", "state")
        .iterator(chunk_size=BATCH)
    ]
    partner_ids = {n.partner for n in nominations}
    aspirant: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for org, start, end in Membership.objects.filter(
        framework__code="MAP", organization_id__in=partner_ids
    ).values_list("organization_id", "start", "end"):
        aspirant[org].append((start, end))
    # Partners that have since joined the Alliance (North Macedonia, Finland, Sweden) get
    # none: interests and programmes are addressed by partner (selectors.partner_get).
    current = Organization.objects.filter(pk__in=partner_ids, kind__in=PARTNER_KINDS)
    partners = [
        PartnerFacts(o.pk, o.code, o.name, o.kind in STATE_KINDS, tuple(sorted(aspirant[o.pk])))
        for o in current.order_by("code")
    ]
    real_programmes = frozenset(
        Programme.objects.filter(synthetic=False).values_list("partner_id", flat=True)
    )
    real_interests = frozenset(
        InterestVersion.objects.exclude(note=SYNTHETIC_NOTE).values_list("partner_id", "side")
    )
    return Facts(areas, partners, activities, nominations, real_programmes, real_interests)


def delete_synthetic(progress: Progress = _quiet) -> dict[str, int]:
    """Remove the synthetic programmes (with their objectives, planned activities, revisions
    and assessments; nominations that named their planned activities keep their seats) and the
    synthetic interest versions. A real programme's planned activity that names a synthetic
    activity (which is about to be deleted) keeps its area, type and year and loses the
    activity. Called by `activities.generator.delete_synthetic` before the activities go."""
    from django.db.models import OuterRef, Subquery

    from coopsec.activities.models import Activity
    from coopsec.programmes.models import InterestVersion, Programme, ProgrammeItem

    programmes = Programme.objects.filter(synthetic=True)
    versions = InterestVersion.objects.filter(note=SYNTHETIC_NOTE)
    counts = {"programmes": programmes.count(), "interest_versions": versions.count()}
    if counts["programmes"]:
        progress(f"deleting the previous synthetic programmes ({counts['programmes']:,})")
    real = ProgrammeItem.objects.filter(activity__synthetic=True, programme__synthetic=False)
    real.filter(area__isnull=True).update(
        area=Subquery(Activity.objects.filter(pk=OuterRef("activity_id")).values("primary_area"))
    )
    counts["detached_items"] = real.update(activity=None)
    programmes.delete()
    versions.delete()
    return counts


def write_programmes(history: ProgrammeHistory, progress: Progress = _quiet) -> None:
    """Insert the rows with bulk_create in batches (inside the caller's transaction), link
    the nominations, and record each programme's submitted and agreed revisions."""
    from coopsec.activities.models import Nomination
    from coopsec.programmes.models import (
        Assessment,
        InterestPriority,
        InterestVersion,
        Objective,
        Programme,
        ProgrammeItem,
    )

    versions = [
        InterestVersion(
            partner_id=r.partner, side=r.side, number=r.number, recorded_on=r.recorded_on,
            recorded_at=r.recorded_at, note=SYNTHETIC_NOTE,
        )
        for r in history.interests
    ]  # fmt: skip
    _insert(InterestVersion, versions)
    _insert(
        InterestPriority,
        [
            InterestPriority(version_id=v.pk, area_id=area, priority=priority)
            for v, r in zip(versions, history.interests, strict=True)
            for area, priority in sorted(r.priorities.items())
        ],
    )
    progress(f"interests: {len(versions):,} versions")
    programmes = [
        Programme(
            partner_id=r.partner, type=r.type, cycle_start=r.cycle_start, cycle_end=r.cycle_end,
            status=r.status, title=r.title, created_at=r.created_at,
            submitted_at=r.submitted_at, agreed_at=r.agreed_at, superseded_at=r.superseded_at,
            updated_at=r.agreed_at or r.submitted_at or r.created_at, synthetic=True,
        )
        for r in history.programmes
    ]  # fmt: skip
    _insert(Programme, programmes)
    objectives = [
        Objective(
            programme_id=programmes[r.programme].pk, title=r.title, area_id=r.area,
            indicator=r.indicator, baseline=r.baseline, target=r.target,
            target_date=r.target_date, proposed_by=r.proposed_by, agreed=r.agreed,
            position=r.position,
        )
        for r in history.objectives
    ]  # fmt: skip
    _insert(Objective, objectives)
    items = [
        ProgrammeItem(
            programme_id=programmes[r.programme].pk, objective_id=objectives[r.objective].pk,
            activity_id=r.activity, area_id=r.area, activity_type=r.activity_type,
            year=r.year, planned_seats=r.planned_seats, note=r.note,
        )
        for r in history.items
    ]  # fmt: skip
    _insert(ProgrammeItem, items)
    progress(
        f"programmes: {len(programmes):,}, objectives {len(objectives):,}, "
        f"planned activities {len(items):,}"
    )
    links = [Nomination(pk=nomination, programme_item_id=items[item].pk)
             for nomination, item in history.links]  # fmt: skip
    Nomination.objects.bulk_update(links, ["programme_item"], batch_size=1_000)
    _record_revisions(programmes, history)
    _insert(
        Assessment,
        [
            Assessment(
                objective_id=objectives[r.objective].pk, period=r.period,
                period_start=r.period_start, period_end=r.period_end, side=r.side,
                rating=r.rating, narrative=r.narrative, evidence=r.evidence,
                assessed_at=r.assessed_at,
            )
            for r in history.assessments
        ],
    )  # fmt: skip
    progress(f"linked nominations {len(links):,}, assessments {len(history.assessments):,}")


def _insert(model: Any, objs: list[Any]) -> None:
    for chunk in _chunks(objs):
        model.objects.bulk_create(chunk)
    if any(o.pk is None for o in objs):
        raise RuntimeError("The database did not return the new rows' ids from bulk_create.")


def _record_revisions(programmes: list[Any], history: ProgrammeHistory) -> None:
    """Revision 1 when submitted, 2 when agreed, as the services record them (no change was
    made in between, so both hold the same snapshot)."""
    from coopsec.programmes.models import Programme, ProgrammeRevision
    from coopsec.programmes.selectors import programme_snapshot

    revisions = []
    for programme, row in zip(programmes, history.programmes, strict=True):
        if row.submitted_at is None:
            continue
        snapshot = programme_snapshot(Programme(pk=programme.pk))
        revisions.append(ProgrammeRevision(programme_id=programme.pk, number=1,
                                           event="submitted", snapshot=snapshot,
                                           created_at=row.submitted_at))  # fmt: skip
        if row.agreed_at is not None:
            revisions.append(ProgrammeRevision(programme_id=programme.pk, number=2,
                                               event="agreed", snapshot=snapshot,
                                               created_at=row.agreed_at))  # fmt: skip
    _insert(ProgrammeRevision, revisions)


def _analyze() -> None:
    """Fresh planner statistics for the tables written (see activities.generator.analyze)."""
    from django.db import connection

    from coopsec.programmes import models

    tables = [
        connection.ops.quote_name(m._meta.db_table)
        for m in (models.InterestVersion, models.InterestPriority, models.Programme,
                  models.Objective, models.ProgrammeItem, models.ProgrammeRevision,
                  models.Assessment)
    ]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(tables))
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute("ANALYZE " + table)


@dataclass(frozen=True)
class ProgrammeGenerationResult:
    seed: int
    today: date
    counts: dict[str, int]
    deleted: dict[str, int]
    seconds: dict[str, float]


def generate_programmes(
    *, actor: Any, params: ProgrammeParams, progress: Progress = _quiet
) -> ProgrammeGenerationResult:
    """Replace the synthetic programmes and interests with new ones drawn over the synthetic
    history now in the database, in one transaction, with one audit event
    ("demo.generate_programmes": seed, today and counts)."""
    import time as clock

    from django.db import connection, transaction

    from coopsec.audit.services import audit_record
    from coopsec.network import dates

    today = params.today or dates.today()
    seconds: dict[str, float] = {}
    with transaction.atomic():
        began = clock.perf_counter()
        deleted = delete_synthetic(progress)
        seconds["delete"] = clock.perf_counter() - began
        began = clock.perf_counter()
        facts = load_facts()
        history = build_programmes(facts, params, today)
        seconds["model"] = clock.perf_counter() - began
        progress(
            f"model: {len(history.programmes):,} programmes for {len(facts.partners):,} "
            f"partners (seed {params.seed}) in {seconds['model']:.1f} s"
        )
        began = clock.perf_counter()
        write_programmes(history, progress)
        seconds["write"] = clock.perf_counter() - began
        counts = history.counts()
        audit_record(
            actor=actor, action="demo.generate_programmes", object_type="programme",
            object_id="synthetic",
            summary={"seed": params.seed, "today": today.isoformat(), "counts": counts,
                     "deleted": deleted, "database": connection.vendor},
        )  # fmt: skip
    began = clock.perf_counter()
    _analyze()
    seconds["analyze"] = clock.perf_counter() - began
    return ProgrammeGenerationResult(params.seed, today, counts, deleted, seconds)

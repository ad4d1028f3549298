"""The indicators recomputed independently, in plain Python over the raw rows (issue 6: "Every
indicator has a test that recomputes it independently on a small generated data set and
matches the API to the last digit").

Nothing here imports the analytics code: the rows come straight from the models as tuples,
and every rule of docs/analytics.md is written out again the simple way (loops over every
activity and nomination, the Gini coefficient as a mean absolute difference, …). Numbers are
rounded as the API promises: to 4 decimals with Python's round.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from coopsec.activities.generator import GeneratorParams, generate
from coopsec.activities.models import Activity, CooperationArea, Nomination
from coopsec.network.models import Membership, OperationContribution, Organization
from coopsec.programmes.generator import ProgrammeParams, generate_programmes
from coopsec.programmes.models import InterestPriority, InterestVersion

TODAY = date(2026, 11, 23)
OFFERED = {"approved", "open", "closed", "conducted", "reported"}
SEATS = {"confirmed", "attended", "no_show"}
PARTNER_KINDS = {"partner_state", "international_org", "regional_org"}
ACTIVITY_FIELDS = (
    "pk", "primary_area__code", "primary_area__parent__code", "start", "seats", "state",
    "host__code", "type",
)  # fmt: skip


def generate_history(seed: int = 7, **overrides: Any) -> None:
    """A small synthetic history (2026-2027, 120 activities a year by default) with both
    sides' interests, drawn as `coopsec demo --scale small` draws them."""
    from coopsec.accounts.actor import Actor

    values: dict[str, Any] = {"today": TODAY, "activities_per_year": 120, **overrides}
    params = GeneratorParams.for_scale("small", seed=seed, overrides=values)
    generate(actor=Actor.system(), params=params, scale="test")
    generate_programmes(actor=Actor.system(), params=ProgrammeParams(seed=seed, today=TODAY))


def r4(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass
class Raw:
    """Every row the indicators are made of."""

    activities: list[tuple[Any, ...]]  # id, area, parent area, start, seats, state, host, type
    nominations: list[tuple[int, int, str]]  # activity id, partner id, state
    areas: list[tuple[str, str | None]]  # code, parent code, in taxonomy order
    organizations: dict[int, tuple[str, str, str, str]]  # id -> code, region, continent, kind
    memberships: list[tuple[int, str, date, date | None]]  # org, framework code, start, end
    contributions: list[tuple[int, date, date | None]]  # org, effective start, effective end
    versions: list[tuple[int, int, str, int, date]]  # id, partner, side, number, recorded_on
    priorities: list[tuple[int, str, int]]  # version id, area code, priority


def load_raw() -> Raw:
    contributions = [
        (org, start or op_start, end or op_end)
        for org, start, end, op_start, op_end in OperationContribution.objects.values_list(
            "organization_id", "start", "end", "operation__start", "operation__end"
        )
    ]
    return Raw(
        activities=list(Activity.objects.values_list(*ACTIVITY_FIELDS)),
        nominations=list(Nomination.objects.values_list("activity_id", "partner_id", "state")),
        areas=list(
            CooperationArea.objects.order_by("position", "code").values_list("code", "parent__code")
        ),
        organizations={
            pk: (code, region, continent, kind)
            for pk, code, region, continent, kind in Organization.objects.values_list(
                "pk", "code", "region", "continent", "kind"
            )
        },
        memberships=list(
            Membership.objects.filter(framework__isnull=False).values_list(
                "organization_id", "framework__code", "start", "end"
            )
        ),
        contributions=contributions,
        versions=list(
            InterestVersion.objects.values_list("pk", "partner_id", "side", "number", "recorded_on")
        ),
        priorities=list(
            InterestPriority.objects.values_list("version_id", "area__code", "priority")
        ),
    )


def during(start: date, end: date | None, year: int) -> bool:
    """In force on some day of the year: some day d of it has start <= d < end."""
    day = date(year, 1, 1)
    while day.year == year:
        if start <= day and (end is None or day < end):
            return True
        day = date.fromordinal(day.toordinal() + 1)
    return False


class Recompute:
    """The indicators for alliance staff (who see every activity) under a set of filters."""

    def __init__(self, raw: Raw, **filters: Any):
        self.raw = raw
        self.f = {
            "from": None, "to": None, "framework": None, "region": None, "area": None,
            "host": None, "type": None, **filters,
        }  # fmt: skip
        self._in_year: dict[tuple[int, int], bool] = {}

    # -- the filters, the simple way --

    def activity_passes(self, row: tuple[Any, ...], *, with_area: bool = True) -> bool:
        _pk, area, parent, start, _seats, state, host, kind = row
        f = self.f
        return (
            state in OFFERED
            and (f["from"] is None or start.year >= f["from"])
            and (f["to"] is None or start.year <= f["to"])
            and (not with_area or f["area"] is None or f["area"] in (area, parent))
            and (f["host"] is None or host == f["host"])
            and (f["type"] is None or kind == f["type"])
        )

    def region_ok(self, org: int) -> bool:
        if self.f["region"] is None:
            return True
        _code, region, continent, _kind = self.raw.organizations[org]
        return self.f["region"].lower() in (region.lower(), continent.lower())

    def member(self, org: int, year: int, framework: str | None) -> bool:
        return any(
            o == org and (framework is None or fw == framework) and during(s, e, year)
            for o, fw, s, e in self.raw.memberships
        )

    def partner_passes(self, org: int, year: int) -> bool:
        if not self.region_ok(org):
            return False
        if self.f["framework"] is None:
            return True
        key = (org, year)
        if key not in self._in_year:
            self._in_year[key] = self.member(org, year, self.f["framework"])
        return self._in_year[key]

    def years(self, activities: list[tuple[Any, ...]]) -> list[int]:
        first, last = self.f["from"], self.f["to"]
        starts = [a[3].year for a in activities]
        first = first if first is not None else (min(starts) if starts else None)
        last = last if last is not None else (max(starts) if starts else None)
        return [] if first is None or last is None else list(range(first, last + 1))

    # -- area balance --

    def area_balance(self, flags: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Any]]:
        acts = [a for a in self.raw.activities if self.activity_passes(a, with_area=False)]
        years = self.years(acts)
        groups = {parent for _code, parent in self.raw.areas if parent}
        used = {a[1] for a in acts}
        universe = [c for c, _p in self.raw.areas if c not in groups or c in used]
        parent_of = dict(self.raw.areas)
        listed = [
            c for c in universe if self.f["area"] is None or self.f["area"] in (c, parent_of[c])
        ]
        rows, totals = [], []
        for year in years:
            in_year = [a for a in acts if a[3].year == year]
            mean = len(in_year) / len(universe)
            cells = []
            year_partners: set[int] = set()
            for code in listed:
                mine = [a for a in in_year if a[1] == code]
                seats = sum(a[4] for a in mine)
                ids = {a[0] for a in mine}
                demand = [
                    (p, s)
                    for act, p, s in self.raw.nominations
                    if act in ids and s != "withdrawn" and self.partner_passes(p, year)
                ]
                confirmed = sum(1 for _p, s in demand if s in SEATS)
                partners = {p for p, _s in demand}
                year_partners |= partners
                flag = None
                if len(in_year) >= flags["flag_min_activities"] and mean:
                    if len(mine) / mean >= flags["crowded_index"]:
                        flag = "crowded"
                    elif len(mine) / mean <= flags["neglected_index"]:
                        flag = "neglected"
                cells.append({
                    "area": code, "year": year, "activities": len(mine), "seats": seats,
                    "nominations": len(demand), "confirmed": confirmed,
                    "fill_rate": r4(confirmed / seats) if seats else None,
                    "demand_ratio": r4(len(demand) / seats) if seats else None,
                    "partners": len(partners), "flag": flag,
                })  # fmt: skip
            rows.extend(cells)
            seats = sum(c["seats"] for c in cells)
            nominations = sum(c["nominations"] for c in cells)
            confirmed = sum(c["confirmed"] for c in cells)
            totals.append({
                "year": year, "activities": sum(c["activities"] for c in cells), "seats": seats,
                "nominations": nominations, "confirmed": confirmed,
                "fill_rate": r4(confirmed / seats) if seats else None,
                "demand_ratio": r4(nominations / seats) if seats else None,
                "partners": len(year_partners), "mean_activities_per_area": r4(mean) or None,
            })  # fmt: skip
        order = [c for c, _p in self.raw.areas]
        rows.sort(key=lambda r: (order.index(r["area"]), r["year"]))
        return rows, totals

    def area_drill_down(self, area: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The activities of an area (a group: its areas') and every partner's demand."""
        self.f["area"] = area
        acts = sorted(
            (a for a in self.raw.activities if self.activity_passes(a)), key=lambda a: (a[3], a[0])
        )
        codes = dict(Activity.objects.values_list("pk", "code"))
        titles = dict(Activity.objects.values_list("pk", "title"))
        rows = []
        per_partner: dict[int, list[Any]] = {}
        for pk, _area, _parent, start, seats, state, host, kind in acts:
            demand = [
                (p, s)
                for act, p, s in self.raw.nominations
                if act == pk and s != "withdrawn" and self.partner_passes(p, start.year)
            ]
            for p, s in demand:
                mine = per_partner.setdefault(p, [0, 0, set()])
                mine[0] += 1
                mine[1] += s in SEATS
                mine[2].add(pk)
            rows.append({
                "activity": codes[pk], "title": titles[pk], "year": start.year,
                "start": start.isoformat(), "host": host, "type": kind, "state": state,
                "seats": seats, "nominations": len(demand),
                "confirmed": sum(1 for _p, s in demand if s in SEATS),
                "partners": len({p for p, _s in demand}),
            })  # fmt: skip
        rows.sort(key=lambda r: (r["start"], r["activity"]))
        partners = [
            {"partner": self.raw.organizations[p][0], "nominations": n, "confirmed": c,
             "activities": len(a)}
            for p, (n, c, a) in per_partner.items()
        ]  # fmt: skip
        partners.sort(key=lambda r: (-r["nominations"], r["partner"]))
        return rows, partners

    # -- seats per partner and year --

    def received(self) -> tuple[list[int], dict[tuple[int, int], tuple[int, set[int]]]]:
        acts = {a[0]: a for a in self.raw.activities if self.activity_passes(a)}
        years = self.years(list(acts.values()))
        got: dict[tuple[int, int], tuple[int, set[int]]] = {}
        for act, partner, state in self.raw.nominations:
            if act not in acts or state not in SEATS:
                continue
            year = acts[act][3].year
            if not self.partner_passes(partner, year):
                continue
            seats, activities = got.get((partner, year), (0, set()))
            got[(partner, year)] = (seats + 1, activities | {act})
        return years, got

    # -- attention --

    def attention(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        years, got = self.received()
        rows, summary = [], []
        for year in years:
            population = {
                o
                for o, fw, s, e in self.raw.memberships
                if (self.f["framework"] is None or fw == self.f["framework"])
                and during(s, e, year)
                and self.region_ok(o)
            } | {p for p, y in got if y == year}
            operational = {o for o, s, e in self.raw.contributions if during(s, e, year)}
            seats = {p: got.get((p, year), (0, set()))[0] for p in population}
            for p in population:
                rows.append({
                    "partner": self.raw.organizations[p][0], "year": year,
                    "operational": p in operational,
                    "activities": len(got.get((p, year), (0, set()))[1]), "seats": seats[p],
                })  # fmt: skip
            values = list(seats.values())
            n, total = len(values), sum(values)
            gini = None
            if n and total:
                mean = total / n
                gini = sum(abs(a - b) for a in values for b in values) / (2 * n * n * mean)
            lorenz: list[list[float | None]] | None = None
            if n and total:
                ordered, running, lorenz = sorted(values), 0, [[0.0, 0.0]]
                for i, v in enumerate(ordered, 1):
                    running += v
                    lorenz.append([r4(i / n), r4(running / total)])
            ops = [seats[p] for p in population if p in operational]
            others = [seats[p] for p in population if p not in operational]
            mean_ops = sum(ops) / len(ops) if ops else None
            mean_others = sum(others) / len(others) if others else None
            ratio = (
                mean_ops / mean_others
                if mean_ops is not None and mean_others  # a zero mean has no ratio
                else None
            )
            summary.append({
                "year": year, "partners": n, "operational_partners": len(ops), "seats": total,
                "gini": r4(gini), "lorenz": lorenz, "mean_seats_operational": r4(mean_ops),
                "mean_seats_other": r4(mean_others), "operational_ratio": r4(ratio),
                "withheld": False,
            })  # fmt: skip
        rows.sort(key=lambda r: (r["partner"], r["year"]))
        return rows, summary

    # -- depth versus breadth --

    def depth_breadth(self) -> list[dict[str, Any]]:
        years, got = self.received()
        rows = []
        for year in years:
            engaged = [(s, len(a)) for (p, y), (s, a) in got.items() if y == year]
            depths = sorted(d for _s, d in engaged)
            n = len(depths)
            median = None
            if n:
                median = (
                    float(depths[n // 2]) if n % 2 else (depths[n // 2 - 1] + depths[n // 2]) / 2
                )
            total = sum(s for s, _d in engaged)
            rows.append({
                "year": year, "partners_engaged": n, "median_depth": r4(median),
                "mean_depth": r4(sum(depths) / n) if n else None,
                "hhi": r4(sum((s / total) ** 2 for s, _d in engaged)) if total else None,
            })  # fmt: skip
        return rows

    # -- interest overlap --

    def overlap(self, today: date) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        as_of = today if self.f["to"] is None else min(today, date(self.f["to"], 12, 31))
        frameworks: dict[int, set[str]] = defaultdict(set)
        for o, fw, s, e in self.raw.memberships:
            if s <= as_of and (e is None or as_of < e):
                frameworks[o].add(fw)
        with_versions = {p for _v, p, _side, _n, on in self.raw.versions if on <= as_of}
        population = [
            o
            for o, (_code, _region, _continent, kind) in self.raw.organizations.items()
            if self.region_ok(o)
            and (
                (self.f["framework"] in frameworks.get(o, set()))
                if self.f["framework"]
                else (o in frameworks or (kind in PARTNER_KINDS and o in with_versions))
            )
        ]
        groups = {parent for _code, parent in self.raw.areas if parent}
        parent_of = dict(self.raw.areas)
        leaves = [
            c
            for c, _p in self.raw.areas
            if c not in groups and (self.f["area"] is None or self.f["area"] in (c, parent_of[c]))
        ]
        latest: dict[tuple[int, str], tuple[int, int]] = {}
        for v, p, which, number, on in self.raw.versions:
            if on <= as_of and number > latest.get((p, which), (0, 0))[0]:
                latest[(p, which)] = (number, v)
        values: dict[int, dict[str, int]] = defaultdict(dict)
        for v, area, priority in self.raw.priorities:
            values[v][area] = priority

        def priorities(p: int, which: str) -> dict[str, int]:
            version = latest.get((p, which))
            got = values[version[1]] if version else {}
            return {a: got.get(a, 0) for a in leaves}

        rows, scored = [], []
        for p in sorted(population, key=lambda o: self.raw.organizations[o][0]):
            wants, offers = priorities(p, "partner"), priorities(p, "alliance")
            score = None
            if any(wants.values()) and any(offers.values()):
                dot = sum(wants[a] * offers[a] for a in leaves)
                norm = math.sqrt(sum(v * v for v in wants.values())) * math.sqrt(
                    sum(v * v for v in offers.values())
                )
                score = min(1.0, dot / norm)
                scored.append((p, score, wants, offers))
            rows.append({
                "partner": self.raw.organizations[p][0], "region": self.raw.organizations[p][1],
                "frameworks": sorted(frameworks.get(p, set())), "score": r4(score),
                "asked_not_offered": [a for a in leaves if wants[a] > 0 and offers[a] == 0],
                "offered_not_asked": [a for a in leaves if offers[a] > 0 and wants[a] == 0],
            })  # fmt: skip

        def distribution(scores: list[float]) -> dict[str, Any]:
            bins = [0] * 10
            for s in scores:
                bins[min(int(round(s, 4) * 10000) // 1000, 9)] += 1
            ordered, n = sorted(scores), len(scores)
            median = None
            if n:
                median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
            return {
                "partners": n, "mean": r4(sum(scores) / n) if n else None, "median": r4(median),
                "histogram": [
                    {"from": k / 10, "to": (k + 1) / 10, "partners": bins[k]} for k in range(10)
                ],
                "withheld": False,
            }  # fmt: skip

        by_framework: dict[str, list[float]] = defaultdict(list)
        by_region: dict[str, list[float]] = defaultdict(list)
        for p, score, _w, _o in scored:
            for fw in frameworks.get(p, set()):
                by_framework[fw].append(score)
            by_region[self.raw.organizations[p][1]].append(score)
        areas = [
            {
                "area": a,
                "offered_not_asked": sum(1 for _p, _s, w, o in scored if o[a] > 0 and w[a] == 0),
                "asked_not_offered": sum(1 for _p, _s, w, o in scored if w[a] > 0 and o[a] == 0),
                "offered_more": sum(1 for _p, _s, w, o in scored if o[a] > w[a]),
                "asked_more": sum(1 for _p, _s, w, o in scored if w[a] > o[a]),
            }
            for a in leaves
        ]
        summary = {
            **distribution([s for _p, s, _w, _o in scored]),
            "as_of": as_of.isoformat(),
            "population": len(population),
            "by_framework": [
                {"group": k, **distribution(v)} for k, v in sorted(by_framework.items())
            ],
            "by_region": [{"group": k, **distribution(v)} for k, v in sorted(by_region.items())],
            "areas": areas,
        }
        return rows, summary

"""Shaping the analytics' answers for readers, shared by the pages and the reports: the
names of the partners a selector answered, year spans and percentages as a reader writes
them, and each area over the selected years with its heat and prevailing flag."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coopsec.accounts.actor import Actor
from coopsec.analytics.measures import rounded
from coopsec.analytics.sections.area_balance import AreaBalance, AreaYear
from coopsec.network import selectors as network


def partner_names(actor: Actor, codes: Iterable[str]) -> dict[str, str]:
    """Names of the partners whose codes a selector answered (one query; only those)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = network.organization_list(actor=actor).filter(code__in=wanted)
    return {code: name for code, name in rows.values_list("code", "name")}


def year_span(years: list[int]) -> str:
    """The years as a reader writes them: one year, or the first and last joined by an en
    dash; "" for no years."""
    if not years:
        return ""
    if years[0] == years[-1]:
        return str(years[0])
    return f"{years[0]}\N{EN DASH}{years[-1]}"


def percent(value: float | None) -> float | None:
    """A share (0 to 1) as a percentage rounded to one decimal; None stays None."""
    return None if value is None else round(value * 100, 1)


HEAT_LEVELS = 5


@dataclass(frozen=True)
class Cell:
    """One area in one year, as the heat table and the full table show it."""

    row: AreaYear
    heat: int  # 0 (no activity) .. HEAT_LEVELS (the busiest cell)
    fill_rate: float | None  # percent
    demand_ratio: float | None


@dataclass(frozen=True)
class AreaLine:
    """One area over the selected years."""

    code: str
    name: str
    cells: list[Cell]
    activities: int
    seats: int
    nominations: int | None  # None when a year's demand is withheld from the reader
    flag: str | None  # the flag most of its years carry

    @property
    def flagged_years(self) -> int:
        return sum(1 for c in self.cells if c.row.flag is not None)


def prevailing_flag(rows: list[AreaYear]) -> str | None:
    """The flag most of the years carry (the latest such year breaks a tie)."""
    counts = Counter(r.flag for r in rows if r.flag is not None)
    if not counts:
        return None
    best = max(counts.values())
    return next(r.flag for r in reversed(rows) if r.flag is not None and counts[r.flag] == best)


def area_lines(found: AreaBalance, area_name: Callable[[str], str]) -> list[AreaLine]:
    """Each area over the selected years, named by `area_name`, with its heat and flag."""
    busiest = max((r.activities for r in found.rows), default=0)
    by_area: dict[str, list[AreaYear]] = {}
    for r in found.rows:
        by_area.setdefault(r.area, []).append(r)
    lines = []
    for code, rows in by_area.items():
        cells = [
            Cell(
                row=r,
                heat=math.ceil(HEAT_LEVELS * r.activities / busiest) if busiest else 0,
                fill_rate=percent(r.fill_rate),
                demand_ratio=rounded(r.demand_ratio),
            )
            for r in rows
        ]
        withheld = any(r.nominations is None for r in rows)
        lines.append(
            AreaLine(
                code=code,
                name=area_name(code),
                cells=cells,
                activities=sum(r.activities for r in rows),
                seats=sum(r.seats for r in rows),
                nominations=None if withheld else sum(r.nominations or 0 for r in rows),
                flag=prevailing_flag(rows),
            )
        )
    return lines

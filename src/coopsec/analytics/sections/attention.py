"""Attention balance (issue 6, item 3): per partner and year, the activities and seats it
received, split by its operational status that year; per year the Gini coefficient and
Lorenz curve of seats across partners and the ratio of the two groups' mean seats."""

from __future__ import annotations

from dataclasses import dataclass

from coopsec.accounts.actor import Actor
from coopsec.analytics import access
from coopsec.analytics.access import Reader
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import gini, lorenz, mean, ratio
from coopsec.analytics.sections.base import (
    Received,
    offered_activities,
    operational_by_year,
    partner_codes,
    partner_scope,
    received_by_partner_year,
    year_range,
)
from coopsec.analytics.sections.cache import kept

NOTHING = Received(seats=0, activities=0)


@dataclass(frozen=True)
class PartnerYear:
    partner: str
    year: int
    operational: bool
    activities: int
    seats: int


@dataclass(frozen=True)
class AttentionYear:
    """One year across the partners that count in it. Figures built from fewer partners
    than the reader may see are None (`withheld` says so)."""

    year: int
    partners: int
    operational_partners: int
    seats: int | None
    gini: float | None
    lorenz: list[tuple[float, float]] | None
    mean_seats_operational: float | None
    mean_seats_other: float | None
    operational_ratio: float | None
    withheld: bool


@dataclass(frozen=True)
class Attention:
    filters: Filters
    reader: Reader
    rows: list[PartnerYear]
    years: list[AttentionYear]


def attention(*, actor: Actor, filters: Filters) -> Attention:
    """Seats and activities per partner and year, and their spread.

    The partners of a year are those in a partnership framework that year (the framework
    filter's, if given) within the region filter, and any other partner that received a
    seat; partners that received nothing count with zero. Raises Forbidden. Kept per data
    version (`sections/cache.py`).
    """
    reader = access.reader_for(actor, access.ATTENTION)
    return kept(
        access.ATTENTION,
        actor=actor,
        arguments=filters,
        compute=lambda: _attention(actor, filters, reader),
    )


def _attention(actor: Actor, filters: Filters, reader: Reader) -> Attention:
    activities = offered_activities(actor, filters)
    years = year_range(activities, filters)
    scope = partner_scope(actor, filters, years, with_members=True)
    received = received_by_partner_year(activities, scope)
    operational = operational_by_year(actor, years)
    population = {year: set(scope.members.get(year, ())) for year in years}
    for partner_id, year in received:
        population.setdefault(year, set()).add(partner_id)
    codes = partner_codes(pid for ids in population.values() for pid in ids)

    rows: list[PartnerYear] = []
    summaries: list[AttentionYear] = []
    for year in years:
        partners = sorted(population[year], key=lambda pid: codes[pid])
        for pid in partners:
            if reader.shows_partner(pid):
                got = received.get((pid, year), NOTHING)
                rows.append(
                    PartnerYear(
                        codes[pid], year, pid in operational[year], got.activities, got.seats
                    )
                )
        summaries.append(_year_summary(year, partners, received, operational[year], reader))
    rows.sort(key=lambda r: (r.partner, r.year))
    return Attention(filters, reader, rows, summaries)


def _year_summary(
    year: int,
    partners: list[int],
    received: dict[tuple[int, int], Received],
    operational: set[int],
    reader: Reader,
) -> AttentionYear:
    seats = {pid: received.get((pid, year), NOTHING).seats for pid in partners}
    ops = [seats[pid] for pid in partners if pid in operational]
    others = [seats[pid] for pid in partners if pid not in operational]
    shown = reader.shows_group(len(partners))
    groups_shown = shown and reader.shows_group(len(ops)) and reader.shows_group(len(others))
    mean_ops, mean_others = mean(ops), mean(others)
    ratio_of_means = (
        ratio(mean_ops, mean_others) if mean_ops is not None and mean_others is not None else None
    )
    values = list(seats.values())
    return AttentionYear(
        year=year,
        partners=len(partners),
        operational_partners=len(ops),
        seats=sum(values) if shown else None,
        gini=gini(values) if shown else None,
        lorenz=lorenz(values) if shown else None,
        mean_seats_operational=mean_ops if groups_shown else None,
        mean_seats_other=mean_others if groups_shown else None,
        operational_ratio=ratio_of_means if groups_shown else None,
        withheld=not groups_shown,
    )

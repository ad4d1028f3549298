"""The adapter builds the optimizer's instance from the database: checked here against the
raw rows of a small generated history (every activity allocated), each input recomputed the
simple way; and bad input is refused with every problem named."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any
from unittest.mock import patch

import pytest
from django.conf import settings

from coopsec.accounts.actor import Actor
from coopsec.activities.models import Activity, Nomination
from coopsec.activities.services import nomination_decide
from coopsec.errors import Invalid
from coopsec.network.selectors import operational_partner_ids
from coopsec.planning.adapter import read_cycle
from coopsec.programmes.models import InterestPriority, InterestVersion
from tests.activities.factories import coordinator_actor
from tests.analytics.recompute import TODAY, Recompute, generate_history, load_raw
from tests.planning.workflow import CYCLE, frozen_today, small_cycle

pytestmark = pytest.mark.django_db
__all__ = ["frozen_today"]

LIVE_SEATS = ("confirmed", "attended", "no_show")


@pytest.fixture
def history(reference: None) -> Iterator[None]:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        generate_history(allocated_share=1.0)
        yield


def _interest(partner: int, side: str, area: str) -> int:
    """The side's latest vector recorded by TODAY, the simple way."""
    versions = [
        v
        for v in InterestVersion.objects.filter(partner_id=partner, side=side)
        if v.recorded_on <= TODAY
    ]
    if not versions:
        return 0
    latest = max(versions, key=lambda v: (v.recorded_on, v.number))
    row = InterestPriority.objects.filter(version=latest, area__code=area).first()
    return row.priority if row else 0


def test_the_instance_is_the_cycle_read_from_the_rows(history: None) -> None:
    cycle = read_cycle(actor=Actor.system(), cycle=CYCLE)
    inst = cycle.instance
    expected = {
        a.pk: a
        for a in Activity.objects.filter(
            mode="allocated", state__in=["open", "closed"], start__year=CYCLE
        )
    }
    assert len(expected) > 50 and {a.id for a in inst.activities} == set(expected)
    for given in inst.activities:
        row = expected[given.id]
        assert given.seats == row.seats - row.confirmed_count
        assert given.cap == row.per_partner_cap
        assert given.cost_per_seat == float(row.tuition_cost + row.accommodation_cost)
        assert (given.area, given.start, given.end) == (
            row.primary_area.code, row.start, row.end,
        )  # fmt: skip
    pending = Nomination.objects.filter(activity_id__in=expected, state="pending")
    seats = list(Nomination.objects.filter(state__in=LIVE_SEATS).select_related("activity"))
    left_out = set()
    for n in pending.select_related("activity"):
        clash = any(
            s.participant_id == n.participant_id
            and s.activity.start <= n.activity.end
            and n.activity.start <= s.activity.end
            for s in seats
        )
        if clash:
            left_out.add(n.pk)
    assert {r["nomination"] for r in cycle.inputs["left_out"]} == left_out
    assert {n.id for n in inst.nominations} == set(pending.values_list("pk", flat=True)) - left_out
    assert len(inst.nominations) > 200
    by_pk = {n.pk: n for n in pending.select_related("partner", "programme_item__programme")}
    for given in inst.nominations:
        row = by_pk[given.id]
        area = expected[row.activity_id].primary_area.code
        item = row.programme_item
        assert given.partner == row.partner.code and given.rank == row.priority
        assert given.participant == str(row.participant_id)
        assert given.interest == _interest(row.partner_id, "partner", area)
        assert given.alliance_priority == _interest(row.partner_id, "alliance", area)
        assert given.serves_objective == (item is not None and item.programme.status == "agreed")
    # The generator draws interests and programmes: the inputs are not all zero.
    assert Counter(n.interest > 0 for n in inst.nominations)[True] > 50
    assert any(n.serves_objective for n in inst.nominations)
    operational = operational_partner_ids(actor=Actor.system(), as_of=date(CYCLE, 1, 1))
    codes = {p.code: p for p in inst.partners}
    assert codes.keys() == {n.partner for n in inst.nominations}
    for partner in cycle.inputs["partners"]:
        assert codes[partner["code"]].operational == (partner["id"] in operational)
    balance, _totals = Recompute(load_raw(), **{"from": CYCLE, "to": CYCLE}).area_balance(
        settings.COOPSEC_ANALYTICS
    )
    neglected = {row["area"] for row in balance if row["flag"] == "neglected"}
    assert {a.id for a in inst.activities if a.neglected} == {
        pk for pk, a in expected.items() if a.primary_area.code in neglected
    }


def test_listed_areas_are_neglected_too_and_budgets_reach_the_partners(history: None) -> None:
    cycle = read_cycle(
        actor=Actor.system(),
        cycle=CYCLE,
        params={"neglected_areas": ["logistics"], "partner_budgets": {"GEO": 1e9}},
    )
    logistics = [a for a in cycle.instance.activities if a.area == "logistics"]
    assert logistics and all(a.neglected for a in logistics)
    if "GEO" in cycle.instance.partner:
        assert cycle.instance.partner["GEO"].budget == 1e9


def _fields(exc: pytest.ExceptionInfo[Invalid]) -> set[str]:
    details: Any = exc.value.details
    return {d["field"] for d in details}


def test_bad_input_names_every_problem(reference: None, frozen_today: None) -> None:
    small = small_cycle()
    with pytest.raises(Invalid) as caught:
        read_cycle(
            actor=Actor.system(),
            activity_ids=[small.a1.pk, 999_999, small.fcfs.pk, small.proposed.pk, small.a1.pk],
            params={
                "weight_seat": -1, "fairness_floor": 2, "colour": "red", "hard_rules": ["nope"],
                "time_limit": "soon", "partner_budgets": {"GEO": -5, "XXX": 10},
                "neglected_areas": ["not_an_area"], "frontier_sweep": "sideways",
            },
        )  # fmt: skip
    assert _fields(caught) == {
        "activities[1]", "activities[2]", "activities[3]", "activities[4]",
        "params.weight_seat", "params.fairness_floor", "params.colour", "params.hard_rules",
        "params.time_limit", "params.partner_budgets.GEO", "params.partner_budgets.XXX",
        "params.neglected_areas", "params.frontier_sweep",
    }  # fmt: skip
    assert "999999" in caught.value.message and "colour" in caught.value.message


def test_a_cycle_without_allocated_activities_is_refused(
    reference: None, frozen_today: None
) -> None:
    small_cycle()
    with pytest.raises(Invalid) as caught:
        read_cycle(actor=Actor.system(), cycle=2031)
    assert _fields(caught) == {"cycle"} and "2031" in caught.value.message
    with pytest.raises(Invalid) as caught:
        read_cycle(actor=Actor.system(), cycle=CYCLE, activity_ids=[1])
    assert _fields(caught) == {"cycle"}


def test_budgets_below_the_cheapest_seat_are_refused(reference: None, frozen_today: None) -> None:
    small = small_cycle()
    with pytest.raises(Invalid) as caught:
        read_cycle(
            actor=Actor.system(),
            cycle=CYCLE,
            params={"total_budget": 10, "partner_budgets": {"QAT": 50}},
        )
    # QAT's only seat (A3) costs 80; a total budget of 10 still buys A2's free seats.
    assert _fields(caught) == {"partner QAT.budget"} and "80" in caught.value.message
    with pytest.raises(Invalid) as caught:
        read_cycle(actor=Actor.system(), activity_ids=[small.a3.pk], params={"total_budget": 10})
    assert _fields(caught) == {"params.total_budget"} and "80" in caught.value.message


def test_seats_held_before_the_run_count_against_it(reference: None, frozen_today: None) -> None:
    small = small_cycle()
    nomination_decide(
        actor=coordinator_actor(), nomination_id=small.nominations["bo"].pk, to="confirmed"
    )
    cycle = read_cycle(actor=Actor.system(), cycle=CYCLE)
    assert cycle.instance.activity[small.a1.pk].seats == 2  # three seats, one held
    left = {r["nomination"]: r["reason"] for r in cycle.inputs["left_out"]}
    # GEO holds A1's cap of 1: its other A1 nomination is left out; "bo" is no longer pending.
    assert left == {small.nominations["ana-a1"].pk: "cap_held"}
    assert small.nominations["bo"].pk not in cycle.instance.nomination
    assert small.nominations["cy"].pk in cycle.instance.nomination

"""Reads of the cooperation menu: the menu's filters, eligibility by date, what a partner
learns about other partners, and whose names are shown to whom."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities import lifecycle
from coopsec.activities.eligibility import eligible_for_q, eligible_organization_ids
from coopsec.activities.models import Activity, Nomination, NominationState
from coopsec.activities.selectors import (
    ActivityFilters,
    activity_get,
    activity_list,
    activity_partner_counts,
    nomination_get,
    nomination_list,
    notification_list,
    participant_view,
)
from coopsec.activities.services import nomination_withdraw
from coopsec.errors import NotFound
from coopsec.network import dates
from coopsec.network.models import Organization
from tests.activities.factories import (
    activity_in_state,
    as_actor,
    coordinator,
    liaison,
    manager,
    nominate,
    open_activity,
    proposed_activity,
    user,
)

pytestmark = pytest.mark.django_db


def codes(activities: Iterable[Activity]) -> list[str]:
    return [a.code for a in activities]


# --- eligibility ---------------------------------------------------------------------------

# (name, activity arguments) -> the organizations among ORGS eligible for it.
ORGS = ["GEO", "JOR", "QAT", "AUS", "COL", "RUS", "BLR", "FIN", "MLT", "NATO", "PTEC-AUT-AUTINT"]
CASES: dict[str, tuple[dict[str, Any], set[str]]] = {
    # Malta left PfP from 1996 to 2008; Colombia joined PAG in 2018; Russia is suspended
    # only from 2014.
    "all partners, 2000": (
        {"start": date(2000, 6, 1)},
        {"GEO", "JOR", "RUS", "BLR", "FIN"},
    ),
    # Russia suspended (2014), Belarus not yet (2021); Qatar, Australia and Colombia joined.
    "all partners, 2020": (
        {"start": date(2020, 1, 15)},
        {"GEO", "JOR", "QAT", "AUS", "COL", "BLR", "FIN", "MLT"},
    ),
    # Finland left PfP on joining the Alliance (2023-04-04); Belarus is suspended.
    "all partners, 2024": (
        {"start": date(2024, 6, 1)},
        {"GEO", "JOR", "QAT", "AUS", "COL", "MLT"},
    ),
    "PfP, 2020": (
        {"start": date(2020, 1, 15), "frameworks": ["PfP"]},
        {"GEO", "BLR", "FIN", "MLT"},
    ),
    "PAG, May 2018": ({"start": date(2018, 5, 15), "frameworks": ["PAG"]}, {"AUS"}),
    "PAG, June 2018": ({"start": date(2018, 6, 15), "frameworks": ["PAG"]}, {"AUS", "COL"}),
    "MD and ICI, 2020": ({"start": date(2020, 1, 15), "frameworks": ["MD", "ICI"]}, {"JOR", "QAT"}),
    "listed": (
        {"start": date(2020, 1, 15), "organizations": ["JOR", "PTEC-AUT-AUTINT"]},
        {"JOR", "PTEC-AUT-AUTINT"},
    ),
}


@pytest.fixture
def eligibility_cases(reference: None) -> dict[str, Activity]:
    return {name: proposed_activity(**kwargs) for name, (kwargs, _) in CASES.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_eligibility_on_the_start_date(eligibility_cases: dict[str, Activity], name: str) -> None:
    activity = eligibility_cases[name]
    orgs = Organization.objects.filter(code__in=ORGS)
    eligible = {o.code for o in orgs if o.pk in eligible_organization_ids(activity)}
    assert eligible == CASES[name][1]


def test_the_query_form_of_eligibility_agrees_with_the_python_form(
    eligibility_cases: dict[str, Activity],
) -> None:
    ours = Activity.objects.filter(pk__in=[a.pk for a in eligibility_cases.values()])
    for org in Organization.objects.filter(code__in=ORGS):
        by_query = set(ours.filter(eligible_for_q(org)).values_list("pk", flat=True))
        by_python = {a.pk for a in ours if org.pk in eligible_organization_ids(a)}
        assert by_query == by_python, org.code


def test_the_menu_filters_on_eligibility_for_an_organization(
    eligibility_cases: dict[str, Activity],
) -> None:
    actor = as_actor(coordinator())
    for_colombia = activity_list(actor=actor, filters=ActivityFilters(eligible_for="col"))
    assert set(codes(for_colombia)) == {
        eligibility_cases[n].code for n in ("all partners, 2020", "all partners, 2024",
                                            "PAG, June 2018")
    }  # fmt: skip
    with pytest.raises(NotFound):
        activity_list(actor=actor, filters=ActivityFilters(eligible_for="XXX"))


# --- the menu's other filters --------------------------------------------------------------


def test_menu_filters(reference: None) -> None:
    today = dates.today()
    cyber = proposed_activity(
        title="Cyber defence planners' course", area="cyber_defence", type="course",
        start=today + timedelta(days=10), references={"ETOC": "CYB-DEF-21"},
    )  # fmt: skip
    air = proposed_activity(
        title="Air policing seminar", area="air_defence", type="seminar",
        secondary_areas=["cyber_defence"], start=today + timedelta(days=40),
        description="Integrated air and missile defence for partners.",
    )  # fmt: skip
    border = proposed_activity(
        title="Border security workshop", area="border_security", type="workshop",
        host="PTEC-TUR-PFPTC", start=today + timedelta(days=70),
    )  # fmt: skip
    full = open_activity(seats=1, cap=1, area="cbrn_defence", start=today + timedelta(days=100))
    nominate(liaison("GEO"), full)
    actor = as_actor(coordinator())

    def menu(**kw: Any) -> list[str]:
        return codes(activity_list(actor=actor, filters=ActivityFilters(**kw)))

    assert menu(q="cyber") == [cyber.code]
    assert menu(q=cyber.code.lower()) == [cyber.code]
    assert menu(q="CYB-DEF-21") == [cyber.code]  # another system's reference
    assert menu(q="missile") == [air.code]  # the description
    assert menu(area="cyber_defence") == [cyber.code, air.code]  # primary or secondary
    assert menu(area="capabilities") == [air.code, full.code]  # a parent matches its children
    assert menu(type="workshop") == [border.code]
    assert menu(host="PTEC-TUR-PFPTC") == [border.code]
    assert menu(state="open") == [full.code]
    assert menu(date_from=today + timedelta(days=45)) == [border.code, full.code]
    assert menu(date_to=today + timedelta(days=45)) == [cyber.code, air.code]
    assert full.code not in menu(with_seats=True)
    assert menu() == [cyber.code, air.code, border.code, full.code]  # by start date
    for bad in ({"area": "astrology"}, {"host": "NOWHERE"}):
        with pytest.raises(NotFound):
            menu(**bad)


def test_the_menu_costs_the_same_queries_whatever_its_length(reference: None) -> None:
    actor = as_actor(liaison("GEO"))

    def render() -> int:
        with CaptureQueriesContext(connection) as ctx:
            shown = [
                (a.host.name, a.primary_area.display_name, a.country, a.seats_left)
                for a in activity_list(actor=actor)
            ]
        assert shown
        return len(ctx.captured_queries)

    for _ in range(2):
        open_activity()
    few = render()
    for _ in range(5):
        open_activity()
    assert render() == few


def test_activity_get_hides_what_the_actor_may_not_see(reference: None) -> None:
    proposed = proposed_activity()
    with pytest.raises(NotFound):
        activity_get(actor=as_actor(liaison("GEO")), activity_id=proposed.pk)
    assert activity_get(actor=as_actor(manager()), activity_id=proposed.pk) == proposed
    with pytest.raises(NotFound):
        activity_get(actor=as_actor(coordinator()), activity_id=10**9)


def test_titles_follow_the_users_language_and_fall_back(reference: None) -> None:
    both = proposed_activity(title="Staff talks", title_fr="Entretiens d'état-major")
    english_only = proposed_activity(title="Logistics course")
    with translation.override("fr"):
        assert both.display_title == "Entretiens d'état-major"
        assert english_only.display_title == "Logistics course"
    with translation.override("en"):
        assert both.display_title == "Staff talks"


# --- nominations as each side sees them ------------------------------------------------------


@dataclass
class Registrations:
    georgia: User
    jordan: User
    austria: User
    course: Activity  # AUTINT, 3 seats, cap 2
    other: Activity  # PFPTC
    g1: Nomination  # Nino Beridze, confirmed
    g3: Nomination  # waitlisted: Georgia at its cap
    j1: Nomination
    g_other: Nomination  # Nino Beridze again, on PFPTC's course


@pytest.fixture
def reg(reference: None) -> Registrations:
    georgia, jordan, austria = liaison("GEO"), liaison("JOR"), liaison("AUT")
    course = open_activity(seats=3, cap=2)
    other = open_activity(seats=5, host="PTEC-TUR-PFPTC")
    g1 = nominate(georgia, course, name="Nino Beridze", email="nino@mod.gov.ge")
    nominate(georgia, course, name="Giorgi K.")
    g3 = nominate(georgia, course, name="Levan M.")
    j1 = nominate(jordan, course, name="Omar H.")
    a1 = nominate(austria, course, name="Anna S.")  # waitlisted: full
    nomination_withdraw(actor=as_actor(austria), nomination_id=a1.pk)
    g_other = nominate(georgia, other, name="Nino Beridze", email="nino@mod.gov.ge")
    return Registrations(georgia, jordan, austria, course, other, g1, g3, j1, g_other)


def test_partners_see_each_other_only_as_counts(reg: Registrations) -> None:
    jordan = as_actor(reg.jordan)
    counts = activity_partner_counts(actor=jordan, activity=reg.course)
    assert [(c.partner.code, c.confirmed, c.waitlisted, c.pending) for c in counts] == [
        ("GEO", 2, 1, 0),
        ("JOR", 1, 0, 0),
    ]  # Austria withdrew its only nomination: it is not listed
    # Jordan's own list holds only Jordan's nomination.
    assert list(nomination_list(actor=jordan, activity_id=reg.course.pk)) == [reg.j1]
    assert not nomination_list(actor=jordan, organization="GEO").exists()
    with pytest.raises(NotFound):
        nomination_get(actor=jordan, nomination_id=reg.g1.pk)


def test_nomination_list_filters(reg: Registrations) -> None:
    georgia = as_actor(reg.georgia)
    mine = list(nomination_list(actor=georgia))
    assert {n.partner.code for n in mine} == {"GEO"} and len(mine) == 4
    assert list(nomination_list(actor=georgia, state="waitlisted")) == [reg.g3]
    assert list(nomination_list(actor=georgia, activity_id=reg.other.pk)) == [reg.g_other]
    boss = as_actor(coordinator())
    assert {n.partner.code for n in nomination_list(actor=boss, organization="jor")} == {"JOR"}
    # The AUTINT host sees the registrations to its course, not to PFPTC's.
    host = as_actor(manager("PTEC-AUT-AUTINT"))
    assert {n.activity_id for n in nomination_list(actor=host)} == {reg.course.pk}
    with pytest.raises(NotFound):
        nomination_list(actor=boss, organization="NOWHERE")


VIEWERS: dict[str, Callable[[Registrations], User]] = {
    "nominating partner": lambda r: r.georgia,
    "host": lambda r: manager("PTEC-AUT-AUTINT"),
    "coordinator": lambda r: coordinator(),
    "analyst": lambda r: user(R.ANALYST, "NATO"),
    "other partner": lambda r: r.jordan,
    "other host": lambda r: manager("PTEC-TUR-PFPTC"),
}
SEES_NAMES = {"nominating partner", "host", "coordinator"}


@pytest.mark.parametrize("who", list(VIEWERS))
def test_participant_names_only_for_partner_host_and_coordinators(
    reg: Registrations, who: str
) -> None:
    view = participant_view(actor=as_actor(VIEWERS[who](reg)), nomination=reg.g1)
    as_coordinator = participant_view(actor=as_actor(coordinator()), nomination=reg.g1)
    assert view.identifier == as_coordinator.identifier  # one pseudonym for everyone
    if who in SEES_NAMES:
        assert (view.name, view.email) == ("Nino Beridze", "nino@mod.gov.ge")
    else:
        assert (view.name, view.email, view.rank) == (None, None, None)
        assert "Nino" not in view.identifier


def test_the_same_person_keeps_one_pseudonym_across_activities(reg: Registrations) -> None:
    analyst = as_actor(user(R.ANALYST, "NATO"))
    first = participant_view(actor=analyst, nomination=reg.g1)
    again = participant_view(actor=analyst, nomination=reg.g_other)
    other = participant_view(actor=analyst, nomination=reg.j1)
    assert first.identifier == again.identifier != other.identifier


def test_notifications_are_the_actors_own_newest_first(reference: None) -> None:
    georgia, jordan = liaison("GEO"), liaison("JOR")
    first = open_activity()
    second = activity_in_state(lifecycle.OPEN, frameworks=["MD"])  # Jordan only
    mine = list(notification_list(actor=as_actor(georgia)))
    assert [n.link for n in mine] == [f"/activities/{first.pk}/"]
    jordans = list(notification_list(actor=as_actor(jordan)))
    assert [n.link for n in jordans] == [f"/activities/{second.pk}/", f"/activities/{first.pk}/"]
    jordans[0].read_at = jordans[0].created_at
    jordans[0].save(update_fields=["read_at"])
    assert list(notification_list(actor=as_actor(jordan), unread_only=True)) == [jordans[1]]
    assert nomination_list(actor=as_actor(jordan), state=NominationState.CONFIRMED).count() == 0

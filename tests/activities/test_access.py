"""Access rules of the cooperation menu: who sees which activity and nomination, and the
action predicates, checked for every role against the queryset rules and the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import access, lifecycle
from coopsec.activities.models import Activity, Nomination, NominationState
from coopsec.activities.services import nomination_decide, nomination_withdraw
from coopsec.errors import Forbidden, NotFound
from coopsec.network.models import Organization
from tests.activities.factories import (
    activity_in_state,
    advance,
    as_actor,
    liaison,
    manager,
    nominate,
    open_activity,
    proposed_activity,
    user,
)

pytestmark = pytest.mark.django_db


@dataclass
class Menu:
    """A small menu covering every visibility case, and the people looking at it."""

    activities: dict[str, Activity]
    nominations: dict[str, Nomination]
    people: dict[str, User]


def _superuser() -> User:
    return User.objects.create(username="root", is_superuser=True, is_staff=True)


PEOPLE: dict[str, Callable[[], User]] = {
    "coordinator": lambda: user(R.COORDINATOR, "NATO"),
    "analyst": lambda: user(R.ANALYST, "NATO"),
    "auditor": lambda: user(R.AUDITOR, "NATO"),
    "admin": lambda: user(R.ADMIN, "NATO"),
    "superuser": _superuser,
    "host": lambda: manager("PTEC-AUT-AUTINT"),
    "other host": lambda: manager("PTEC-TUR-PFPTC"),
    "GEO liaison": lambda: liaison("GEO"),
    "JOR liaison": lambda: liaison("JOR"),
    "AUT liaison": lambda: liaison("AUT"),
    "GEO without role": lambda: User.objects.create(
        username="geo-norole", organization=Organization.objects.get(code="GEO"), roles=[]
    ),
}


@pytest.fixture
def menu(reference: None) -> Menu:
    people = {name: make() for name, make in PEOPLE.items()}
    geo, jor, aut = people["GEO liaison"], people["JOR liaison"], people["AUT liaison"]
    acts = {
        "proposed": proposed_activity(),
        "proposed elsewhere": proposed_activity(host="PTEC-TUR-PFPTC"),
        "approved": activity_in_state(lifecycle.APPROVED),
        "open all": open_activity(seats=4),
        "open PfP": open_activity(frameworks=["PfP"]),
        "open for GEO": open_activity(organizations=["GEO"]),
        "open for JOR": open_activity(organizations=["JOR"]),
        "closed": activity_in_state(lifecycle.CLOSED),
        "conducted": activity_in_state(lifecycle.CONDUCTED),
        "reported": activity_in_state(lifecycle.REPORTED),
        "cancelled": activity_in_state(lifecycle.CANCELLED),
        # Cancelled after Georgia nominated (below): Georgia keeps seeing it.
        "cancelled, GEO nominated": open_activity(organizations=["GEO"]),
    }
    noms = {
        "GEO on open all": nominate(geo, acts["open all"]),
        "JOR on open all": nominate(jor, acts["open all"]),
        "AUT on open PfP": nominate(aut, acts["open PfP"]),
        "GEO on cancelled": nominate(geo, acts["cancelled, GEO nominated"]),
    }
    advance(acts["cancelled, GEO nominated"], lifecycle.CANCELLED)
    return Menu(activities=acts, nominations=noms, people=people)


ALL = {
    "proposed", "proposed elsewhere", "approved", "open all", "open PfP", "open for GEO",
    "open for JOR", "closed", "conducted", "reported", "cancelled, GEO nominated", "cancelled",
}  # fmt: skip
PUBLISHED_TO_EVERY_PARTNER = {"open all", "open PfP", "closed", "conducted", "reported"}

EXPECTED_ACTIVITIES = {
    "coordinator": ALL,
    "analyst": ALL,
    "auditor": ALL,
    "admin": ALL,
    "superuser": ALL,
    # Its own in every state (everything here is AUTINT's except "proposed elsewhere").
    "host": ALL - {"proposed elsewhere"},
    "other host": PUBLISHED_TO_EVERY_PARTNER | {"proposed elsewhere"},
    "GEO liaison": PUBLISHED_TO_EVERY_PARTNER | {"open for GEO", "cancelled, GEO nominated"},
    # Jordan sees the PfP course on the menu (it cannot nominate for it: 403, not 404).
    "JOR liaison": PUBLISHED_TO_EVERY_PARTNER | {"open for JOR"},
    "AUT liaison": PUBLISHED_TO_EVERY_PARTNER,
    "GEO without role": set(),
}


def _names(menu: Menu, ids: set[int]) -> set[str]:
    return {name for name, a in menu.activities.items() if a.pk in ids}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_which_activities_each_role_sees(menu: Menu, who: str) -> None:
    actor = as_actor(menu.people[who])
    ours = [a.pk for a in menu.activities.values()]
    visible = set(
        Activity.objects.visible_to(actor).filter(pk__in=ours).values_list("pk", flat=True)
    )
    assert _names(menu, visible) == EXPECTED_ACTIVITIES[who]


@pytest.mark.parametrize("who", list(PEOPLE))
def test_visible_to_and_can_view_activity_agree(menu: Menu, who: str) -> None:
    actor = as_actor(menu.people[who])
    visible = set(Activity.objects.visible_to(actor).values_list("pk", flat=True))
    for name, activity in menu.activities.items():
        assert access.can_view_activity(actor, activity) is (activity.pk in visible), name


EXPECTED_NOMINATIONS = {
    "coordinator": {"GEO on open all", "JOR on open all", "AUT on open PfP", "GEO on cancelled"},
    "analyst": {"GEO on open all", "JOR on open all", "AUT on open PfP", "GEO on cancelled"},
    "admin": {"GEO on open all", "JOR on open all", "AUT on open PfP", "GEO on cancelled"},
    "superuser": {"GEO on open all", "JOR on open all", "AUT on open PfP", "GEO on cancelled"},
    "auditor": set(),  # auditors read the audit trail, not registrations
    "host": {"GEO on open all", "JOR on open all", "AUT on open PfP", "GEO on cancelled"},
    "other host": set(),
    "GEO liaison": {"GEO on open all", "GEO on cancelled"},
    "JOR liaison": {"JOR on open all"},
    "AUT liaison": {"AUT on open PfP"},
    "GEO without role": set(),
}


@pytest.mark.parametrize("who", list(PEOPLE))
def test_which_nominations_each_role_sees_and_can_view_agrees(menu: Menu, who: str) -> None:
    actor = as_actor(menu.people[who])
    visible = set(Nomination.objects.visible_to(actor).values_list("pk", flat=True))
    seen = {name for name, n in menu.nominations.items() if n.pk in visible}
    assert seen == EXPECTED_NOMINATIONS[who]
    for name, nomination in menu.nominations.items():
        assert access.can_view_nomination(actor, nomination) is (nomination.pk in visible), name


# --- action predicates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "host", "expected"),
    [
        ("coordinator", "PTEC-AUT-AUTINT", True),
        ("coordinator", "PTEC-TUR-PFPTC", True),
        ("host", "PTEC-AUT-AUTINT", True),
        ("host", "PTEC-TUR-PFPTC", False),
        ("GEO liaison", "PTEC-AUT-AUTINT", False),
        ("analyst", "PTEC-AUT-AUTINT", False),
        ("auditor", "PTEC-AUT-AUTINT", False),
    ],
)
def test_who_may_propose_for_which_host(menu: Menu, who: str, host: str, expected: bool) -> None:
    actor = as_actor(menu.people[who])
    assert access.can_propose_activity(actor, Organization.objects.get(code=host)) is expected


@pytest.mark.parametrize("who", list(PEOPLE))
def test_edit_and_registration_predicates(menu: Menu, who: str) -> None:
    actor = as_actor(menu.people[who])
    open_all = menu.activities["open all"]
    may_run = who in ("coordinator", "superuser", "host")
    assert access.can_manage_registration(actor, open_all) is may_run
    assert access.can_edit_activity(actor, open_all) is may_run
    # Nobody edits what has been conducted, reported or cancelled.
    for finished in ("conducted", "reported", "cancelled"):
        assert access.can_edit_activity(actor, menu.activities[finished]) is False
    # A liaison nominates for its own organization; a superuser has none to nominate for.
    assert access.can_nominate(actor, open_all) is who.endswith("liaison")


@pytest.mark.parametrize("who", list(PEOPLE))
def test_withdraw_predicate_agrees_with_the_service(menu: Menu, who: str) -> None:
    """For each nomination: allowed -> withdrawn; visible but not allowed -> 403; not
    visible -> 404."""
    actor = as_actor(menu.people[who])
    for name in ("GEO on open all", "JOR on open all", "AUT on open PfP"):
        nomination = menu.nominations[name]
        allowed = access.can_withdraw_nomination(actor, nomination)
        if allowed:
            done = nomination_withdraw(actor=actor, nomination_id=nomination.pk)
            assert done.state == NominationState.WITHDRAWN, name
            continue
        expected = Forbidden if access.can_view_nomination(actor, nomination) else NotFound
        with pytest.raises(expected):
            nomination_withdraw(actor=actor, nomination_id=nomination.pk)
        assert Nomination.objects.get(pk=nomination.pk).state != NominationState.WITHDRAWN


@pytest.mark.parametrize("who", list(PEOPLE))
def test_registration_predicate_agrees_with_the_decide_service(menu: Menu, who: str) -> None:
    actor = as_actor(menu.people[who])
    nomination = menu.nominations["JOR on open all"]
    if access.can_manage_registration(actor, nomination.activity):
        decided = nomination_decide(actor=actor, nomination_id=nomination.pk, to="waitlisted")
        assert decided.state == NominationState.WAITLISTED
        return
    expected = Forbidden if access.can_view_nomination(actor, nomination) else NotFound
    with pytest.raises(expected):
        nomination_decide(actor=actor, nomination_id=nomination.pk, to="waitlisted")


@pytest.mark.parametrize(
    ("who", "nomination", "expected"),
    [
        ("GEO liaison", "GEO on open all", True),
        ("JOR liaison", "GEO on open all", False),
        ("host", "GEO on open all", False),
        ("coordinator", "GEO on open all", False),
    ],
)
def test_feedback_comes_from_the_participants_own_partner(
    menu: Menu, who: str, nomination: str, expected: bool
) -> None:
    actor = as_actor(menu.people[who])
    assert access.can_submit_feedback(actor, menu.nominations[nomination]) is expected


@pytest.mark.parametrize(
    ("who", "participating", "expected"),
    [
        ("coordinator", False, True),
        ("analyst", False, True),
        ("host", False, True),
        ("other host", False, False),
        ("GEO liaison", True, True),
        ("GEO liaison", False, False),
        ("auditor", False, False),
    ],
)
def test_who_reads_feedback_and_reports(
    menu: Menu, who: str, participating: bool, expected: bool
) -> None:
    actor = as_actor(menu.people[who])
    activity = menu.activities["reported"]
    assert access.can_view_outcomes(actor, activity, participating) is expected


def test_an_actor_without_an_organization_sees_no_menu(reference: None) -> None:
    activity = open_activity()
    nobody = Actor(user=None, organization=None, roles=frozenset({R.PARTNER_LIAISON}))
    assert not Activity.objects.visible_to(nobody).exists()
    assert access.can_view_activity(nobody, activity) is False


# --- the operator's admin ----------------------------------------------------------------------

ADMIN_PAGES = [
    "activity", "activityreport", "calendarfeed", "cooperationarea", "feedback", "nomination",
    "notification", "participant",
]  # fmt: skip


def test_the_admin_shows_participants_names_to_superusers_only(
    reference: None, client_for: Callable[[User], Client]
) -> None:
    activity = open_activity()
    nominate(liaison("GEO"), activity, name="Nino Beridze")
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    for page in ADMIN_PAGES:
        response = client_for(root).get(f"/admin/activities/{page}/")
        assert response.status_code == 200, page
    assert "Nino Beridze" in client_for(root).get("/admin/activities/nomination/").text

    staff = User.objects.create(username="operator", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="activities",
            codename__in=["view_nomination", "view_participant", "view_activity"],
        )
    )
    page = client_for(staff).get("/admin/activities/nomination/")
    assert page.status_code == 200
    assert "Nino Beridze" not in page.text and "P-" in page.text
    assert client_for(staff).get("/admin/activities/participant/").status_code == 403
    # Registrations are never edited by hand: the seat counts live in the services.
    assert "Add nomination" not in page.text

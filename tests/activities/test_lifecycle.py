"""The activity lifecycle: the state machine, who may move an activity, and what opening,
cancelling and conducting do."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from unittest.mock import patch

import pytest
from django.core import mail

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities import access, lifecycle
from coopsec.activities.models import Activity, Notification
from coopsec.activities.services import activity_transition
from coopsec.errors import CoopsecError, Forbidden, Invalid, NotFound
from coopsec.network import dates
from tests.activities.factories import (
    activity_in_state,
    advance,
    as_actor,
    audit_actions,
    coordinator,
    liaison,
    manager,
    nominate,
    open_activity,
    proposed_activity,
    reload,
    user,
)

pytestmark = pytest.mark.django_db

ALLOWED = [(s, t) for s in lifecycle.STATES for t in lifecycle.allowed_targets(s)]
REFUSED = [
    (s, t) for s in lifecycle.STATES for t in lifecycle.STATES if t not in lifecycle.TRANSITIONS[s]
]


# --- the machine alone -----------------------------------------------------------------------


def test_the_machine_is_the_documented_chain_with_cancellation_before_conducted() -> None:
    chain = [lifecycle.PROPOSED, lifecycle.APPROVED, lifecycle.OPEN, lifecycle.CLOSED]
    for here, there in itertools.pairwise(chain):
        assert lifecycle.transition_error(here, there) is None
    assert lifecycle.transition_error(lifecycle.CLOSED, lifecycle.CONDUCTED) is None
    assert lifecycle.transition_error(lifecycle.CONDUCTED, lifecycle.REPORTED) is None
    for state in (lifecycle.PROPOSED, lifecycle.APPROVED, lifecycle.OPEN, lifecycle.CLOSED):
        assert lifecycle.transition_error(state, lifecycle.CANCELLED) is None
    for state in (lifecycle.CONDUCTED, lifecycle.REPORTED, lifecycle.CANCELLED):
        assert lifecycle.transition_error(state, lifecycle.CANCELLED) is not None


def test_refusals_say_where_the_activity_can_go() -> None:
    assert lifecycle.transition_error("proposed", "open") == (
        "An activity that is proposed can go to approved or cancelled, not to open."
    )
    assert lifecycle.transition_error("reported", "open") == (
        "The activity is reported; it cannot change state any more."
    )
    message = lifecycle.transition_error("open", "archived")
    assert message is not None and "'archived' is not a state" in message


# --- every pair through the service ----------------------------------------------------------


@pytest.mark.parametrize(("state", "target"), ALLOWED)
def test_a_coordinator_takes_every_transition_of_the_machine(
    reference: None, state: str, target: str
) -> None:
    activity = activity_in_state(state, start=dates.today() - timedelta(days=1))
    boss = coordinator()
    if target == lifecycle.REPORTED:
        with pytest.raises(Invalid, match="host submits the after-action report"):
            activity_transition(actor=as_actor(boss), activity_id=activity.pk, to=target)
        assert reload(activity).state == state
        return
    moved = activity_transition(actor=as_actor(boss), activity_id=activity.pk, to=target)
    assert moved.state == target
    assert reload(activity).state == target
    assert audit_actions(activity)[-1] == "activity.transition"


@pytest.mark.parametrize(("state", "target"), REFUSED)
def test_every_other_pair_is_refused_with_the_machines_message(
    reference: None, state: str, target: str
) -> None:
    activity = activity_in_state(state, start=dates.today() - timedelta(days=1))
    trail = audit_actions(activity)
    with pytest.raises(Invalid) as refused:
        activity_transition(actor=as_actor(coordinator()), activity_id=activity.pk, to=target)
    assert refused.value.message == lifecycle.transition_error(state, target)
    assert reload(activity).state == state
    assert audit_actions(activity) == trail


def test_an_unknown_target_is_named_in_the_refusal(reference: None) -> None:
    activity = open_activity()
    with pytest.raises(Invalid, match="'archived' is not a state"):
        activity_transition(actor=as_actor(coordinator()), activity_id=activity.pk, to="archived")


# --- who may move it -------------------------------------------------------------------------

ROLES: dict[str, Callable[[], User]] = {
    "coordinator": coordinator,
    "host": lambda: manager("PTEC-AUT-AUTINT"),
    "other institution": lambda: manager("PTEC-TUR-PFPTC"),
    "liaison": lambda: liaison("GEO"),
    "analyst": lambda: user(R.ANALYST, "NATO"),
    "auditor": lambda: user(R.AUDITOR, "NATO"),
}
UNPUBLISHED = (lifecycle.PROPOSED, lifecycle.APPROVED)


def expected_outcome(role: str, state: str, target: str) -> type[CoopsecError] | None:
    """None when the role may take the transition; else the error it gets."""
    if role == "coordinator":
        return None
    if role == "host":
        return Forbidden if target == lifecycle.APPROVED else None
    if role in ("other institution", "liaison"):
        return NotFound if state in UNPUBLISHED else Forbidden
    return Forbidden  # analysts and auditors see every activity and move none


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(
    ("state", "target"), [(s, t) for s, t in ALLOWED if t != lifecycle.REPORTED]
)
def test_who_may_take_each_transition(reference: None, role: str, state: str, target: str) -> None:
    activity = activity_in_state(state, start=dates.today() - timedelta(days=1))
    actor = as_actor(ROLES[role]())
    expected = expected_outcome(role, state, target)
    assert access.can_transition_activity(actor, activity, target) is (expected is None)
    if expected is None:
        assert activity_transition(actor=actor, activity_id=activity.pk, to=target).state == target
        return
    with pytest.raises(expected):
        activity_transition(actor=actor, activity_id=activity.pk, to=target)
    assert reload(activity).state == state


def test_an_outsider_is_refused_before_being_told_about_the_machine(reference: None) -> None:
    """A liaison asking an open activity to go somewhere impossible learns only that it may
    not move activities, not the machine's rules."""
    activity = open_activity()
    with pytest.raises(Forbidden):
        activity_transition(
            actor=as_actor(liaison("GEO")), activity_id=activity.pk, to=lifecycle.PROPOSED
        )


def test_a_host_proposes_only_for_its_own_institution(reference: None) -> None:
    host = manager("PTEC-AUT-AUTINT")
    mine = proposed_activity(by=host, host="PTEC-AUT-AUTINT")
    assert mine.state == lifecycle.PROPOSED and mine.created_by == host
    assert audit_actions(mine) == ["activity.create"]
    with pytest.raises(Forbidden):
        proposed_activity(by=host, host="PTEC-TUR-PFPTC")
    with pytest.raises(Forbidden):
        proposed_activity(by=liaison("GEO"))
    assert not Activity.objects.filter(host__code="PTEC-TUR-PFPTC").exists()


# --- dates -----------------------------------------------------------------------------------


def test_an_activity_is_not_conducted_before_its_start_date(reference: None) -> None:
    start = date(2031, 3, 10)
    with patch("coopsec.network.dates.today", lambda: start - timedelta(days=30)):
        activity = activity_in_state(lifecycle.CLOSED, start=start)
    boss = as_actor(coordinator())
    with (
        patch("coopsec.network.dates.today", lambda: start - timedelta(days=1)),
        pytest.raises(Invalid, match="starts on 2031-03-10"),
    ):
        activity_transition(actor=boss, activity_id=activity.pk, to=lifecycle.CONDUCTED)
    assert reload(activity).state == lifecycle.CLOSED
    with patch("coopsec.network.dates.today", lambda: start):
        moved = activity_transition(actor=boss, activity_id=activity.pk, to=lifecycle.CONDUCTED)
    assert moved.state == lifecycle.CONDUCTED


# --- notifications ---------------------------------------------------------------------------


def _notified(activity: Activity) -> set[str]:
    return set(
        Notification.objects.filter(link=f"/activities/{activity.pk}/").values_list(
            "user__username", flat=True
        )
    )


def test_opening_notifies_the_eligible_partners_liaisons_and_mails_after_commit(
    reference: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    activity = proposed_activity(frameworks=["PfP"])
    georgia = liaison("GEO", email="liaison@mod.gov.ge")
    austria = liaison("AUT")  # no e-mail address: in-app only
    jordan = liaison("JOR", email="liaison@jaf.mil.jo")  # Mediterranean Dialogue, not PfP
    russia = liaison("RUS", email="x@mil.ru")  # PfP suspended since 2014
    user(R.ANALYST, "GEO", email="analyst@mod.gov.ge")  # not a liaison
    liaison("GEO", email="gone@mod.gov.ge", is_active=False)
    advance(activity, lifecycle.APPROVED)
    assert _notified(activity) == set()

    with django_capture_on_commit_callbacks(execute=True):
        advance(activity, lifecycle.OPEN)
        assert mail.outbox == [], "mail goes out only once the transaction commits"

    assert _notified(activity) == {georgia.username, austria.username}
    assert jordan.username not in _notified(activity) and russia.username not in _notified(activity)
    assert [m.to for m in mail.outbox] == [["liaison@mod.gov.ge"]]
    assert activity.code in mail.outbox[0].subject

    # Closing and reopening does not announce the activity a second time.
    advance(activity, lifecycle.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        advance(activity, lifecycle.OPEN)
    assert Notification.objects.filter(user=georgia).count() == 1
    assert len(mail.outbox) == 1


def test_opening_judges_eligibility_on_the_activitys_start_date(reference: None) -> None:
    """Colombia joined the partners across the globe on 2018-05-31: a PAG course starting
    in mid-May 2018 is not announced to it, one starting in June is."""
    colombia, australia = liaison("COL"), liaison("AUS")
    with patch("coopsec.network.dates.today", lambda: date(2018, 3, 1)):
        may = activity_in_state(lifecycle.OPEN, frameworks=["PAG"], start=date(2018, 5, 15))
        june = activity_in_state(lifecycle.OPEN, frameworks=["PAG"], start=date(2018, 6, 15))
    assert _notified(may) == {australia.username}
    assert _notified(june) == {australia.username, colombia.username}


def test_cancelling_tells_the_partners_with_live_nominations(reference: None) -> None:
    georgia, jordan, austria = liaison("GEO"), liaison("JOR"), liaison("AUT")
    activity = open_activity(seats=1, cap=1)
    nominate(georgia, activity)
    nominate(jordan, activity)  # waitlisted: still told
    Notification.objects.all().delete()
    cancelled = advance(activity, lifecycle.CANCELLED)
    assert cancelled.state == lifecycle.CANCELLED
    assert _notified(activity) == {georgia.username, jordan.username}
    assert austria.username not in _notified(activity)
    assert audit_actions(activity)[-1] == "activity.transition"

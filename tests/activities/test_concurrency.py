"""Seats under concurrent nominations and withdrawals, with real threads and one database
connection each (issue 4's Done-when). Runs on SQLite by default and on PostgreSQL in the
PostgreSQL pass: the services must serialize seat changes on both (row locks on PostgreSQL,
IMMEDIATE transactions and the busy timeout on SQLite), with no retries."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import pytest
from django.db import connection, connections

from coopsec.accounts.actor import Actor
from coopsec.activities import lifecycle
from coopsec.activities.models import Activity, Feedback, Nomination, NominationState
from coopsec.activities.services import (
    FeedbackInput,
    ParticipantInput,
    attendance_record,
    feedback_submit,
    nomination_create,
    nomination_decide,
    nomination_withdraw,
)
from coopsec.audit.models import AuditEvent
from coopsec.audit.verify import verify_chain
from coopsec.errors import Invalid
from coopsec.network import dates
from tests.activities.factories import (
    activity_in_state,
    as_actor,
    check_seats,
    coordinator,
    host_actor,
    liaison,
    manager,
    nominate,
    open_activity,
)

pytestmark = pytest.mark.django_db(transaction=True)

T = TypeVar("T")

# Partners from every framework, each eligible for an all-partners activity.
PARTNERS = ["GEO", "AUT", "UKR", "JOR", "QAT", "AUS", "COL"]  # PfP x3, MD, ICI, PAG x2
PER_PARTNER = 8  # 56 nominations in all
SEATS, CAP = 10, 2

C, W = NominationState.CONFIRMED, NominationState.WAITLISTED


def run_together(jobs: list[Callable[[], T]]) -> tuple[list[T], list[BaseException]]:
    """Run each job in its own thread with its own database connection, all released at
    once by a barrier; returns the results and every exception raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(job: Callable[[], T]) -> None:
        try:
            connection.ensure_connection()  # connect before the start line, not after it
            barrier.wait(timeout=60)
            result = job()
            with lock:
                results.append(result)
        except BaseException as exc:  # every failure is reported to the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    return results, errors


def nomination_job(actor: Actor, activity: Activity, name: str) -> Callable[[], Nomination]:
    def job() -> Nomination:
        return nomination_create(
            actor=actor, activity_id=activity.pk, participant=ParticipantInput(name=name)
        )

    return job


def withdrawal_job(actor: Actor, nomination: Nomination) -> Callable[[], Nomination]:
    def job() -> Nomination:
        return nomination_withdraw(actor=actor, nomination_id=nomination.pk)

    return job


def assert_no_seat_left_idle(activity: Activity) -> None:
    """First come, first served never leaves a seat empty while a nomination waits whose
    partner is under its cap."""
    fresh = check_seats(activity)
    if fresh.confirmed_count == fresh.seats:
        return
    holding = Counter(
        Nomination.objects.filter(activity=fresh, state__in=[C, "attended", "no_show"])
        .values_list("partner__code", flat=True)
    )  # fmt: skip
    waiting = Nomination.objects.filter(activity=fresh, state=W).values_list(
        "partner__code", flat=True
    )
    cap = fresh.per_partner_cap
    idle = [p for p in waiting if cap is None or holding[p] < cap]
    assert not idle, f"{fresh.seats - fresh.confirmed_count} seats free while {idle} wait"


def test_fifty_six_simultaneous_nominations_never_overbook(reference: None) -> None:
    activity = open_activity(seats=SEATS, cap=CAP)
    actors = {code: as_actor(liaison(code)) for code in PARTNERS}
    events_before = AuditEvent.objects.count()
    jobs = [
        nomination_job(actors[code], activity, f"{code} participant {i}")
        for i in range(PER_PARTNER)
        for code in PARTNERS
    ]

    results, errors = run_together(jobs)

    assert errors == []
    assert len(results) == len(jobs) == 56
    stored = Nomination.objects.filter(activity=activity)
    assert stored.count() == 56, "every nomination is stored"
    states = Counter(stored.values_list("state", flat=True))
    assert states == {C: SEATS, W: 56 - SEATS}
    per_partner = Counter(stored.filter(state=C).values_list("partner__code", flat=True))
    assert max(per_partner.values()) <= CAP
    fresh = check_seats(activity)
    assert fresh.confirmed_count == SEATS
    # What each caller was told matches what was stored.
    assert Counter(n.state for n in results) == states
    assert AuditEvent.objects.count() - events_before == 56
    assert verify_chain().ok


def test_concurrent_withdrawals_and_nominations_keep_the_invariants(reference: None) -> None:
    activity = open_activity(seats=SEATS, cap=CAP)
    actors = {code: as_actor(liaison(code)) for code in PARTNERS}
    # Three nominations per partner, one after the other: 10 confirmed, 11 waiting.
    earlier = {code: [nominate(actors[code], activity) for _ in range(3)] for code in PARTNERS}
    assert check_seats(activity).confirmed_count == SEATS

    jobs: list[Callable[[], Nomination]] = []
    # Georgia, Austria and Ukraine give back their confirmed seats; Jordan withdraws the
    # waiting one; everyone also sends four more people.
    for code in ("GEO", "AUT", "UKR"):
        jobs += [withdrawal_job(actors[code], n) for n in earlier[code] if n.state == C]
    jobs += [withdrawal_job(actors["JOR"], n) for n in earlier["JOR"] if n.state == W]
    withdrawals = len(jobs)
    jobs += [
        nomination_job(actors[code], activity, f"{code} late {i}")
        for i in range(4)
        for code in PARTNERS
    ]
    assert withdrawals >= 7 and len(jobs) >= 35

    results, errors = run_together(jobs)

    assert errors == []
    assert len(results) == len(jobs)
    stored = Nomination.objects.filter(activity=activity)
    assert stored.count() == 3 * len(PARTNERS) + 4 * len(PARTNERS)
    assert stored.filter(state=NominationState.WITHDRAWN).count() == withdrawals
    fresh = check_seats(activity)
    # Plenty of partners under their cap are waiting, so every seat is taken again.
    assert fresh.confirmed_count == SEATS
    assert_no_seat_left_idle(activity)
    assert verify_chain().ok


def test_simultaneous_confirmations_by_host_and_coordinator_respect_seats_and_caps(
    reference: None,
) -> None:
    """Allocated mode: the host and a coordinator confirm thirty pending nominations at
    once; ten succeed and every other one is refused with a reason, none with a crash."""
    activity = open_activity(seats=SEATS, cap=CAP, mode="allocated")
    pending = [
        nominate(as_actor(liaison(code)), activity) for code in PARTNERS[:5] for _ in range(6)
    ]
    deciders = [as_actor(manager("PTEC-AUT-AUTINT")), as_actor(coordinator())]

    def confirm(actor: Actor, nomination: Nomination) -> Callable[[], Nomination]:
        return lambda: nomination_decide(actor=actor, nomination_id=nomination.pk, to=C)

    results, errors = run_together([confirm(deciders[i % 2], n) for i, n in enumerate(pending)])

    assert len(results) == SEATS
    assert len(errors) == len(pending) - SEATS
    assert all(isinstance(e, Invalid) for e in errors), errors
    assert {str(e) for e in errors} <= {
        "Cannot confirm: every seat is taken.",
        "Cannot confirm: the partner is at its cap.",
    }
    assert check_seats(activity).confirmed_count == SEATS


def test_feedback_sent_twice_at_once_is_stored_once(reference: None) -> None:
    georgia = liaison("GEO")
    activity = activity_in_state(lifecycle.CLOSED, nominations=[(georgia, "Nino")],
                                 start=dates.today() - timedelta(days=3))  # fmt: skip
    nomination = Nomination.objects.get(activity=activity)
    attendance_record(actor=host_actor(activity), nomination_id=nomination.pk, attended=True)
    data = FeedbackInput(relevance=5, quality=5, applicability=4)

    def send() -> Feedback:
        return feedback_submit(actor=as_actor(georgia), nomination_id=nomination.pk, data=data)

    results, errors = run_together([send, send, send, send])

    assert len(results) == 1
    assert [str(e) for e in errors] == ["Feedback was already given."] * 3
    assert Feedback.objects.filter(nomination=nomination).count() == 1

"""Writes on the cooperation menu: nominations and seats, registration decisions,
attendance, feedback, reports, and the activity's own description."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from unittest.mock import patch

import pytest

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities import lifecycle
from coopsec.activities.models import (
    Activity,
    ActivityReport,
    Feedback,
    Nomination,
    NominationState,
    Notification,
)
from coopsec.activities.services import (
    FeedbackInput,
    ParticipantInput,
    ReportInput,
    activity_create,
    activity_update,
    attendance_record,
    feedback_submit,
    nomination_create,
    nomination_decide,
    nomination_withdraw,
    notification_mark_read,
    report_submit,
)
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.network import dates
from tests.activities.factories import (
    activity_in_state,
    activity_input,
    advance,
    as_actor,
    audit_actions,
    check_seats,
    coordinator,
    liaison,
    manager,
    nominate,
    open_activity,
    proposed_activity,
    reload,
    seat_counts,
    user,
)

pytestmark = pytest.mark.django_db

C, W, P = NominationState.CONFIRMED, NominationState.WAITLISTED, NominationState.PENDING


def state_of(nomination: Nomination) -> str:
    return Nomination.objects.get(pk=nomination.pk).state


@pytest.fixture
def people(reference: None) -> dict[str, User]:
    """Liaisons of PfP (GEO, AUT, UKR) and Mediterranean Dialogue (JOR) partners, the AUTINT
    host's manager, another PTEC's manager, a coordinator and an analyst."""
    return {
        "GEO": liaison("GEO"),
        "AUT": liaison("AUT"),
        "UKR": liaison("UKR"),
        "JOR": liaison("JOR"),
        "host": manager("PTEC-AUT-AUTINT"),
        "other host": manager("PTEC-TUR-PFPTC"),
        "coordinator": coordinator(),
        "analyst": user(R.ANALYST, "NATO"),
    }


# --- first come, first served ------------------------------------------------------------------


def test_fcfs_confirms_up_to_seats_and_cap_then_waitlists_in_order(
    people: dict[str, User],
) -> None:
    activity = open_activity(seats=5, cap=2)
    geo = [nominate(people["GEO"], activity) for _ in range(3)]
    aut = [nominate(people["AUT"], activity) for _ in range(2)]
    ukr = [nominate(people["UKR"], activity) for _ in range(2)]
    jor = nominate(people["JOR"], activity)

    assert [n.state for n in geo] == [C, C, W]  # the third is over Georgia's cap
    assert [n.state for n in aut] == [C, C]
    assert [n.state for n in ukr] == [C, W]  # the fifth seat, then full
    assert jor.state == W
    fresh = check_seats(activity)
    assert fresh.confirmed_count == 5 and fresh.seats_left == 0
    assert seat_counts(activity) == {"GEO": 2, "AUT": 2, "UKR": 1}
    waiting = Nomination.objects.filter(activity=activity, state=W).order_by("created_at", "pk")
    assert list(waiting) == [geo[2], ukr[1], jor]
    assert audit_actions(geo[0]) == ["nomination.create"]


def test_no_cap_lets_one_partner_take_every_seat(people: dict[str, User]) -> None:
    activity = open_activity(seats=3, cap=None)
    states = [nominate(people["GEO"], activity).state for _ in range(4)]
    assert states == [C, C, C, W]
    check_seats(activity)


def test_allocated_mode_holds_every_nomination_for_the_coordinator(
    people: dict[str, User],
) -> None:
    activity = open_activity(seats=5, cap=2, mode="allocated")
    assert nominate(people["GEO"], activity).state == P
    assert nominate(people["AUT"], activity).state == P
    assert check_seats(activity).confirmed_count == 0


def test_the_participant_is_stored_with_the_partner_and_the_liaison(
    people: dict[str, User],
) -> None:
    activity = open_activity()
    nomination = nominate(
        people["GEO"], activity, name=" Nino Beridze ", email="N.Beridze@MOD.gov.ge", priority=2
    )
    assert nomination.partner.code == "GEO"
    assert nomination.nominated_by == people["GEO"]
    assert nomination.priority == 2
    assert nomination.participant.name == "Nino Beridze"
    assert nomination.participant.email == "n.beridze@mod.gov.ge"
    check_seats(activity)


# --- who may nominate for what -----------------------------------------------------------------


def test_a_partner_outside_the_listed_frameworks_cannot_nominate(people: dict[str, User]) -> None:
    activity = open_activity(frameworks=["PfP"])
    with pytest.raises(Forbidden, match="not eligible"):
        nominate(people["JOR"], activity)  # Jordan is in the Mediterranean Dialogue
    assert nominate(people["GEO"], activity).state == C
    assert Nomination.objects.filter(activity=activity).count() == 1


def test_a_suspended_partner_cannot_nominate(reference: None) -> None:
    """Russia is still a PfP member on paper; its cooperation is suspended since 2014."""
    activity = open_activity()
    with pytest.raises(Forbidden, match="not eligible"):
        nominate(liaison("RUS"), activity)
    assert not Nomination.objects.filter(activity=activity).exists()


def test_eligibility_is_judged_on_the_activitys_start_date(reference: None) -> None:
    """Colombia joined the partners across the globe on 2018-05-31."""
    colombia = liaison("COL")
    with patch("coopsec.network.dates.today", lambda: date(2018, 3, 1)):
        may = open_activity(frameworks=["PAG"], start=date(2018, 5, 15))
        june = open_activity(frameworks=["PAG"], start=date(2018, 6, 15))
        with pytest.raises(Forbidden):
            nominate(colombia, may)
        assert nominate(colombia, june).state == C
    assert check_seats(may).confirmed_count == 0
    assert check_seats(june).confirmed_count == 1


def test_listed_organizations_only(people: dict[str, User]) -> None:
    activity = open_activity(organizations=["GEO"])
    assert nominate(people["GEO"], activity).state == C
    with pytest.raises(NotFound):  # the activity is not on Austria's menu at all
        nominate(people["AUT"], activity)
    assert check_seats(activity).confirmed_count == 1


@pytest.mark.parametrize("role", ["coordinator", "host", "analyst"])
def test_only_a_liaison_nominates(people: dict[str, User], role: str) -> None:
    activity = open_activity()
    with pytest.raises(Forbidden):
        nominate(people[role], activity)


def test_nominations_only_while_open_and_before_the_deadline(people: dict[str, User]) -> None:
    closed = activity_in_state(lifecycle.CLOSED)
    with pytest.raises(Invalid, match="closed, not open"):
        nominate(people["GEO"], closed)
    approved = activity_in_state(lifecycle.APPROVED)
    with pytest.raises(NotFound):  # not yet published to partners
        nominate(people["GEO"], approved)

    deadline = dates.today() + timedelta(days=10)
    activity = open_activity(registration_deadline=deadline)
    with patch("coopsec.network.dates.today", lambda: deadline):
        assert nominate(people["GEO"], activity).state == C  # the deadline day still counts
    with (
        patch("coopsec.network.dates.today", lambda: deadline + timedelta(days=1)),
        pytest.raises(Invalid, match=f"Registration closed on {deadline}"),
    ):
        nominate(people["GEO"], activity)
    assert check_seats(activity).confirmed_count == 1


def test_the_same_participant_is_nominated_once(people: dict[str, User]) -> None:
    activity = open_activity(seats=5)
    first = nominate(people["GEO"], activity, name="Nino", email="nino@mod.gov.ge")
    with pytest.raises(Invalid, match="already nominated"):
        nominate(people["GEO"], activity, name="Nino B.", email="NINO@mod.gov.ge")
    assert check_seats(activity).confirmed_count == 1
    # Once withdrawn, the same person may be put forward again.
    nomination_withdraw(actor=as_actor(people["GEO"]), nomination_id=first.pk)
    again = nominate(people["GEO"], activity, name="Nino", email="nino@mod.gov.ge")
    assert again.participant_id == first.participant_id and again.state == C
    check_seats(activity)


def test_bad_nomination_input_is_refused_with_field_details(people: dict[str, User]) -> None:
    activity = open_activity()
    with pytest.raises(Invalid) as refused:
        nomination_create(
            actor=as_actor(people["GEO"]),
            activity_id=activity.pk,
            participant=ParticipantInput(name="  "),
            priority=0,
        )
    assert set(refused.value.details or {}) == {"participant.name", "priority"}
    assert not Nomination.objects.filter(activity=activity).exists()


# --- withdrawal and the waiting list ---------------------------------------------------------


def test_withdrawal_promotes_the_next_waiting_partner_under_its_cap(
    people: dict[str, User],
) -> None:
    activity = open_activity(seats=3, cap=2)
    geo_a = nominate(people["GEO"], activity)
    nominate(people["GEO"], activity)
    aut = nominate(people["AUT"], activity)
    geo_waiting = nominate(people["GEO"], activity)  # Georgia is at its cap
    ukr_waiting = nominate(people["UKR"], activity)
    assert (geo_waiting.state, ukr_waiting.state) == (W, W)

    withdrawn = nomination_withdraw(actor=as_actor(people["AUT"]), nomination_id=aut.pk)
    assert withdrawn.state == NominationState.WITHDRAWN
    # Georgia's waiting nomination is first in line but Georgia still holds two seats.
    assert state_of(geo_waiting) == W
    assert state_of(ukr_waiting) == C
    check_seats(activity)
    assert Notification.objects.filter(
        user=people["UKR"], message__startswith="Seat confirmed from the waiting list"
    ).exists()

    nomination_withdraw(actor=as_actor(people["GEO"]), nomination_id=geo_a.pk)
    assert state_of(geo_waiting) == C
    assert seat_counts(activity) == {"GEO": 2, "UKR": 1}
    check_seats(activity)
    assert audit_actions(aut) == ["nomination.create", "nomination.withdraw"]
    assert audit_actions(ukr_waiting) == ["nomination.create", "nomination.promote"]


def test_withdrawing_a_waiting_nomination_changes_no_seat(people: dict[str, User]) -> None:
    activity = open_activity(seats=1)
    nominate(people["GEO"], activity)
    waiting = nominate(people["AUT"], activity)
    nomination_withdraw(actor=as_actor(people["AUT"]), nomination_id=waiting.pk)
    assert check_seats(activity).confirmed_count == 1


def test_who_may_withdraw(people: dict[str, User]) -> None:
    activity = open_activity(seats=5)
    nominations = [nominate(people["GEO"], activity) for _ in range(3)]
    with pytest.raises(NotFound):  # another partner does not see Georgia's nominations
        nomination_withdraw(actor=as_actor(people["AUT"]), nomination_id=nominations[0].pk)
    with pytest.raises(NotFound):
        nomination_withdraw(actor=as_actor(people["other host"]), nomination_id=nominations[0].pk)
    with pytest.raises(Forbidden):  # analysts see nominations, never change them
        nomination_withdraw(actor=as_actor(people["analyst"]), nomination_id=nominations[0].pk)
    for who, nomination in zip(("GEO", "host", "coordinator"), nominations, strict=True):
        done = nomination_withdraw(actor=as_actor(people[who]), nomination_id=nomination.pk)
        assert done.state == NominationState.WITHDRAWN
    with pytest.raises(Invalid, match="withdrawn cannot be withdrawn"):
        nomination_withdraw(actor=as_actor(people["GEO"]), nomination_id=nominations[0].pk)
    assert check_seats(activity).confirmed_count == 0


def test_no_withdrawal_once_the_activity_was_conducted(people: dict[str, User]) -> None:
    activity = activity_in_state(lifecycle.CONDUCTED, nominations=[(people["GEO"], "Nino")])
    nomination = Nomination.objects.get(activity=activity)
    with pytest.raises(Invalid, match="conducted"):
        nomination_withdraw(actor=as_actor(people["GEO"]), nomination_id=nomination.pk)
    assert state_of(nomination) == C
    check_seats(activity)


# --- the host's decisions --------------------------------------------------------------------


def decide(who: User, nomination: Nomination, to: str) -> Nomination:
    return nomination_decide(actor=as_actor(who), nomination_id=nomination.pk, to=to)


def test_host_allocates_with_capacity_and_cap_checks(people: dict[str, User]) -> None:
    activity = open_activity(seats=2, cap=1, mode="allocated")
    geo1, geo2 = nominate(people["GEO"], activity), nominate(people["GEO"], activity)
    aut, ukr = nominate(people["AUT"], activity), nominate(people["UKR"], activity)
    host = people["host"]

    assert decide(host, geo1, C).state == C
    with pytest.raises(Invalid, match="the partner is at its cap"):
        decide(host, geo2, C)
    assert decide(people["coordinator"], aut, C).state == C
    with pytest.raises(Invalid, match="every seat is taken"):
        decide(host, ukr, C)
    assert decide(host, geo2, W).state == W
    assert decide(host, ukr, NominationState.DECLINED).state == NominationState.DECLINED
    assert check_seats(activity).confirmed_count == 2

    # Allocated mode: a freed seat waits for the next decision, nobody is promoted.
    decide(host, aut, W)
    assert state_of(geo2) == W
    assert check_seats(activity).confirmed_count == 1
    assert audit_actions(aut) == ["nomination.create", "nomination.decide", "nomination.decide"]
    assert Notification.objects.filter(user=people["AUT"], message__contains="waitlisted")


def test_a_nomination_the_host_waitlists_is_not_promoted_straight_back(
    people: dict[str, User],
) -> None:
    activity = open_activity(seats=1)
    first = nominate(people["GEO"], activity)
    second = nominate(people["AUT"], activity)
    assert (first.state, second.state) == (C, W)
    decide(people["host"], first, W)
    assert state_of(first) == W
    assert state_of(second) == C
    check_seats(activity)


def test_declining_a_confirmed_nomination_promotes_the_next(people: dict[str, User]) -> None:
    activity = open_activity(seats=1)
    first = nominate(people["GEO"], activity)
    second = nominate(people["AUT"], activity)
    decide(people["host"], first, NominationState.DECLINED)
    assert (state_of(first), state_of(second)) == (NominationState.DECLINED, C)
    with pytest.raises(Invalid, match="declined cannot be changed"):
        decide(people["host"], first, C)
    check_seats(activity)


def test_who_may_decide(people: dict[str, User]) -> None:
    activity = open_activity(seats=2, mode="allocated")
    nomination = nominate(people["GEO"], activity)
    with pytest.raises(Forbidden):
        decide(people["GEO"], nomination, C)  # its own partner
    with pytest.raises(NotFound):
        decide(people["other host"], nomination, C)
    with pytest.raises(Forbidden):
        decide(people["analyst"], nomination, C)
    with pytest.raises(Invalid, match="'attended' is not one of"):
        decide(people["host"], nomination, NominationState.ATTENDED)
    assert state_of(nomination) == P


def test_no_decisions_on_a_cancelled_activity(people: dict[str, User]) -> None:
    activity = open_activity(seats=2, mode="allocated")
    nomination = nominate(people["GEO"], activity)
    advance(activity, lifecycle.CANCELLED)
    with pytest.raises(Invalid, match="cancelled"):
        decide(people["host"], nomination, C)
    assert check_seats(activity).confirmed_count == 0


# --- attendance, feedback, report ------------------------------------------------------------


@pytest.fixture
def ran(people: dict[str, User]) -> Iterator[tuple[Activity, list[Nomination]]]:
    """A course that started 10 days ago and is closed: Georgia and Austria hold seats,
    Ukraine waits."""
    activity = activity_in_state(
        lifecycle.CLOSED,
        seats=2,
        start=dates.today() - timedelta(days=10),
        nominations=[(people["GEO"], "Nino"), (people["AUT"], "Anna"), (people["UKR"], "Oleh")],
    )
    yield activity, list(Nomination.objects.filter(activity=activity).order_by("pk"))


def attend(who: User, nomination: Nomination, attended: bool = True) -> Nomination:
    return attendance_record(actor=as_actor(who), nomination_id=nomination.pk, attended=attended)


def test_attendance_is_recorded_by_the_host_for_confirmed_participants(
    people: dict[str, User], ran: tuple[Activity, list[Nomination]]
) -> None:
    activity, (geo, aut, ukr) = ran
    assert attend(people["host"], geo).state == NominationState.ATTENDED
    assert attend(people["coordinator"], aut, attended=False).state == NominationState.NO_SHOW
    with pytest.raises(Invalid, match="this nomination is waitlisted"):
        attend(people["host"], ukr)
    with pytest.raises(Forbidden):
        attend(people["GEO"], geo)
    # A correction before feedback is fine; seats stay held either way.
    assert attend(people["host"], aut).state == NominationState.ATTENDED
    assert check_seats(activity).confirmed_count == 2
    assert audit_actions(geo)[-1] == "nomination.attendance"


def test_attendance_only_once_the_activity_has_started(people: dict[str, User]) -> None:
    start = dates.today() + timedelta(days=30)
    activity = activity_in_state(
        lifecycle.CLOSED, start=start, nominations=[(people["GEO"], "Nino")]
    )
    nomination = Nomination.objects.get(activity=activity)
    with pytest.raises(Invalid, match=f"starts on {start}"):
        attend(people["host"], nomination)
    with patch("coopsec.network.dates.today", lambda: start):
        assert attend(people["host"], nomination).state == NominationState.ATTENDED


def test_no_attendance_on_a_cancelled_activity(
    people: dict[str, User], ran: tuple[Activity, list[Nomination]]
) -> None:
    activity, (geo, _aut, _ukr) = ran
    advance(activity, lifecycle.CANCELLED)
    with pytest.raises(Invalid, match="cancelled"):
        attend(people["host"], geo)


def give_feedback(who: User, nomination: Nomination, **ratings: int) -> Feedback:
    data = FeedbackInput(**{"relevance": 5, "quality": 4, "applicability": 3, **ratings})
    return feedback_submit(actor=as_actor(who), nomination_id=nomination.pk, data=data)


def test_feedback_from_the_partner_of_an_attendee_once(
    people: dict[str, User], ran: tuple[Activity, list[Nomination]]
) -> None:
    activity, (geo, aut, ukr) = ran
    attend(people["host"], geo)
    attend(people["host"], aut, attended=False)

    with pytest.raises(Forbidden):
        give_feedback(people["host"], geo)  # the host sees it but does not rate itself
    with pytest.raises(NotFound):
        give_feedback(people["AUT"], geo)  # another partner's participant
    with pytest.raises(Invalid, match="attended"):
        give_feedback(people["AUT"], aut)  # a no-show
    with pytest.raises(Invalid, match="attended"):
        give_feedback(people["UKR"], ukr)  # never had a seat
    with pytest.raises(Invalid) as refused:
        give_feedback(people["GEO"], geo, relevance=0, quality=6)
    assert set(refused.value.details or {}) == {"relevance", "quality"}

    check_seats(activity)
    feedback = give_feedback(people["GEO"], geo, relevance=5, quality=4, applicability=1)
    assert (feedback.relevance, feedback.quality, feedback.applicability) == (5, 4, 1)
    with pytest.raises(Invalid, match="already given"):
        give_feedback(people["GEO"], geo)
    assert Feedback.objects.filter(nomination=geo).count() == 1
    assert audit_actions(geo)[-1] == "feedback.submit"

    # The attendance that the feedback rests on can no longer be reversed.
    with pytest.raises(Invalid, match="given feedback"):
        attend(people["host"], geo, attended=False)
    assert state_of(geo) == NominationState.ATTENDED


def report(who: User, activity: Activity, summary: str = "Objectives met.") -> ActivityReport:
    return report_submit(
        actor=as_actor(who), activity_id=activity.pk, data=ReportInput(summary=summary)
    )


def test_the_host_reports_once_conducted_and_the_participating_partners_hear(
    people: dict[str, User], ran: tuple[Activity, list[Nomination]]
) -> None:
    activity, (geo, aut, _ukr) = ran
    attend(people["host"], geo)
    attend(people["host"], aut, attended=False)
    with pytest.raises(Invalid, match="report once it is conducted"):
        report(people["host"], activity)
    advance(activity, lifecycle.CONDUCTED)
    Notification.objects.all().delete()

    with pytest.raises(Forbidden):
        report(people["coordinator"], activity)
    with pytest.raises(Forbidden):
        report(people["other host"], activity)
    with pytest.raises(Invalid, match="needs a summary"):
        report(people["host"], activity, summary=" ")

    submitted = report(people["host"], activity)
    assert submitted.submitted_by == people["host"]
    assert reload(activity).state == lifecycle.REPORTED
    told = set(Notification.objects.values_list("user__username", flat=True))
    # Georgia attended and Austria held a seat; Ukraine only waited.
    assert told == {people["GEO"].username, people["AUT"].username}
    assert check_seats(activity).confirmed_count == 2
    assert audit_actions(activity)[-1] == "activity.report"
    with pytest.raises(Invalid, match="reported"):
        report(people["host"], activity)
    assert ActivityReport.objects.filter(activity=activity).count() == 1


# --- the activity itself ---------------------------------------------------------------------


def test_model_rules_come_back_as_field_errors(people: dict[str, User]) -> None:
    with pytest.raises(Invalid) as refused:
        proposed_activity(code="X" * 41)
    assert "code" in (refused.value.details or {})
    with pytest.raises(Invalid) as refused:
        proposed_activity(title="T" * 251)
    assert "title" in (refused.value.details or {})


def test_codes_and_external_references_are_unique(people: dict[str, User]) -> None:
    proposed_activity(code="AUTINT-26-01", references={"ePRIME": "ACT-4711"})
    with pytest.raises(Invalid, match="cannot be saved") as refused:
        proposed_activity(code="AUTINT-26-01")
    assert refused.value.details == {"code": "'AUTINT-26-01' exists."}
    with pytest.raises(Invalid) as refused:
        proposed_activity(code="AUTINT-26-02", references={"ePRIME": "ACT-4711"})
    assert "ePRIME:ACT-4711" in (refused.value.details or {})["references"]
    assert not Activity.objects.filter(code="AUTINT-26-02").exists()


def test_bad_activity_input_reports_every_field(people: dict[str, User]) -> None:
    start = dates.today() + timedelta(days=30)
    data = activity_input(
        title="", type="lecture", host="NOPE", area="nowhere", start=start,
        end=start - timedelta(days=1), seats=0, cap=0, frameworks=["XYZ"],
    )  # fmt: skip
    with pytest.raises(Invalid) as refused:
        activity_create(actor=as_actor(people["coordinator"]), data=data)
    assert set(refused.value.details or {}) >= {
        "title", "type", "host", "primary_area", "end", "seats", "per_partner_cap",
        "eligible_frameworks",
    }  # fmt: skip


def test_update_keeps_confirmed_seats_and_fills_new_ones(people: dict[str, User]) -> None:
    activity = open_activity(seats=2, cap=None)
    nominations = [nominate(people["GEO"], activity) for _ in range(4)]
    host = as_actor(people["host"])
    with pytest.raises(Invalid, match="cannot be saved") as refused:
        activity_update(actor=host, activity_id=activity.pk, data=activity_input(seats=1, cap=None))
    assert "2 seats are already confirmed" in (refused.value.details or {})["seats"]

    updated = activity_update(
        actor=host, activity_id=activity.pk, data=activity_input(seats=3, cap=None)
    )
    assert updated.seats == 3
    assert [state_of(n) for n in nominations] == [C, C, C, W]
    check_seats(activity)
    assert "activity.update" in audit_actions(activity)


def test_update_cannot_lower_the_cap_below_a_partners_seats(people: dict[str, User]) -> None:
    activity = open_activity(seats=6, cap=3)
    for _ in range(3):
        nominate(people["GEO"], activity)
    nominate(people["AUT"], activity)
    coordinator_actor = as_actor(people["coordinator"])
    with pytest.raises(Invalid) as refused:
        activity_update(
            actor=coordinator_actor, activity_id=activity.pk, data=activity_input(seats=6, cap=2)
        )
    assert refused.value.details == {"per_partner_cap": "Georgia already holds 3 seats."}
    assert reload(activity).per_partner_cap == 3
    activity_update(
        actor=coordinator_actor, activity_id=activity.pk, data=activity_input(seats=6, cap=None)
    )
    check_seats(activity)


def test_update_rules(people: dict[str, User]) -> None:
    activity = proposed_activity()
    with pytest.raises(NotFound):
        activity_update(
            actor=as_actor(people["other host"]), activity_id=activity.pk, data=activity_input()
        )
    with pytest.raises(Forbidden):  # a host cannot hand its activity to another institution
        activity_update(
            actor=as_actor(people["host"]),
            activity_id=activity.pk,
            data=activity_input(host="PTEC-TUR-PFPTC"),
        )
    assert reload(activity).host.code == "PTEC-AUT-AUTINT"
    moved = activity_update(
        actor=as_actor(people["coordinator"]),
        activity_id=activity.pk,
        data=activity_input(host="PTEC-TUR-PFPTC"),
    )
    assert moved.host.code == "PTEC-TUR-PFPTC"
    conducted = activity_in_state(lifecycle.CONDUCTED)
    with pytest.raises(Forbidden):
        activity_update(
            actor=as_actor(people["coordinator"]),
            activity_id=conducted.pk,
            data=activity_input(),
        )


def test_notifications_are_marked_read_only_for_their_owner(people: dict[str, User]) -> None:
    open_activity()  # announced to every partner's liaison
    mine = Notification.objects.filter(user=people["GEO"])
    assert mine.count() == 1
    assert notification_mark_read(actor=as_actor(people["AUT"]), notification_ids=[mine[0].pk]) == 0
    assert notification_mark_read(actor=as_actor(people["GEO"])) == 1
    assert not Notification.objects.filter(user=people["GEO"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=people["AUT"], read_at__isnull=True).count() == 1

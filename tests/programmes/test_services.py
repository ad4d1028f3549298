"""Writes on interests, programmes and assessments: who may, what is refused, what is kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from unittest.mock import patch

import pytest

from coopsec.activities import lifecycle
from coopsec.activities.models import Activity, Nomination, NominationState
from coopsec.activities.services import (
    FeedbackInput,
    ReportInput,
    attendance_record,
    feedback_submit,
    nomination_link_item,
    report_submit,
)
from coopsec.audit.models import AuditEvent
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.programmes import services
from coopsec.programmes.models import (
    InterestVersion,
    Objective,
    Programme,
    ProgrammeItem,
    ProgrammeStatus,
    Side,
)
from coopsec.programmes.selectors import (
    interests_get,
    interests_history,
    objective_evidence,
    programme_progress,
    revision_compare,
)
from tests.activities.factories import (
    advance,
    as_actor,
    coordinator,
    liaison,
    manager,
    nominate,
    open_activity,
    user,
)
from tests.programmes.factories import (
    agreed_programme,
    assess,
    draft_programme,
    interests,
    item,
    objective,
    submitted_programme,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen_today(reference: None) -> Iterator[None]:
    with patch("coopsec.network.dates.today", lambda: TODAY):
        yield


def actions(kind: str, pk: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=kind, object_id=str(pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- interests ------------------------------------------------------------------------------


def test_each_side_records_its_own_interests_as_new_versions() -> None:
    georgia, coord = liaison("GEO"), coordinator()
    first = interests(georgia, {"cyber_defence": 5, "logistics": 2})
    second = interests(georgia, {"cyber_defence": 4})
    alliance = interests(coord, {"cyber_defence": 3, "maritime_security": 5}, partner="GEO")

    assert (first.number, second.number, alliance.number) == (1, 2, 1)
    now = interests_get(actor=as_actor(georgia), partner_code="GEO")
    # A version states every area: those it does not name are 0, not carried over.
    assert now.partner_side["cyber_defence"] == 4 and now.partner_side["logistics"] == 0
    assert now.alliance_side["maritime_security"] == 5
    assert len(now.partner_side) == len(now.areas) == 18
    history = interests_history(actor=as_actor(coord), partner_code="GEO", side=Side.PARTNER)
    assert [v.number for v, _values in history] == [2, 1]
    assert history[1][1]["logistics"] == 2  # the old version is kept as it was
    assert actions("interest_version", first.pk) == ["interests.record"]


def test_interest_rules() -> None:
    georgia, jordan, coord = liaison("GEO"), liaison("JOR"), coordinator()
    with pytest.raises(Forbidden, match="coordinators"):
        services.interests_record(
            actor=as_actor(georgia), partner_code="GEO", side="alliance", areas={}
        )
    with pytest.raises(Forbidden, match="liaisons"):
        services.interests_record(
            actor=as_actor(coord), partner_code="GEO", side="partner", areas={}
        )
    with pytest.raises(NotFound):  # another partner's interests do not exist for Georgia
        services.interests_record(
            actor=as_actor(georgia), partner_code="JOR", side="partner", areas={}
        )
    with pytest.raises(NotFound):
        services.interests_record(
            actor=as_actor(manager()), partner_code="GEO", side="partner", areas={}
        )
    with pytest.raises(NotFound):  # an Ally is not a partner
        services.interests_record(
            actor=as_actor(coord), partner_code="FRA", side="alliance", areas={}
        )
    with pytest.raises(Invalid) as refused:
        services.interests_record(
            actor=as_actor(jordan),
            partner_code="JOR",
            side="partner",
            areas={"capabilities": 3, "no_such_area": 1, "cyber_defence": 6, "logistics": "4"},
        )
    assert refused.value.details == {
        "areas.capabilities": "'capabilities' is a group of areas; give priorities to its areas.",
        "areas.no_such_area": "No cooperation area 'no_such_area'.",
        "areas.cyber_defence": "6 is outside 0-5.",
        "areas.logistics": "A priority is a whole number 0-5.",
    }
    with pytest.raises(Invalid, match="not a side"):
        services.interests_record(actor=as_actor(jordan), partner_code="JOR", side="x", areas={})
    assert not InterestVersion.objects.exists()


# --- programmes -----------------------------------------------------------------------------


def test_a_liaison_drafts_and_submits_and_a_coordinator_changes_and_agrees() -> None:
    georgia, coord = liaison("GEO"), coordinator()
    activity = open_activity(organizations=["GEO"], area="cyber_defence", start=date(2027, 3, 1))
    programme = services.programme_create(
        actor=as_actor(georgia),
        data=services.ProgrammeInput(type="ITPP", cycle_start=2026, cycle_end=2027),
    )
    with pytest.raises(Invalid, match="not ready") as refused:
        services.programme_submit(actor=as_actor(georgia), programme_id=programme.pk)
    assert refused.value.details == {"objectives": "State at least one objective."}

    goal = objective(georgia, programme, area="cyber_defence", title="Cyber incident response")
    assert goal.proposed_by == Side.PARTNER and not goal.agreed
    planned = item(georgia, programme, goal, activity=activity, planned_seats=2)
    assert (planned.year, planned.area.code) == (2027, "cyber_defence")

    with pytest.raises(Forbidden):  # the coordinator does not edit a partner's draft
        item(coord, programme, goal, year=2026)
    services.programme_submit(actor=as_actor(georgia), programme_id=programme.pk)
    with pytest.raises(Forbidden, match="with the coordinators"):
        item(georgia, programme, goal, year=2026)

    services.item_update(
        actor=as_actor(coord),
        item_id=planned.pk,
        data=services.ItemInput(objective=goal.pk, activity=activity.pk, planned_seats=1),
    )
    services.programme_agree(actor=as_actor(coord), programme_id=programme.pk)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.AGREED
    assert programme.agreed_by == coord and programme.submitted_by == georgia
    assert Objective.objects.get(pk=goal.pk).agreed

    comparison = revision_compare(actor=as_actor(georgia), programme_id=programme.pk)
    assert comparison is not None and comparison.before is not None
    assert (comparison.before.event, comparison.after.event) == ("submitted", "agreed")
    [changed] = comparison.diff.items.changed
    assert [(c.field, c.before, c.after) for c in changed.changes] == [("planned_seats", 2, 1)]
    assert actions("programme", programme.pk) == [
        "programme.create", "objective.add", "programme_item.add", "programme.submit",
        "programme_item.update", "programme.agree",
    ]  # fmt: skip


def test_changes_after_agreement_are_new_revisions_and_unagree_the_partners_objective() -> None:
    georgia, coord = liaison("GEO"), coordinator()
    programme = agreed_programme(georgia)
    goal = programme.objectives.get()
    data = services.ObjectiveInput(
        title=goal.title, area="cyber_defence", indicator=goal.indicator,
        target="8 officers", target_date=goal.target_date, baseline=goal.baseline,
    )  # fmt: skip
    services.objective_update(actor=as_actor(georgia), objective_id=goal.pk, data=data)
    goal.refresh_from_db()
    assert goal.target == "8 officers" and not goal.agreed
    revisions = list(programme.revisions.order_by("number").values_list("event", flat=True))
    assert revisions == ["submitted", "agreed", "amended"]
    comparison = revision_compare(actor=as_actor(coord), programme_id=programme.pk)
    assert comparison is not None
    assert {(c.field, c.after) for c in comparison.diff.objectives.changed[0].changes} == {
        ("target", "8 officers"), ("agreed", False),
    }  # fmt: skip

    with pytest.raises(Forbidden, match="Coordinators mark"):
        services.objective_update(
            actor=as_actor(georgia), objective_id=goal.pk,
            data=services.ObjectiveInput(**{**data.__dict__, "agreed": True}),
        )  # fmt: skip
    services.objective_update(
        actor=as_actor(coord), objective_id=goal.pk,
        data=services.ObjectiveInput(**{**data.__dict__, "agreed": True}),
    )  # fmt: skip
    assert Objective.objects.get(pk=goal.pk).agreed
    assert programme.revisions.count() == 4


def test_agreeing_the_next_cycle_supersedes_the_current_one() -> None:
    georgia, coord = liaison("GEO"), coordinator()
    current = agreed_programme(georgia)
    following = submitted_programme(georgia, cycle=(2028, 2029))
    services.programme_agree(actor=as_actor(coord), programme_id=following.pk)
    current.refresh_from_db()
    assert current.status == ProgrammeStatus.SUPERSEDED and current.superseded_at is not None
    with pytest.raises(Forbidden, match="superseded"):
        objective(georgia, current)
    assert Programme.objects.filter(partner__code="GEO", status="agreed").get() == following


def test_returning_a_programme_to_the_partner_needs_a_reason() -> None:
    georgia, coord = liaison("GEO"), coordinator()
    programme = submitted_programme(georgia)
    with pytest.raises(Invalid, match="why"):
        services.programme_return(actor=as_actor(coord), programme_id=programme.pk, comment=" ")
    with pytest.raises(Forbidden):
        services.programme_return(actor=as_actor(georgia), programme_id=programme.pk, comment="x")
    services.programme_return(
        actor=as_actor(coord), programme_id=programme.pk, comment="Add a maritime objective."
    )
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT
    assert programme.comments.get().side == Side.ALLIANCE
    objective(georgia, programme, area="maritime_security")  # the partner may edit again


def test_programme_input_is_checked_field_by_field_and_changes_nothing() -> None:
    georgia = liaison("GEO")
    with pytest.raises(Invalid) as refused:
        services.programme_create(
            actor=as_actor(georgia),
            data=services.ProgrammeInput(type="PARP", cycle_start=2028, cycle_end=2027),
        )
    assert set(refused.value.details or {}) == {"type", "cycle_end"}
    with pytest.raises(Invalid) as refused:
        services.programme_create(
            actor=as_actor(georgia),
            data=services.ProgrammeInput(type="ITPP", cycle_start=2026, cycle_end=2035),
        )
    assert refused.value.details == {"cycle_end": "A cycle spans at most 6 years."}
    with pytest.raises(Forbidden):
        services.programme_create(
            actor=as_actor(coordinator()),
            data=services.ProgrammeInput(type="ITPP", cycle_start=2026, cycle_end=2027),
        )
    draft_programme(georgia)
    with pytest.raises(Invalid, match="already has a programme in preparation"):
        draft_programme(georgia, cycle=(2028, 2029))
    assert Programme.objects.count() == 1


def test_planned_activities_must_fit_the_programme() -> None:
    georgia, jordan = liaison("GEO"), liaison("JOR")
    programme = draft_programme(georgia, cycle=(2026, 2027))
    goal = programme.objectives.get()
    other = draft_programme(jordan)
    late = open_activity(organizations=["GEO"], start=date(2029, 5, 1))
    hidden = open_activity(organizations=["JOR"], start=date(2027, 5, 1))
    cases = [
        (services.ItemInput(objective=goal.pk, activity=late.pk), "activity", "2029 is outside"),
        (services.ItemInput(objective=goal.pk, activity=hidden.pk), "activity", "No activity"),
        (services.ItemInput(objective=other.objectives.get().pk, area="logistics", year=2026),
         "objective", "No objective"),
        (services.ItemInput(objective=goal.pk, area="logistics", year=2030), "year", "outside"),
        (services.ItemInput(objective=goal.pk, area="", year=2026), "area", "Name a menu"),
        (services.ItemInput(objective=goal.pk, area="logistics", year=2026,
                            activity_type="picnic"), "activity_type", "not an activity type"),
        (services.ItemInput(objective=goal.pk, area="logistics", year=2026, planned_seats=0),
         "planned_seats", "From 1"),
    ]  # fmt: skip
    before = ProgrammeItem.objects.count()
    for data, field, message in cases:
        with pytest.raises(Invalid) as refused:
            services.item_add(actor=as_actor(georgia), programme_id=programme.pk, data=data)
        assert message in (refused.value.details or {}).get(field, ""), (field, refused.value)
    assert ProgrammeItem.objects.count() == before
    with pytest.raises(NotFound):
        services.item_add(
            actor=as_actor(georgia),
            programme_id=other.pk,
            data=services.ItemInput(objective=goal.pk, area="logistics", year=2026),
        )


# --- nominations, progress and assessment ----------------------------------------------------


@pytest.fixture
def attended_course() -> tuple[Programme, Objective, Activity, Nomination]:
    """GEO's agreed programme plans a cyber course in March 2027; two Georgians are
    nominated against it, one attends and rates it, and the host reports."""
    georgia, host = liaison("GEO"), manager()
    course = open_activity(
        organizations=["GEO"], area="cyber_defence", start=date(2027, 3, 1), cap=None
    )
    programme = agreed_programme(georgia)
    goal = programme.objectives.get()
    planned = item(georgia, programme, goal, activity=course, planned_seats=2)
    first = nominate(georgia, course)
    nomination_link_item(actor=as_actor(georgia), nomination_id=first.pk, item_id=planned.pk)
    second = nominate(georgia, course)
    nomination_link_item(actor=as_actor(georgia), nomination_id=second.pk, item_id=planned.pk)
    with patch("coopsec.network.dates.today", lambda: date(2027, 3, 10)):
        advance(course, lifecycle.CLOSED)
        advance(course, lifecycle.CONDUCTED)
        attendance_record(actor=as_actor(host), nomination_id=first.pk, attended=True)
        attendance_record(actor=as_actor(host), nomination_id=second.pk, attended=False)
        feedback_submit(
            actor=as_actor(georgia),
            nomination_id=first.pk,
            data=FeedbackInput(relevance=5, quality=4, applicability=3),
        )
        report_submit(actor=as_actor(host), activity_id=course.pk, data=ReportInput(summary="Met."))
    return programme, goal, course, Nomination.objects.get(pk=first.pk)


def test_progress_counts_planned_nominated_and_attended_per_objective_and_year(
    attended_course: tuple[Programme, Objective, Activity, Nomination],
) -> None:
    programme, _goal, _course, _nomination = attended_course
    [row] = programme_progress(actor=as_actor(liaison("GEO")), programme=programme)
    by_year = {y.year: (y.planned, y.nominated, y.attended) for y in row.years}
    # The factory's own item plans one seat in 2026; the course two in 2027.
    assert by_year == {2026: (1, 0, 0), 2027: (2, 2, 1)}
    assert (row.planned, row.nominated, row.attended) == (3, 2, 1)


def test_assessments_attach_the_evidence_and_replace_the_same_sides_earlier_one(
    attended_course: tuple[Programme, Objective, Activity, Nomination],
) -> None:
    _programme, goal, course, _nomination = attended_course
    georgia, coord = liaison("GEO"), coordinator()
    first = assess(georgia, goal, period="2027-H1", rating="on_track")
    evidence = first.evidence
    assert evidence["attended"] == 1 and evidence["reports"] == 1
    assert evidence["feedback"] == {"relevance": 5.0, "quality": 4.0, "applicability": 3.0}
    assert [a["code"] for a in evidence["activities"]] == [course.code]
    assert evidence["activities"][0]["linked"] and evidence["activities"][0]["report"] == "Met."
    # Nothing in the other half-year.
    assert assess(georgia, goal, period="2027-H2").evidence["attended"] == 0

    again, created = services.assessment_record(
        actor=as_actor(georgia),
        data=services.AssessmentInput(objective=goal.pk, period="2027-H1", rating="achieved"),
    )
    assert not created and again.pk == first.pk and again.rating == "achieved"
    alliance = assess(coord, goal, period="2027-H1", rating="at_risk")
    assert alliance.side == Side.ALLIANCE and alliance.pk != first.pk
    assert goal.assessments.count() == 3

    analyst = user("analyst", "NATO")
    with pytest.raises(Forbidden):
        assess(analyst, goal)
    with pytest.raises(NotFound):
        assess(liaison("JOR"), goal)
    with pytest.raises(Invalid) as refused:
        services.assessment_record(
            actor=as_actor(georgia),
            data=services.AssessmentInput(objective=goal.pk, period="2027-H3", rating="great"),
        )
    assert set(refused.value.details or {}) == {"period", "rating"}
    with pytest.raises(Invalid, match="outside the cycle"):
        assess(georgia, goal, period="2031")


def test_evidence_covers_an_area_group_and_ignores_other_partners() -> None:
    georgia = liaison("GEO")
    programme = agreed_programme(georgia, area="security")  # a group: cyber is under it
    goal = programme.objectives.get()
    course = open_activity(organizations=["GEO", "JOR"], area="cyber_defence", cap=None,
                           start=date(2027, 2, 1))  # fmt: skip
    mine, theirs = nominate(georgia, course), nominate(liaison("JOR"), course)
    with patch("coopsec.network.dates.today", lambda: date(2027, 2, 10)):
        for n in (mine, theirs):
            attendance_record(actor=as_actor(manager()), nomination_id=n.pk, attended=True)
    evidence = objective_evidence(objective=goal, start=date(2027, 1, 1), end=date(2027, 12, 31))
    assert evidence.attended == 1
    assert [(a.code, a.linked) for a in evidence.activities] == [(course.code, False)]


def test_a_draft_is_not_assessed() -> None:
    georgia = liaison("GEO")
    goal = draft_programme(georgia).objectives.get()
    with pytest.raises(Invalid, match="once agreed"):
        assess(georgia, goal)


def test_a_nomination_names_only_an_item_of_its_partners_programme_that_fits() -> None:
    georgia, jordan = liaison("GEO"), liaison("JOR")
    course = open_activity(area="cyber_defence", start=date(2027, 4, 1))
    logistics = open_activity(area="logistics", start=date(2027, 4, 1))
    programme = agreed_programme(georgia)
    goal = programme.objectives.get()
    by_area = item(georgia, programme, goal, area="cyber_defence", year=2027)
    jordans = agreed_programme(jordan).objectives.get().items.get()

    from coopsec.activities import services as activities

    def make(who: object, activity: Activity, item_id: int) -> Nomination:
        return activities.nomination_create(
            actor=as_actor(who),  # type: ignore[arg-type]
            activity_id=activity.pk,
            participant=activities.ParticipantInput(name="Nino B."),
            programme_item=item_id,
        )

    assert make(georgia, course, by_area.pk).programme_item == by_area
    with pytest.raises(Invalid, match="not in your programme"):
        make(georgia, logistics, by_area.pk)  # another area
    with pytest.raises(Invalid, match="not in your programme"):
        make(georgia, course, jordans.pk)  # another partner's item
    assert Nomination.objects.filter(activity=logistics).count() == 0
    nomination = Nomination.objects.get(activity=course)
    with pytest.raises(Forbidden):
        nomination_link_item(actor=as_actor(coordinator()), nomination_id=nomination.pk,
                             item_id=None)  # fmt: skip
    assert nomination.state == NominationState.CONFIRMED


def test_removing_an_assessed_objective_is_refused() -> None:
    georgia = liaison("GEO")
    goal = agreed_programme(georgia).objectives.get()
    assess(georgia, goal)
    with pytest.raises(Invalid, match="assessed"):
        services.objective_remove(actor=as_actor(georgia), objective_id=goal.pk)
    assert Objective.objects.filter(pk=goal.pk).exists()

"""The scale generator (`coopsec demo --scale`): deterministic, labelled synthetic data that
keeps every invariant the nomination services keep, with the documented crowded/thin areas and
operational/non-operational gap, replacing only earlier synthetic data."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.activities.eligibility import eligible_organization_ids
from coopsec.activities.generator import (
    CROWDED_AREAS,
    THIN_AREAS,
    GenerationResult,
    GeneratorParams,
    build_history,
    generate,
    load_world,
)
from coopsec.activities.models import (
    SEAT_STATES,
    Activity,
    ActivityReport,
    Feedback,
    Nomination,
    NominationState,
    Participant,
)
from coopsec.activities.services import (
    ActivityInput,
    ParticipantInput,
    activity_create,
    activity_transition,
    nomination_create,
)
from coopsec.audit.models import AuditEvent
from coopsec.network.models import Organization
from coopsec.network.selectors import operational_partner_ids

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def params(**overrides: Any) -> GeneratorParams:
    """A small history: two years (this one and the coming cycle), few activities."""
    values: dict[str, Any] = {"today": TODAY, "activities_per_year": 120, **overrides}
    seed = values.pop("seed", 7)
    return GeneratorParams.for_scale("small", seed=seed, overrides=values)


def run(p: GeneratorParams) -> GenerationResult:
    return generate(actor=Actor.system(), params=p, scale="test")


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    activities = list(
        Activity.objects.order_by("code").values_list(
            "code", "title", "type", "host__code", "primary_area__code", "start", "end",
            "seats", "per_partner_cap", "eligibility", "mode", "state", "confirmed_count",
            "tuition_cost",
        )
    )  # fmt: skip
    nominations = list(
        Nomination.objects.order_by("activity__code", "created_at", "participant__email")
        .values_list(
            "activity__code", "partner__code", "participant__email", "participant__name",
            "priority", "state", "created_at", "decided_at",
        )
    )  # fmt: skip
    return activities, nominations


def test_the_same_seed_gives_the_same_history_and_another_seed_another(reference: None) -> None:
    run(params(seed=3))
    first = snapshot()
    run(params(seed=3))
    assert snapshot() == first
    run(params(seed=4))
    assert snapshot() != first


def test_the_model_alone_is_deterministic_and_needs_no_database_writes(reference: None) -> None:
    p = params(seed=11)
    world = load_world(first=date(2026, 1, 1), last=date(2027, 12, 31))
    one, two = build_history(world, p, TODAY), build_history(world, p, TODAY)
    assert one.counts() == two.counts()
    assert [a.code for a in one.activities] == [a.code for a in two.activities]
    assert [(n.partner, n.state, n.created_at) for n in one.nominations] == [
        (n.partner, n.state, n.created_at) for n in two.nominations
    ]
    assert not Activity.objects.exists()


def test_every_generated_row_is_labelled_synthetic(reference: None) -> None:
    result = run(params())
    assert Activity.objects.count() == result.counts["activities"] == 240
    assert not Activity.objects.filter(synthetic=False).exists()
    assert not Activity.objects.exclude(code__startswith="SYN-").exists()
    assert not Activity.objects.exclude(title__startswith="[synthetic]").exists()
    assert not Participant.objects.exclude(email__endswith="@synthetic.invalid").exists()
    assert Nomination.objects.count() == result.counts["nominations"] > 0
    # Hosts are the real COEs and PTECs.
    hosts = set(Activity.objects.values_list("host__subtype", flat=True))
    assert hosts <= {"coe", "ptec"}


def test_seats_caps_and_confirmed_counts_hold(reference: None) -> None:
    run(params(activities_per_year=200, nominations_per_activity=12))
    activities = Activity.objects.annotate(
        holding=Count("nominations", filter=Q(nominations__state__in=SEAT_STATES))
    )
    assert activities.filter(confirmed_count__gt=0).exists()
    for activity in activities:
        assert activity.confirmed_count == activity.holding, activity.code
        assert activity.confirmed_count <= activity.seats, activity.code
        assert 10 <= activity.seats <= 40
    per_partner = (
        Nomination.objects.filter(state__in=SEAT_STATES)
        .values("activity_id", "activity__per_partner_cap", "partner_id")
        .annotate(n=Count("pk"))
    )
    for row in per_partner:
        cap = row["activity__per_partner_cap"]
        assert cap is None or row["n"] <= cap, row
    # The demand was high enough that both limits bit: full activities and waiting lists.
    assert Activity.objects.filter(confirmed_count=F("seats")).exists()
    assert Nomination.objects.filter(state=NominationState.WAITLISTED).exists()


def test_every_nominating_partner_is_eligible_on_the_first_day(reference: None) -> None:
    run(params())
    nominated = defaultdict(set)
    for activity_id, partner_id in Nomination.objects.values_list("activity_id", "partner_id"):
        nominated[activity_id].add(partner_id)
    kinds = Counter()
    for activity in Activity.objects.filter(pk__in=nominated).prefetch_related(
        "eligible_frameworks", "eligible_organizations"
    ):
        kinds[activity.eligibility] += 1
        assert nominated[activity.pk] <= eligible_organization_ids(activity), activity.code
    assert set(kinds) == {"all_partners", "frameworks", "organizations"}


def test_first_come_first_served_in_nomination_time_order(reference: None) -> None:
    """Replaying the nominations of each FCFS activity without withdrawals in time order
    gives the same seats: confirmed while seats and the partner's cap allow."""
    run(params(activities_per_year=200, nominations_per_activity=12))
    replayed = 0
    for activity in Activity.objects.filter(mode="fcfs").exclude(
        nominations__state=NominationState.WITHDRAWN
    ):
        held: Counter[int] = Counter()
        confirmed = 0
        for nomination in activity.nominations.order_by("created_at", "pk"):
            room = confirmed < activity.seats and (
                activity.per_partner_cap is None
                or held[nomination.partner_id] < activity.per_partner_cap
            )
            assert (nomination.state in SEAT_STATES) == room, nomination
            if room:
                confirmed += 1
                held[nomination.partner_id] += 1
            replayed += 1
    assert replayed > 100


def test_states_follow_the_dates_relative_to_today(reference: None) -> None:
    run(params())
    past = Activity.objects.filter(start__lte=TODAY)
    future = Activity.objects.filter(start__gt=TODAY)
    assert set(past.values_list("state", flat=True)) <= {"conducted", "reported", "cancelled"}
    assert set(future.values_list("state", flat=True)) <= {
        "proposed", "approved", "open", "closed", "cancelled"
    }  # fmt: skip
    assert {"conducted", "reported", "open", "cancelled"} <= set(
        Activity.objects.values_list("state", flat=True)
    )
    # Nominations only where registration ran, none made after today.
    assert not Nomination.objects.filter(
        activity__state__in=["proposed", "approved", "cancelled"]
    ).exists()
    assert not Nomination.objects.filter(created_at__date__gte=TODAY).exists()
    for nomination in Nomination.objects.select_related("activity")[:2000]:
        assert nomination.created_at.date() <= nomination.activity.registration_deadline
    # Attendance is recorded for past activities only; no seat-holder is left unrecorded.
    assert not Nomination.objects.filter(
        state__in=["attended", "no_show"], activity__start__gt=TODAY
    ).exists()
    assert not past.filter(nominations__state="confirmed").exists()
    # Pending nominations wait for the allocation in open allocated activities only.
    pending = Nomination.objects.filter(state="pending")
    assert pending.exists()
    assert set(pending.values_list("activity__mode", "activity__state").distinct()) == {
        ("allocated", "open")
    }
    # Reported activities have their report; feedback comes from those who attended.
    assert ActivityReport.objects.count() == Activity.objects.filter(state="reported").count()
    assert Feedback.objects.exists()
    assert not Feedback.objects.exclude(nomination__state="attended").exists()
    assert Activity.objects.filter(mode="allocated").count() > 0


def test_crowded_areas_get_more_activities_and_more_demand_per_seat(reference: None) -> None:
    run(params(years=1, activities_per_year=1500))
    activities: Counter[str] = Counter()
    seat_sum: Counter[str] = Counter()
    for code, seats in Activity.objects.values_list("primary_area__code", "seats"):
        activities[code] += 1
        seat_sum[code] += seats
    demand = Counter(Nomination.objects.values_list("activity__primary_area__code", flat=True))

    def per_seat(code: str) -> float:
        return demand[code] / seat_sum[code]

    for crowded in CROWDED_AREAS:
        for thin in THIN_AREAS:
            assert activities[crowded] > 3 * activities[thin], (crowded, thin)
            assert per_seat(crowded) > 2 * per_seat(thin), (crowded, thin)


def test_operational_partners_nominate_more_than_non_operational_ones(reference: None) -> None:
    """Per partner and activity it could nominate for, judged on each activity's first day."""
    run(params(years=1, activities_per_year=1500))
    actor = Actor.system()
    operational: dict[date, set[int]] = {}
    opportunities: Counter[bool] = Counter()
    nominations: Counter[bool] = Counter()
    by_activity = defaultdict(list)
    for activity_id, partner_id in Nomination.objects.values_list("activity_id", "partner_id"):
        by_activity[activity_id].append(partner_id)
    for activity in Activity.objects.filter(pk__in=by_activity, eligibility="all_partners"):
        if activity.start not in operational:
            operational[activity.start] = operational_partner_ids(actor=actor, as_of=activity.start)
        ops = operational[activity.start]
        eligible = eligible_organization_ids(activity)
        opportunities[True] += len(eligible & ops)
        opportunities[False] += len(eligible - ops)
        for partner_id in by_activity[activity.pk]:
            nominations[partner_id in ops] += 1
    assert opportunities[True] and opportunities[False]
    rate_operational = nominations[True] / opportunities[True]
    rate_other = nominations[False] / opportunities[False]
    assert rate_operational > 1.3 * rate_other


def real_activity(make_user: Any) -> tuple[Activity, Nomination]:
    """An activity created, opened and nominated to through the services."""
    coordinator = Actor.from_user(make_user(R.COORDINATOR, "NATO"))
    liaison = Actor.from_user(make_user(R.PARTNER_LIAISON, "GEO"))
    activity = activity_create(
        actor=coordinator,
        data=ActivityInput(
            title="Real course", type="course", host="CCDCOE", primary_area="cyber_defence",
            start=date(2030, 3, 2), end=date(2030, 3, 6), seats=10, per_partner_cap=2,
        ),
    )  # fmt: skip
    for to in ("approved", "open"):
        activity_transition(actor=coordinator, activity_id=activity.pk, to=to)
    nomination = nomination_create(
        actor=liaison,
        activity_id=activity.pk,
        participant=ParticipantInput(name="Real Person", email="real.person@example.org"),
    )
    return activity, nomination


def test_a_rerun_replaces_synthetic_data_and_leaves_real_data_alone(
    reference: None, make_user: Any
) -> None:
    activity, nomination = real_activity(make_user)
    run(params(seed=1))
    # A real participant nominated to a synthetic activity through the service.
    liaison = Actor.from_user(make_user(R.PARTNER_LIAISON, "GEO"))
    target = next(
        a
        for a in Activity.objects.filter(synthetic=True, state="open", mode="fcfs")
        if Organization.objects.get(code="GEO").pk in eligible_organization_ids(a)
    )
    # The history is drawn as of TODAY: nominate on that day (a later day is past some of
    # its open activities' registration deadlines).
    with patch("coopsec.network.dates.today", return_value=TODAY):
        nomination_create(
            actor=liaison, activity_id=target.pk,
            participant=ParticipantInput(name="Another Real Person", email="another@example.org"),
        )  # fmt: skip
    events_before = AuditEvent.objects.count()

    result = run(params(seed=2, activities_per_year=80))

    assert AuditEvent.objects.count() == events_before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "demo.generate"
    assert event.summary["seed"] == 2
    assert event.summary["counts"]["activities"] == 160
    assert result.deleted["activities"] == 240
    assert Activity.objects.filter(synthetic=True).count() == 160
    assert (
        Nomination.objects.filter(activity__synthetic=True).count()
        == (result.counts["nominations"])
    )
    synthetic_people = Participant.objects.filter(email__endswith="@synthetic.invalid")
    assert synthetic_people.count() == result.counts["participants"]
    # The real activity, its nomination and seat, and both real participants are untouched.
    activity.refresh_from_db()
    nomination.refresh_from_db()
    assert activity.synthetic is False and activity.confirmed_count == 1
    assert nomination.state == NominationState.CONFIRMED
    assert Participant.objects.filter(email="another@example.org").exists()
    assert Activity.objects.filter(synthetic=False).count() == 1


def test_bad_parameters_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="Unknown parameter 'activities'"):
        GeneratorParams.for_scale("small", overrides={"activities": 3})
    with pytest.raises(ValueError, match="Unknown scale 'huge'"):
        GeneratorParams.for_scale("huge")
    with pytest.raises(ValueError, match="allocated_share must be between 0 and 1"):
        GeneratorParams.for_scale("small", overrides={"allocated_share": 2})


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def test_the_demo_command_takes_scale_seed_and_params(reference: None, var_dir: Path) -> None:
    params_file = var_dir / "params.json"
    params_file.write_text(json.dumps({"activities_per_year": 40, "today": "2026-11-23"}))
    out = io.StringIO()
    call_command(
        "demo", "--scale", "small", "--seed", "5", "--params", str(params_file), stdout=out
    )
    assert Activity.objects.filter(synthetic=True).count() == 80
    assert "Synthetic history 2026-2027: 80 activities" in out.getvalue()
    assert "liaison-geo" in out.getvalue()  # the demo accounts as before
    assert AuditEvent.objects.filter(action="demo.generate").count() == 1


def test_the_demo_command_refuses_unknown_parameters_and_writes_nothing(
    reference: None, var_dir: Path
) -> None:
    params_file = var_dir / "params.json"
    params_file.write_text(json.dumps({"activites_per_year": 40}))
    with pytest.raises(CommandError, match="Unknown parameter 'activites_per_year'"):
        call_command("demo", "--scale", "small", "--params", str(params_file), "--quiet")
    with pytest.raises(CommandError, match="go with --scale"):
        call_command("demo", "--seed", "3", "--quiet")
    assert not Activity.objects.exists()

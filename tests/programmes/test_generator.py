"""The scale generator's programmes (`coopsec demo --scale`): both sides' interests for every
partner that nominated, programmes per cycle with the right statuses, planned activities
inside their cycles that nominations name, assessments that follow attendance with the
selectors' evidence, deterministic for a seed, valid against the models, and replaced (not
duplicated) on a re-run while real programmes and interests stay."""

from __future__ import annotations

import io
import itertools
import json
import math
import statistics
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.activities.generator import GeneratorParams, generate
from coopsec.activities.models import Activity, Nomination
from coopsec.audit.models import AuditEvent
from coopsec.network.models import Organization
from coopsec.programmes import selectors, services
from coopsec.programmes.generator import (
    SYNTHETIC_NOTE,
    ProgrammeGenerationResult,
    ProgrammeParams,
    generate_programmes,
)
from coopsec.programmes.models import (
    Assessment,
    InterestPriority,
    InterestVersion,
    Objective,
    Programme,
    ProgrammeItem,
    ProgrammeRevision,
    ProgrammeStatus,
    Side,
)
from tests.activities.factories import as_actor, coordinator_actor, liaison
from tests.programmes.factories import draft_programme, interests

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
STAFF = Actor.system()
OPEN = (ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED)


def history(seed: int = 7, activities_per_year: int = 120) -> None:
    """Four years (2024-2027: one past cycle, the current one) of a small history."""
    params = GeneratorParams.for_scale(
        "small",
        seed=seed,
        overrides={"today": TODAY, "years": 4, "activities_per_year": activities_per_year},
    )
    generate(actor=STAFF, params=params, scale="test")


def programmes(seed: int = 7) -> ProgrammeGenerationResult:
    return generate_programmes(actor=STAFF, params=ProgrammeParams(seed=seed, today=TODAY))


@pytest.fixture
def generated(reference: None) -> ProgrammeGenerationResult:
    history()
    return programmes()


def nominating_partners() -> set[str]:
    """Partners (today) that nominated in the synthetic history: not North Macedonia,
    Finland or Sweden, which have joined the Alliance since."""
    nominations = Nomination.objects.filter(
        activity__synthetic=True, partner__kind__in=selectors.PARTNER_KINDS
    )
    return set(nominations.values_list("partner__code", flat=True))


def test_both_sides_state_interests_for_every_partner_that_nominated(
    generated: ProgrammeGenerationResult,
) -> None:
    leaves = {a.code for a in selectors.interest_areas()}
    versions = InterestVersion.objects.filter(note=SYNTHETIC_NOTE)
    partners = nominating_partners()
    assert len(partners) > 20
    for side in Side.values:
        assert set(versions.filter(side=side).values_list("partner__code", flat=True)) == partners
    per_side = Counter(versions.values_list("partner_id", "side"))
    assert set(per_side.values()) <= {2, 3, 4} and len(set(per_side.values())) > 1
    for (partner, side), n in per_side.items():
        rows = list(versions.filter(partner=partner, side=side).order_by("number"))
        assert [v.number for v in rows] == list(range(1, n + 1))
        days = [v.recorded_on for v in rows]
        assert days == sorted(days) and days[-1] < TODAY
    stated = InterestPriority.objects.filter(version__in=versions)
    assert stated.count() == versions.count() * len(leaves)
    assert set(stated.values_list("priority", flat=True)) == set(range(6))
    assert generated.counts["interest_versions"] == versions.count()


def test_programmes_follow_the_cycles_with_at_most_one_agreed_per_partner(
    generated: ProgrammeGenerationResult,
) -> None:
    everything = Programme.objects.filter(synthetic=True)
    assert set(everything.values_list("partner__code", flat=True)) == nominating_partners()
    by_partner: dict[int, list[Programme]] = defaultdict(list)
    for p in everything.order_by("cycle_start"):
        by_partner[p.partner_id].append(p)
    for rows in by_partner.values():
        statuses = [p.status for p in rows]
        assert statuses.count(ProgrammeStatus.AGREED) == 1
        assert sum(s in (ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED) for s in statuses) <= 1
        cycles = [(p.cycle_start, p.cycle_end) for p in rows]
        assert all(end == start + 1 and start % 2 == 0 for start, end in cycles)
        assert len(set(cycles)) == len(cycles)
        agreed = next(p for p in rows if p.status == ProgrammeStatus.AGREED)
        earlier = [p for p in rows if p.cycle_start < agreed.cycle_start]
        later = [p for p in rows if p.cycle_start > agreed.cycle_start]
        assert all(p.status == ProgrammeStatus.SUPERSEDED for p in earlier)
        assert all(p.status in OPEN and p.cycle_start == 2028 for p in later)
        # Each agreement supersedes the one before it.
        chain = [*earlier, agreed]
        for before, after in itertools.pairwise(chain):
            assert before.superseded_at == after.agreed_at
        assert agreed.superseded_at is None
        for p in rows:
            assert p.created_at.date() < TODAY
            if p.submitted_at:
                assert p.created_at < p.submitted_at
            if p.agreed_at:
                assert p.submitted_at is not None and p.submitted_at < p.agreed_at
    current = [
        p for p in everything if p.status == ProgrammeStatus.AGREED and p.cycle_start == 2026
    ]
    assert len(current) > 0.8 * len(by_partner)
    statuses = Counter(everything.values_list("status", flat=True))
    assert set(statuses) == set(ProgrammeStatus.values), statuses
    assert set(everything.values_list("type", flat=True)) <= {"ITPP", "IPAP", "ANP", "IPCP"}
    assert everything.filter(type="ANP", partner__code="BIH").exists()  # a MAP aspirant
    objectives = Counter(Objective.objects.filter(programme__in=everything).values_list(
        "programme_id", flat=True))  # fmt: skip
    assert set(objectives.values()) <= {2, 3, 4, 5} and len(objectives) == everything.count()


def test_planned_activities_lie_inside_their_cycles_and_nominations_name_fitting_ones(
    generated: ProgrammeGenerationResult,
) -> None:
    items = ProgrammeItem.objects.filter(programme__synthetic=True).select_related(
        "programme", "objective", "activity"
    )
    assert items.filter(activity__isnull=False).count() > items.filter(activity=None).count() > 0
    for item in items:
        assert item.programme.cycle_start <= item.year <= item.programme.cycle_end
        assert item.area_id == item.objective.area_id
        assert 1 <= item.planned_seats <= services.MAX_PLANNED_SEATS
        if item.activity is not None:
            assert item.activity.synthetic and item.activity.start.year == item.year
            assert item.activity.primary_area_id == item.objective.area_id
            assert item.activity.state not in ("proposed", "approved", "cancelled")
    linked = Nomination.objects.filter(programme_item__programme__synthetic=True).select_related(
        "activity", "programme_item__programme"
    )
    assert generated.counts["linked_nominations"] == linked.count() > 50
    for nomination in linked:
        item = nomination.programme_item
        assert item is not None and nomination.partner_id == item.programme.partner_id
        if item.programme.status == ProgrammeStatus.SUPERSEDED:
            continue  # named while it was agreed; no longer offered for new nominations
        actor = Actor(
            user=None, organization=nomination.partner, roles=frozenset({R.PARTNER_LIAISON})
        )
        choices = selectors.item_choices_for_nomination(actor=actor, activity=nomination.activity)
        assert item in choices


def test_assessments_follow_attendance_and_carry_the_selectors_evidence(
    generated: ProgrammeGenerationResult,
) -> None:
    assessments = Assessment.objects.filter(objective__programme__synthetic=True).select_related(
        "objective__programme", "objective__area"
    )
    ratings = Counter(assessments.values_list("rating", flat=True))
    assert set(ratings) == {"not_started", "at_risk", "on_track", "achieved"}, ratings
    assert set(assessments.values_list("side", flat=True)) == {Side.PARTNER, Side.ALLIANCE}
    progress: dict[int, dict[tuple[int, int], selectors.YearProgress]] = {}
    checked = 0
    for a in assessments:
        programme = a.objective.programme
        assert programme.status in (ProgrammeStatus.AGREED, ProgrammeStatus.SUPERSEDED)
        assert programme.cycle_start <= a.period_start.year <= programme.cycle_end
        assert a.period_end < TODAY and a.assessed_at.date() > a.period_end
        if programme.pk not in progress:
            progress[programme.pk] = {
                (row.objective.pk, y.year): y
                for row in selectors.programme_progress(actor=STAFF, programme=programme)
                for y in row.years
            }
        if a.period.isdigit():  # a whole year: the programme page's figures for that year
            year = progress[programme.pk][(a.objective_id, int(a.period))]
            if a.rating == "achieved":
                assert year.attended >= year.planned > 0
            if a.rating == "not_started":
                assert year.attended == 0
        # The evidence is what the selector assembles from the record.
        if checked < 40:
            expected = selectors.objective_evidence(
                objective=a.objective, start=a.period_start, end=a.period_end
            ).as_json()
            assert a.evidence == expected or _same_evidence(a.evidence, expected)
            checked += 1
    assert checked == 40


def _same_evidence(stored: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Equal but for the last digit of float averages (the database averages in its own
    arithmetic)."""
    assert stored.keys() == expected.keys()
    assert stored["attended"] == expected["attended"] and stored["reports"] == expected["reports"]
    for name, value in expected["feedback"].items():
        assert stored["feedback"][name] == pytest.approx(value, abs=0.011)
    assert len(stored["activities"]) == len(expected["activities"])
    for mine, theirs in zip(stored["activities"], expected["activities"], strict=True):
        for key, value in theirs.items():
            if isinstance(value, float):
                assert mine[key] == pytest.approx(value, abs=0.011)
            else:
                assert mine[key] == value, key
    return True


def test_overlaps_are_spread_and_match_an_independent_cosine(
    generated: ProgrammeGenerationResult,
) -> None:
    scores = []
    for code in sorted(nominating_partners()):
        both = selectors.interests_get(actor=STAFF, partner_code=code)
        a, b = both.partner_side, both.alliance_side
        dot = sum(a[k] * b[k] for k in a)
        expected = dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
        score = selectors.overlap_get(actor=STAFF, partner_code=code).score
        assert score == pytest.approx(expected)
        scores.append(score)
    # Roughly 0.3 to 0.95: neither all aligned nor all apart.
    assert min(scores) < 0.6 and max(scores) > 0.8, scores
    assert statistics.pstdev(scores) > 0.07, scores
    assert min(scores) > 0.1 and max(scores) < 0.99, scores


def test_every_generated_row_passes_the_model_rules(generated: ProgrammeGenerationResult) -> None:
    programmes_ = list(Programme.objects.filter(synthetic=True))
    rows: list[Any] = [
        *programmes_,
        *Objective.objects.filter(programme__synthetic=True),
        *ProgrammeItem.objects.filter(programme__synthetic=True),
        *Assessment.objects.filter(objective__programme__synthetic=True),
        *ProgrammeRevision.objects.filter(programme__synthetic=True),
        *InterestVersion.objects.filter(note=SYNTHETIC_NOTE),
    ]
    for row in rows:
        row.full_clean()
    # Submitted programmes have their submission on record; agreed ones the agreement too,
    # with every objective and planned activity in the snapshot.
    for p in programmes_:
        revisions = list(p.revisions.order_by("number"))
        expected = {"draft": [], "submitted": ["submitted"]}.get(p.status, ["submitted", "agreed"])
        assert [r.event for r in revisions] == expected
        if revisions:
            assert len(revisions[-1].snapshot["items"]) == p.items.count()


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """The generated rows without database ids."""
    return {
        "interests": sorted(
            (v.partner.code, v.side, v.number, v.recorded_on, v.recorded_at,
             tuple(sorted(v.values.values_list("area__code", "priority"))))
            for v in InterestVersion.objects.filter(note=SYNTHETIC_NOTE).select_related("partner")
        ),
        "programmes": sorted(
            Programme.objects.filter(synthetic=True).values_list(
                "partner__code", "type", "cycle_start", "status", "title", "created_at",
                "submitted_at", "agreed_at", "superseded_at",
            )
        ),
        "items": sorted(
            ProgrammeItem.objects.filter(programme__synthetic=True).values_list(
                "programme__partner__code", "programme__cycle_start", "objective__title",
                "objective__position", "activity__code", "area__code", "activity_type", "year",
                "planned_seats",
            ), key=str,
        ),
        "links": sorted(
            Nomination.objects.filter(programme_item__isnull=False).values_list(
                "activity__code", "participant__email", "programme_item__objective__title",
                "programme_item__activity__code", "programme_item__year",
            ), key=str,
        ),
        "assessments": sorted(
            (a.objective.programme.partner.code, a.objective.title, a.period, a.side, a.rating,
             json.dumps(a.evidence, sort_keys=True))
            for a in Assessment.objects.filter(objective__programme__synthetic=True)
            .select_related("objective__programme__partner")
        ),
    }  # fmt: skip


def test_the_same_seed_gives_the_same_programmes_and_another_seed_others(
    generated: ProgrammeGenerationResult,
) -> None:
    first = snapshot()
    assert all(first.values())
    programmes(seed=7)
    assert snapshot() == first
    history(seed=7)  # the same history again (new database ids), then the same programmes
    programmes(seed=7)
    assert snapshot() == first
    programmes(seed=8)
    other = snapshot()
    assert other["programmes"] != first["programmes"]
    assert other["interests"] != first["interests"]


def test_a_rerun_replaces_synthetic_programmes_and_leaves_real_ones_alone(
    reference: None,
) -> None:
    history(seed=3)
    geo = liaison("GEO")
    # Real data: Georgia's own interests and a draft that plans a synthetic activity.
    interests(geo, {"cyber_defence": 5, "logistics": 2})
    real = draft_programme(geo, cycle=(2026, 2027))
    planned = (
        Activity.objects.visible_to(as_actor(geo))
        .filter(synthetic=True, start__year=2027, state="open")
        .order_by("code")
        .first()
    )
    assert planned is not None
    goal = real.objectives.get()
    real_item = services.item_add(
        actor=as_actor(geo), programme_id=real.pk,
        data=services.ItemInput(objective=goal.pk, activity=planned.pk),
    )  # fmt: skip
    events = AuditEvent.objects.count()

    first = programmes(seed=3)
    again = programmes(seed=3)

    assert AuditEvent.objects.count() == events + 2
    assert AuditEvent.objects.filter(action="demo.generate_programmes").count() == 2
    assert again.counts == first.counts
    assert again.deleted["programmes"] == first.counts["programmes"]
    assert Programme.objects.filter(synthetic=True).count() == first.counts["programmes"]
    assert (
        InterestVersion.objects.filter(note=SYNTHETIC_NOTE).count()
        == (first.counts["interest_versions"])
    )
    georgia = Organization.objects.get(code="GEO")
    assert list(Programme.objects.filter(partner=georgia)) == [real]
    assert set(InterestVersion.objects.filter(partner=georgia, side=Side.PARTNER).values_list(
        "note", flat=True)) == {""}  # fmt: skip
    assert InterestVersion.objects.filter(
        partner=georgia, side=Side.ALLIANCE, note=SYNTHETIC_NOTE
    ).exists()

    # A new history replaces the activities: the synthetic programmes go first, and the real
    # programme's planned activity keeps its area and year without the deleted activity.
    history(seed=4, activities_per_year=60)
    assert not Programme.objects.filter(synthetic=True).exists()
    assert not InterestVersion.objects.filter(note=SYNTHETIC_NOTE).exists()
    real_item.refresh_from_db()
    assert real_item.activity is None
    assert (real_item.area_id, real_item.year) == (planned.primary_area_id, 2027)
    assert Programme.objects.get(pk=real.pk).status == ProgrammeStatus.DRAFT
    assert InterestVersion.objects.filter(partner=georgia, side=Side.PARTNER).count() == 1
    result = programmes(seed=4)
    assert Programme.objects.filter(synthetic=True).count() == result.counts["programmes"] > 0


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


def test_the_demo_command_generates_programmes_after_the_history(
    reference: None, var_dir: Path
) -> None:
    params_file = var_dir / "params.json"
    params_file.write_text(json.dumps({"activities_per_year": 60, "today": "2026-11-23"}))
    out = io.StringIO()
    call_command("demo", "--scale", "small", "--seed", "5", "--params", str(params_file),
                 stdout=out)  # fmt: skip
    assert Programme.objects.filter(synthetic=True, status=ProgrammeStatus.AGREED).exists()
    assert "Synthetic programmes:" in out.getvalue()
    assert AuditEvent.objects.filter(action="demo.generate_programmes").count() == 1
    event = AuditEvent.objects.get(action="demo.generate_programmes")
    assert event.summary["seed"] == 5 and event.summary["today"] == "2026-11-23"
    # The coordinator's queue holds the synthetic submissions, like real ones.
    queue = selectors.programme_queue(actor=coordinator_actor())
    assert all(p.status == ProgrammeStatus.SUBMITTED for p in queue)

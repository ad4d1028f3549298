"""Reads of interests, programmes and assessments, always scoped by programmes/access.py."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from coopsec.accounts.actor import Actor
from coopsec.activities.models import (
    LIVE_STATES,
    Activity,
    ActivityReport,
    CooperationArea,
    Nomination,
    NominationState,
)
from coopsec.errors import NotFound
from coopsec.network.models import Organization, OrganizationKind
from coopsec.programmes import access, revisions
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
from coopsec.programmes.overlap import Overlap, overlap

PARTNER_KINDS = (
    OrganizationKind.PARTNER_STATE,
    OrganizationKind.INTERNATIONAL_ORG,
    OrganizationKind.REGIONAL_ORG,
)

# --- partners and interests -----------------------------------------------------------------


def partner_get(*, actor: Actor, code: str) -> Organization:
    """A partner (state or organization) whose interests and programmes the actor may see.
    Another partner's answer NotFound, as if it had none."""
    partner = (
        Organization.objects.filter(kind__in=PARTNER_KINDS)
        .filter(Q(code__iexact=code) | Q(iso3__iexact=code))
        .first()
    )
    if partner is None or not access.can_view_partner(actor, partner):
        raise NotFound(f"No partner with code '{code}'.")
    return partner


def interest_areas() -> list[CooperationArea]:
    """The areas priorities are given for: the taxonomy's leaves, in its order."""
    return list(
        CooperationArea.objects.filter(children__isnull=True)
        .select_related("parent")
        .order_by("position", "code")
    )


@dataclass(frozen=True)
class Interests:
    partner: Organization
    areas: list[CooperationArea]
    partner_side: dict[str, int]
    alliance_side: dict[str, int]
    partner_version: InterestVersion | None
    alliance_version: InterestVersion | None

    @property
    def overlap(self) -> Overlap:
        return overlap(self.partner_side, self.alliance_side)


def _current(partner: Organization, side: str, codes: list[str]) -> tuple[Any, dict[str, int]]:
    version = (
        InterestVersion.objects.filter(partner=partner, side=side)
        .select_related("recorded_by")
        .order_by("-number")
        .first()
    )
    values = dict.fromkeys(codes, 0)
    if version is not None:
        for code, priority in InterestPriority.objects.filter(version=version).values_list(
            "area__code", "priority"
        ):
            if code in values:
                values[code] = priority
    return version, values


def interests_get(*, actor: Actor, partner_code: str) -> Interests:
    """Both sides' current priorities for every area (0 where nothing was stated).
    Raises NotFound."""
    partner = partner_get(actor=actor, code=partner_code)
    areas = interest_areas()
    codes = [a.code for a in areas]
    partner_version, partner_side = _current(partner, Side.PARTNER, codes)
    alliance_version, alliance_side = _current(partner, Side.ALLIANCE, codes)
    return Interests(partner, areas, partner_side, alliance_side, partner_version, alliance_version)


def interests_history(
    *, actor: Actor, partner_code: str, side: str | None = None
) -> list[tuple[InterestVersion, dict[str, int]]]:
    """Every recorded version, newest first, with its priorities. Raises NotFound."""
    partner = partner_get(actor=actor, code=partner_code)
    versions = InterestVersion.objects.filter(partner=partner).select_related("recorded_by")
    if side:
        versions = versions.filter(side=side)
    versions = versions.order_by("-recorded_at", "-pk").prefetch_related(
        Prefetch("values", queryset=InterestPriority.objects.select_related("area"))
    )
    return [(v, {p.area.code: p.priority for p in v.values.all()}) for v in versions]


def overlap_get(*, actor: Actor, partner_code: str) -> Overlap:
    """The cosine overlap of the current two sides and the mismatches. Raises NotFound."""
    return interests_get(actor=actor, partner_code=partner_code).overlap


# --- programmes -----------------------------------------------------------------------------


def programme_list(
    *,
    actor: Actor,
    partner: str = "",
    status: str = "",
) -> QuerySet[Programme]:
    """Programmes the actor may see, newest cycle first. Raises NotFound (partner)."""
    qs = Programme.objects.visible_to(actor).select_related("partner")
    if partner:
        qs = qs.filter(partner=partner_get(actor=actor, code=partner))
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        objective_count=Count("objectives", distinct=True),
        item_count=Count("items", distinct=True),
    ).order_by("partner__name", "-cycle_start", "-pk")


def programme_queue(*, actor: Actor) -> QuerySet[Programme]:
    """Submitted programmes awaiting the coordinators, oldest submission first."""
    return programme_list(actor=actor, status=ProgrammeStatus.SUBMITTED).order_by(
        "submitted_at", "pk"
    )


def programme_get(*, actor: Actor, programme_id: int) -> Programme:
    """One programme with its objectives, items and comments. Raises NotFound."""
    programme = (
        Programme.objects.visible_to(actor)
        .select_related("partner", "created_by", "submitted_by", "agreed_by")
        .prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.select_related("area")),
            Prefetch(
                "items",
                queryset=ProgrammeItem.objects.select_related(
                    "activity", "activity__host", "area", "objective"
                ),
            ),
            "comments__author",
        )
        .filter(pk=programme_id)
        .first()
    )
    if programme is None:
        raise NotFound(f"No programme #{programme_id}.")
    return programme


def objective_get(*, actor: Actor, objective_id: int) -> Objective:
    """One objective the actor may see. Raises NotFound."""
    objective = (
        Objective.objects.visible_to(actor)
        .select_related("programme__partner", "area")
        .filter(pk=objective_id)
        .first()
    )
    if objective is None:
        raise NotFound(f"No objective #{objective_id}.")
    return objective


def programme_snapshot(programme: Programme) -> dict[str, Any]:
    """The programme as a plain dict, for revisions (see programmes/revisions.py)."""
    objectives = {
        str(o.pk): {
            "label": o.title, "title": o.title, "area": o.area.code, "indicator": o.indicator,
            "baseline": o.baseline, "target": o.target, "target_date": o.target_date.isoformat(),
            "proposed_by": o.proposed_by, "agreed": o.agreed,
        }
        for o in Objective.objects.filter(programme=programme).select_related("area")
    }  # fmt: skip
    items = {}
    for i in ProgrammeItem.objects.filter(programme=programme).select_related(
        "activity", "area", "objective"
    ):
        label = (
            f"{i.activity.code} {i.activity.title}"
            if i.activity
            else f"{i.activity_type or 'activity'} in {i.area.code if i.area else '?'} {i.year}"
        )
        items[str(i.pk)] = {
            "label": label, "objective": i.objective.title,
            "activity": i.activity.code if i.activity else "",
            "area": i.area.code if i.area else "", "activity_type": i.activity_type,
            "year": i.year, "planned_seats": i.planned_seats, "note": i.note,
        }  # fmt: skip
    return {
        "programme": {
            "type": programme.type, "cycle_start": programme.cycle_start,
            "cycle_end": programme.cycle_end, "title": programme.title,
        },
        "objectives": objectives,
        "items": items,
    }  # fmt: skip


def revision_list(*, actor: Actor, programme_id: int) -> list[ProgrammeRevision]:
    """A programme's revisions, oldest first. Raises NotFound."""
    programme = programme_get(actor=actor, programme_id=programme_id)
    return list(programme.revisions.select_related("author").order_by("number"))


@dataclass(frozen=True)
class RevisionComparison:
    before: ProgrammeRevision | None
    after: ProgrammeRevision
    diff: revisions.RevisionDiff


def revision_compare(
    *, actor: Actor, programme_id: int, after: int | None = None, before: int | None = None
) -> RevisionComparison | None:
    """The differences between two revisions (default: the newest and the one before it).
    None when the programme has no revision. Raises NotFound (programme or revision)."""
    revs = {r.number: r for r in revision_list(actor=actor, programme_id=programme_id)}
    if not revs:
        return None
    after_n = after if after is not None else max(revs)
    before_n = before if before is not None else after_n - 1
    if after_n not in revs or (before is not None and before_n not in revs):
        missing = after_n if after_n not in revs else before_n
        raise NotFound(f"No revision {missing} of programme #{programme_id}.")
    older = revs.get(before_n)
    newer = revs[after_n]
    return RevisionComparison(
        older, newer, revisions.diff(older.snapshot if older else {}, newer.snapshot)
    )


# --- progress and evidence ------------------------------------------------------------------


@dataclass
class YearProgress:
    year: int
    planned: int = 0
    nominated: int = 0
    attended: int = 0


@dataclass
class ObjectiveProgress:
    objective: Objective
    years: list[YearProgress]

    @property
    def planned(self) -> int:
        return sum(y.planned for y in self.years)

    @property
    def nominated(self) -> int:
        return sum(y.nominated for y in self.years)

    @property
    def attended(self) -> int:
        return sum(y.attended for y in self.years)


def programme_progress(*, actor: Actor, programme: Programme) -> list[ObjectiveProgress]:
    """Per objective and year: seats planned, nominations made against the programme's
    items (still live), and participants who attended."""
    objectives = list(programme.objectives.select_related("area").order_by("position", "pk"))
    table: dict[int, dict[int, YearProgress]] = {
        o.pk: {y: YearProgress(y) for y in programme.years} for o in objectives
    }

    def cell(objective_id: int, year: int) -> YearProgress:
        row = table.setdefault(objective_id, {})
        return row.setdefault(year, YearProgress(year))

    for objective_id, year, seats in programme.items.values_list(
        "objective_id", "year", "planned_seats"
    ):
        cell(objective_id, year).planned += seats
    linked = (
        Nomination.objects.visible_to(actor)
        .filter(programme_item__programme=programme, state__in=LIVE_STATES)
        .values("programme_item__objective_id", "activity__start__year", "state")
        .annotate(n=Count("pk"))
    )
    for row in linked:
        c = cell(row["programme_item__objective_id"], row["activity__start__year"])
        c.nominated += row["n"]
        if row["state"] == NominationState.ATTENDED:
            c.attended += row["n"]
    return [ObjectiveProgress(o, [table[o.pk][y] for y in sorted(table[o.pk])]) for o in objectives]


@dataclass
class EvidenceActivity:
    code: str
    title: str
    start: date
    end: date
    area: str
    attended: int
    linked: bool  # a nomination named one of the programme's items
    feedback_count: int
    relevance: float | None
    quality: float | None
    applicability: float | None
    report: str  # the host's summary, or "" before the report


@dataclass
class Evidence:
    start: date
    end: date
    activities: list[EvidenceActivity] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(a.attended for a in self.activities)

    @property
    def reports(self) -> int:
        return sum(1 for a in self.activities if a.report)

    def average(self, name: str) -> float | None:
        rated = [(getattr(a, name), a.feedback_count) for a in self.activities if a.feedback_count]
        total = sum(n for _v, n in rated)
        return round(sum(v * n for v, n in rated) / total, 2) if total else None

    def as_json(self) -> dict[str, Any]:
        return {
            "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat(),
            "attended": self.attended,
            "reports": self.reports,
            "feedback": {
                name: self.average(name) for name in ("relevance", "quality", "applicability")
            },
            "activities": [
                {
                    "code": a.code, "title": a.title, "start": a.start.isoformat(),
                    "end": a.end.isoformat(), "area": a.area, "attended": a.attended,
                    "linked": a.linked, "feedback_count": a.feedback_count,
                    "relevance": a.relevance, "quality": a.quality,
                    "applicability": a.applicability, "report": a.report,
                }
                for a in self.activities
            ],
        }  # fmt: skip


def _area_codes(area: CooperationArea) -> list[str]:
    """The area and, for a group, every area under it."""
    codes, frontier = [area.code], [area.pk]
    while frontier:
        children = list(
            CooperationArea.objects.filter(parent_id__in=frontier).values_list("pk", "code")
        )
        frontier = [pk for pk, _code in children]
        codes += [code for _pk, code in children]
    return codes


def objective_evidence(*, objective: Objective, start: date, end: date) -> Evidence:
    """What the record shows for an objective over a period: activities in its area (or
    under it) that ended in the period and that the partner's participants attended, with
    their feedback averages and the host's report. The caller has checked access."""
    partner_id = objective.programme.partner_id
    codes = _area_codes(objective.area)
    attended = Nomination.objects.filter(
        partner_id=partner_id,
        state=NominationState.ATTENDED,
        activity__end__range=(start, end),
    ).filter(
        Q(activity__primary_area__code__in=codes) | Q(activity__secondary_areas__code__in=codes)
    )
    per_activity = (
        attended.values("activity_id")
        .annotate(
            n=Count("pk", distinct=True),
            linked=Count("pk", distinct=True, filter=Q(programme_item__objective_id=objective.pk)),
            fb=Count("feedback", distinct=True),
            relevance=Avg("feedback__relevance"),
            quality=Avg("feedback__quality"),
            applicability=Avg("feedback__applicability"),
        )
        .order_by()
    )
    stats = {row["activity_id"]: row for row in per_activity}
    activities = Activity.objects.filter(pk__in=stats).select_related("primary_area")
    reports = dict(
        ActivityReport.objects.filter(activity_id__in=stats).values_list("activity_id", "summary")
    )
    evidence = Evidence(start, end)
    for activity in activities.order_by("end", "code"):
        row: dict[str, Any] = dict(stats[activity.pk])
        avg = {
            name: round(row[name], 2) if row[name] is not None else None
            for name in ("relevance", "quality", "applicability")
        }
        evidence.activities.append(
            EvidenceActivity(
                code=activity.code, title=activity.title, start=activity.start,
                end=activity.end, area=activity.primary_area.code, attended=row["n"],
                linked=bool(row["linked"]), feedback_count=row["fb"],
                relevance=avg["relevance"], quality=avg["quality"],
                applicability=avg["applicability"], report=reports.get(activity.pk, ""),
            )
        )  # fmt: skip
    return evidence


def objective_evidence_get(*, actor: Actor, objective_id: int, start: date, end: date) -> Evidence:
    """The evidence for an objective the actor may see. Raises NotFound."""
    objective = objective_get(actor=actor, objective_id=objective_id)
    return objective_evidence(objective=objective, start=start, end=end)


def assessment_list(
    *, actor: Actor, programme_id: int, objective_id: int | None = None
) -> QuerySet[Assessment]:
    """A programme's assessments, by objective and period. Raises NotFound."""
    programme = programme_get(actor=actor, programme_id=programme_id)
    qs = Assessment.objects.filter(objective__programme=programme).select_related(
        "objective", "objective__area", "assessed_by"
    )
    if objective_id is not None:
        qs = qs.filter(objective_id=objective_id)
    return qs.order_by("objective__position", "objective_id", "period_start", "side")


@dataclass
class Trajectory:
    objective: Objective
    points: list[Assessment]  # oldest period first, both sides


def assessment_trajectories(*, actor: Actor, partner_code: str) -> list[Trajectory]:
    """Every objective of the partner's agreed and superseded programmes with its
    assessments over time, for the partner's dashboard. Raises NotFound."""
    partner = partner_get(actor=actor, code=partner_code)
    objectives = (
        Objective.objects.visible_to(actor)
        .filter(
            programme__partner=partner,
            programme__status__in=[ProgrammeStatus.AGREED, ProgrammeStatus.SUPERSEDED],
        )
        .select_related("programme", "area")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.order_by("period_start", "side"),
            )
        )
        .order_by("-programme__cycle_start", "position", "pk")
    )
    return [Trajectory(o, list(o.assessments.all())) for o in objectives]


def item_choices_for_nomination(*, actor: Actor, activity: Activity) -> list[ProgrammeItem]:
    """The actor's partner's programme items a nomination to this activity may serve: items
    naming this activity, or planning its type in its area and year, in a programme that is
    being prepared or is agreed."""
    if actor.organization_id is None:
        return []
    qs = (
        ProgrammeItem.objects.filter(
            programme__partner_id=actor.organization_id,
            programme__status__in=[
                ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED, ProgrammeStatus.AGREED,
            ],
        )
        .filter(
            Q(activity=activity)
            | Q(
                activity__isnull=True,
                year=activity.start.year,
                area__code__in=_ancestor_codes(activity),
            )
        )
        .select_related("objective", "programme", "area")
        .order_by("programme__cycle_start", "objective__position", "pk")
    )  # fmt: skip
    return [
        item
        for item in qs
        if item.activity_id is not None or item.activity_type in ("", activity.type)
    ]


def _ancestor_codes(activity: Activity) -> list[str]:
    codes: list[str] = []
    areas = [activity.primary_area, *activity.secondary_areas.all()]
    for area in areas:
        node: CooperationArea | None = area
        while node is not None:
            codes.append(node.code)
            node = node.parent
    return codes


def partner_programme_summary(*, actor: Actor) -> dict[int, dict[str, int]]:
    """Per visible partner: programmes by status (for the coordinator's overview)."""
    summary: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Programme.objects.visible_to(actor)
        .values("partner_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        summary[row["partner_id"]][row["status"]] = row["n"]
    return dict(summary)

"""REST routes of partnership programmes: both sides' interests and their overlap, programmes
with their objectives and planned activities, review, revisions and assessments (the contract
of issue 5, item 6: extend it, don't rename it)."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.api import MAX_CODES, Code, LongText
from coopsec.activities.models import ActivityType
from coopsec.api.auth import actor_of
from coopsec.errors import Invalid
from coopsec.programmes import access, revisions, selectors, services
from coopsec.programmes.models import (
    PRIORITY_MAX,
    Assessment,
    InterestVersion,
    Objective,
    Programme,
    ProgrammeComment,
    ProgrammeItem,
    ProgrammeRevision,
    ProgrammeStatus,
    ProgrammeType,
    Rating,
    Side,
)
from coopsec.programmes.overlap import Gap, Overlap
from coopsec.programmes.periods import parse_period

router = Router(tags=["programmes"])


def _one_of(values: list[str]) -> dict[str, Any]:
    """Document the accepted values; the service checks them, reporting every field at once."""
    return {"enum": values}


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


class _With:
    """An object plus computed attributes, read by a schema's resolvers."""

    def __init__(self, obj: object, **extra: object):
        self._obj = obj
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)


# --- interests -----------------------------------------------------------------------------

PRIORITY_MAP: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "integer", "minimum": 0, "maximum": PRIORITY_MAX},
}


class InterestVersionRef(Schema):
    number: int = Field(description="1 for the side's first version, then 2, 3, …")
    recorded_on: date
    recorded_by: str | None = Field(description="username of who recorded it")
    note: str

    @staticmethod
    def resolve_recorded_by(obj: InterestVersion) -> str | None:
        return _username(obj.recorded_by)


class InterestsOut(Schema):
    partner: dict[str, int] = Field(
        json_schema_extra=PRIORITY_MAP,
        description="the partner's priority 0-5 for every leaf cooperation area, by area "
        "code (0 where nothing was stated)",
    )
    alliance: dict[str, int] = Field(
        json_schema_extra=PRIORITY_MAP,
        description="the alliance's offered priority 0-5 for the partner, same areas",
    )
    partner_version: InterestVersionRef | None = Field(
        description="the partner side's current version; null until first recorded"
    )
    alliance_version: InterestVersionRef | None = Field(
        description="the alliance side's current version; null until first recorded"
    )


class InterestsIn(Schema):
    side: str = Field(
        json_schema_extra=_one_of(Side.values),
        description="partner: recorded by the partner's liaisons; alliance: by coordinators",
    )
    areas: dict[Code, Any] = Field(
        max_length=MAX_CODES,
        json_schema_extra=PRIORITY_MAP,
        description="leaf area code → priority 0-5; areas left out are recorded as 0",
    )
    note: LongText = Field("", description="why it changed (at most 300 characters)")


class InterestVersionOut(InterestVersionRef):
    side: str = Field(json_schema_extra=_one_of(Side.values))
    recorded_at: datetime
    areas: dict[str, int] = Field(json_schema_extra=PRIORITY_MAP, description="by area code")


class HistoryQuery(Schema):
    side: Side | None = Field(None, description="one side only")


class GapOut(Schema):
    area: str = Field(description="cooperation-area code")
    partner: int = Field(description="the partner's priority")
    alliance: int = Field(description="the alliance's offered priority")
    gap: int = Field(description="the absolute difference")

    @staticmethod
    def resolve_gap(obj: Gap) -> int:
        return obj.size


class OverlapOut(Schema):
    score: float = Field(
        description="cosine similarity of the two priority vectors, 0..1 (0 when either "
        "side has stated nothing)"
    )
    stated: bool = Field(description="both sides have stated at least one non-zero priority")
    partner_only: list[GapOut] = Field(
        description="areas where the partner wants more than the alliance offers, largest gap first"
    )
    alliance_only: list[GapOut] = Field(
        description="areas where the alliance offers more than the partner wants, largest gap first"
    )


def _interests(actor: Actor, code: str) -> dict[str, Any]:
    found = selectors.interests_get(actor=actor, partner_code=code)
    return {
        "partner": found.partner_side,
        "alliance": found.alliance_side,
        "partner_version": found.partner_version,
        "alliance_version": found.alliance_version,
    }


@router.get("/partners/{code}/interests", response=InterestsOut, summary="A partner's interests")
def interests_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """Both sides' current priorities 0-5 for every leaf cooperation area: the partner's
    (`partner`) and what the alliance offers it (`alliance`). A partner's liaison sees its
    own partner only (another partner: 404); alliance staff see every partner."""
    return _interests(actor_of(request), code)


@router.put(
    "/partners/{code}/interests", response=InterestsOut, summary="Record a side's interests"
)
def interests_record(request: HttpRequest, code: str, payload: InterestsIn) -> dict[str, Any]:
    """Record one side's whole priority vector as a new version (the history is kept): the
    partner side by the partner's liaisons, the alliance side by coordinators (others: 403).
    An unknown or group area, or a priority outside 0-5: 400 naming `areas.<code>`."""
    actor = actor_of(request)
    services.interests_record(
        actor=actor, partner_code=code, side=payload.side, areas=payload.areas, note=payload.note
    )
    return _interests(actor, code)


@router.get(
    "/partners/{code}/interests/history",
    response=list[InterestVersionOut],
    summary="A partner's interests over time",
)
@paginate(LimitOffsetPagination)
def interests_history(request: HttpRequest, code: str, filters: Query[HistoryQuery]):  # type: ignore[no-untyped-def]
    """Every recorded version of both sides (or of `side`), newest first, each with its
    priorities for every area."""
    history = selectors.interests_history(
        actor=actor_of(request), partner_code=code, side=filters.side or None
    )
    return [_With(version, areas=areas) for version, areas in history]


@router.get("/partners/{code}/overlap", response=OverlapOut, summary="Where interests meet")
def overlap_detail(request: HttpRequest, code: str) -> Overlap:
    """How far the alliance's offer meets the partner's current interests: the cosine
    similarity of the two vectors, and the mismatched areas in each direction."""
    return selectors.overlap_get(actor=actor_of(request), partner_code=code)


# --- programmes ----------------------------------------------------------------------------


class ProgrammeIn(Schema):
    type: str = Field(json_schema_extra=_one_of(ProgrammeType.values))
    cycle_start: int = Field(description="first year of the cycle")
    cycle_end: int = Field(description="last year of the cycle (at most 6 years in all)")
    title: LongText = Field("", description="at most 200 characters")


class ProgrammeQuery(Schema):
    partner: Code = Field("", description="the partner's code")
    status: ProgrammeStatus | None = None


class ProgrammeOut(Schema):
    id: int
    partner: str = Field(description="the partner's code")
    partner_name: str
    type: str = Field(json_schema_extra=_one_of(ProgrammeType.values))
    cycle_start: int
    cycle_end: int
    title: str
    status: str = Field(json_schema_extra=_one_of(ProgrammeStatus.values))
    objective_count: int
    item_count: int = Field(description="planned activities")
    created_at: datetime
    submitted_at: datetime | None
    agreed_at: datetime | None
    superseded_at: datetime | None
    updated_at: datetime
    synthetic: bool = Field(description="generated demo data, not a real programme")

    @staticmethod
    def resolve_partner(obj: Programme) -> str:
        return obj.partner.code

    @staticmethod
    def resolve_partner_name(obj: Programme) -> str:
        return obj.partner.name


class ObjectiveOut(Schema):
    id: int
    programme: int = Field(description="the programme's id")
    title: str
    area: str = Field(description="cooperation-area code")
    indicator: str
    baseline: str
    target: str
    target_date: date
    proposed_by: str = Field(json_schema_extra=_one_of(Side.values))
    agreed: bool
    position: int

    @staticmethod
    def resolve_programme(obj: Objective) -> int:
        return obj.programme_id

    @staticmethod
    def resolve_area(obj: Objective) -> str:
        return obj.area.code


class ItemActivityOut(Schema):
    id: int
    code: str
    title: str
    start: date
    end: date
    state: str


class ItemOut(Schema):
    id: int
    objective: int = Field(description="the objective's id")
    activity: ItemActivityOut | None = Field(description="the menu activity, when named")
    area: str | None = Field(description="cooperation-area code")
    activity_type: str = Field(description="empty: any type")
    year: int
    planned_seats: int
    note: str

    @staticmethod
    def resolve_objective(obj: ProgrammeItem) -> int:
        return obj.objective_id

    @staticmethod
    def resolve_area(obj: ProgrammeItem) -> str | None:
        return obj.area.code if obj.area is not None else None


class YearProgressOut(Schema):
    year: int
    planned: int = Field(description="seats planned by the programme's items")
    nominated: int = Field(description="live nominations naming the objective's items")
    attended: int = Field(description="of those, participants who attended")


class ObjectiveProgressOut(Schema):
    objective: int = Field(description="the objective's id")
    planned: int
    nominated: int
    attended: int
    years: list[YearProgressOut] = Field(description="every year of the cycle")

    @staticmethod
    def resolve_objective(obj: selectors.ObjectiveProgress) -> int:
        return obj.objective.pk


class CommentOut(Schema):
    id: int
    author: str | None = Field(description="username")
    side: str = Field(json_schema_extra=_one_of(Side.values))
    text: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj: ProgrammeComment) -> str | None:
        return _username(obj.author)


ACTIONS = ["edit", "submit", "agree", "return", "comment", "assess"]


class ProgrammeDetailOut(ProgrammeOut):
    created_by: str | None = Field(description="username")
    submitted_by: str | None = Field(description="username of who submitted it last")
    agreed_by: str | None = Field(description="username")
    objectives: list[ObjectiveOut]
    items: list[ItemOut] = Field(description="planned activities, by year")
    progress: list[ObjectiveProgressOut] = Field(
        description="per objective and year: seats planned, nominated and attended"
    )
    revision_count: int
    comments: list[CommentOut] = Field(description="oldest first")
    actions: list[str] = Field(
        json_schema_extra={"items": _one_of(ACTIONS)},
        description="what the caller may do with the programme now",
    )

    @staticmethod
    def resolve_created_by(obj: Programme) -> str | None:
        return _username(obj.created_by)

    @staticmethod
    def resolve_submitted_by(obj: Programme) -> str | None:
        return _username(obj.submitted_by)

    @staticmethod
    def resolve_agreed_by(obj: Programme) -> str | None:
        return _username(obj.agreed_by)

    @staticmethod
    def resolve_objectives(obj: Programme) -> list[Objective]:
        return list(obj.objectives.all())

    @staticmethod
    def resolve_items(obj: Programme) -> list[ProgrammeItem]:
        return list(obj.items.all())

    @staticmethod
    def resolve_comments(obj: Programme) -> list[ProgrammeComment]:
        return list(obj.comments.all())


def _actions(actor: Actor, programme: Programme) -> list[str]:
    status = programme.status
    review = status == ProgrammeStatus.SUBMITTED and access.can_review_programme(actor, programme)
    allowed = {
        "edit": access.can_edit_programme(actor, programme),
        "submit": status == ProgrammeStatus.DRAFT and access.can_submit_programme(actor, programme),
        "agree": review,
        "return": review,
        "comment": access.can_comment_programme(actor, programme),
        "assess": status in (ProgrammeStatus.AGREED, ProgrammeStatus.SUPERSEDED)
        and access.can_assess_programme(actor, programme),
    }
    return [name for name in ACTIONS if allowed[name]]


def _detail(actor: Actor, programme_id: int) -> _With:
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    return _With(
        programme,
        objective_count=len(programme.objectives.all()),
        item_count=len(programme.items.all()),
        progress=selectors.programme_progress(actor=actor, programme=programme),
        revision_count=programme.revisions.count(),
        actions=_actions(actor, programme),
    )


def _programme_input(data: ProgrammeIn) -> services.ProgrammeInput:
    return services.ProgrammeInput(
        type=data.type, cycle_start=data.cycle_start, cycle_end=data.cycle_end, title=data.title
    )


@router.get("/programmes", response=list[ProgrammeOut], summary="List programmes")
@paginate(LimitOffsetPagination)
def programme_list(request: HttpRequest, filters: Query[ProgrammeQuery]):  # type: ignore[no-untyped-def]
    """The programmes the caller may see (a partner's liaison: its own; alliance staff: all),
    by partner, newest cycle first. Unknown or invisible partner: 404."""
    return selectors.programme_list(
        actor=actor_of(request), partner=filters.partner.strip(), status=filters.status or ""
    )


@router.post("/programmes", response={201: ProgrammeDetailOut}, summary="Start a programme")
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status[_With]:
    """A partner's liaison starts a draft programme for its partner (others: 403). A partner
    has one programme in preparation at a time: a second answers 400 naming `programme`.
    A cycle ending before it starts, or longer than 6 years: 400 naming `cycle_end`."""
    actor = actor_of(request)
    programme = services.programme_create(actor=actor, data=_programme_input(payload))
    return Status(201, _detail(actor, programme.pk))


@router.get("/programmes/{programme_id}", response=ProgrammeDetailOut, summary="One programme")
def programme_detail(request: HttpRequest, programme_id: int) -> _With:
    """A programme the caller may see (another partner's: 404) with its objectives, planned
    activities, progress per objective and year, who submitted and agreed it and when, its
    revision count, comments, and the actions open to the caller."""
    return _detail(actor_of(request), programme_id)


@router.put("/programmes/{programme_id}", response=ProgrammeDetailOut, summary="Change a programme")
def programme_update(request: HttpRequest, programme_id: int, payload: ProgrammeIn) -> _With:
    """Change the type, cycle or title: a draft by the partner's liaisons, a submitted
    programme by coordinators, an agreed one by both (recorded as a new revision). Planned
    activities outside the new cycle: 400."""
    actor = actor_of(request)
    services.programme_update(
        actor=actor, programme_id=programme_id, data=_programme_input(payload)
    )
    return _detail(actor, programme_id)


class AgreeIn(Schema):
    note: LongText = Field("", description="kept with the agreed revision (300 characters)")


class ReturnIn(Schema):
    comment: LongText = Field(description="why the programme goes back to the partner")


class CommentIn(Schema):
    text: LongText = Field(description="at most 5,000 characters")


@router.post(
    "/programmes/{programme_id}/submit",
    response=ProgrammeDetailOut,
    summary="Submit a programme for agreement",
)
def programme_submit(request: HttpRequest, programme_id: int) -> _With:
    """The partner's liaison submits its draft (others: 403). It needs an objective and a
    planned activity for every objective, else 400 naming `objectives` or `items`."""
    actor = actor_of(request)
    services.programme_submit(actor=actor, programme_id=programme_id)
    return _detail(actor, programme_id)


@router.post(
    "/programmes/{programme_id}/agree", response=ProgrammeDetailOut, summary="Agree a programme"
)
def programme_agree(
    request: HttpRequest, programme_id: int, payload: AgreeIn | None = None
) -> _With:
    """A coordinator agrees a submitted programme (others: 403; not submitted: 400): its
    objectives become agreed, the partner's previously agreed programme is superseded and
    the agreed revision is recorded."""
    actor = actor_of(request)
    note = payload.note if payload is not None else ""
    services.programme_agree(actor=actor, programme_id=programme_id, note=note)
    return _detail(actor, programme_id)


@router.post(
    "/programmes/{programme_id}/return",
    response=ProgrammeDetailOut,
    summary="Return a programme to the partner",
)
def programme_return(request: HttpRequest, programme_id: int, payload: ReturnIn) -> _With:
    """A coordinator sends a submitted programme back to draft with a comment (others: 403;
    not submitted or no comment: 400)."""
    actor = actor_of(request)
    services.programme_return(actor=actor, programme_id=programme_id, comment=payload.comment)
    return _detail(actor, programme_id)


@router.post(
    "/programmes/{programme_id}/comments",
    response={201: CommentOut},
    summary="Comment on a programme",
)
def programme_comment(
    request: HttpRequest, programme_id: int, payload: CommentIn
) -> Status[ProgrammeComment]:
    """Either side remarks on the programme: the partner's liaisons or coordinators (others:
    403). Comments appear in the programme's detail."""
    comment = services.programme_comment(
        actor=actor_of(request), programme_id=programme_id, text=payload.text
    )
    return Status(201, comment)


# --- objectives ----------------------------------------------------------------------------


class ObjectiveIn(Schema):
    title: LongText = Field(description="at most 250 characters")
    area: Code = Field(description="cooperation-area code (a group or a leaf)")
    indicator: LongText = Field(description="how progress is measured (300 characters)")
    target: LongText = Field(description="the value to reach (200 characters)")
    target_date: date = Field(description="within the cycle or the year after it")
    baseline: LongText = Field("", description="the value at the start (200 characters)")
    agreed: bool | None = Field(
        None, description="coordinators only: mark the objective agreed or not"
    )


def _objective_input(data: ObjectiveIn) -> services.ObjectiveInput:
    return services.ObjectiveInput(
        title=data.title, area=data.area, indicator=data.indicator, target=data.target,
        target_date=data.target_date, baseline=data.baseline, agreed=data.agreed,
    )  # fmt: skip


@router.post(
    "/programmes/{programme_id}/objectives",
    response={201: ObjectiveOut},
    summary="Add an objective",
)
def objective_add(
    request: HttpRequest, programme_id: int, payload: ObjectiveIn
) -> Status[Objective]:
    """Add an objective to a programme the caller may edit now (a draft: the partner; a
    submitted one: coordinators; an agreed one: both, as a new revision; others: 403).
    Every bad field is reported at once (400)."""
    objective = services.objective_add(
        actor=actor_of(request), programme_id=programme_id, data=_objective_input(payload)
    )
    return Status(201, objective)


@router.get("/objectives/{objective_id}", response=ObjectiveOut, summary="One objective")
def objective_detail(request: HttpRequest, objective_id: int) -> Objective:
    """An objective the caller may see (another partner's: 404)."""
    return selectors.objective_get(actor=actor_of(request), objective_id=objective_id)


@router.put("/objectives/{objective_id}", response=ObjectiveOut, summary="Change an objective")
def objective_update(request: HttpRequest, objective_id: int, payload: ObjectiveIn) -> Objective:
    """Replace an objective's fields, under the programme's editing rules. The partner's
    change to an agreed objective makes it unagreed until a coordinator agrees it again."""
    return services.objective_update(
        actor=actor_of(request), objective_id=objective_id, data=_objective_input(payload)
    )


@router.delete("/objectives/{objective_id}", response={204: None}, summary="Remove an objective")
def objective_remove(request: HttpRequest, objective_id: int) -> Status[None]:
    """Remove an objective and its planned activities, under the programme's editing rules.
    An assessed objective stays on record (400)."""
    services.objective_remove(actor=actor_of(request), objective_id=objective_id)
    return Status(204, None)


class EvidenceQuery(Schema):
    period: Code = Field(
        "", description="2027, 2027-H1 or 2027-Q3; empty: the programme's whole cycle"
    )


class FeedbackOut(Schema):
    relevance: float | None = Field(description="average 1-5; null without feedback")
    quality: float | None
    applicability: float | None


class EvidenceActivityOut(Schema):
    code: str
    title: str
    start: date
    end: date
    area: str = Field(description="the activity's primary area")
    attended: int = Field(description="the partner's participants who attended")
    linked: bool = Field(description="a nomination named one of the objective's items")
    feedback_count: int
    relevance: float | None
    quality: float | None
    applicability: float | None
    report: str = Field(description="the host's report summary; empty before the report")


class EvidenceOut(Schema):
    period_start: date
    period_end: date
    attended: int
    reports: int = Field(description="activities with the host's report")
    feedback: FeedbackOut = Field(description="averages weighted by the number of answers")
    activities: list[EvidenceActivityOut] = Field(
        description="activities in the objective's area (or under it) that ended in the "
        "period and that the partner's participants attended"
    )


@router.get(
    "/objectives/{objective_id}/evidence",
    response=EvidenceOut,
    summary="What the record shows for an objective",
)
def objective_evidence(
    request: HttpRequest, objective_id: int, filters: Query[EvidenceQuery]
) -> dict[str, Any]:
    """The evidence an assessment of the period would carry, assembled now: attendance,
    feedback averages and the hosts' reports. A malformed period: 400 naming `period`."""
    objective = selectors.objective_get(actor=actor_of(request), objective_id=objective_id)
    programme = objective.programme
    start, end = date(programme.cycle_start, 1, 1), date(programme.cycle_end, 12, 31)
    if filters.period.strip():
        try:
            period = parse_period(filters.period)
        except ValueError as exc:
            raise Invalid(_("The period is not valid."), details={"period": str(exc)}) from exc
        start, end = period.start, period.end
    return selectors.objective_evidence(objective=objective, start=start, end=end).as_json()


# --- planned activities --------------------------------------------------------------------


class ItemIn(Schema):
    objective: int = Field(description="the objective's id, in the same programme")
    activity: int | None = Field(None, description="a menu activity's id; or else:")
    area: Code = Field("", description="cooperation-area code")
    activity_type: str = Field("", json_schema_extra=_one_of(["", *ActivityType.values]))
    year: int | None = Field(None, description="within the cycle")
    planned_seats: int = Field(1, description="1 to 50")
    note: LongText = Field("", description="at most 300 characters")


def _item_input(data: ItemIn) -> services.ItemInput:
    return services.ItemInput(
        objective=data.objective, activity=data.activity, area=data.area,
        activity_type=data.activity_type, year=data.year, planned_seats=data.planned_seats,
        note=data.note,
    )  # fmt: skip


@router.post(
    "/programmes/{programme_id}/items",
    response={201: ItemOut},
    summary="Plan an activity",
)
def item_add(request: HttpRequest, programme_id: int, payload: ItemIn) -> Status[ProgrammeItem]:
    """Plan an activity for one of the programme's objectives: a menu activity
    (`{"objective": id, "activity": id}`), or an activity type in an area and year when the
    exact activity is not on the menu yet (`{"objective": id, "area": code, "activity_type":
    "course", "year": 2027}`). The year must fall in the cycle (else 400)."""
    item = services.item_add(
        actor=actor_of(request), programme_id=programme_id, data=_item_input(payload)
    )
    return Status(201, item)


@router.put("/programme-items/{item_id}", response=ItemOut, summary="Change a planned activity")
def item_update(request: HttpRequest, item_id: int, payload: ItemIn) -> ProgrammeItem:
    """Replace a planned activity's fields, under the programme's editing rules."""
    return services.item_update(actor=actor_of(request), item_id=item_id, data=_item_input(payload))


@router.delete(
    "/programme-items/{item_id}", response={204: None}, summary="Remove a planned activity"
)
def item_remove(request: HttpRequest, item_id: int) -> Status[None]:
    """Remove a planned activity, under the programme's editing rules; nominations that named
    it keep their seats."""
    services.item_remove(actor=actor_of(request), item_id=item_id)
    return Status(204, None)


# --- assessments ---------------------------------------------------------------------------


class AssessmentIn(Schema):
    objective: int = Field(description="the objective's id, in this programme")
    period: Code = Field(description="2027, 2027-H1 or 2027-Q3")
    rating: str = Field(json_schema_extra=_one_of(Rating.values))
    narrative: LongText = Field("", description="at most 10,000 characters")


class AssessmentQuery(Schema):
    objective: int | None = Field(None, description="one objective's assessments")


class AssessmentOut(Schema):
    id: int
    objective: int = Field(description="the objective's id")
    objective_title: str
    period: str
    period_start: date
    period_end: date
    side: str = Field(
        json_schema_extra=_one_of(Side.values),
        description="partner: the partner's self-assessment; alliance: the coordinators'",
    )
    rating: str = Field(json_schema_extra=_one_of(Rating.values))
    narrative: str
    evidence: dict[str, Any] = Field(
        description="the evidence on record when it was assessed (the shape of GET "
        "/objectives/{objective_id}/evidence)"
    )
    assessed_by: str | None = Field(description="username")
    assessed_at: datetime

    @staticmethod
    def resolve_objective(obj: Assessment) -> int:
        return obj.objective_id

    @staticmethod
    def resolve_objective_title(obj: Assessment) -> str:
        return obj.objective.title

    @staticmethod
    def resolve_assessed_by(obj: Assessment) -> str | None:
        return _username(obj.assessed_by)


@router.get(
    "/programmes/{programme_id}/assessments",
    response=list[AssessmentOut],
    summary="A programme's assessments",
)
@paginate(LimitOffsetPagination)
def assessment_list(  # type: ignore[no-untyped-def]
    request: HttpRequest, programme_id: int, filters: Query[AssessmentQuery]
):
    """Both sides' assessments of the programme's objectives, by objective and period, each
    with the evidence it was made on. Another partner's programme: 404."""
    return selectors.assessment_list(
        actor=actor_of(request),
        programme_id=programme_id,
        objective_id=filters.objective,
    )


@router.post(
    "/programmes/{programme_id}/assessments",
    response={200: AssessmentOut, 201: AssessmentOut},
    summary="Assess an objective",
)
def assessment_record(
    request: HttpRequest, programme_id: int, payload: AssessmentIn
) -> Status[Assessment]:
    """Rate an objective of an agreed (or superseded) programme for a period: the partner's
    liaisons for the partner side, coordinators for the alliance side (others: 403). The
    evidence on record now is attached. 201 when created; 200 when it replaced the same
    side's assessment of that period. A bad period or rating: 400 naming the field."""
    actor = actor_of(request)
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    if payload.objective not in {o.pk for o in programme.objectives.all()}:
        raise Invalid(
            _("The assessment cannot be recorded."),
            details={
                "objective": _("No objective #%(objective)s in this programme.")
                % {"objective": payload.objective}
            },
        )
    assessment, created = services.assessment_record(
        actor=actor,
        data=services.AssessmentInput(
            objective=payload.objective, period=payload.period, rating=payload.rating,
            narrative=payload.narrative,
        ),
    )  # fmt: skip
    return Status(201 if created else 200, assessment)


# --- revisions -----------------------------------------------------------------------------


class ChangeOut(Schema):
    field: str
    before: Any = Field(description="null when added")
    after: Any = Field(description="null when removed")


class EntryDiffOut(Schema):
    key: str = Field(description="the objective's or planned activity's id")
    label: str
    changes: list[ChangeOut]


class SectionDiffOut(Schema):
    added: list[EntryDiffOut]
    removed: list[EntryDiffOut]
    changed: list[EntryDiffOut]


class RevisionDiffOut(Schema):
    programme: list[ChangeOut] = Field(description="the programme's own fields")
    objectives: SectionDiffOut
    items: SectionDiffOut = Field(description="planned activities")


class RevisionOut(Schema):
    number: int
    event: str = Field(json_schema_extra=_one_of(["submitted", "agreed", "amended"]))
    author: str | None = Field(description="username")
    created_at: datetime
    note: str
    compared_with: int | None = Field(
        description="the previous revision's number; null for the first (all is added)"
    )
    changes: RevisionDiffOut = Field(description="from the previous revision to this one")

    @staticmethod
    def resolve_author(obj: ProgrammeRevision) -> str | None:
        return _username(obj.author)


@router.get(
    "/programmes/{programme_id}/revisions",
    response=list[RevisionOut],
    summary="A programme's revisions and what changed",
)
@paginate(LimitOffsetPagination)
def revision_list(request: HttpRequest, programme_id: int):  # type: ignore[no-untyped-def]
    """Snapshots taken when the programme was submitted, agreed and amended after
    agreement, newest first, each with the differences from the one before: objectives and
    planned activities added, removed or changed, and changed programme fields."""
    found = selectors.revision_list(actor=actor_of(request), programme_id=programme_id)
    listed: list[_With] = []
    previous: ProgrammeRevision | None = None
    for revision in found:
        before = previous.snapshot if previous is not None else {}
        listed.append(
            _With(
                revision,
                compared_with=previous.number if previous is not None else None,
                changes=revisions.diff(before, revision.snapshot),
            )
        )
        previous = revision
    return listed[::-1]

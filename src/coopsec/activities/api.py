"""REST routes of the cooperation menu: areas, activities and their lifecycle, nominations,
calendars (the contract of issue 4, item 9: extend it, don't rename it)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import AfterValidator, StringConstraints

from coopsec.accounts.actor import Actor
from coopsec.activities import access, calendar, lifecycle, selectors, services
from coopsec.activities.models import (
    Activity,
    ActivityState,
    ActivityType,
    Clearance,
    CooperationArea,
    Eligibility,
    Mode,
    Nature,
    Nomination,
    NominationState,
)
from coopsec.api.auth import actor_of
from coopsec.errors import Invalid

router = Router(tags=["activities"])


# --- input text ----------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text; refuse it here as bad input rather than fail later.
    if "\x00" in value:
        raise ValueError("must not contain a NUL character")
    return value


def _email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise ValueError(f"'{value}' is not an e-mail address") from exc
    return value


# Text of at most N characters, as the model's columns hold it.
Text40 = Annotated[str, StringConstraints(max_length=40), AfterValidator(_no_nul)]
Text80 = Annotated[str, StringConstraints(max_length=80), AfterValidator(_no_nul)]
Text120 = Annotated[str, StringConstraints(max_length=120), AfterValidator(_no_nul)]
Text200 = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_nul)]
Text250 = Annotated[str, StringConstraints(max_length=250), AfterValidator(_no_nul)]
LongText = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_nul)]
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]
# A code naming an organization, area, framework or state.
Code = Text80
# Codes one list may hold (each is looked up): more than the network has of anything.
MAX_CODES = 300


def _one_of(values: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Document the accepted values; the service checks them, reporting every field at once."""
    return {"enum": list(values)}


# --- areas ---------------------------------------------------------------------------------


class AreaOut(Schema):
    code: str = Field(description="stable code, e.g. `cbrn_defence`")
    name: str
    name_fr: str = Field(description="French name (empty when not translated)")
    parent: str | None = Field(description="code of the parent group; null for a group")
    description: str
    description_fr: str

    @staticmethod
    def resolve_parent(obj: CooperationArea) -> str | None:
        return obj.parent.code if obj.parent is not None else None


@router.get("/areas", response=list[AreaOut], summary="List cooperation areas")
@paginate(LimitOffsetPagination)
def area_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The coded, hierarchical cooperation-area taxonomy: groups first, each followed by its
    areas. Activities name their areas by these codes."""
    return selectors.area_list(actor=actor_of(request))


# --- activities ----------------------------------------------------------------------------


class EligibilityIn(Schema):
    """Who may nominate: exactly one of the three."""

    all_partners: bool = Field(False, description="every partner in a partnership framework")
    frameworks: list[Code] = Field(
        default_factory=list,
        max_length=MAX_CODES,
        description="partners in these frameworks (codes, e.g. PfP)",
    )
    organizations: list[Code] = Field(
        default_factory=list,
        max_length=MAX_CODES,
        description="exactly these organizations (codes or ISO3)",
    )


class EligibilityOut(Schema):
    all_partners: bool = Field(description="open to every partner in a partnership framework")
    frameworks: list[str] = Field(description="framework codes, when limited to frameworks")
    organizations: list[str] = Field(description="organization codes, when limited to them")


class ActivityIn(Schema):
    title: Text250
    type: str = Field(json_schema_extra=_one_of(ActivityType.values))
    host: Code = Field(description="code of the host institution")
    primary_area: Code = Field(description="cooperation-area code")
    start: date = Field(description="first day")
    end: date = Field(description="last day (inclusive)")
    seats: int = Field(le=100_000, description="seats on offer (at least 1)")
    per_partner_cap: int | None = Field(
        None, le=100_000, description="seats one partner may hold; null for no cap"
    )
    eligibility: EligibilityIn = Field(
        default_factory=lambda: EligibilityIn(all_partners=True),
        description='`{"all_partners": true}`, `{"frameworks": [...]}` or '
        '`{"organizations": [...]}`; evaluated as of the first day',
    )
    mode: str = Field(
        Mode.FCFS,
        json_schema_extra=_one_of(Mode.values),
        description="fcfs: seats confirmed first come, first served; allocated: nominations "
        "wait (pending) for the coordinator's allocation",
    )
    code: Code = Field("", description="the menu's code; generated when empty")
    title_fr: Text250 = ""
    description: LongText = ""
    description_fr: LongText = ""
    secondary_areas: list[Code] = Field(
        default_factory=list, max_length=MAX_CODES, description="area codes"
    )
    country: Code | None = Field(None, description="the state it takes place in (code)")
    city: Text120 = ""
    online: bool = False
    language: Text40 = Field("en", description="e.g. en, fr, en+fr")
    clearance: str = Field(Clearance.NONE, json_schema_extra=_one_of(Clearance.values))
    tuition_cost: Decimal = Field(Decimal(0), max_digits=10, decimal_places=2)
    accommodation_cost: Decimal = Field(Decimal(0), max_digits=10, decimal_places=2)
    nature: str = Field(Nature.MILITARY, json_schema_extra=_one_of(Nature.values))
    registration_deadline: date | None = None
    references: dict[Text40, Text80] = Field(
        default_factory=dict,
        description='identifiers in other systems, e.g. `{"e-PRIME": "12345"}`',
    )


class ActivityRef(Schema):
    id: int
    code: str
    title: str
    start: date
    end: date
    host: str = Field(description="host institution's code")
    state: str

    @staticmethod
    def resolve_host(obj: Activity) -> str:
        return obj.host.code


class ActivityOut(Schema):
    id: int
    code: str
    title: str
    title_fr: str
    description: str
    description_fr: str
    type: str = Field(json_schema_extra=_one_of(ActivityType.values))
    state: str = Field(json_schema_extra=_one_of(lifecycle.STATES))
    host: str = Field(description="host institution's code")
    host_name: str
    primary_area: str = Field(description="cooperation-area code")
    secondary_areas: list[str] = Field(description="cooperation-area codes")
    start: date
    end: date = Field(description="last day (inclusive)")
    country: str | None = Field(description="code of the state it takes place in")
    city: str
    online: bool
    language: str
    seats: int
    confirmed: int = Field(description="seats held (confirmed, attended or no-show)")
    seats_left: int
    per_partner_cap: int | None = Field(description="seats one partner may hold; null: no cap")
    eligibility: EligibilityOut
    mode: str = Field(json_schema_extra=_one_of(Mode.values))
    clearance: str
    tuition_cost: Decimal = Field(description="per seat")
    accommodation_cost: Decimal = Field(description="per seat")
    nature: str
    registration_deadline: date | None
    references: dict[str, str] = Field(description="identifiers in other systems by system")
    synthetic: bool = Field(description="generated demo data, not a real activity")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_host(obj: Activity) -> str:
        return obj.host.code

    @staticmethod
    def resolve_host_name(obj: Activity) -> str:
        return obj.host.name

    @staticmethod
    def resolve_primary_area(obj: Activity) -> str:
        return obj.primary_area.code

    @staticmethod
    def resolve_secondary_areas(obj: Activity) -> list[str]:
        return [area.code for area in obj.secondary_areas.all()]

    @staticmethod
    def resolve_country(obj: Activity) -> str | None:
        return obj.country.code if obj.country is not None else None

    @staticmethod
    def resolve_confirmed(obj: Activity) -> int:
        return obj.confirmed_count

    @staticmethod
    def resolve_eligibility(obj: Activity) -> EligibilityOut:
        return EligibilityOut(
            all_partners=obj.eligibility == Eligibility.ALL_PARTNERS,
            frameworks=[f.code for f in obj.eligible_frameworks.all()],
            organizations=[o.code for o in obj.eligible_organizations.all()],
        )

    @staticmethod
    def resolve_references(obj: Activity) -> dict[str, str]:
        return {r.system: r.reference for r in obj.references.all()}


class PartnerCountOut(Schema):
    partner: str = Field(description="partner's code")
    confirmed: int
    waitlisted: int
    pending: int


class ActivityDetailOut(ActivityOut):
    partners: list[PartnerCountOut] = Field(
        description="per partner, seats held and nominations waiting: counts, never names"
    )
    transitions: list[str] = Field(description="the states the caller may move it to now")


class ActivityQuery(Schema):
    q: Text200 = Field("", description="text in the title, description, code or a reference")
    area: Code = Field("", description="area code (a group matches its areas)")
    type: ActivityType | None = None
    host: Code = Field("", description="host institution's code")
    state: ActivityState | None = None
    date_from: date | None = Field(None, alias="from", description="ending on or after")
    date_to: date | None = Field(None, alias="to", description="starting on or before")
    eligible_for: Code = Field("", description="organization code: what it may nominate for")
    with_seats: bool = Field(False, description="only activities with seats left")


class TransitionIn(Schema):
    to: Code = Field(json_schema_extra=_one_of(lifecycle.STATES))


_RELATIONS = ("secondary_areas", "eligible_frameworks", "eligible_organizations", "references")
# The service's names for the eligibility lists, as this API spells them.
_FIELD_NAMES = {
    "eligible_frameworks": "eligibility.frameworks",
    "eligible_organizations": "eligibility.organizations",
}


def _eligibility(data: EligibilityIn) -> str:
    chosen = [
        kind
        for kind, given in (
            (Eligibility.ALL_PARTNERS, data.all_partners),
            (Eligibility.FRAMEWORKS, bool(data.frameworks)),
            (Eligibility.ORGANIZATIONS, bool(data.organizations)),
        )
        if given
    ]
    if len(chosen) != 1:
        reason = (
            'Give one of {"all_partners": true}, {"frameworks": [...]} or {"organizations": [...]}.'
        )
        raise Invalid("The activity cannot be saved.", details={"eligibility": reason})
    return chosen[0]


def _activity_input(data: ActivityIn) -> services.ActivityInput:
    return services.ActivityInput(
        title=data.title, type=data.type, host=data.host, primary_area=data.primary_area,
        start=data.start, end=data.end, seats=data.seats, per_partner_cap=data.per_partner_cap,
        eligibility=_eligibility(data.eligibility),
        eligible_frameworks=data.eligibility.frameworks,
        eligible_organizations=data.eligibility.organizations,
        mode=data.mode, code=data.code, title_fr=data.title_fr, description=data.description,
        description_fr=data.description_fr, secondary_areas=data.secondary_areas,
        country=data.country or "", city=data.city, online=data.online, language=data.language,
        clearance=data.clearance, tuition_cost=data.tuition_cost,
        accommodation_cost=data.accommodation_cost, nature=data.nature,
        registration_deadline=data.registration_deadline, references=data.references,
    )  # fmt: skip


class _ActivityDetail:
    """An activity plus what the detail adds, read by ActivityDetailOut's resolvers."""

    def __init__(self, activity: Activity, **extra: object):
        self._activity = activity
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._activity, name)


def _detail(actor: Actor, activity_id: int) -> _ActivityDetail:
    activity = selectors.activity_get(actor=actor, activity_id=activity_id)
    counts = selectors.activity_partner_counts(actor=actor, activity=activity)
    return _ActivityDetail(
        activity,
        partners=[
            PartnerCountOut(partner=c.partner.code, confirmed=c.confirmed,
                            waitlisted=c.waitlisted, pending=c.pending)
            for c in counts
        ],
        transitions=[
            target
            for target in lifecycle.allowed_targets(activity.state)
            # Reporting is done by submitting the report, not by a transition.
            if target != lifecycle.REPORTED
            and access.can_transition_activity(actor, activity, target)
        ],
    )  # fmt: skip


@router.get("/activities", response=list[ActivityOut], summary="Search the menu")
@paginate(LimitOffsetPagination)
def activity_list(request: HttpRequest, filters: Query[ActivityQuery]):  # type: ignore[no-untyped-def]
    """The activities the caller may see, by start date. `area` matches the primary or a
    secondary area; `from`/`to` keep activities overlapping that period; `eligible_for`
    keeps what an organization may nominate for, judged on each activity's first day.
    Unknown area, host or organization: 404."""
    found = selectors.activity_list(
        actor=actor_of(request),
        filters=selectors.ActivityFilters(
            q=filters.q.strip(), area=filters.area.strip(),
            type=filters.type or "", host=filters.host.strip(), state=filters.state or "",
            date_from=filters.date_from, date_to=filters.date_to,
            eligible_for=filters.eligible_for.strip(), with_seats=filters.with_seats,
        ),
    )  # fmt: skip
    return found.prefetch_related(*_RELATIONS)


@router.post("/activities", response={201: ActivityOut}, summary="Propose an activity")
def activity_create(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    """Propose an activity (state `proposed`): coordinators for any host, institution
    managers for their own institution (others: 403). Organizations, areas and frameworks by
    code. Every problem is reported at once, by field (400)."""
    actor = actor_of(request)
    try:
        created = services.activity_create(actor=actor, data=_activity_input(payload))
    except Invalid as exc:
        if isinstance(exc.details, dict):
            exc.details = {_FIELD_NAMES.get(k, k): v for k, v in exc.details.items()}
        raise
    return Status(201, selectors.activity_get(actor=actor, activity_id=created.pk))


@router.get("/activities/{activity_id}", response=ActivityDetailOut, summary="One activity")
def activity_detail(request: HttpRequest, activity_id: int) -> _ActivityDetail:
    """An activity the caller may see (else 404), with the seats each partner holds or waits
    for (counts only) and the lifecycle moves open to the caller."""
    return _detail(actor_of(request), activity_id)


@router.post(
    "/activities/{activity_id}/transition",
    response=ActivityDetailOut,
    summary="Move an activity along its lifecycle",
)
def activity_transition(
    request: HttpRequest, activity_id: int, payload: TransitionIn
) -> _ActivityDetail:
    """proposed → approved → open → closed → conducted (→ reported, by the host's report);
    cancelled from any state before conducted; closed may reopen. Coordinators approve;
    coordinators and the host open, close, conduct and cancel. A move the machine does not
    have: 400 with the reason; a move the caller may not make: 403. Opening notifies the
    eligible partners."""
    actor = actor_of(request)
    services.activity_transition(actor=actor, activity_id=activity_id, to=payload.to)
    return _detail(actor, activity_id)


@router.get(
    "/activities/{activity_id}/ics",
    summary="Download an activity as iCalendar",
    openapi_extra={
        "responses": {
            200: {
                "description": "An RFC 5545 calendar with the activity as an all-day event",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def activity_ics(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The activity as a one-event .ics file (UID `activity-<id>@coopsec`, all-day dates,
    STATUS:CANCELLED once cancelled) for any calendar program."""
    activity = selectors.activity_get(actor=actor_of(request), activity_id=activity_id)
    url = request.build_absolute_uri(calendar.activity_path(activity))
    response = HttpResponse(
        calendar.activity_calendar(activity, url=url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{activity.code}.ics"'
    return response


# --- nominations ---------------------------------------------------------------------------


class ParticipantIn(Schema):
    name: Text200
    email: Email = ""
    rank: Text80 = ""


class NominationIn(Schema):
    participant: ParticipantIn
    priority: int = Field(1, le=999, description="the partner's own rank: 1 is its first choice")
    programme_item: int | None = Field(
        None,
        description="id of the planned activity in the partner's programme this nomination "
        "serves: one naming this activity, or its area, type and year",
    )


class ParticipantOut(Schema):
    id: str = Field(description="a stable pseudonym of the person")
    name: str | None = Field(description="null unless the caller may see personal data")
    email: str | None
    rank: str | None


class NominationOut(Schema):
    id: int
    state: str = Field(json_schema_extra=_one_of(NominationState.values))
    priority: int
    activity: ActivityRef
    partner: str = Field(description="the nominating partner's code")
    participant: ParticipantOut = Field(
        description="personal data for the partner, the host and coordinators; others get "
        "the pseudonym and nulls"
    )
    created_at: datetime
    decided_at: datetime | None
    programme_item: int | None = Field(
        description="id of the planned activity of the partner's programme it serves"
    )

    @staticmethod
    def resolve_partner(obj: Nomination) -> str:
        return obj.partner.code

    @staticmethod
    def resolve_programme_item(obj: Nomination) -> int | None:
        return obj.programme_item_id

    @staticmethod
    def resolve_participant(obj: Nomination, context: dict[str, Any]) -> ParticipantOut:
        view = selectors.participant_view(actor=actor_of(context["request"]), nomination=obj)
        return ParticipantOut(id=view.identifier, name=view.name, email=view.email, rank=view.rank)


class NominationQuery(Schema):
    organization: Code = Field("", description="the nominating partner's code")
    state: NominationState | None = None


class ProgrammeItemLinkIn(Schema):
    item: int | None = Field(description="the planned activity's id; null to clear the link")


class DecisionIn(Schema):
    to: Code = Field(json_schema_extra=_one_of(services.DECISIONS))


class AttendanceIn(Schema):
    attended: bool = Field(description="true: attended; false: no-show")


@router.post(
    "/activities/{activity_id}/nominations",
    response={201: NominationOut},
    summary="Nominate a participant",
)
def nomination_create(
    request: HttpRequest, activity_id: int, payload: NominationIn
) -> Status[Nomination]:
    """A partner liaison nominates a participant of its own organization (others: 403; an
    ineligible partner: 403). First come, first served: `confirmed` while seats and the
    per-partner cap allow, else `waitlisted`; in allocated mode `pending` until the
    coordinator allocates. The activity must be open (else 400). `programme_item` names the
    planned activity of the partner's programme the nomination serves (one that does not fit
    the activity: 400)."""
    person = payload.participant
    nomination = services.nomination_create(
        actor=actor_of(request),
        activity_id=activity_id,
        participant=services.ParticipantInput(
            name=person.name, email=person.email, rank=person.rank
        ),
        priority=payload.priority,
        programme_item=payload.programme_item,
    )
    return Status(201, nomination)


@router.get(
    "/activities/{activity_id}/nominations",
    response=list[NominationOut],
    summary="Nominations to an activity",
)
@paginate(LimitOffsetPagination)
def activity_nominations(request: HttpRequest, activity_id: int):  # type: ignore[no-untyped-def]
    """The nominations to the activity the caller may see: a partner its own, the host and
    staff all. Other partners' nominations appear on the activity only as counts."""
    actor = actor_of(request)
    selectors.activity_get(actor=actor, activity_id=activity_id)
    return selectors.nomination_list(actor=actor, activity_id=activity_id)


@router.get("/nominations", response=list[NominationOut], summary="List nominations")
@paginate(LimitOffsetPagination)
def nomination_list(request: HttpRequest, filters: Query[NominationQuery]):  # type: ignore[no-untyped-def]
    """The nominations the caller may see (a partner: its own; a host: to its activities;
    staff: all), by activity date. Unknown organization: 404."""
    return selectors.nomination_list(
        actor=actor_of(request),
        organization=filters.organization.strip() or None,
        state=filters.state or None,
    )


@router.get("/nominations/{nomination_id}", response=NominationOut, summary="One nomination")
def nomination_detail(request: HttpRequest, nomination_id: int) -> Nomination:
    """A nomination the caller may see; another partner's nomination is not found (404)."""
    return selectors.nomination_get(actor=actor_of(request), nomination_id=nomination_id)


@router.post(
    "/nominations/{nomination_id}/withdraw",
    response=NominationOut,
    summary="Withdraw a nomination",
)
def nomination_withdraw(request: HttpRequest, nomination_id: int) -> Nomination:
    """The nominating partner, the host or a coordinator withdraws a pending, waitlisted or
    confirmed nomination; a freed seat goes to the next waiting nomination."""
    return services.nomination_withdraw(actor=actor_of(request), nomination_id=nomination_id)


@router.post(
    "/nominations/{nomination_id}/programme-item",
    response=NominationOut,
    summary="Name the programme item a nomination serves",
    tags=["programmes"],
)
def nomination_link_item(
    request: HttpRequest, nomination_id: int, payload: ProgrammeItemLinkIn
) -> Nomination:
    """The nominating partner's liaisons name (or, with null, clear) the planned activity of
    its programme the nomination serves (others: 403). The item must name this activity, or
    plan its type in its area and year, in a programme being prepared or agreed (else 400).
    Programme progress counts the nomination against the item's objective."""
    return services.nomination_link_item(
        actor=actor_of(request), nomination_id=nomination_id, item_id=payload.item
    )


@router.post(
    "/nominations/{nomination_id}/decide",
    response=NominationOut,
    summary="Confirm, waitlist or decline a nomination",
)
def nomination_decide(request: HttpRequest, nomination_id: int, payload: DecisionIn) -> Nomination:
    """The host or a coordinator decides (others: 403). Confirming needs a free seat and room
    under the partner's cap (else 400 with the reason)."""
    return services.nomination_decide(
        actor=actor_of(request), nomination_id=nomination_id, to=payload.to
    )


@router.post(
    "/nominations/{nomination_id}/attendance",
    response=NominationOut,
    summary="Record attendance",
)
def nomination_attendance(
    request: HttpRequest, nomination_id: int, payload: AttendanceIn
) -> Nomination:
    """The host or a coordinator records whether a confirmed participant attended, once the
    activity has started."""
    return services.attendance_record(
        actor=actor_of(request), nomination_id=nomination_id, attended=payload.attended
    )


# --- calendar feeds ------------------------------------------------------------------------


class CalendarFeedIn(Schema):
    organization_wide: bool = Field(
        False,
        description="false: the activities your organization takes part in or hosts; true: "
        "also the published menu it is eligible for",
    )


class CalendarFeedOut(Schema):
    id: int
    organization_wide: bool
    created_at: datetime
    revoked_at: datetime | None = Field(description="set once revoked: the URL answers 404")


class CalendarFeedCreatedOut(CalendarFeedOut):
    url: str = Field(
        description="the feed's secret address, shown this once: subscribe to it from a "
        "calendar program; anyone holding it reads the feed"
    )


@router.get("/calendar-feeds", response=list[CalendarFeedOut], summary="My calendar feeds")
@paginate(LimitOffsetPagination)
def calendar_feed_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The caller's own calendar feeds, newest first (their URLs are never shown again)."""
    return calendar.calendar_feed_list(actor=actor_of(request))


@router.post(
    "/calendar-feeds", response={201: CalendarFeedCreatedOut}, summary="Create a calendar feed"
)
def calendar_feed_create(
    request: HttpRequest, payload: CalendarFeedIn
) -> Status[CalendarFeedCreatedOut]:
    """A new iCalendar feed at a secret URL, returned in this answer only; calendar programs
    fetch it without signing in. Revoke it with DELETE when it leaks or is no longer used."""
    issued = calendar.calendar_feed_create(
        actor=actor_of(request), organization_wide=payload.organization_wide
    )
    url = request.build_absolute_uri(reverse("calendar:feed", kwargs={"token": issued.token}))
    feed = issued.feed
    return Status(
        201,
        CalendarFeedCreatedOut(
            id=feed.pk, organization_wide=feed.organization_wide, created_at=feed.created_at,
            revoked_at=feed.revoked_at, url=url,
        ),
    )  # fmt: skip


@router.delete("/calendar-feeds/{feed_id}", response={204: None}, summary="Revoke a calendar feed")
def calendar_feed_revoke(request: HttpRequest, feed_id: int) -> Status[None]:
    """Revoke one of the caller's own feeds (another user's: 404); its URL answers 404 from
    then on."""
    calendar.calendar_feed_revoke(actor=actor_of(request), feed_id=feed_id)
    return Status(204, None)

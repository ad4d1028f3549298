"""REST routes of the partnership network registry."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from coopsec.api.auth import actor_of
from coopsec.network import dates, selectors
from coopsec.network.models import (
    Framework,
    Membership,
    Operation,
    OperationContribution,
    Organization,
    OrganizationKind,
)
from coopsec.network.selectors import Member

router = Router(tags=["network"])


class OrganizationRef(Schema):
    code: str
    name: str
    kind: str
    iso3: str | None


class OrganizationOut(Schema):
    code: str
    name: str
    kind: str = Field(
        description="alliance, member_state, partner_state, international_org, "
        "regional_org or institution"
    )
    iso3: str | None
    subtype: str = Field(description="for institutions: coe, ptec, school, command or agency")
    short_name: str
    region: str = Field(description="UN M49 sub-region, or the area an organization covers")
    continent: str
    host_country: str | None = Field(None, description="ISO3 of an institution's host country")
    city: str
    accreditation: str = Field(description="accreditation date at the precision known")
    domain: str
    description: str
    source_url: str
    verified: bool
    note: str

    @staticmethod
    def resolve_host_country(obj: Organization) -> str | None:
        return obj.host_country.code if obj.host_country is not None else None

    @staticmethod
    def resolve_accreditation(obj: Organization) -> str:
        return obj.accreditation_display


class StatusPeriodOut(Schema):
    status: str
    start: date
    end: date | None


class MembershipOut(Schema):
    body: str = Field(description="framework code, or the alliance's code for Allies")
    body_kind: str = Field(description="framework or alliance")
    start: date
    start_display: str = Field(description="start at the precision the source supports")
    end: date | None
    end_display: str
    status: str = Field(
        description="status on the as_of date: active, suspended, ended, not_started"
    )
    status_periods: list[StatusPeriodOut]
    source_url: str
    verified: bool
    note: str


class ContributionOut(Schema):
    operation: str
    operation_name: str
    organization: OrganizationRef
    role_note: str
    source_url: str
    verified: bool


class OrganizationDetailOut(OrganizationOut):
    memberships: list[MembershipOut]
    contributions: list[ContributionOut]
    hosted_institutions: list[OrganizationRef]


class FrameworkOut(Schema):
    code: str
    name: str
    established: date | None
    established_display: str
    description: str
    status: str
    source_url: str
    verified: bool
    note: str


class MemberOut(Schema):
    organization: OrganizationRef
    since: date
    until: date | None
    status: str = Field(description="active or suspended on the as_of date")


class OperationOut(Schema):
    code: str
    name: str
    kind: str
    start: date
    start_display: str
    end: date | None
    end_display: str
    source_url: str
    verified: bool
    note: str


class OrganizationFilters(Schema):
    kind: OrganizationKind | None = None
    framework: str | None = Field(None, description="framework code, e.g. PfP")
    region: str | None = Field(None, description="UN M49 sub-region or continent")
    as_of: date | None = Field(None, description="only organizations in the network that day")
    q: str | None = Field(None, description="text in the name, code, short name or city")


def _membership_out(m: Membership, as_of: date) -> MembershipOut:
    return MembershipOut(
        body=m.body_code,
        body_kind="framework" if m.framework_id else "alliance",
        start=m.start,
        start_display=m.start_display,
        end=m.end,
        end_display=m.end_display,
        status=m.status_on(as_of),
        status_periods=[
            StatusPeriodOut(status=p.status, start=p.start, end=p.end)
            for p in m.status_periods.all()
        ],
        source_url=m.source_url,
        verified=m.verified,
        note=m.note,
    )


def _ref(org: Organization) -> OrganizationRef:
    return OrganizationRef(code=org.code, name=org.name, kind=org.kind, iso3=org.iso3)


def _contribution_out(c: OperationContribution) -> ContributionOut:
    return ContributionOut(
        operation=c.operation.code,
        operation_name=c.operation.name,
        organization=_ref(c.organization),
        role_note=c.role_note,
        source_url=c.source_url,
        verified=c.verified,
    )


def _member_out(m: Member) -> MemberOut:
    return MemberOut(
        organization=_ref(m.organization),
        since=m.membership.start,
        until=m.membership.end,
        status=m.status,
    )


@router.get("/organizations", response=list[OrganizationOut], summary="List organizations")
@paginate(LimitOffsetPagination)
def organization_list(request: HttpRequest, filters: Query[OrganizationFilters]):  # type: ignore[no-untyped-def]
    """Allies, partners, international and regional organizations and institutions.

    Filter by kind, framework membership, region and text; `as_of` keeps only organizations
    in the network that day (with `framework`: members of that framework that day).
    """
    return selectors.organization_list(
        actor=actor_of(request),
        kind=filters.kind,
        framework=filters.framework,
        region=filters.region,
        as_of=filters.as_of,
        q=filters.q,
    )


@router.get("/organizations/{code}", response=OrganizationDetailOut, summary="One organization")
def organization_detail(
    request: HttpRequest, code: str, as_of: date | None = None
) -> OrganizationDetailOut:
    """An organization by code or ISO 3166 alpha-3, with its memberships (status as of
    `as_of`, default today), operations contributed to and institutions hosted."""
    actor = actor_of(request)
    day = as_of or dates.today()
    org = selectors.organization_get(actor=actor, code=code)
    detail = _WithRelations(
        org,
        memberships=[
            _membership_out(m, day)
            for m in selectors.organization_memberships(actor=actor, organization=org)
        ],
        contributions=[
            _contribution_out(c)
            for c in selectors.organization_contributions(actor=actor, organization=org)
        ],
        hosted_institutions=[
            _ref(i) for i in selectors.hosted_institution_list(actor=actor, host=org)
        ],
    )
    return OrganizationDetailOut.from_orm(detail)


class _WithRelations:
    """An organization plus computed relation lists, read by the schema's resolvers."""

    def __init__(self, organization: Organization, **relations: object):
        self._organization = organization
        self.__dict__.update(relations)

    def __getattr__(self, name: str) -> object:
        return getattr(self._organization, name)


@router.get("/frameworks", response=list[FrameworkOut], summary="List frameworks")
@paginate(LimitOffsetPagination)
def framework_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Partnership frameworks and bilateral councils and commissions."""
    return selectors.framework_list(actor=actor_of(request))


@router.get("/frameworks/{code}", response=FrameworkOut, summary="One framework")
def framework_detail(request: HttpRequest, code: str) -> Framework:
    return selectors.framework_get(actor=actor_of(request), code=code)


@router.get(
    "/frameworks/{code}/members", response=list[MemberOut], summary="Members of a framework"
)
@paginate(LimitOffsetPagination)
def framework_members(request: HttpRequest, code: str, as_of: date | None = None):  # type: ignore[no-untyped-def]
    """Members on `as_of` (default today). Suspended participants are listed with status
    `suspended`, not left out."""
    members = selectors.framework_members(
        actor=actor_of(request), code=code, as_of=as_of or dates.today()
    )
    return [_member_out(m) for m in members]


@router.get("/allies", response=list[MemberOut], summary="Allies on a date")
@paginate(LimitOffsetPagination)
def ally_list(request: HttpRequest, as_of: date | None = None):  # type: ignore[no-untyped-def]
    """The alliance's member states on `as_of` (default today)."""
    return [
        _member_out(m)
        for m in selectors.ally_list(actor=actor_of(request), as_of=as_of or dates.today())
    ]


@router.get("/partners", response=list[OrganizationOut], summary="Partners on a date")
@paginate(LimitOffsetPagination)
def partner_list(  # type: ignore[no-untyped-def]
    request: HttpRequest, as_of: date | None = None, kind: OrganizationKind | None = None
):
    """States and organizations in any partnership framework on `as_of` (default today),
    each listed once. `kind=partner_state` keeps states only."""
    return selectors.partner_list(actor=actor_of(request), as_of=as_of or dates.today(), kind=kind)


@router.get("/operations", response=list[OperationOut], summary="List operations")
@paginate(LimitOffsetPagination)
def operation_list(request: HttpRequest, as_of: date | None = None):  # type: ignore[no-untyped-def]
    """NATO-led operations and missions; with `as_of`, only those running that day."""
    return selectors.operation_list(actor=actor_of(request), as_of=as_of)


@router.get("/operations/{code}", response=OperationOut, summary="One operation")
def operation_detail(request: HttpRequest, code: str) -> Operation:
    return selectors.operation_get(actor=actor_of(request), code=code)


@router.get(
    "/operations/{code}/contributors",
    response=list[ContributionOut],
    summary="Contributors to an operation",
)
@paginate(LimitOffsetPagination)
def operation_contributors(request: HttpRequest, code: str, as_of: date | None = None):  # type: ignore[no-untyped-def]
    """Non-Ally contributors; with `as_of`, those contributing that day (a contribution
    without dates of its own spans the operation)."""
    return [
        _contribution_out(c)
        for c in selectors.operation_contributors(actor=actor_of(request), code=code, as_of=as_of)
    ]

"""The tenancy matrix's vocabulary: actors, the two sides' objects (World) and the helpers
that say what each role should get. `tests/test_tenancy_matrix.py` runs the matrix; each app
adds its routes' expectations in `tests/<app>/matrix.py` (see the programmes app).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.calendar import calendar_feed_create
from tests.activities import factories
from tests.planning.workflow import matrix_run
from tests.programmes import factories as programmes

ANON = "anonymous"
# role -> the organization its test user belongs to
ACTORS: dict[str, str | None] = {
    ANON: None,
    R.COORDINATOR: "NATO",
    R.PARTNER_LIAISON: "GEO",
    R.INSTITUTION_MANAGER: "PTEC-AUT-AUTINT",
    R.ANALYST: "NATO",
    R.AUDITOR: "NATO",
    R.ADMIN: "NATO",
}
OWN, OTHER = "own", "other"
# For organization-addressed routes: an organization that is not the actor's.
OTHER_ORGANIZATION = {"GEO": "JOR", "NATO": "GEO", "PTEC-AUT-AUTINT": "GEO", None: "GEO"}


@dataclass(frozen=True)
class Route:
    """How to call a route and what each role should get."""

    expect: Callable[[str, str], int]  # (role, ownership) -> status
    method: str = "GET"
    kwargs: Callable[[World, str | None, str], dict[str, Any]] = field(
        default=lambda world, org, ownership: {}
    )  # (the objects, actor's org code, ownership) -> URL kwargs
    owned: bool = False  # does the object belong to an organization (own/other matter)?
    data: dict[str, Any] = field(default_factory=dict)
    json: bool = False  # send `data` as a JSON body (API) rather than a form
    prefix: str = ""  # a form prefix, formatted with the URL kwargs (e.g. "feedback-{id}")


def page(ok: int = 200) -> Callable[[str, str], int]:
    """A page every signed-in role may open."""
    return lambda role, ownership: 302 if role == ANON else ok


def api_read() -> Callable[[str, str], int]:
    """An API read every signed-in role may make."""
    return lambda role, ownership: 401 if role == ANON else 200


def only(*roles: str, anon: int, ok: int = 200) -> Callable[[str, str], int]:
    """Allowed roles get `ok`; other signed-in roles 403."""
    return lambda role, ownership: anon if role == ANON else (ok if role in roles else 403)


@dataclass
class World:
    """Objects owned by the actor's side and by the other side.

    Activity A is hosted by PTEC-AUT-AUTINT (the test institution manager's own) and open to
    GEO only (the test liaison's partner), with a GEO nomination; B is hosted by JAPCC and
    open to JOR only, with a JOR nomination. So for the liaison and the manager, A and its
    nomination are "own" and B and its nomination "other" (invisible: 404); alliance staff
    see both.
    """

    own_activity: int = 0
    other_activity: int = 0
    own_nomination: int = 0
    other_nomination: int = 0
    own_feed: int = 0
    other_feed: int = 0
    # Each side's partner (GEO, JOR) has an agreed programme (ITPP 2026-2027) with one
    # objective, one planned activity and a partner self-assessment for 2026, and a draft for
    # the next cycle (2028-2029) with one objective and one planned activity.
    own_programme: int = 0
    other_programme: int = 0
    own_objective: int = 0
    other_objective: int = 0
    own_item: int = 0
    other_item: int = 0
    own_draft: int = 0
    other_draft: int = 0
    # A finished analytics report requested by the acting user, and one by the JOR liaison.
    own_report: int = 0
    other_report: int = 0
    # A finished allocation run of next year's cycle (one allocated activity, one pending
    # GEO nomination). Runs are the alliance's, owned by no organization: no own/other.
    run: int = 0
    run_nomination: int = 0


def org_code(world: World, org: str | None, ownership: str) -> dict[str, str]:
    return {"code": (org or "NATO") if ownership == OWN else OTHER_ORGANIZATION[org]}


def framework(world: World, org: str | None, ownership: str) -> dict[str, str]:
    return {"code": "PfP"}


def operation(world: World, org: str | None, ownership: str) -> dict[str, str]:
    return {"code": "KFOR"}


def activity(world: World, org: str | None, ownership: str) -> dict[str, int]:
    return {"activity_id": world.own_activity if ownership == OWN else world.other_activity}


def nomination(world: World, org: str | None, ownership: str) -> dict[str, int]:
    pk = world.own_nomination if ownership == OWN else world.other_nomination
    return {"nomination_id": pk}


def feed(world: World, org: str | None, ownership: str) -> dict[str, int]:
    return {"feed_id": world.own_feed if ownership == OWN else world.other_feed}


def programme(world: World, org: str | None, ownership: str) -> dict[str, int]:
    """The side's agreed programme (GEO's is the liaison's own)."""
    return {"programme_id": world.own_programme if ownership == OWN else world.other_programme}


def draft(world: World, org: str | None, ownership: str) -> dict[str, int]:
    """The side's draft for the next cycle."""
    return {"programme_id": world.own_draft if ownership == OWN else world.other_draft}


def objective(world: World, org: str | None, ownership: str) -> dict[str, int]:
    return {"objective_id": world.own_objective if ownership == OWN else world.other_objective}


def programme_item(world: World, org: str | None, ownership: str) -> dict[str, int]:
    return {"item_id": world.own_item if ownership == OWN else world.other_item}


def partner_code(world: World, org: str | None, ownership: str) -> dict[str, str]:
    """The liaison's own partner (GEO) or the other side's (JOR)."""
    return {"code": "GEO" if ownership == OWN else "JOR"}


LIAISON, MANAGER = R.PARTNER_LIAISON, R.INSTITUTION_MANAGER
SIDED = (LIAISON, MANAGER)  # roles for which "other" objects are invisible
ALLIANCE_STAFF = (R.COORDINATOR, R.ANALYST, R.AUDITOR, R.ADMIN)


def sided(
    own: dict[str, int],
    default: int,
    *,
    anon: int,
    other: int = 404,
    staff_other: int | None = None,
) -> Callable[[str, str], int]:
    """Per role for the own object (`own`, else `default`); the other side's object is
    invisible (`other`) to liaisons and managers, and answers like their own to staff
    (or `staff_other`)."""

    def expect(role: str, ownership: str) -> int:
        if role == ANON:
            return anon
        result = own.get(role, default)
        if ownership == OTHER:
            if role in SIDED:
                return other
            if staff_other is not None:
                return staff_other
        return result

    return expect


NOMINATE_FORM = {"name": "Matrix Participant", "email": "", "rank": "", "priority": "1"}
ACTIVITY_JSON = {
    "title": "Matrix course", "type": "course", "host": "PTEC-AUT-AUTINT",
    "primary_area": "cbrn_defence", "start": "2027-06-01", "end": "2027-06-05", "seats": 10,
    "per_partner_cap": 2, "eligibility": {"all_partners": True}, "mode": "fcfs",
}  # fmt: skip


def _stored_report(user: User) -> int:
    """A finished report, stored directly (building one is tests/analytics/test_reports.py's)."""
    from coopsec.analytics.models import Report, ReportStatus

    report = Report.objects.create(
        requested_by=user, section="depth-breadth", format="pdf", status=ReportStatus.DONE,
        progress=100, filename="coopsec-depth-breadth.pdf", content=b"%PDF-1.4", size=8,
    )  # fmt: skip
    return report.pk


def report(world: World, org: str | None, ownership: str) -> dict[str, int]:
    return {"report_id": world.own_report if ownership == OWN else world.other_report}


def allocation_run(world: World, org: str | None, ownership: str) -> dict[str, int]:
    return {"run_id": world.run}


def run_decision(world: World, org: str | None, ownership: str) -> dict[str, int]:
    return {"run_id": world.run, "nomination_id": world.run_nomination}


def build_world(
    user: User | None,
    make_user: Callable[..., User],
    *,
    with_programmes: bool = True,
    with_planning: bool = False,
) -> World:
    """Two activities and two nominations, one on each side, two calendar feeds, each
    side's programmes, and (`with_planning`) an allocation run."""
    geo, jor = make_user(LIAISON, "GEO"), make_user(LIAISON, "JOR")
    own = factories.open_activity(organizations=["GEO"], host="PTEC-AUT-AUTINT")
    other = factories.open_activity(organizations=["JOR"], host="JAPCC")
    world = World(
        own_activity=own.pk,
        other_activity=other.pk,
        own_nomination=factories.nominate(geo, own).pk,
        other_nomination=factories.nominate(jor, other).pk,
    )
    if user is not None and user.organization is not None:
        world.own_feed = calendar_feed_create(actor=Actor.from_user(user)).feed.pk
    world.other_feed = calendar_feed_create(actor=Actor.from_user(jor)).feed.pk
    if user is not None:
        world.own_report = _stored_report(user)
    world.other_report = _stored_report(jor)
    # Only the programmes' own routes need programmes (stored directly: see the factory).
    for side, liaison in (("own", geo), ("other", jor)) if with_programmes else ():
        agreed, draft = programmes.stored_programmes(liaison)
        goal = agreed.objectives.get()
        setattr(world, f"{side}_programme", agreed.pk)
        setattr(world, f"{side}_objective", goal.pk)
        setattr(world, f"{side}_item", goal.items.get().pk)
        setattr(world, f"{side}_draft", draft.pk)
    if with_planning:
        world.run, world.run_nomination = matrix_run()
    return world

"""Tenancy-matrix expectations for the programmes app's pages (see tests/tenancy.py).

Reading the rows: a liaison (GEO) gets 404 for the other partner's (JOR's) programme,
objectives, planned activities, interests and assessments, exactly as for something that does
not exist; institution managers see no programme, so every page about a partner or a
programme answers them 404. List pages (the programme list and the coordinators' queue) answer
200 to every signed-in role and list what the selectors let the reader see: its own partner's
for a liaison, nothing for a manager, everything for alliance staff. Analysts and auditors read
every page (200) and are refused every change (403). Administrators act as coordinators.

A page that is also a form (interests, the assessment page, the edit pages) is checked here
with GET; its POST is in tests/programmes/test_views.py.
"""

from __future__ import annotations

from typing import Any

from coopsec.accounts import roles as R
from tests.tenancy import (
    LIAISON,
    MANAGER,
    Route,
    World,
    draft,
    objective,
    only,
    page,
    partner_code,
    programme,
    programme_item,
    sided,
)

COORDINATOR, ADMIN = R.COORDINATOR, R.ADMIN
# Those who may change a programme in its current state, per the seeded objects: the draft is
# the partner's to edit; the agreed programme both sides' (each change a new revision).
DRAFT_EDITORS = {LIAISON: 302, MANAGER: 404}
AGREED_EDITORS = {LIAISON: 302, COORDINATOR: 302, ADMIN: 302, MANAGER: 404}
AGREED_EDIT_PAGE = {LIAISON: 200, COORDINATOR: 200, ADMIN: 200, MANAGER: 404}
READ = {MANAGER: 404}  # every other signed-in role reads (liaisons: their own partner's)

OBJECTIVE_FORM = {
    "title": "Matrix objective", "area": "cyber_defence", "indicator": "Officers trained",
    "target": "4 officers", "target_date": "2029-06-30",
}  # fmt: skip


def item(world: World, org: str | None, ownership: str) -> dict[str, Any]:
    """A planned activity of the side's agreed programme, addressed through the programme."""
    return {**programme(world, org, ownership), **programme_item(world, org, ownership)}


def export(world: World, org: str | None, ownership: str) -> dict[str, Any]:
    return {**programme(world, org, ownership), "fmt": "pdf"}


EXPECTATIONS: dict[str, Route] = {
    # Lists: 200 for every signed-in role, with what the reader may see.
    "programmes:programme-list": Route(expect=page()),
    "programmes:programme-queue": Route(expect=page()),
    "programmes:programme-create": Route(expect=only(LIAISON, anon=302)),
    # A partner's interests and assessment dashboard.
    "programmes:interests": Route(
        kwargs=partner_code, owned=True, expect=sided(READ, 200, anon=302)
    ),
    "programmes:assessment-dashboard": Route(
        kwargs=partner_code, owned=True, expect=sided(READ, 200, anon=302)
    ),
    # One programme.
    "programmes:programme-detail": Route(
        kwargs=programme, owned=True, expect=sided(READ, 200, anon=302)
    ),
    "programmes:programme-revisions": Route(
        kwargs=programme, owned=True, expect=sided(READ, 200, anon=302)
    ),
    "programmes:programme-export": Route(
        kwargs=export, owned=True, expect=sided(READ, 200, anon=302)
    ),
    "programmes:programme-update": Route(
        kwargs=programme, owned=True, expect=sided(AGREED_EDIT_PAGE, 403, anon=302)
    ),
    "programmes:programme-submit": Route(
        method="POST", kwargs=draft, owned=True, expect=sided(DRAFT_EDITORS, 403, anon=302)
    ),
    # Coordinators reach the rule that only a submitted programme is agreed (a message on the
    # programme's page, 302) or returned (the return form again with the reason, 400).
    "programmes:programme-agree": Route(
        method="POST",
        kwargs=programme,
        owned=True,
        expect=sided({COORDINATOR: 302, ADMIN: 302, MANAGER: 404}, 403, anon=302),
    ),
    "programmes:programme-return": Route(
        method="POST",
        data={"comment": "Matrix: please revise."},
        kwargs=programme,
        owned=True,
        expect=sided({COORDINATOR: 400, ADMIN: 400, MANAGER: 404}, 403, anon=302),
    ),
    "programmes:programme-comment": Route(
        method="POST",
        data={"text": "Matrix comment."},
        kwargs=programme,
        owned=True,
        expect=sided(AGREED_EDITORS, 403, anon=302),
    ),
    # Objectives.
    "programmes:objective-add": Route(
        method="POST",
        data=OBJECTIVE_FORM,
        kwargs=draft,
        owned=True,
        expect=sided(DRAFT_EDITORS, 403, anon=302),
    ),
    "programmes:objective-update": Route(
        kwargs=objective, owned=True, expect=sided(AGREED_EDIT_PAGE, 403, anon=302)
    ),
    # The objective has been assessed: editors reach the rule that it stays on record (a
    # message on the programme's page, 302).
    "programmes:objective-remove": Route(
        method="POST", kwargs=objective, owned=True, expect=sided(AGREED_EDITORS, 403, anon=302)
    ),
    "programmes:objective-assessment": Route(
        kwargs=objective, owned=True, expect=sided(READ, 200, anon=302)
    ),
    # Planned activities. The form names no objective: the partner reaches the service's rule
    # that a planned activity serves one of the programme's objectives (the form again, 400).
    "programmes:item-add": Route(
        method="POST",
        data={"area": "cyber_defence", "year": "2028", "planned_seats": "1"},
        kwargs=draft,
        owned=True,
        expect=sided({LIAISON: 400, MANAGER: 404}, 403, anon=302),
    ),
    "programmes:item-update": Route(
        kwargs=item, owned=True, expect=sided(AGREED_EDIT_PAGE, 403, anon=302)
    ),
    "programmes:item-remove": Route(
        method="POST", kwargs=item, owned=True, expect=sided(AGREED_EDITORS, 403, anon=302)
    ),
}

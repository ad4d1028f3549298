"""Tenancy-matrix expectations for the programmes app's api routes (see tests/tenancy.py).

The World gives each side (GEO: the test liaison's own; JOR: the other) an agreed programme
(`programme`, ITPP 2026-2027, with `objective`, `programme_item` and a partner assessment for
2026) and a draft for 2028-2029 (`draft`). Institution managers see no programme, objective
or interest at all (404, or an empty list); alliance staff see every partner's; analysts and
auditors only read (403 on writes).
"""

from __future__ import annotations

from coopsec.accounts import roles as R
from tests.tenancy import (
    LIAISON,
    MANAGER,
    Route,
    api_read,
    draft,
    nomination,
    objective,
    only,
    partner_code,
    programme,
    programme_item,
    sided,
)

READ = sided({MANAGER: 404}, 200, anon=401)


def editors(status: int) -> dict[str, int]:
    """Both sides of an agreed programme act (`status`); a manager does not see it."""
    return {LIAISON: status, R.COORDINATOR: status, R.ADMIN: status, MANAGER: 404}


OBJECTIVE_JSON = {
    "title": "Matrix objective", "area": "cyber_defence", "indicator": "Officers trained",
    "target": "4 officers", "target_date": "2027-12-31",
}  # fmt: skip

EXPECTATIONS: dict[str, Route] = {
    # --- interests -------------------------------------------------------------------------
    "GET /api/v1/partners/{code}/interests": Route(kwargs=partner_code, owned=True, expect=READ),
    # The partner side is the partner's liaisons' to record; everyone else who sees it: 403.
    "PUT /api/v1/partners/{code}/interests": Route(
        data={"side": "partner", "areas": {"cyber_defence": 4}},
        json=True,
        kwargs=partner_code,
        owned=True,
        expect=sided({LIAISON: 200, MANAGER: 404}, 403, anon=401),
    ),
    "GET /api/v1/partners/{code}/interests/history": Route(
        kwargs=partner_code, owned=True, expect=READ
    ),
    "GET /api/v1/partners/{code}/overlap": Route(kwargs=partner_code, owned=True, expect=READ),
    # --- programmes ------------------------------------------------------------------------
    # Managers see an empty list.
    "GET /api/v1/programmes": Route(expect=api_read()),
    # The liaison reaches the rule of one programme in preparation per partner (its draft): 400.
    "POST /api/v1/programmes": Route(
        data={"type": "ITPP", "cycle_start": 2030, "cycle_end": 2031},
        json=True,
        expect=only(LIAISON, anon=401, ok=400),
    ),
    "GET /api/v1/programmes/{programme_id}": Route(kwargs=programme, owned=True, expect=READ),
    # An agreed programme is changed by both sides (as a new revision).
    "PUT /api/v1/programmes/{programme_id}": Route(
        data={"type": "ITPP", "cycle_start": 2026, "cycle_end": 2027, "title": "Matrix"},
        json=True,
        kwargs=programme,
        owned=True,
        expect=sided(editors(200), 403, anon=401),
    ),
    "POST /api/v1/programmes/{programme_id}/submit": Route(
        kwargs=draft, owned=True, expect=sided({LIAISON: 200, MANAGER: 404}, 403, anon=401)
    ),
    # Coordinators reach the rule that only a submitted programme is agreed or returned: 400.
    "POST /api/v1/programmes/{programme_id}/agree": Route(
        data={"note": "Matrix"},
        json=True,
        kwargs=draft,
        owned=True,
        expect=sided({R.COORDINATOR: 400, R.ADMIN: 400, MANAGER: 404}, 403, anon=401),
    ),
    "POST /api/v1/programmes/{programme_id}/return": Route(
        data={"comment": "Matrix"},
        json=True,
        kwargs=draft,
        owned=True,
        expect=sided({R.COORDINATOR: 400, R.ADMIN: 400, MANAGER: 404}, 403, anon=401),
    ),
    "POST /api/v1/programmes/{programme_id}/comments": Route(
        data={"text": "Matrix"},
        json=True,
        kwargs=programme,
        owned=True,
        expect=sided(editors(201), 403, anon=401),
    ),
    # --- objectives ------------------------------------------------------------------------
    # A draft is the partner's to edit; coordinators wait for its submission (403).
    "POST /api/v1/programmes/{programme_id}/objectives": Route(
        data={**OBJECTIVE_JSON, "target_date": "2029-12-31"},
        json=True,
        kwargs=draft,
        owned=True,
        expect=sided({LIAISON: 201, MANAGER: 404}, 403, anon=401),
    ),
    "GET /api/v1/objectives/{objective_id}": Route(kwargs=objective, owned=True, expect=READ),
    "PUT /api/v1/objectives/{objective_id}": Route(
        data=OBJECTIVE_JSON,
        json=True,
        kwargs=objective,
        owned=True,
        expect=sided(editors(200), 403, anon=401),
    ),
    # Editors reach the rule that an assessed objective stays on record: 400.
    "DELETE /api/v1/objectives/{objective_id}": Route(
        kwargs=objective,
        owned=True,
        expect=sided(editors(400), 403, anon=401),
    ),
    "GET /api/v1/objectives/{objective_id}/evidence": Route(
        kwargs=objective, owned=True, expect=READ
    ),
    # --- planned activities ----------------------------------------------------------------
    # A request body cannot name the World's objective: editors reach the check that the
    # objective is the programme's (400); the permission is checked first (403).
    "POST /api/v1/programmes/{programme_id}/items": Route(
        data={"objective": 0, "area": "cyber_defence", "year": 2026},
        json=True,
        kwargs=programme,
        owned=True,
        expect=sided(editors(400), 403, anon=401),
    ),
    "PUT /api/v1/programme-items/{item_id}": Route(
        data={"objective": 0, "area": "cyber_defence", "year": 2026},
        json=True,
        kwargs=programme_item,
        owned=True,
        expect=sided(editors(400), 403, anon=401),
    ),
    "DELETE /api/v1/programme-items/{item_id}": Route(
        kwargs=programme_item,
        owned=True,
        expect=sided(editors(204), 403, anon=401),
    ),
    # --- assessments and revisions -----------------------------------------------------------
    "GET /api/v1/programmes/{programme_id}/assessments": Route(
        kwargs=programme, owned=True, expect=READ
    ),
    # As for items, the body cannot name the World's objective: whoever sees the programme
    # reaches the check that the objective is the programme's (400).
    "POST /api/v1/programmes/{programme_id}/assessments": Route(
        data={"objective": 0, "period": "2026-H2", "rating": "on_track"},
        json=True,
        kwargs=programme,
        owned=True,
        expect=sided({MANAGER: 404}, 400, anon=401),
    ),
    "GET /api/v1/programmes/{programme_id}/revisions": Route(
        kwargs=programme, owned=True, expect=READ
    ),
    # --- nominations serving a programme ---------------------------------------------------
    # Only the nominating partner's liaisons link (here: clear) the item; the host and staff
    # see the nomination (403), auditors do not (404).
    "POST /api/v1/nominations/{nomination_id}/programme-item": Route(
        data={"item": None},
        json=True,
        kwargs=nomination,
        owned=True,
        expect=sided({LIAISON: 200, R.AUDITOR: 404}, 403, anon=401),
    ),
}

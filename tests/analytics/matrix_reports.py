"""Tenancy-matrix expectations for the analytics reports (see tests/tenancy.py).

Every reader of a section may ask for a report; a report is its requester's alone, so
another user's answers 404 whatever the role (even an administrator's: it holds what its
requester was allowed to read). Auditors read no section, so they may not ask for one.
"""

from __future__ import annotations

from coopsec.accounts import roles as R
from tests.tenancy import ANON, LIAISON, MANAGER, OWN, Route, only, report

READERS = (R.COORDINATOR, R.ANALYST, R.ADMIN, LIAISON, MANAGER)


def _own_only(anon: int) -> Route:
    return Route(
        kwargs=report,
        owned=True,
        expect=lambda role, o: anon if role == ANON else (200 if o == OWN else 404),
    )


EXPECTATIONS: dict[str, Route] = {
    # Every signed-in user has a list of its own reports (an auditor's is empty).
    "analytics:reports": Route(expect=lambda role, o: 302 if role == ANON else 200),
    "analytics:report": _own_only(302),
    "analytics:report-status": _own_only(302),
    "analytics:report-download": _own_only(302),
    "GET /api/v1/analytics/reports": Route(expect=lambda role, o: 401 if role == ANON else 200),
    "GET /api/v1/analytics/reports/{report_id}": _own_only(401),
    "GET /api/v1/analytics/reports/{report_id}/file": _own_only(401),
    # Depth versus breadth: a section every reader but auditors may open.
    "POST /api/v1/analytics/reports": Route(
        json=True,
        data={"section": "depth-breadth", "format": "xlsx", "from": "2026", "to": "2026"},
        expect=only(*READERS, anon=401, ok=202),
    ),
}

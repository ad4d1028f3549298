"""Tenancy-matrix expectations for the analytics pages (see tests/tenancy.py).

The pages read through the same selectors as the API (tests/analytics/matrix.py), so they
answer the same roles: alliance staff and partner liaisons every section; institution
managers the sections without per-partner rows (area balance with its drill-down, depth
versus breadth), redundancy, and the overview that links them; liaisons no redundancy;
auditors none (403). Anonymous readers are sent to sign in (302).
"""

from __future__ import annotations

from coopsec.accounts import roles as R
from tests.tenancy import LIAISON, MANAGER, Route, World, only

STAFF = (R.COORDINATOR, R.ANALYST, R.ADMIN)
EVERY_READER = (*STAFF, LIAISON)


def _area(world: World, org: str | None, ownership: str) -> dict[str, str]:
    return {"area": "cbrn_defence"}


EXPECTATIONS: dict[str, Route] = {
    "analytics:overview": Route(expect=only(*EVERY_READER, MANAGER, anon=302)),
    "analytics:area-balance": Route(expect=only(*EVERY_READER, MANAGER, anon=302)),
    "analytics:area-detail": Route(kwargs=_area, expect=only(*EVERY_READER, MANAGER, anon=302)),
    "analytics:overlap": Route(expect=only(*EVERY_READER, anon=302)),
    "analytics:attention": Route(expect=only(*EVERY_READER, anon=302)),
    "analytics:depth-breadth": Route(expect=only(*EVERY_READER, MANAGER, anon=302)),
    "analytics:network": Route(expect=only(*EVERY_READER, anon=302)),
    # Comparing the hosts' offers is the alliance's (and the hosts') business: no liaisons.
    "analytics:redundancy": Route(
        expect=only(R.COORDINATOR, R.ANALYST, R.ADMIN, MANAGER, anon=302)
    ),
}

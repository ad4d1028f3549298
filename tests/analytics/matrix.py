"""Tenancy-matrix expectations for the analytics routes (see tests/tenancy.py).

Analytics are aggregates: coordinators, analysts, admins and partner liaisons read every
section (a liaison without other partners' names: tests/analytics/test_access.py checks
what it receives); institution managers read the sections without per-partner rows (area
balance, depth versus breadth); auditors read the audit trail, not the analytics (403).
"""

from __future__ import annotations

from coopsec.accounts import roles as R
from tests.analytics import matrix_network, matrix_pages, matrix_redundancy, matrix_reports
from tests.tenancy import LIAISON, MANAGER, Route, only

EVERY_READER = (R.COORDINATOR, R.ANALYST, R.ADMIN, LIAISON)

EXPECTATIONS: dict[str, Route] = {
    "GET /api/v1/analytics/area-balance": Route(expect=only(*EVERY_READER, MANAGER, anon=401)),
    "GET /api/v1/analytics/area-balance/{area}": Route(
        kwargs=lambda world, org, ownership: {"area": "cbrn_defence"},
        expect=only(*EVERY_READER, MANAGER, anon=401),
    ),
    "GET /api/v1/analytics/overlap": Route(expect=only(*EVERY_READER, anon=401)),
    "GET /api/v1/analytics/attention": Route(expect=only(*EVERY_READER, anon=401)),
    "GET /api/v1/analytics/depth-breadth": Route(expect=only(*EVERY_READER, MANAGER, anon=401)),
}
# Each part of the analytics has its own module of rows (the API sections above).
for _part in (matrix_network, matrix_redundancy, matrix_pages, matrix_reports):
    EXPECTATIONS.update(_part.EXPECTATIONS)

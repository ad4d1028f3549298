"""Tenancy-matrix expectations for the analytics redundancy routes (see tests/tenancy.py).

Redundancy compares the hosts' offers: alliance staff and institution managers (over the
activities on their menu) read it; partner liaisons and auditors do not.
"""

from __future__ import annotations

from coopsec.accounts import roles as R
from tests.tenancy import MANAGER, Route, only

EXPECTATIONS: dict[str, Route] = {
    "GET /api/v1/analytics/redundancy": Route(
        expect=only(R.COORDINATOR, R.ANALYST, R.ADMIN, MANAGER, anon=401)
    ),
}

"""Tenancy-matrix expectations for the analytics network routes (see tests/tenancy.py).

Staff read the named network, a partner liaison its own partner's row and the network-wide
figures; institution managers (the network is per-partner data) and auditors get 403."""

from __future__ import annotations

from coopsec.accounts import roles as R
from tests.tenancy import LIAISON, Route, only

EXPECTATIONS: dict[str, Route] = {
    "GET /api/v1/analytics/network": Route(
        expect=only(R.COORDINATOR, R.ANALYST, R.ADMIN, LIAISON, anon=401)
    ),
}

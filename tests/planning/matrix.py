"""Tenancy-matrix expectations for the planning routes, pages and API (see tests/tenancy.py).

An allocation run is the alliance's planning, owned by no organization: coordinators and
administrators start, adjust and apply runs; analysts read them; everyone else gets 403
(tests/planning/test_services.py checks the rule itself); anonymous readers are sent to
sign in (pages) or get 401 (API). The world holds one finished run of next year's cycle,
with one allocated activity and one pending nomination. A planner's POST to a page is
answered with a redirect to the run's page (302).
"""

from __future__ import annotations

from coopsec.accounts import roles as R
from tests.planning.pages import run_form_data
from tests.planning.workflow import next_cycle
from tests.tenancy import Route, allocation_run, only, run_decision

PLANNERS = (R.COORDINATOR, R.ADMIN)
READERS = (*PLANNERS, R.ANALYST)
CYCLE = next_cycle()

EXPECTATIONS: dict[str, Route] = {
    # pages
    "planning:run-list": Route(expect=only(*READERS, anon=302)),
    "planning:run-create": Route(
        method="POST", data=run_form_data(CYCLE), expect=only(*PLANNERS, anon=302, ok=302)
    ),
    "planning:run-detail": Route(kwargs=allocation_run, expect=only(*READERS, anon=302)),
    "planning:run-status": Route(kwargs=allocation_run, expect=only(*READERS, anon=302)),
    "planning:run-apply": Route(
        method="POST", kwargs=allocation_run, expect=only(*PLANNERS, anon=302, ok=302)
    ),
    "planning:decision-adjust": Route(
        method="POST",
        data={"outcome": "waitlisted"},
        kwargs=run_decision,
        expect=only(*PLANNERS, anon=302, ok=302),
    ),
    # API
    "GET /api/v1/planning/runs": Route(expect=only(*READERS, anon=401)),
    "POST /api/v1/planning/runs": Route(
        json=True, data={"cycle": CYCLE}, expect=only(*PLANNERS, anon=401, ok=202)
    ),
    "GET /api/v1/planning/runs/{run_id}": Route(
        kwargs=allocation_run, expect=only(*READERS, anon=401)
    ),
    "POST /api/v1/planning/runs/{run_id}/decisions/{nomination_id}": Route(
        json=True,
        data={"outcome": "waitlisted"},
        kwargs=run_decision,
        expect=only(*PLANNERS, anon=401),
    ),
    "POST /api/v1/planning/runs/{run_id}/apply": Route(
        kwargs=allocation_run, expect=only(*PLANNERS, anon=401, ok=202)
    ),
    "GET /api/v1/planning/frontier": Route(data={"cycle": CYCLE}, expect=only(*READERS, anon=401)),
}

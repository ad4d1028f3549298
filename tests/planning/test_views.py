"""The planning pages on the small hand-made cycle (tests/planning/workflow.py): the runs and
the new run form (each refusal next to its field, nothing stored), a run's page while its
task works and once done (the methods side by side, the decisions filtered and paginated,
the marginal seats, the frontier with each point's seats per partner), adjusting a decision
and applying the run from the page (a task), and who sees what."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.models import Nomination
from coopsec.activities.services import nomination_withdraw
from coopsec.planning import services
from coopsec.planning.models import AllocationRun, Outcome, RunStatus
from coopsec.planning.presentation import shown
from tests.planning.pages import run_form_data
from tests.planning.workflow import CYCLE, SmallCycle, frozen_today, small_cycle
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db
__all__ = ["frozen_today"]

LIST, CREATE = "/planning/", "/planning/runs/new"


@pytest.fixture
def small(reference: None, frozen_today: None) -> SmallCycle:
    return small_cycle()


@pytest.fixture
def coordinator_client(make_user: Callable[..., User], client_for: Callable[..., Client]) -> Client:
    return client_for(make_user(R.COORDINATOR, "NATO"))


def text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def field_errors(page: str, name: str) -> str:
    """The errors shown inside one form field's block (data-field="name")."""
    start = page.index(f'data-field="{name}"')
    end = page.find("data-field=", start + 1)
    block = page[start : end if end > 0 else None]
    return " ".join(re.findall(r'<p class="field__error">(.*?)</p>', block, re.S))


def rows(page: str, table: str) -> list[str]:
    """The body rows of a table, by id."""
    body = page[page.index(f'id="{table}"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(r"<tr\b.*?</tr>", body, re.S)


def embedded(page: str, name: str) -> Any:
    """The JSON a page embeds with json_script."""
    return json.loads(re.findall(rf'id="{name}"[^>]*>(.*?)</script>', page, re.S)[0])


def run_page(client: Client, run: AllocationRun, **query: str) -> str:
    response = client.get(f"/planning/runs/{run.pk}/", query)
    assert response.status_code == 200, response.status_code
    return text(response)


def solved(small: SmallCycle, client: Client, **changes: object) -> AllocationRun:
    response = client.post(CREATE, run_form_data(CYCLE, **changes))
    assert response.status_code == 302, text(response)[:3000]
    run_tasks()
    return AllocationRun.objects.latest("pk")


# --- the list and the form -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "org", "status", "form"),
    [
        (R.COORDINATOR, "NATO", 200, True),
        (R.ADMIN, "NATO", 200, True),
        (R.ANALYST, "NATO", 200, False),
        (R.AUDITOR, "NATO", 403, False),
        (R.PARTNER_LIAISON, "GEO", 403, False),
    ],
)
def test_the_runs_page_per_role(
    small: SmallCycle,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
    role: str,
    org: str,
    status: int,
    form: bool,
) -> None:
    client = client_for(make_user(role, org))
    response = client.get(LIST)
    assert response.status_code == status
    page = text(response)
    assert ('href="/planning/"' in page) == (status == 200)  # the nav entry
    assert ('id="new-run"' in page) == form
    if form:
        # Each main parameter starts at the optimizer's default, with its help.
        assert re.search(r'name="fairness_floor"[^>]*value="0.25"', page)
        assert re.search(r'name="time_limit"[^>]*value="60.0"', page)
        assert "Default: 0.25." in page
        assert f'<option value="{CYCLE}" selected>' in page


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"weight_seat": "-1"}, "weight_seat", "greater than or equal to 0"),
        ({"fairness_floor": "1.5"}, "fairness_floor", "less than or equal to 1"),
        ({"breadth_seats": "two"}, "breadth_seats", "whole number"),
        ({"advanced": '{"colour": 1}'}, "advanced", "params.colour: unknown parameter"),
        ({"advanced": "{not json"}, "advanced", "not valid JSON"),
        ({"advanced": "[1]"}, "advanced", "JSON object"),
        ({"advanced": '{"weight_seat": 2}'}, "advanced", "weight_seat has its own field"),
        ({"advanced": '{"hard_rules": ["kindness"]}'}, "advanced", "kindness"),
        ({"advanced": '{"partner_budgets": {"QAT": 10}}'}, "advanced", "partner QAT.budget"),
        ({"cycle": "1999"}, "cycle", "Select a valid choice"),
        ({"cycle": "2025"}, "cycle", "No activity in allocated mode, open or closed, starts"),
        ({"cycle": ""}, "cycle", "Choose a cycle, or list activities below."),
        ({"activities": "12, x"}, "activities", "'x' is not an activity id"),
    ],
)
def test_a_bad_run_re_shows_the_form_with_the_error_next_to_its_field(
    small: SmallCycle, coordinator_client: Client, changes: dict[str, str], field: str, says: str
) -> None:
    response = coordinator_client.post(CREATE, run_form_data(**{"cycle": CYCLE, **changes}))
    assert response.status_code == 400
    page = text(response)
    assert 'id="run-errors"' in page
    assert says in field_errors(page, field)
    # What was typed is kept (a year not offered cannot be).
    for name, value in changes.items():
        if name == "cycle" and value == "2025":
            assert '<option value="2025" selected>' in page
        elif name not in ("advanced", "cycle"):
            assert f'value="{value}"' in page
    assert not AllocationRun.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_listed_activities_are_checked_by_the_service(
    small: SmallCycle, coordinator_client: Client
) -> None:
    both = coordinator_client.post(CREATE, run_form_data(CYCLE, activities=str(small.a1.pk)))
    assert "not both" in field_errors(text(both), "cycle")
    fcfs = coordinator_client.post(CREATE, run_form_data("", activities=f"{small.fcfs.pk}"))
    assert fcfs.status_code == 400
    assert "activities[0]: activity" in field_errors(text(fcfs), "activities")
    assert "first come, first served" in field_errors(text(fcfs), "activities")
    listed = coordinator_client.post(
        CREATE, run_form_data("", activities=f"{small.a2.pk}, {small.a3.pk}")
    )
    assert listed.status_code == 302
    run = AllocationRun.objects.get()
    assert run.cycle is None and run.activities == [small.a2.pk, small.a3.pk]


def test_an_analyst_may_not_start_a_run(
    small: SmallCycle, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    client = client_for(make_user(R.ANALYST, "NATO"))
    response = client.post(CREATE, run_form_data(CYCLE, weight_seat="-1"))
    assert response.status_code == 403
    assert "Only coordinators and administrators" in text(response)
    assert not AllocationRun.objects.exists()


# --- a run's page --------------------------------------------------------------------------


def test_a_run_from_the_form_to_its_figures(small: SmallCycle, coordinator_client: Client) -> None:
    response = coordinator_client.post(CREATE, run_form_data(CYCLE, fairness_floor="0.4"))
    run = AllocationRun.objects.get()
    assert response["Location"] == f"/planning/runs/{run.pk}/"
    assert run.params["fairness_floor"] == 0.4 and run.params["weight_seat"] == 1.0
    assert "total_budget" not in run.params  # left empty: no total budget
    # Queued: the page follows the task; no figures yet.
    page = run_page(coordinator_client, run)
    assert 'data-busy="true"' in page and 'data-status="queued"' in page
    assert 'id="comparison"' not in page and 'id="apply-run"' not in page
    status = coordinator_client.get(f"/planning/runs/{run.pk}/status").json()
    assert status["status"] == "queued" and status["busy"] is True and status["progress"] == 0

    run_tasks()
    run.refresh_from_db()
    status = coordinator_client.get(f"/planning/runs/{run.pk}/status").json()
    assert status == {**status, "status": "done", "busy": False, "progress": 100}
    page = run_page(coordinator_client, run)
    assert 'data-busy="false"' in page and 'id="apply-run"' in page
    # The three methods side by side, as stored.
    figures = {
        re.findall(r'data-figure="(\w+)"', row)[0]: re.findall(r'<td class="num">(.*?)</td>', row)
        for row in rows(page, "comparison-table")
    }
    for method, cell in zip(("optimum", "fcfs", "round_robin"), range(3), strict=True):
        assert figures["seats"][cell] == str(run.metrics[method]["seats"])
        assert figures["value"][cell] == shown(run.metrics[method]["value"], "number")
        assert figures["gini"][cell] == shown(run.metrics[method]["gini"], "gini")
    assert set(figures) >= {"bound", "gap", "seconds", "partners_served", "min_satisfaction",
                            "neglected_fill"}  # fmt: skip
    chart = embedded(page, "comparison-data")
    assert [m["data"][1] for m in chart["methods"]] == [
        run.metrics[m]["min_satisfaction"] for m in ("optimum", "fcfs", "round_robin")
    ]
    # Every decision, with the three outcomes and the reason.
    decided = rows(page, "decision-table")
    assert len(decided) == 10
    capped = run.decisions.get(reason_code="partner_cap")
    row = next(r for r in decided if f'id="decision-{capped.nomination_id}"' in r)
    assert "GEO already holds its cap of 1 seats" in html.unescape(row)
    # The frontier keeps each point's seats per partner.
    frontier = embedded(page, "frontier-data")
    assert len(frontier["points"]) == 8
    for point, stored in zip(frontier["points"], run.frontier["points"], strict=True):
        assert sum(point["partner_seats"].values()) == point["seats"] == len(stored["chosen"])
        partners = Nomination.objects.filter(pk__in=stored["chosen"]).values_list(
            "partner__code", flat=True
        )
        assert point["partner_seats"] == {c: list(partners).count(c) for c in set(partners)}
    marginal = [m for m in run.marginal_seat_value if m["value"] > 0]
    if marginal:
        assert len(rows(page, "marginal-table")) == len(marginal[:20])
    else:
        assert 'id="marginal-none"' in page


def test_the_decisions_are_filtered_and_paginated(
    small: SmallCycle, coordinator_client: Client
) -> None:
    run = solved(small, coordinator_client)
    confirmed = rows(run_page(coordinator_client, run, outcome="confirmed"), "decision-table")
    assert len(confirmed) == run.metrics["optimum"]["seats"]
    assert all('data-outcome="confirmed"' in r for r in confirmed)
    geo = rows(run_page(coordinator_client, run, partner="GEO"), "decision-table")
    assert len(geo) == 5 and all(">GEO<" in r for r in geo)
    a3 = rows(run_page(coordinator_client, run, activity=small.a3.code), "decision-table")
    assert len(a3) == 2
    wrong = coordinator_client.get(f"/planning/runs/{run.pk}/", {"activity": "NOPE-1"})
    assert wrong.status_code == 400
    assert "No activity NOPE-1 in this run." in field_errors(text(wrong), "activity")
    assert 'id="decision-table"' not in text(wrong)
    wrong = coordinator_client.get(f"/planning/runs/{run.pk}/", {"outcome": "maybe"})
    assert wrong.status_code == 400 and "maybe" in field_errors(text(wrong), "outcome")
    with patch("coopsec.planning.views.DECISIONS_PER_PAGE", 2):
        first = run_page(coordinator_client, run, partner="GEO")
        assert len(rows(first, "decision-table")) == 2 and "Page 1 of 3" in first
        assert 'href="?partner=GEO&page=2#decisions"' in first
        last = run_page(coordinator_client, run, partner="GEO", page="3")
        assert len(rows(last, "decision-table")) == 1


def test_the_run_page_reads_in_few_queries(small: SmallCycle, coordinator_client: Client) -> None:
    run = solved(small, coordinator_client)
    with CaptureQueriesContext(connection) as queries:
        run_page(coordinator_client, run)
    # Session and user, the run, the decisions' count and page, the navigation's counts.
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_adjust_from_the_page(small: SmallCycle, coordinator_client: Client) -> None:
    run = solved(small, coordinator_client)
    seated = run.decisions.filter(activity=small.a2, outcome=Outcome.CONFIRMED).first()
    assert seated is not None
    url = f"/planning/runs/{run.pk}/decisions/{seated.nomination_id}"
    response = coordinator_client.post(url, {"outcome": "declined", "query": "partner=GEO"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/planning/runs/{run.pk}/?partner=GEO#decision-{seated.nomination_id}"
    )
    seated.refresh_from_db()
    assert seated.outcome == Outcome.DECLINED and seated.adjusted
    page = run_page(coordinator_client, run)
    assert 'id="adjusted-note"' in page and "1 decision set by hand" in page
    row = next(
        r for r in rows(page, "decision-table") if f'id="decision-{seated.nomination_id}"' in r
    )
    assert "Set by hand from confirmed to declined." in html.unescape(row)
    # A seat the cap forbids: refused, the reason beside the row, nothing changed.
    capped = run.decisions.get(reason_code="partner_cap")
    url = f"/planning/runs/{run.pk}/decisions/{capped.nomination_id}"
    response = coordinator_client.post(url, {"outcome": "confirmed", "query": "partner=GEO"})
    assert response.status_code == 400
    page = text(response)
    assert "cap of 1" in page[page.index('id="adjust-error"') :][:400]
    assert 'class="row--refused"' in page
    assert len(rows(page, "decision-table")) == 5  # the filters kept
    capped.refresh_from_db()
    assert capped.outcome == Outcome.DECLINED and not capped.adjusted


def test_apply_from_the_page_runs_as_a_task(small: SmallCycle, coordinator_client: Client) -> None:
    run = solved(small, coordinator_client)
    planned = dict(run.decisions.values_list("nomination_id", "outcome"))
    response = coordinator_client.post(f"/planning/runs/{run.pk}/apply")
    assert response.status_code == 302 and response["Location"] == f"/planning/runs/{run.pk}/"
    run.refresh_from_db()
    assert run.status == RunStatus.APPLYING and run.applied_at is None
    page = run_page(coordinator_client, run)
    assert 'data-busy="true"' in page and 'data-status="applying"' in page
    assert 'id="apply-run"' not in page and 'class="adjust-form"' not in page
    assert set(Nomination.objects.filter(pk__in=planned).values_list("state", flat=True)) == {
        "pending"
    }
    assert run_tasks() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.applied_at is not None
    assert dict(Nomination.objects.filter(pk__in=planned).values_list("pk", "state")) == planned
    page = run_page(coordinator_client, run)
    assert 'id="run-applied"' in page and 'id="apply-run"' not in page
    again = coordinator_client.post(f"/planning/runs/{run.pk}/apply")
    assert again.status_code == 400 and "was applied on" in text(again)
    assert run_tasks() == 0


def test_a_stale_run_is_refused_at_once_from_the_page(
    small: SmallCycle, coordinator_client: Client
) -> None:
    run = solved(small, coordinator_client)
    hal = small.nominations["hal"].pk
    nomination_withdraw(actor=Actor.from_user(small.jor), nomination_id=hal)
    response = coordinator_client.post(f"/planning/runs/{run.pk}/apply")
    assert response.status_code == 400
    refusal = text(response)
    refusal = refusal[refusal.index('id="refusal"') :][:1000]
    assert "The cycle changed since run" in refusal and "withdrawn" in refusal
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.applied_at is None
    assert not DBTaskResult.objects.filter(task_path__endswith="run_apply").exists()


def test_an_analyst_reads_but_does_not_change(
    small: SmallCycle,
    coordinator_client: Client,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    run = solved(small, coordinator_client)
    analyst = client_for(make_user(R.ANALYST, "NATO"))
    page = run_page(analyst, run)
    assert 'id="comparison-table"' in page and len(rows(page, "decision-table")) == 10
    assert 'id="apply-run"' not in page and 'class="adjust-form"' not in page
    assert analyst.post(f"/planning/runs/{run.pk}/apply").status_code == 403
    liaison = client_for(small.geo)
    assert liaison.get(f"/planning/runs/{run.pk}/").status_code == 403
    assert liaison.get(f"/planning/runs/{run.pk}/status").json()["error"] == "forbidden"
    assert coordinator_client.get("/planning/runs/999999/").status_code == 404


def test_a_failed_run_says_why(small: SmallCycle, coordinator_client: Client) -> None:
    run = services.run_create(
        actor=Actor.system(),
        activities=[small.a1.pk, small.a3.pk],
        params={"hard_rules": ["fairness_floor"], "fairness_floor": 1.0, "total_budget": 100},
    )
    run_tasks()
    page = run_page(coordinator_client, run)
    assert 'data-status="failed"' in page and 'id="run-error"' in page
    assert "fairness floor" in page[page.index('id="run-error"') :][:1500]
    assert 'id="comparison"' not in page


def test_the_run_page_in_french(small: SmallCycle, coordinator_client: Client) -> None:
    run = solved(small, coordinator_client)
    response = coordinator_client.get(
        f"/planning/runs/{run.pk}/", headers={"Accept-Language": "fr"}
    )
    page = text(response)
    assert '<html lang="fr">' in page
    for english in ("The optimum against the baselines", "Where adding capacity", "Decisions<"):
        assert english not in page
    assert "Planification" in page

"""The planning API (issue 7, item 6): the shapes of the contract, its errors, and query
counts that do not grow with the runs or the decisions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities.models import Nomination
from coopsec.planning.models import AllocationRun, Outcome
from tests.planning.workflow import CYCLE, SmallCycle, frozen_today, small_cycle
from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db
__all__ = ["frozen_today"]

RUNS = "/api/v1/planning/runs"
METHOD_KEYS = {"value", "bound", "gap", "seconds", "seats", "partners_served", "gini"}


@pytest.fixture
def small(reference: None, frozen_today: None) -> SmallCycle:
    return small_cycle()


@pytest.fixture
def coordinator_client(make_user: Callable[..., User], client_for: Callable[..., Client]) -> Client:
    return client_for(make_user(R.COORDINATOR, "NATO"))


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=body, content_type="application/json")


def started(client: Client, body: dict[str, Any]) -> int:
    response = post(client, RUNS, body)
    assert response.status_code == 202, response.content
    assert response.json() == {"id": response.json()["id"], "status": "queued"}
    run_tasks()
    return int(response.json()["id"])


def test_a_run_through_the_api(small: SmallCycle, coordinator_client: Client) -> None:
    run_id = started(coordinator_client, {"cycle": CYCLE, "params": {"fairness_floor": 0.4}})
    body = coordinator_client.get(f"{RUNS}/{run_id}").json()
    assert body["status"] == "done" and body["progress"] == 100 and body["error"] == ""
    assert set(body["metrics"]) == {"optimum", "fcfs", "round_robin"}
    for figures in body["metrics"].values():
        assert set(figures) >= METHOD_KEYS
    assert body["metrics"]["optimum"]["value"] >= body["metrics"]["fcfs"]["value"]
    assert len(body["decisions"]) == 10
    pending = set(Nomination.objects.filter(state="pending", activity__mode="allocated")
                  .values_list("pk", flat=True))  # fmt: skip
    assert {d["nomination"] for d in body["decisions"]} == pending
    for decision in body["decisions"]:
        assert decision["outcome"] in Outcome.values
        assert decision["reason"] and decision["reason"] == decision["reasons"][0]
    capped = next(d for d in body["decisions"] if "partner_cap" in _codes(run_id, d))
    assert "GEO already holds its cap of 1 seats" in " ".join(capped["reasons"])
    assert {m["activity"] for m in body["marginal_seat_value"]} == {
        small.a1.pk, small.a2.pk, small.a3.pk,
    }  # fmt: skip
    assert set(body["marginal_seat_value"][0]) == {"activity", "code", "value"}
    listed = coordinator_client.get(RUNS).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == run_id
    assert "decisions" not in listed["items"][0]
    confirmed = coordinator_client.get(f"{RUNS}/{run_id}", {"outcome": "confirmed"}).json()
    assert {d["outcome"] for d in confirmed["decisions"]} == {"confirmed"}
    assert len(confirmed["decisions"]) == body["metrics"]["optimum"]["seats"]
    wrong = coordinator_client.get(f"{RUNS}/{run_id}", {"outcome": "maybe"})
    assert wrong.status_code == 400 and "maybe" in wrong.json()["detail"]


def _codes(run_id: int, decision: dict[str, Any]) -> set[str]:
    stored = AllocationRun.objects.get(pk=run_id).decisions.get(nomination=decision["nomination"])
    return {r["code"] for r in stored.reason_params["reasons"]}


def test_adjust_apply_and_the_frontier(small: SmallCycle, coordinator_client: Client) -> None:
    run_id = started(coordinator_client, {"activities": [small.a2.pk, small.a3.pk]})
    run = AllocationRun.objects.get(pk=run_id)
    seated = run.decisions.filter(outcome=Outcome.CONFIRMED).first()
    assert seated is not None
    url = f"{RUNS}/{run_id}/decisions/{seated.nomination_id}"
    response = post(coordinator_client, url, {"outcome": "declined"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "declined" and body["reason"].startswith("Set by hand")
    assert body["metrics"]["optimum"]["seats"] == run.metrics["optimum"]["seats"] - 1
    response = post(coordinator_client, f"{RUNS}/{run_id}/decisions/{seated.nomination_id}",
                    {"outcome": "sideways"})  # fmt: skip
    assert response.status_code == 400 and response.json()["error"] == "invalid"
    # Applying is a task: 202 with the run applying; written once the task has run.
    applied = post(coordinator_client, f"{RUNS}/{run_id}/apply", {})
    assert applied.status_code == 202, applied.content
    assert applied.json()["status"] == "applying" and applied.json()["applied_at"] is None
    assert Nomination.objects.get(pk=seated.nomination_id).state == "pending"
    busy = post(coordinator_client, f"{RUNS}/{run_id}/apply", {})
    assert busy.status_code == 400 and "being applied" in busy.json()["detail"]
    assert run_tasks() == 1
    body = coordinator_client.get(f"{RUNS}/{run_id}").json()
    assert body["status"] == "done" and body["applied_at"] is not None and body["error"] == ""
    assert Nomination.objects.get(pk=seated.nomination_id).state == "declined"
    again = post(coordinator_client, f"{RUNS}/{run_id}/apply", {})
    assert again.status_code == 400 and "applied" in again.json()["detail"]
    # Listed activities make no cycle: the frontier of a cycle comes from a cycle's run.
    missing = coordinator_client.get("/api/v1/planning/frontier", {"cycle": CYCLE})
    assert missing.status_code == 404 and str(CYCLE) in missing.json()["detail"]
    # A run of the cycle that traced no frontier does not answer for it either.
    started(coordinator_client, {"cycle": CYCLE, "params": {"frontier_sweep": "none"}})
    missing = coordinator_client.get("/api/v1/planning/frontier", {"cycle": CYCLE})
    assert missing.status_code == 404
    cycle_run = started(coordinator_client, {"cycle": CYCLE, "params": {"total_budget": 150}})
    frontier = coordinator_client.get("/api/v1/planning/frontier", {"cycle": CYCLE}).json()
    assert frontier["run"] == cycle_run and frontier["sweep"] == "breadth_weight"
    assert len(frontier["points"]) == 8
    assert [p["parameter"] for p in frontier["points"]] == sorted(
        p["parameter"] for p in frontier["points"]
    )
    for point in frontier["points"]:
        assert point["seats"] == len(point["chosen"]) and point["breadth"] <= point["seats"]
        # Each point's seats per partner are those of its allocation.
        partners = Nomination.objects.filter(pk__in=point["chosen"]).values_list(
            "partner__code", flat=True
        )
        assert point["partner_seats"] == dict(Counter(partners))


def test_bad_requests_name_what_is_wrong(small: SmallCycle, coordinator_client: Client) -> None:
    response = post(coordinator_client, RUNS, {"cycle": CYCLE, "params": {"weight_seat": "x"}})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["params.weight_seat"]
    response = post(coordinator_client, RUNS, {"cycle": "twenty"})
    assert response.status_code == 400 and "cycle" in response.json()["detail"]
    response = post(coordinator_client, RUNS, {"activities": [small.fcfs.pk]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "activities[0]"
    assert coordinator_client.get(f"{RUNS}/999999").status_code == 404
    assert not AllocationRun.objects.exists()


def test_query_counts_do_not_grow(small: SmallCycle, coordinator_client: Client) -> None:
    first = started(coordinator_client, {"cycle": CYCLE})
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as listed:
            assert coordinator_client.get(RUNS).status_code == 200
        with CaptureQueriesContext(connection) as detail:
            assert coordinator_client.get(f"{RUNS}/{first}").status_code == 200
        counts.append((len(listed), len(detail)))
        started(coordinator_client, {"activities": [small.a1.pk, small.a2.pk, small.a3.pk]})
    assert counts[0] == counts[1]
    assert counts[0][1] <= 8

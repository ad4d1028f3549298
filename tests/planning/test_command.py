"""`coopsec plan allocate`: solves a cycle in process and prints the three methods side by
side; --apply applies it as the operator; a bad parameters file is refused naming the key,
with nothing stored."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks_db.models import DBTaskResult

from coopsec.activities.models import Nomination
from coopsec.audit.models import AuditEvent
from coopsec.planning.models import AllocationRun, RunStatus
from tests.planning.workflow import CYCLE, SmallCycle, frozen_today, small_cycle

pytestmark = pytest.mark.django_db
__all__ = ["frozen_today"]


@pytest.fixture
def small(reference: None, frozen_today: None) -> SmallCycle:
    return small_cycle()


def plan(*args: str) -> str:
    out = io.StringIO()
    call_command("plan", "allocate", "--cycle", str(CYCLE), *args, stdout=out)
    return out.getvalue()


def test_allocate_prints_the_methods_side_by_side(small: SmallCycle, tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"total_budget": 400, "frontier_sweep": "none"}))
    output = plan("--params", str(params))
    run = AllocationRun.objects.get()
    assert run.status == RunStatus.DONE and run.created_by is None
    assert run.params == {"total_budget": 400, "frontier_sweep": "none"}
    assert not DBTaskResult.objects.exists()  # solved here, not queued
    for text in ("Reading the cycle", "Solving", "Tracing the frontier", "Storing the decisions"):
        assert text in output
    header = next(line for line in output.splitlines() if "optimum" in line)
    assert header.split() == ["optimum", "FCFS", "round", "robin"]
    seats = next(line for line in output.splitlines() if line.startswith("seats"))
    assert seats.split()[1] == str(run.metrics["optimum"]["seats"])
    assert f"{run.metrics['optimum']['gap']:.4%}" in output
    assert "3 activities, 10 nominations" in output
    assert "Frontier: 0 points. No frontier was asked for." in output
    assert set(Nomination.objects.filter(activity__mode="allocated").values_list(
        "state", flat=True)) == {"pending"}  # fmt: skip


def test_allocate_apply_decides_as_the_operator(small: SmallCycle) -> None:
    output = plan("--apply")
    run = AllocationRun.objects.get()
    assert f"Run #{run.pk} applied." in output
    planned = dict(run.decisions.values_list("nomination_id", "outcome"))
    assert dict(Nomination.objects.filter(pk__in=planned).values_list("pk", "state")) == planned
    event = AuditEvent.objects.get(action="planning.run_applied")
    assert event.actor_username == "system" and event.object_id == str(run.pk)
    decided = AuditEvent.objects.filter(action="nomination.decide", actor_username="system")
    assert decided.count() == len(planned)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('{"weight_seat": 1, "weight_interst": 2}', "params.weight_interst"),
        ('{"fairness_floor": 1.5}', "params.fairness_floor"),
        ('{"partner_budgets": {"QAT": 10}}', "partner QAT.budget"),
        ("[1, 2]", "expected a JSON object"),
        ("{not json", "params.json"),
    ],
)
def test_a_bad_params_file_is_refused_and_nothing_is_stored(
    small: SmallCycle, tmp_path: Path, content: str, named: str
) -> None:
    params = tmp_path / "params.json"
    params.write_text(content)
    with pytest.raises(CommandError) as caught:
        plan("--params", str(params))
    assert named in str(caught.value)
    assert not AllocationRun.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="planning.").exists()


def test_an_empty_cycle_and_a_what_if_to_apply_are_refused(small: SmallCycle) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("plan", "allocate", "--cycle", "2031", stdout=out)
    assert "cycle: No activity in allocated mode" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        plan("--all-nominations", "--apply")
    assert "what-if" in str(caught.value)
    assert not AllocationRun.objects.exists()

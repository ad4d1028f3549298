"""coopsec plan allocate --cycle YEAR [--params FILE] [--apply | --all-nominations]

Allocates a cycle's seats in this process (no task worker needed): the run is checked and
stored like one started from the API, executed here with its progress printed, and its
figures printed beside the baselines'. With --apply it is then applied as the operator
(the system actor, with the audit events of any apply). A bad parameters file is refused
with every bad key named, and nothing is stored.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopsec.accounts.actor import Actor
from coopsec.errors import CoopsecError
from coopsec.planning import selectors, services
from coopsec.planning.models import AllocationRun, Outcome, RunStatus
from coopsec.planning.params import EVERY

METHODS = (("optimum", "optimum"), ("fcfs", "FCFS"), ("round_robin", "round robin"))
ROWS = (
    ("value", "objective", "{:,.2f}"),
    ("total_value", "value of the seats", "{:,.2f}"),
    ("bound", "bound", "{:,.2f}"),
    ("gap", "gap", "{:.4%}"),
    ("seats", "seats", "{:,}"),
    ("cost", "cost", "{:,.0f}"),
    ("partners_served", "partners served", "{:,}"),
    ("gini", "Gini of seats", "{:.3f}"),
    ("min_satisfaction", "min satisfaction", "{:.3f}"),
    ("neglected_fill", "neglected fill", "{:.3f}"),
    ("seconds", "seconds", "{:.2f}"),
)


class Command(BaseCommand):
    help = "Allocate the seats of a cycle's activities in allocated mode (issue 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        allocate = sub.add_parser("allocate", help="solve a cycle in this process")
        allocate.add_argument("--cycle", type=int, required=True, help="the year to allocate")
        allocate.add_argument(
            "--params", type=Path, help="JSON object of parameters (docs/planning.md)"
        )
        allocate.add_argument("--apply", action="store_true", help="apply the run once it is done")
        allocate.add_argument(
            "--all-nominations",
            action="store_true",
            help="a what-if over every live nomination of the cycle's open and closed "
            "activities, in either mode (params 'nominations': 'all'); cannot be applied",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        params = _read_params(options["params"])
        if options["all_nominations"]:
            if options["apply"]:
                raise CommandError("--all-nominations is a what-if: it cannot be applied.")
            params["nominations"] = EVERY
        actor = Actor.system()
        try:
            run = services.run_create(
                actor=actor, cycle=options["cycle"], params=params, enqueue=False
            )
        except CoopsecError as exc:
            raise CommandError(_lines(exc)) from exc
        self.stdout.write(f"Allocation run #{run.pk} of cycle {options['cycle']}:")
        self.started = time.perf_counter()
        services.run_execute(run.pk, progress=self._progress)
        run = selectors.run_get(actor=actor, run_id=run.pk)
        if run.status != RunStatus.DONE:
            raise CommandError(f"Run #{run.pk} failed: {run.error}")
        self._report(actor, run)
        if options["apply"]:
            try:
                services.run_apply(actor=actor, run_id=run.pk)
            except CoopsecError as exc:
                raise CommandError(_lines(exc)) from exc
            self.stdout.write(f"Run #{run.pk} applied.")

    def _progress(self, percent: int, step: str) -> None:
        seconds = time.perf_counter() - self.started
        self.stdout.write(f"  {percent:3d}%  {seconds:6.1f} s  {step}")

    def _report(self, actor: Actor, run: AllocationRun) -> None:
        inputs = run.inputs
        decided = selectors.run_decisions(actor=actor, run=run)
        counts = {o: decided.filter(outcome=o).count() for o in Outcome.values}
        self.stdout.write(
            f"{len(inputs['activities']):,} activities, {sum(counts.values()):,} nominations "
            f"({len(inputs['left_out']):,} left out), {len(inputs['partners']):,} partners."
        )
        header = f"{'':22}" + "".join(f"{label:>16}" for _, label in METHODS)
        self.stdout.write(header)
        for key, label, fmt in ROWS:
            cells = []
            for method, _label in METHODS:
                value = run.metrics[method].get(key)
                cells.append(f"{'-' if value is None else fmt.format(value):>16}")
            self.stdout.write(f"{label:22}" + "".join(cells))
        optimum = run.metrics["optimum"]
        self.stdout.write(
            f"Gap {optimum['gap']:.4%} ({optimum['status']}); "
            + ", ".join(f"{n:,} {o}" for o, n in counts.items())
            + "."
        )
        points = run.frontier.get("points", [])
        note = run.frontier.get("note") or ""
        self.stdout.write(f"Frontier: {len(points)} points. {note}".rstrip())


def _read_params(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        params = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: {exc}") from exc
    if not isinstance(params, dict):
        raise CommandError(f"{path}: expected a JSON object of parameters.")
    return params


def _lines(exc: CoopsecError) -> str:
    """The error and, one per line, each field it names."""
    details = exc.details if isinstance(exc.details, list) else []
    named = [f"  {d['field']}: {d['message']}" for d in details if isinstance(d, dict)]
    return "\n".join([exc.message, *named]) if named else exc.message

"""Benchmark of the analytics on a large data set (issue 6, "Performance").

Measures, in-process with Django's test Client (server time: routing, middleware, session,
API handler, queries, the section's computation, the schema; no network):

- each of the six routes `GET /api/v1/analytics/<section>` with a one-year filter
  (`from=to=YEAR`) and over the data set's ten years, as the demo `coordinator`, and for the
  sections a partner liaison may open (all but redundancy) as `liaison-geo`: p50 / p95 over
  N requests after a warm-up;
- the network for one year with every partner (no partner-side filter), whose target is its
  own;
- each section's selector alone (`coopsec.analytics.sections`), the floor under its route;
- the number of queries of each route.

Each figure is taken twice: *cold*, the cache emptied before every request (the first
question after a write, when the answer is computed), and *warm*, the same question asked
again with no write in between (the answer kept per data version, `sections/cache.py`).

Each figure is printed with its target (issue 6: 300 ms p95 for one year, 1.5 s for ten
years, 1 s for the network of a year with every partner); timings are measured, never
asserted. Nothing is written to the database.

    COOPSEC_VAR_DIR=... DATABASE_URL=... .venv/bin/python bench/analytics.py [--requests 20]
        [--warmup 2] [--year 2025] [--only redundancy,network] [--modes cold,warm]
        [--json FILE] [--gc-freeze]

Needs the demo accounts and a synthetic history: `coopsec demo --scale decade --seed 1`.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopsec.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from harness import (  # noqa: E402
    Series,
    client_for,
    data_set,
    machine,
    measure_route,
    route_exists,
    timed,
)

from coopsec.accounts.actor import Actor  # noqa: E402
from coopsec.accounts.models import User  # noqa: E402
from coopsec.analytics.filters import Filters  # noqa: E402
from coopsec.analytics.sections import (  # noqa: E402
    area_balance,
    attention,
    depth_breadth,
    network,
    overlap,
    redundancy,
)

COORDINATOR, LIAISON = "coordinator", "liaison-geo"
MODES = ("cold", "warm")
ONE_YEAR_MS, TEN_YEARS_MS, NETWORK_YEAR_MS = 300.0, 1500.0, 1000.0


def _redundancy(*, actor: Actor, filters: Filters) -> Any:
    return redundancy.redundancy(
        actor=actor, filters=filters, parameters=redundancy.Parameters.defaults()
    )


@dataclass(frozen=True)
class Section:
    name: str  # as in the route
    selector: Callable[..., Any]  # called as selector(actor=..., filters=...)
    liaison: bool  # may a partner liaison open it?


SECTIONS = (
    Section("area-balance", area_balance.area_balance, liaison=True),
    Section("overlap", overlap.interest_overlap, liaison=True),
    Section("attention", attention.attention, liaison=True),
    Section("depth-breadth", depth_breadth.depth_breadth, liaison=True),
    Section("network", network.network, liaison=True),
    Section("redundancy", _redundancy, liaison=False),
)


@dataclass(frozen=True)
class Period:
    name: str
    year_from: int
    year_to: int

    @property
    def params(self) -> dict[str, str]:
        return {"from": str(self.year_from), "to": str(self.year_to)}

    @property
    def filters(self) -> Filters:
        return Filters(year_from=self.year_from, year_to=self.year_to)


def target(section: str, period: Period) -> float:
    """Issue 6's p95 target in ms: the network of one year with every partner has its own."""
    if period.year_from != period.year_to:
        return TEN_YEARS_MS
    return NETWORK_YEAR_MS if section == "network" else ONE_YEAR_MS


def emptied(mode: str) -> Callable[[], None] | None:
    """What runs (untimed) before each request: a cold one finds the cache empty."""
    return cache.clear if mode == "cold" else None


def measure_selector(
    selector: Callable[..., Any], actor: Actor, filters: Filters, requests: int, warmup: int,
    name: str, mode: str,
) -> Series:  # fmt: skip
    series = Series(name)
    before = emptied(mode)
    for i in range(warmup + requests):
        if before is not None:
            before()
        ms, _found = timed(lambda: selector(actor=actor, filters=filters))
        if i >= warmup:
            series.add(ms)
    return series


def query_count(client: Client, path: str, params: dict[str, str]) -> int | None:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    return len(ctx) if response.status_code == 200 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="timed requests per figure")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first")
    parser.add_argument("--year", type=int, help="the one year (default: the data set's 8th)")
    parser.add_argument(
        "--only", default="", help="comma-separated sections to measure (default: all six)"
    )
    parser.add_argument(
        "--modes", default=",".join(MODES), help="cold, warm or both (default: both)"
    )
    parser.add_argument("--skip-routes", action="store_true", help="selectors only")
    parser.add_argument("--skip-selectors", action="store_true", help="routes only")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after start-up, as a tuned app server would (see PERFORMANCE.md)",
    )
    args = parser.parse_args()
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = wanted - {s.name for s in SECTIONS}
    if unknown:
        parser.error(f"unknown section(s) in --only: {', '.join(sorted(unknown))}")
    sections = [s for s in SECTIONS if not wanted or s.name in wanted]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - set(MODES):
        parser.error(f"--modes takes cold, warm or both, not '{args.modes}'")
    if args.gc_freeze:
        gc.collect()
        gc.freeze()

    results: dict[str, Any] = {
        "machine": machine(),
        "data_set": data_set(),
        "gc_freeze": args.gc_freeze,
        "modes": modes,
        "series": [],
        "query_counts": [],
    }
    print(json.dumps(results["machine"]), json.dumps(results["data_set"]), sep="\n")
    years = results["data_set"]["years"]
    if not years:
        raise SystemExit("No synthetic history: run `coopsec demo --scale decade` first.")
    one = args.year if args.year is not None else min(years[0] + 7, years[1])
    periods = [Period("one year", one, one), Period("ten years", years[0], years[1])]
    clients = {"coordinator": client_for(COORDINATOR), "liaison": client_for(LIAISON)}
    actors = {
        who: Actor.from_user(User.objects.get(username=username))
        for who, username in (("coordinator", COORDINATOR), ("liaison", LIAISON))
    }

    def report(series: Series, goal: float) -> None:
        row = {**series.row(), "target_ms": goal, "over": series.p95 > goal}
        results["series"].append(row)
        over = "OVER" if row["over"] else ""
        print(f"{row['name']:<52} n={row['n']:<3} p50={row['p50_ms']:>8} ms  "
              f"p95={row['p95_ms']:>8} ms  target {goal:>6.0f} {over} {row['note']}",
              flush=True)  # fmt: skip

    for section in sections if not args.skip_routes else []:
        path = f"/api/v1/analytics/{section.name}"
        if not route_exists(path):
            print(f"SKIPPED {path}: the route does not exist")
            results["series"].append({"name": path, "note": "route missing"})
            continue
        for period, (who, client), mode in itertools.product(periods, clients.items(), modes):
            if who == "liaison" and not section.liaison:
                continue
            label = f"{section.name} {who} [{period.name}]"
            if section.name == "network" and who == "coordinator" and period.name == "one year":
                label += " (every partner)"
            series = measure_route(
                client, path, period.params, args.requests, args.warmup, f"{label} {mode}",
                before=emptied(mode),
            )  # fmt: skip
            report(series, target(section.name, period))
            if mode == "cold":
                cache.clear()
                results["query_counts"].append(
                    {"route": label, "queries": query_count(client, path, period.params)}
                )
    for section in sections if not args.skip_selectors else []:
        for period, mode in itertools.product(periods, modes):
            report(
                measure_selector(
                    section.selector, actors["coordinator"], period.filters, args.requests,
                    args.warmup, f"selector {section.name} [{period.name}] {mode}", mode,
                ),
                target(section.name, period),
            )  # fmt: skip
    for row in results["query_counts"]:
        print("queries:", row)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"written to {args.json}")


if __name__ == "__main__":
    main()

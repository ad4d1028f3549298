"""Benchmark of the cooperation menu on a large data set (issue 4, "Performance").

Measures, in-process with Django's test Client (server time: routing, middleware, session,
view or API handler, queries, rendering; no network):

- the menu page `/activities/` and `GET /api/v1/activities` with typical filters, for a
  coordinator and a partner liaison: p50 / p95 over N requests per filter;
- the selector `activity_list` alone (count + first page), the floor under both routes;
- a nomination committed through `nomination_create` (the service, its own transaction);
- the number of queries per page for page sizes 10 / 50 / 100 (API `limit`), and for pages
  1, 2 and 10 of the menu page (its page size is fixed), which must not grow.

A route that does not exist yet is skipped with a message. Timings are measured, never
asserted. The nominations made are removed afterwards (their audit events stay: the trail is
append-only), so the data set is left as it was.

    COOPSEC_VAR_DIR=... DATABASE_URL=... .venv/bin/python bench/menu.py [--requests 40]
        [--warmup 3] [--nominations 200] [--json FILE] [--gc-freeze]

Needs the demo accounts and a synthetic history: `coopsec demo --scale decade --seed 1`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopsec.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
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
from coopsec.activities import selectors  # noqa: E402
from coopsec.activities.eligibility import eligible_for_q  # noqa: E402
from coopsec.activities.models import SEAT_STATES, Activity, Nomination, Participant  # noqa: E402
from coopsec.activities.services import ParticipantInput, nomination_create  # noqa: E402
from coopsec.network.models import Organization  # noqa: E402

COORDINATOR, LIAISON = "coordinator", "liaison-geo"
BENCH_EMAIL = "@bench.invalid"


@dataclass(frozen=True)
class FilterSet:
    name: str
    api: dict[str, str]  # GET /api/v1/activities parameters
    page: dict[str, str]  # /activities/ parameters (the page's own names)


def filter_sets(year: int) -> list[FilterSet]:
    """Typical searches: one filter at a time, then a combination, over a data set whose
    busiest years end with `year`."""
    spring = {"from": f"{year - 1}-03-01", "to": f"{year - 1}-05-31"}
    page_spring = {"date_from": spring["from"], "date_to": spring["to"]}
    return [
        FilterSet("none", {}, {}),
        FilterSet("area", {"area": "cyber_defence"}, {"area": "cyber_defence"}),
        FilterSet("type", {"type": "course"}, {"type": "course"}),
        FilterSet("date range", spring, page_spring),
        FilterSet("q", {"q": "maritime"}, {"q": "maritime"}),
        FilterSet("eligible_for", {"eligible_for": "GEO"}, {"eligible": "on"}),
        FilterSet(
            "combined",
            {
                "area": "armaments",
                "type": "course",
                "from": f"{year - 2}-01-01",
                "to": f"{year - 2}-12-31",
                "eligible_for": "GEO",
            },
            {
                "area": "armaments",
                "type": "course",
                "date_from": f"{year - 2}-01-01",
                "date_to": f"{year - 2}-12-31",
                "eligible": "on",
            },
        ),
    ]


def measure_selector(actor: Actor, f: FilterSet, requests: int, warmup: int, name: str) -> Series:
    api = f.api
    filters = selectors.ActivityFilters(
        q=api.get("q", ""), area=api.get("area", ""), type=api.get("type", ""),
        date_from=_date(api.get("from")), date_to=_date(api.get("to")),
        eligible_for=api.get("eligible_for", ""),
    )  # fmt: skip
    series = Series(name)
    for i in range(warmup + requests):

        def run() -> int:
            qs = selectors.activity_list(actor=actor, filters=filters)
            count = qs.count()
            list(qs[:25])
            return count

        ms, _count = timed(run)
        if i >= warmup:
            series.add(ms)
    return series


def _date(value: str | None) -> Any:
    from datetime import date

    return date.fromisoformat(value) if value else None


def query_counts(coordinator: Client, liaison: Client) -> list[dict[str, Any]]:
    """Queries per request: the API at limit 10/50/100 and the page at pages 1, 2 and 10."""
    rows = []
    if route_exists("/api/v1/activities"):
        for who, client in (("coordinator", coordinator), ("liaison", liaison)):
            counts = {}
            for limit in (10, 50, 100):
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get("/api/v1/activities", {"limit": str(limit)})
                counts[f"limit={limit}"] = len(ctx) if response.status_code == 200 else None
            rows.append({"route": "GET /api/v1/activities", "user": who, **counts})
    if route_exists("/activities/"):
        for who, client in (("coordinator", coordinator), ("liaison", liaison)):
            counts = {}
            for page in (1, 2, 10):
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get("/activities/", {"page": str(page)})
                counts[f"page={page}"] = len(ctx) if response.status_code == 200 else None
            rows.append({"route": "/activities/", "user": who, **counts})
    return rows


def measure_nominations(count: int) -> Series:
    """Nominate `count` participants of GEO to distinct open FCFS activities it may nominate
    for, through the service; then remove what was made."""
    series = Series("nomination_create (FCFS, committed)")
    liaison = User.objects.get(username=LIAISON)
    actor = Actor.from_user(liaison)
    geo = Organization.objects.get(code="GEO")
    targets = list(
        Activity.objects.filter(state="open", mode="fcfs")
        .filter(eligible_for_q(geo))
        .order_by("?")
        .values_list("pk", flat=True)[:count]
    )
    if not targets:
        series.note = "no open FCFS activity eligible for GEO"
        return series
    made: list[int] = []
    try:
        for i, activity_id in enumerate(targets):
            person = ParticipantInput(name=f"Bench Person {i}", email=f"p{i}{BENCH_EMAIL}")
            ms, nomination = timed(
                lambda a=activity_id, p=person: nomination_create(
                    actor=actor, activity_id=a, participant=p, priority=1
                )
            )
            made.append(nomination.pk)
            series.add(ms)
    finally:
        for nomination in Nomination.objects.filter(pk__in=made):
            if nomination.state in SEAT_STATES:
                Activity.objects.filter(pk=nomination.activity_id).update(
                    confirmed_count=F("confirmed_count") - 1
                )
        Nomination.objects.filter(pk__in=made).delete()
        Participant.objects.filter(email__endswith=BENCH_EMAIL).delete()
    series.note = f"{len(targets)} activities"
    return series


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="timed requests per filter")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument("--nominations", type=int, default=200, help="nominations to time")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--skip-routes", action="store_true", help="selector and service only")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after start-up, as a tuned app server would (see PERFORMANCE.md)",
    )
    args = parser.parse_args()
    if args.gc_freeze:
        gc.collect()
        gc.freeze()

    results: dict[str, Any] = {
        "machine": machine(),
        "data_set": data_set(),
        "gc_freeze": args.gc_freeze,
        "series": [],
    }
    print(json.dumps(results["machine"]), json.dumps(results["data_set"]), sep="\n")
    last_year = results["data_set"]["years"][-1] if results["data_set"]["years"] else 2027
    sets = filter_sets(last_year)
    coordinator, liaison = client_for(COORDINATOR), client_for(LIAISON)
    actors = {
        "coordinator": Actor.from_user(User.objects.get(username=COORDINATOR)),
        "liaison": Actor.from_user(User.objects.get(username=LIAISON)),
    }
    clients = {"coordinator": coordinator, "liaison": liaison}

    def report(series: Series) -> None:
        results["series"].append(series.row())
        row = series.row()
        print(f"{row['name']:<58} n={row['n']:<4} p50={row['p50_ms']:>8} ms  "
              f"p95={row['p95_ms']:>8} ms  {row['note']}", flush=True)  # fmt: skip

    routes = [("/activities/", "page"), ("/api/v1/activities", "api")]
    for path, kind in routes if not args.skip_routes else []:
        if not route_exists(path):
            print(f"SKIPPED {path}: the route does not exist yet")
            results["series"].append({"name": path, "note": "route missing"})
            continue
        for who, client in clients.items():
            for f in sets:
                params = f.page if kind == "page" else f.api
                if kind == "page" and who == "coordinator" and "eligible" in params:
                    # The page's "eligible for my organization" box is a liaison's.
                    continue
                report(
                    measure_route(
                        client, path, params, args.requests, args.warmup,
                        f"{path} {who} [{f.name}]",
                    )
                )  # fmt: skip
    for who, actor in actors.items():
        for f in sets:
            report(
                measure_selector(
                    actor, f, args.requests, args.warmup, f"activity_list {who} [{f.name}]"
                )
            )
    report(measure_nominations(args.nominations))
    results["query_counts"] = query_counts(coordinator, liaison)
    for row in results["query_counts"]:
        print("queries:", row)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"written to {args.json}")


if __name__ == "__main__":
    main()

"""Benchmark of the planning optimizer (issue 7, "Performance"), with no database.

On a synthetic `prime`-sized cycle (10,000 activities, 45,000 nominations, 90 partners,
`coopsec.planning.optimize.synthetic`), measures:

- building the MILP (rows, columns, nonzeros) and solving it to the gap target within the
  time limit: status, objective, best bound, gap, seconds;
- the LP relaxation's optimum (a bound on every allocation) and its solve time;
- first-come-first-served and round-robin on the same instance, and for all three the
  planner's metrics (value, seats, partners served, Gini, minimum satisfaction, neglected
  fill);
- the explanations of every declined nomination, and the activities where one more seat is
  worth most (LP duals);
- peak memory of the process (getrusage: max resident set size);

then a 1,000-nomination cycle solved to optimality (gap 0), and on it, with a tight budget,
the breadth-weight and fairness-floor frontiers (10 points each, without the equity term),
and with the benchmark's budget the optimum at eight equity weights (with the seats it
refuses though they fit: levelling down). For both cycles it says whether issue 7's "done
when" holds (`metrics.compare_with_baselines`: the optimum's objective at least both
baselines', its Gini of seats lower than both, its gap under 0.5%). Prints the figures and
the load average; asserts no timing.

`--check-seeds 1-5` instead runs only that check, for each seed, on a prime-sized and a
1,000-nomination cycle, and prints one row per cycle (the table in docs/planning.md).

    .venv/bin/python bench/planning.py [--seed 1] [--threads 1] [--time-limit 60]
        [--gap 0.005] [--budget-share 0.6] [--frontier-budget-share 0.1]
        [--equity-weight W] [--check-seeds 1-5] [--json FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import sys
import time
from collections import Counter
from typing import Any

from coopsec.planning.optimize.baselines import first_come_first_served, round_robin
from coopsec.planning.optimize.explain import explain_declined
from coopsec.planning.optimize.frontier import frontier
from coopsec.planning.optimize.instance import Instance, Params
from coopsec.planning.optimize.ledger import Ledger
from coopsec.planning.optimize.metrics import Comparison, allocation_metrics, compare_with_baselines
from coopsec.planning.optimize.model import AllocationModel, Solution
from coopsec.planning.optimize.synthetic import SyntheticSpec, synthetic_instance


def peak_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def asked(instance: Instance) -> float:
    """What every nominated seat would cost together."""
    return sum(instance.activity[n.activity].cost_per_seat for n in instance.nominations)


def params_for(instance: Instance, args: argparse.Namespace, **changes: Any) -> Params:
    """The default parameters with a total budget of `--budget-share` of what was asked for."""
    chosen: dict[str, Any] = {
        "total_budget": round(args.budget_share * asked(instance), 2),
        "time_limit": args.time_limit,
        "mip_gap": args.gap,
        "threads": args.threads,
    }
    if args.equity_weight is not None:
        chosen["equity_weight"] = args.equity_weight
    return dataclasses.replace(Params(), **{**chosen, **changes})


def describe(instance: Instance, params: Params, solution: Solution) -> dict[str, Any]:
    metrics = allocation_metrics(instance, params, solution.chosen)
    return {
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "seconds": round(solution.seconds, 3),
        **dataclasses.asdict(metrics),
    }


def line(name: str, row: dict[str, Any]) -> str:
    gap = "" if row["gap"] is None else f" gap {row['gap']:.4%}"
    return (
        f"  {name:<12} objective {row['objective']:>12,.1f}  value {row['total_value']:>12,.1f}"
        f"  seats {row['seats']:>6,}  partners {row['partners_served']:>3}"
        f"  gini {row['gini']:.3f}  min sat {row['min_satisfaction']:.3f}"
        f"  neglected {row['neglected_fill']:.3f}  {row['seconds']:>7.2f} s{gap}"
    )


def done_when(comparison: Comparison) -> str:
    """Issue 7's "done when" for one cycle, in one line."""
    if comparison.holds:
        return "  done when: holds (value >= both baselines, lower Gini than both, gap < 0.5%)"
    return "  done when: FAILS — " + "; ".join(comparison.failures)


def prime(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    instance = synthetic_instance(SyntheticSpec(seed=args.seed))
    generated = time.perf_counter() - started
    params = params_for(instance, args)
    model = AllocationModel(instance, params)
    h = model.highs
    print(
        f"prime cycle: {len(instance.activities):,} activities, {len(instance.nominations):,} "
        f"nominations, {len(instance.partners)} partners (generated in {generated:.1f} s)"
    )
    print(
        f"  model: {h.getNumRow():,} rows, {h.getNumCol():,} columns, {h.getNumNz():,} "
        f"nonzeros, built in {model.build_seconds:.2f} s ({Counter(r.rule for r in model.rows)})"
    )
    milp = model.solve()
    started = time.perf_counter()
    relaxation = model.relaxation()
    lp_seconds = time.perf_counter() - started
    rows = {
        "milp": describe(instance, params, milp),
        "fcfs": describe(instance, params, first_come_first_served(instance, params)),
        "round_robin": describe(instance, params, round_robin(instance, params)),
    }
    for name, row in rows.items():
        print(line(name, row))
    comparison = compare_with_baselines(instance, params, milp)
    print(done_when(comparison))
    best = milp.objective or 0.0
    print(
        f"  LP relaxation {relaxation.objective:,.1f} in {lp_seconds:.2f} s; optimum / LP bound "
        f"{best / relaxation.objective:.4%}; optimum vs FCFS "
        f"{best / rows['fcfs']['objective'] - 1:+.2%}, vs round robin "
        f"{best / rows['round_robin']['objective'] - 1:+.2%}"
    )
    started = time.perf_counter()
    explanations = explain_declined(instance, params, milp.chosen)
    explain_seconds = time.perf_counter() - started
    reasons = Counter(e.reasons[0].rule for e in explanations.values())
    top = sorted(relaxation.seat_value.items(), key=lambda kv: -kv[1])[:5]
    print(
        f"  {len(explanations):,} declined, explained in {explain_seconds:.2f} s: {dict(reasons)}"
    )
    print(f"  most valuable extra seats (activity, LP dual): {[(a, round(v, 2)) for a, v in top]}")
    print(f"  peak memory {peak_mib():,.0f} MiB")
    return {
        "build_seconds": model.build_seconds,
        "rows": h.getNumRow(),
        "columns": h.getNumCol(),
        "nonzeros": h.getNumNz(),
        "lp_bound": relaxation.objective,
        "lp_seconds": lp_seconds,
        "explain_seconds": explain_seconds,
        "declined_reasons": dict(reasons),
        "peak_mib": peak_mib(),
        "done_when": {"holds": comparison.holds, "failures": list(comparison.failures)},
        **rows,
    }


def small(args: argparse.Namespace) -> dict[str, Any]:
    instance = synthetic_instance(
        SyntheticSpec(activities=250, nominations=1_000, partners=30, seed=args.seed)
    )
    params = params_for(instance, args, mip_gap=0.0)
    started = time.perf_counter()
    model = AllocationModel(instance, params)
    solution = model.solve()
    total = time.perf_counter() - started
    print(
        f"1,000-nomination cycle: build {model.build_seconds:.3f} s, solve {solution.seconds:.3f}"
        f" s ({solution.status}, gap {solution.gap:.2e}), build + solve {total:.3f} s"
    )
    comparison = compare_with_baselines(instance, params, solution)
    for figures in (comparison.optimum, *comparison.baselines):
        if figures is not None:
            print(
                f"  {figures.method:<12} objective {figures.objective:>9,.1f}  value "
                f"{figures.total_value:>9,.1f}  seats {figures.seats:>5,}  gini {figures.gini:.3f}"
            )
    print(done_when(comparison))
    # The frontier is drawn where money is short, or every partner reaches k seats anyway,
    # and without the equity term, which already evens partners out (the breadth sweep would
    # be flat); the equity weight's own sweep follows.
    tight = params_for(
        instance,
        args,
        mip_gap=0.0,
        total_budget=round(args.frontier_budget_share * asked(instance), 2),
        breadth_seats=10,
        fairness_floor=0.0,
        equity_weight=0.0,
    )
    sweeps: dict[str, Any] = {}
    for sweep in ("breadth_weight", "fairness_floor"):
        started = time.perf_counter()
        points = frontier(instance, tight, sweep=sweep)
        seconds = time.perf_counter() - started
        print(
            f"  {sweep} frontier at {args.frontier_budget_share:.0%} of the asked-for cost, "
            f"{len(points)} points in {seconds:.2f} s (breadth: partners with >= 10 seats):"
        )
        for p in points:
            m = allocation_metrics(instance, tight, p.chosen)
            print(
                f"    {p.parameter:>5.1f}: breadth {p.breadth:>3}, depth {p.depth:6.2f}, value "
                f"{p.total_value:8,.1f}, gini {m.gini:.3f}, min sat {m.min_satisfaction:.3f}"
            )
        sweeps[sweep] = {
            "seconds": seconds,
            "points": [
                {k: v for k, v in dataclasses.asdict(p).items() if k != "chosen"} for p in points
            ],
        }
    sweeps["equity_weight"] = equity_sweep(instance, params, model)
    return {
        "build_seconds": model.build_seconds,
        "solve_seconds": solution.seconds,
        "status": solution.status,
        "done_when": {"holds": comparison.holds, "failures": list(comparison.failures)},
        "frontiers": sweeps,
    }


EQUITY_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0, 3.5, 4.0, 6.0)


def equity_sweep(instance: Instance, params: Params, model: AllocationModel) -> dict[str, Any]:
    """The optimum at each equity weight (the benchmark's budget, to optimality): how value,
    seats and Gini trade, and how many seats that fit it refuses (levelling down)."""
    started = time.perf_counter()
    print(f"  equity weight sweep ({len(EQUITY_WEIGHTS)} points, the budget above):")
    points = []
    for weight in EQUITY_WEIGHTS:
        point = dataclasses.replace(params, equity_weight=weight)
        solution = model.solve(point)
        m = allocation_metrics(instance, point, solution.chosen)
        ledger = Ledger(instance, point, solution.chosen)
        refused = sum(
            1 for n in instance.nominations if n.id not in solution.chosen and not ledger.blocks(n)
        )
        print(
            f"    {weight:>4.1f}: value {m.total_value:8,.1f}, seats {m.seats:>4}, gini "
            f"{m.gini:.3f}, min sat {m.min_satisfaction:.3f}, refused though they fit {refused}"
        )
        points.append({"equity_weight": weight, "refused": refused, **dataclasses.asdict(m)})
    return {"seconds": time.perf_counter() - started, "points": points}


SIZES = {
    "prime": SyntheticSpec(),
    "1,000": SyntheticSpec(activities=250, nominations=1_000, partners=30),
}


def seeds(text: str) -> list[int]:
    """ "1-5" or "1,3,7" as a list of seeds."""
    if "-" in text:
        first, last = text.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(seed) for seed in text.split(",")]


def check(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The "done when" check on a prime-sized and a 1,000-nomination cycle per seed (the
    smaller one solved to optimality), one printed row each."""
    print(
        "cycle  seed | objective: optimum      fcfs  round robin | Gini: optimum  fcfs   rr"
        " | value: optimum   fcfs      rr | gap      seconds | done when"
    )
    table = []
    for seed in seeds(args.check_seeds):
        for size, shape in SIZES.items():
            instance = synthetic_instance(dataclasses.replace(shape, seed=seed))
            params = params_for(instance, args, **({} if size == "prime" else {"mip_gap": 0.0}))
            started = time.perf_counter()
            solution = AllocationModel(instance, params).solve()
            seconds = time.perf_counter() - started
            c = compare_with_baselines(instance, params, solution)
            if c.optimum is None:
                print(f"{size:>6} {seed:>4} | {'; '.join(c.failures)}")
                continue
            fcfs, robin = c.baselines
            print(
                f"{size:>6} {seed:>4} | {c.optimum.objective:>17,.1f} {fcfs.objective:>9,.1f}"
                f" {robin.objective:>12,.1f} | {c.optimum.gini:>11.3f} {fcfs.gini:.3f} "
                f"{robin.gini:.3f} | {c.optimum.total_value:>12,.1f} {fcfs.total_value:>8,.1f}"
                f" {robin.total_value:>8,.1f} | {c.optimum.gap or 0.0:.4%} {seconds:>7.2f} | "
                + ("holds" if c.holds else "FAILS: " + "; ".join(c.failures)),
                flush=True,
            )
            table.append(
                {
                    "cycle": size,
                    "seed": seed,
                    "seconds": seconds,
                    "holds": c.holds,
                    "failures": list(c.failures),
                    **{f.method: dataclasses.asdict(f) for f in (c.optimum, *c.baselines)},
                }
            )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--budget-share", type=float, default=0.6)
    parser.add_argument("--frontier-budget-share", type=float, default=0.1)
    parser.add_argument("--equity-weight", type=float, help="default: Params' default")
    parser.add_argument("--check-seeds", help='only check "done when" on these seeds ("1-5")')
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"{platform.node()} {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"threads={args.threads}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    figures: dict[str, Any] = {"load_before": load}
    if args.check_seeds:
        figures["check"] = check(args)
    else:
        figures.update(prime=prime(args), small=small(args))
    figures["load_after"] = os.getloadavg()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in figures['load_after'])}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=2, default=str)


if __name__ == "__main__":
    main()

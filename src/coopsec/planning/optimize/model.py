"""The allocation MILP, built once with HiGHS and re-solved as the parameters change.

Columns: x_i ∈ {0, 1} per nomination (a seat or not); per nominating partner p a breadth
indicator y_p ∈ [0, 1] and a fairness shortfall f_p ≥ 0; the total seats S ≥ 0 and the
non-operational shortfall u ≥ 0; per neglected area g a fill shortfall h_g ≥ 0; per partner
its seats s_p, and per pair of partners p < q their gap d_pq ≥ |s_p - s_q|.

    maximize  Σ v_i x_i + β Σ y_p - π_f Σ f_p - π_u u - π_h Σ h_g - (λ/P) Σ_{p<q} d_pq
    s.t.      Σ_{i at a} x_i ≤ seats_a                       every activity a
              Σ_{i at a of p} x_i ≤ cap_a                    every activity a, partner p
              Σ_{i of p} c_i x_i ≤ B_p,  Σ_i c_i x_i ≤ B     partner and total budgets
              Σ_{i in K} x_i ≤ 1                             every participant clique K
              k y_p - Σ_{i of p} x_i ≤ 0                     breadth: y_p = min(1, seats/k)
              Σ_{i of p} x_i + f_p ≥ φ·D_p                   fairness floor
              Σ_i x_i - S = 0,  Σ_{i non-op} x_i - m S + u ≥ 0   non-operational share
              Σ_{i in g} x_i + h_g ≥ ψ·A_g                   neglected-area fill
              s_p - Σ_{i of p} x_i = 0                       partner seats
              d_pq - s_p + s_q ≥ 0,  d_pq + s_p - s_q ≥ 0     seat spread (equity)

(docs/planning.md explains each term.) Rows that cannot bind — an activity with fewer
nominations than seats, a cap no partner reaches — are left out. A soft rule made hard gets
a shortfall bounded by 0. At the optimum d_pq = |s_p - s_q|, so the last term is λ times
the seat spread (seats times Gini, `value.seat_spread`). Every parameter lives in costs, bounds or
two coefficients (k, m),
so `solve(params)` changes numbers and re-solves instead of rebuilding.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import numpy.typing as npt

from coopsec.planning.optimize.conflicts import participant_cliques
from coopsec.planning.optimize.diagnose import iis_problems, obvious_problems
from coopsec.planning.optimize.instance import (
    InfeasibleError,
    Instance,
    Params,
    Problem,
    check_budget,
)
from coopsec.planning.optimize.ledger import Ledger
from coopsec.planning.optimize.value import (
    Tally,
    fairness_targets,
    gain,
    neglected_targets,
    nomination_value,
)
from coopsec.planning.optimize.value import objective as score_of

INF = highspy.kHighsInf
Ints = npt.NDArray[np.integer[Any]]
Floats = npt.NDArray[np.float64]
Numbers = npt.NDArray[np.number[Any]]


@dataclass(frozen=True)
class Solution:
    """An allocation and how it was reached, the same shape for the MILP and the baselines.

    `objective` follows `value.score`; `bound` is the best proven upper bound on it (MILP
    only) and `gap` = (bound - objective) / |objective|; `seconds` is the solve time alone.
    """

    method: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    chosen: frozenset[int]


@dataclass(frozen=True)
class Row:
    """What one model row stands for: its rule and the activity, partner, pair, participant
    or area it is about (None for the rows about everything)."""

    rule: str
    key: object


@dataclass(frozen=True)
class Relaxation:
    """The LP relaxation: its optimum bounds every allocation's objective from above;
    `seat_value[a]` is the dual of activity a's seat row — the rate at which that optimum
    rises per extra seat at a (0 when a has seats to spare)."""

    objective: float
    seat_value: dict[int, float]


UNEXPLAINED = Problem(
    "hard rules", "HiGHS found no allocation that meets them and could not isolate the conflict."
)
STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kInterrupt: "interrupted",
    highspy.HighsModelStatus.kMemoryLimit: "memory_limit",
}


def _groups(keys: Ints, columns: Ints, keep: npt.NDArray[np.bool_]) -> tuple[Ints, Ints, Ints]:
    """Group `columns` by `keys` (0..len(keep)-1) and keep the groups `keep` marks: the kept
    keys that occur, each one's column count, and the columns in key order."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=len(keep))
    kept = np.flatnonzero(keep & (counts > 0)).astype(np.int32)
    return kept, counts[kept].astype(np.int32), columns[order[keep[keys[order]]]]


def relative_gap(value: float, bound: float) -> float:
    """(bound - value) / |value|, the measure HiGHS's gap target uses (inf for a zero value
    below a positive bound)."""
    if bound - value <= 0:
        return 0.0
    return (bound - value) / abs(value) if value else float("inf")


class _Rows:
    """Rows gathered as coordinate triples, handed to HiGHS in one `addRows` call."""

    def __init__(self) -> None:
        self.row: list[Ints] = []
        self.col: list[Ints] = []
        self.val: list[Floats] = []
        self.labels: list[Row] = []
        self.lower: list[np.float64] = []
        self.upper: list[np.float64] = []

    def add(
        self,
        rule: str,
        keys: Iterable[object],
        lengths: Ints,
        columns: Ints,
        values: Floats | float,
        lower: Numbers | float = -INF,
        upper: Numbers | float = INF,
    ) -> Ints:
        """Rows with `lengths[r]` consecutive entries of `columns` each; returns their ids."""
        first = len(self.labels)
        self.labels.extend(Row(rule, key) for key in keys)
        ids = np.arange(first, len(self.labels), dtype=np.int32)
        self.lower.extend(np.broadcast_to(np.asarray(lower, dtype=np.float64), ids.shape))
        self.upper.extend(np.broadcast_to(np.asarray(upper, dtype=np.float64), ids.shape))
        self.entries(np.repeat(ids, lengths), columns, values)
        return ids

    def entries(self, rows: Ints, columns: Ints, values: Floats | float) -> None:
        """More entries in rows already added."""
        self.row.append(rows.astype(np.int32))
        self.col.append(columns.astype(np.int32))
        self.val.append(np.broadcast_to(np.asarray(values, dtype=np.float64), rows.shape))

    def pass_to(self, highs: highspy.Highs) -> None:
        row, col, val = (np.concatenate(parts) for parts in (self.row, self.col, self.val))
        order = np.argsort(row, kind="stable")
        starts = np.zeros(len(self.labels), dtype=np.int32)
        starts[1:] = np.cumsum(np.bincount(row, minlength=len(self.labels)))[:-1]
        highs.addRows(
            len(self.labels),
            np.array(self.lower),
            np.array(self.upper),
            len(order),
            starts,
            col[order].astype(np.int32),
            np.ascontiguousarray(val[order]),
        )


class AllocationModel:
    """The MILP of one instance, kept between solves (frontier sweeps change numbers only).

    Raises InstanceError for a total budget below the cheapest seat.
    """

    def __init__(self, instance: Instance, params: Params):
        check_budget(instance, params)
        started = time.perf_counter()
        self.instance = instance
        self.params = params
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self._build()
        self._apply(params)
        self.build_seconds = time.perf_counter() - started

    def _build(self) -> None:
        """Columns, then every row, passed to HiGHS in bulk (no per-nonzero Python call)."""
        inst = self.instance
        self.n = n = len(inst.nominations)
        self.partners = sorted(inst.partner_demand)
        # Neglected areas nobody nominated for have nothing to fill and need no row.
        self.areas = sorted(
            {a.area for a in (inst.activity[x.activity] for x in inst.nominations) if a.neglected}
        )
        activity_pos = {a.id: i for i, a in enumerate(inst.activities)}
        partner_pos = {p: i for i, p in enumerate(self.partners)}
        act = np.fromiter((activity_pos[x.activity] for x in inst.nominations), np.int32, n)
        part = np.fromiter((partner_pos[x.partner] for x in inst.nominations), np.int32, n)
        self.cost = np.array([a.cost_per_seat for a in inst.activities], dtype=np.float64)[act]
        self._add_columns()
        rows = _Rows()
        self._hard_rows(rows, act, part)
        self._soft_rows(rows, act, part)
        rows.pass_to(self.highs)
        self.rows = rows.labels

    def _add_columns(self) -> None:
        """x (binary), then y (breadth), f (fairness), S, u, h (neglected), s (partner
        seats), d (pair gaps)."""
        n, p_count = self.n, len(self.partners)
        self.y0, self.f0 = n, n + p_count
        self.s_col, self.u_col, self.h0 = n + 2 * p_count, n + 2 * p_count + 1, n + 2 * p_count + 2
        self.seats0 = self.h0 + len(self.areas)
        self.pair_p, self.pair_q = np.triu_indices(p_count, k=1)
        self.d0 = self.seats0 + p_count
        total = self.d0 + len(self.pair_p)
        upper = np.full(total, INF)
        upper[: self.f0] = 1.0  # x and y; the shortfalls' bounds depend on the parameters
        nothing = np.zeros(0, np.int32)
        self.highs.addCols(
            total, np.zeros(total), np.zeros(total), upper, 0, nothing, nothing, np.zeros(0)
        )
        self.highs.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8)
        )
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def _hard_rows(self, rows: _Rows, act: Ints, part: Ints) -> None:
        """Seats, caps, budgets and participant cliques, each only where it can bind."""
        inst, p_count = self.instance, len(self.partners)
        x = np.arange(self.n, dtype=np.int32)
        ids = np.array([a.id for a in inst.activities])
        seats = np.array([a.seats for a in inst.activities], dtype=np.int64)
        caps = np.array([a.seats if a.cap is None else a.cap for a in inst.activities])
        kept, lengths, cols = _groups(act, x, np.bincount(act, minlength=len(seats)) > seats)
        seat_rows = rows.add("seats", ids[kept].tolist(), lengths, cols, 1.0, upper=seats[kept])
        self.seat_rows = dict(zip(ids[kept].tolist(), seat_rows.tolist(), strict=True))
        pairs, pair = np.unique(act.astype(np.int64) * p_count + part, return_inverse=True)
        pair_act, pair_partner = pairs // max(p_count, 1), pairs % max(p_count, 1)
        pair_cap = caps[pair_act]
        keep = (np.bincount(pair, minlength=len(pairs)) > pair_cap) & (pair_cap < seats[pair_act])
        kept, lengths, cols = _groups(pair.astype(np.int32), x, keep)
        labels = [(int(ids[pair_act[k]]), self.partners[pair_partner[k]]) for k in kept]
        rows.add("cap", labels, lengths, cols, 1.0, upper=pair_cap[kept])
        paid = np.flatnonzero(self.cost > 0).astype(np.int32)
        budget = np.array(
            [INF if b is None else b for b in (inst.partner[p].budget for p in self.partners)]
        )
        spend = np.bincount(part[paid], weights=self.cost[paid], minlength=p_count)
        kept, lengths, cols = _groups(part[paid], paid, spend > budget)
        partners = [self.partners[k] for k in kept]
        rows.add("partner_budget", partners, lengths, cols, self.cost[cols], upper=budget[kept])
        # Always present (when any seat costs), so a sweep may set or lift the total budget.
        self.total_budget_row = (
            int(rows.add("total_budget", [None], np.array([len(paid)]), paid, self.cost[paid])[0])
            if len(paid)
            else None
        )
        cliques = participant_cliques(inst)
        if cliques:
            members = np.concatenate([np.array(c, dtype=np.int32) for _, c in cliques])
            sizes = np.array([len(c) for _, c in cliques])
            rows.add("participant", (p for p, _ in cliques), sizes, members, 1.0, upper=1.0)

    def _soft_rows(self, rows: _Rows, act: Ints, part: Ints) -> None:
        """Breadth, fairness floors, the non-operational share and neglected-area fill; their
        targets and coefficients k and m are set by `_apply`."""
        inst, n, p_count = self.instance, self.n, len(self.partners)
        x = np.arange(n, dtype=np.int32)
        kept, lengths, cols = _groups(part, x, np.ones(p_count, dtype=bool))
        self.breadth_rows = rows.add("breadth", self.partners, lengths, cols, -1.0, upper=0.0)
        rows.entries(self.breadth_rows, self.y0 + kept, 1.0)
        self.fairness_rows = rows.add("fairness_floor", self.partners, lengths, cols, 1.0)
        rows.entries(self.fairness_rows, self.f0 + kept, 1.0)
        (total_row,) = rows.add("seats_total", [None], np.array([n]), x, 1.0, lower=0, upper=0)
        rows.entries(np.array([total_row]), np.array([self.s_col]), -1.0)
        non_op = np.fromiter((not inst.partner[p].operational for p in self.partners), bool)
        non_op_cols = x[non_op[part]]
        (self.non_op_row,) = rows.add(
            "non_operational_share", [None], np.array([len(non_op_cols)]), non_op_cols, 1.0, lower=0
        )
        rows.entries(
            np.array([self.non_op_row, self.non_op_row]),
            np.array([self.s_col, self.u_col]),
            np.array([-1.0, 1.0]),
        )
        area_pos = {g: i for i, g in enumerate(self.areas)}
        area_of = np.array(
            [area_pos.get(a.area, -1) if a.neglected else -1 for a in inst.activities],
            dtype=np.int32,
        )[act]
        in_area = np.flatnonzero(area_of >= 0).astype(np.int32)
        g_count = len(self.areas)
        kept, lengths, cols = _groups(area_of[in_area], in_area, np.ones(g_count, dtype=bool))
        self.neglected_rows = rows.add("neglected_fill", self.areas, lengths, cols, 1.0)
        rows.entries(self.neglected_rows, self.h0 + np.arange(g_count), 1.0)
        self._spread_rows(rows, part)

    def _spread_rows(self, rows: _Rows, part: Ints) -> None:
        """s_p counts partner p's seats; d_pq is at least the gap between p and q either way
        (the objective presses it down onto |s_p - s_q|). One pair of rows per pair of
        partners — 8,010 rows of 3 entries for 90 partners — because the Gini's numerator
        needs every pair; the alternatives with fewer rows (deviation from the mean) do not
        measure what the Gini measures."""
        p_count = len(self.partners)
        x = np.arange(self.n, dtype=np.int32)
        kept, lengths, cols = _groups(part, x, np.ones(p_count, dtype=bool))
        seat_rows = rows.add("partner_seats", self.partners, lengths, cols, -1.0, 0.0, 0.0)
        rows.entries(seat_rows, self.seats0 + kept, 1.0)
        pairs = [
            (self.partners[p], self.partners[q])
            for p, q in zip(self.pair_p, self.pair_q, strict=True)
        ]
        d = self.d0 + np.arange(len(pairs), dtype=np.int32)
        for sign in (1.0, -1.0):
            ids = rows.add("spread", pairs, np.ones(len(pairs), np.int32), d, 1.0, lower=0.0)
            rows.entries(ids, self.seats0 + self.pair_p, -sign)
            rows.entries(ids, self.seats0 + self.pair_q, sign)

    def _apply(self, params: Params) -> None:
        """Put `params` into the model's costs, bounds and coefficients."""
        check_budget(self.instance, params)
        h, p_count, g_count = self.highs, len(self.partners), len(self.areas)
        values = np.fromiter(
            (nomination_value(x, params) for x in self.instance.nominations), np.float64, self.n
        )
        hard = params.hard_rules
        floors = fairness_targets(self.instance, params)
        fills = neglected_targets(self.instance, params)
        fairness = np.array([floors[p] for p in self.partners])
        neglected = np.array([fills[g] for g in self.areas])
        cost = np.concatenate(
            [
                values,
                np.full(p_count, params.breadth_weight),
                np.full(p_count, -params.fairness_penalty),
                [0.0, -params.non_operational_penalty],
                np.full(g_count, -params.neglected_penalty),
                np.zeros(p_count),
                np.full(len(self.pair_p), -params.equity_weight / max(p_count, 1)),
            ]
        )
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        slack_cols = np.concatenate(
            [self.f0 + np.arange(p_count), [self.u_col], self.h0 + np.arange(g_count)]
        ).astype(np.int32)
        slack_upper = np.concatenate(
            [
                np.zeros(p_count) if "fairness_floor" in hard else fairness,
                [0.0 if "non_operational_share" in hard else INF],
                np.zeros(g_count) if "neglected_fill" in hard else neglected,
            ]
        )
        h.changeColsBounds(len(slack_cols), slack_cols, np.zeros(len(slack_cols)), slack_upper)
        lower_rows = np.concatenate([self.fairness_rows, self.neglected_rows]).astype(np.int32)
        lower = np.concatenate([fairness, neglected])
        # The bundled stubs omit changeRowsBounds; the binding has it.
        h.changeRowsBounds(  # type: ignore[attr-defined]
            len(lower_rows), lower_rows, lower, np.full(len(lower), INF)
        )
        if self.total_budget_row is not None:
            limit = INF if params.total_budget is None else float(params.total_budget)
            h.changeRowBounds(self.total_budget_row, -INF, limit)
        for row, p in zip(self.breadth_rows, range(p_count), strict=True):
            h.changeCoeff(int(row), self.y0 + p, float(params.breadth_seats))
        h.changeCoeff(int(self.non_op_row), self.s_col, -params.non_operational_share)
        h.setOptionValue("time_limit", float(params.time_limit))
        h.setOptionValue("mip_rel_gap", float(params.mip_gap))
        h.setOptionValue("threads", int(params.threads))
        self.params = params

    def solve(self, params: Params | None = None, *, start: Iterable[int] = ()) -> Solution:
        """Solve with `params` (default: the last ones), starting from the allocation `start`
        if given (it must satisfy the hard constraints).

        Raises InfeasibleError naming the hard rules that cannot all be met.
        """
        if params is not None and params != self.params:
            self._apply(params)
        problems = obvious_problems(self.instance, self.params)
        if problems:
            raise InfeasibleError(problems)
        chosen_start = frozenset(start)
        if chosen_start:
            self._warm_start(chosen_start)
        started = time.perf_counter()
        self.highs.run()
        seconds = time.perf_counter() - started
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise InfeasibleError(iis_problems(self) or [UNEXPLAINED])
        info = self.highs.getInfo()
        if info.primal_solution_status != highspy.kSolutionStatusFeasible:
            return Solution(
                "milp", STATUS.get(status, "no_solution"), None, None, None, seconds, frozenset()
            )
        x = np.asarray(self.highs.getSolution().col_value[: self.n])
        chosen = complete(
            self.instance,
            self.params,
            (self.instance.nominations[i].id for i in np.flatnonzero(x > 0.5)),
        )
        seconds = time.perf_counter() - started
        # Scored exactly, not read from HiGHS, whose value carries its feasibility tolerances.
        value = score_of(self.instance, self.params, chosen).objective
        bound = max(info.mip_dual_bound, value)
        return Solution(
            method="milp",
            status=STATUS.get(status, self.highs.modelStatusToString(status).lower()),
            objective=value,
            bound=bound,
            gap=relative_gap(value, bound),
            seconds=seconds,
            chosen=chosen,
        )

    def _warm_start(self, chosen: frozenset[int]) -> None:
        """Offer HiGHS an allocation as its first incumbent; it completes the other columns."""
        index = np.arange(self.n, dtype=np.int32)
        values = np.fromiter(
            (1.0 if x.id in chosen else 0.0 for x in self.instance.nominations), np.float64, self.n
        )
        self.highs.setSolution(self.n, index, values)

    def relaxation(self) -> Relaxation:
        """Solve the LP relaxation (every x_i in [0, 1]) and read the seat rows' duals."""
        index = np.arange(self.n, dtype=np.int32)
        self.highs.changeColsIntegrality(self.n, index, np.zeros(self.n, dtype=np.uint8))
        try:
            self.highs.run()
            objective = self.highs.getInfo().objective_function_value
            duals = self.highs.getSolution().row_dual
            seat_value = {a.id: 0.0 for a in self.instance.activities}
            seat_value.update({a: float(duals[row]) for a, row in self.seat_rows.items()})
        finally:
            self.highs.changeColsIntegrality(self.n, index, np.ones(self.n, dtype=np.uint8))
        return Relaxation(objective=objective, seat_value=seat_value)


def complete(instance: Instance, params: Params, chosen: Iterable[int]) -> frozenset[int]:
    """Add to an allocation, best value first, every nomination that still fits and raises
    the objective.

    A solution within the gap target can leave money or seats that one more nomination could
    use; this pass takes them (it never lowers the objective, and keeps a hard
    non-operational share met), so that the explanations find few seats declined for no
    reason.
    """
    ledger = Ledger(instance, params, chosen)
    tally = Tally.of(instance, params, ledger.chosen)
    taken = set(ledger.chosen)
    hard_share = "non_operational_share" in params.hard_rules
    m = params.non_operational_share
    for nomination in sorted(instance.nominations, key=lambda n: -nomination_value(n, params)):
        if nomination.id in taken or gain(instance, params, tally, nomination) <= 1e-9:
            continue
        operational = instance.partner[nomination.partner].operational
        if hard_share and m * (tally.seats + 1) > tally.non_operational + (not operational) + 1e-9:
            continue
        if ledger.fits(nomination):
            ledger.add(nomination)
            tally.add(instance, params, nomination)
            taken.add(nomination.id)
    return frozenset(taken)


def solve(instance: Instance, params: Params) -> tuple[Solution, AllocationModel]:
    """Build the model and solve it once; the model is returned for explanations and sweeps.

    Raises InstanceError for bad parameters and InfeasibleError for unmeetable hard rules.
    """
    model = AllocationModel(instance, params)
    return model.solve(), model

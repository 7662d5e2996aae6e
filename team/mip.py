"""One mixed-integer programme solved with HiGHS, every limit a count.

Shared by the ticket plan (`team.ticket_plan`) and the slate (`hiring.slate`): both need
answers that are the same on every machine, so nodes and simplex iterations are bounded, never
the time, and HiGHS's own interface is used because scipy's `milp` cannot bound iterations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix, vstack

from team import forecast as forecast_module

__all__ = ["solve_mip"]


def solve_mip(
    cost: np.ndarray,
    rows: Sequence[tuple[coo_matrix, np.ndarray, np.ndarray]],
    integer: np.ndarray,
    upper: np.ndarray,
    nodes: int,
    iterations: int,
    *,
    improving: int | None = None,
    gap: float = 0.0,
) -> tuple[np.ndarray | None, str]:
    """Minimise `cost @ x` with `low <= A @ x <= high` for each of `rows`, 0 <= x <= upper,
    x integer where `integer`, within `nodes` branch-and-bound nodes and `iterations` simplex
    iterations in all: the solution (None when none was found) and "optimal",
    "feasible" (a limit stopped the search), "infeasible" or "unknown".

    HiGHS's own interface, so that every limit is a count (nodes, simplex iterations) and the
    answer the same on every machine; scipy's `milp` (the same solver, fewer limits) where
    highspy is not installed."""
    if forecast_module.highspy is None:  # pragma: no cover - highspy is a dependency
        result = milp(
            cost,
            constraints=[LinearConstraint(a, low, high) for a, low, high in rows],
            integrality=integer.astype(float),
            bounds=Bounds(np.zeros(len(cost)), upper),
            options={"node_limit": nodes, "mip_rel_gap": gap},
        )
        status = {0: "optimal", 2: "infeasible"}.get(result.status, "feasible")
        return result.x, status if result.x is not None or status == "infeasible" else "unknown"
    highspy = forecast_module.highspy
    matrix = vstack([a for a, _, _ in rows]).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(len(cost))
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate([np.broadcast_to(low, a.shape[0]) for a, low, _ in rows])
    lp.row_upper_ = np.concatenate([np.broadcast_to(high, a.shape[0]) for a, _, high in rows])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
        for flag in integer.tolist()
    ]
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_max_nodes", nodes)
    highs.setOptionValue("mip_rel_gap", gap)
    highs.setOptionValue("simplex_iteration_limit", iterations)
    if improving is not None:
        highs.setOptionValue("mip_max_improving_sols", improving)
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, "infeasible"
    if highs.getInfo().primal_solution_status != 2:  # no feasible solution found
        return None, "unknown"
    x = np.array(highs.getSolution().col_value)
    return x, "optimal" if status == highspy.HighsModelStatus.kOptimal else "feasible"

"""Two ways to fill an allocation problem: greedy by intensity, and a HiGHS mixed-integer program.

The program: per deal a continuous amount x (in 10,000 CNY, keeping HiGHS's numbers near 1) and
a binary y; y·lower ≤ x ≤ y·upper gives "nothing or at least a minimum ticket"; every group
caps the sum of its deals' x; maximize Σ weight·x. Amounts come back as whole fen, rounded
down, then repaired exactly so no bound or cap is broken by solver tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from matching.allocation.problem import Problem

FEN_PER_UNIT = 1_000_000


def greedy_amounts(problem: Problem) -> list[int]:
    """Most tCO2e per CNY first; each deal takes all the room it has if that fits a ticket.

    Deals that finance no reduction (weight 0 or below) are left out.
    """
    room = [group.cap_fen for group in problem.groups]
    amounts = [0] * len(problem.deals)
    order = sorted(
        (i for i in range(len(amounts)) if problem.eligible(i) and problem.weight[i] > 0),
        key=lambda i: (-problem.weight[i], str(problem.deals[i].deal_id)),
    )
    for i in order:
        amount = min([problem.upper_fen[i], *(room[g] for g in problem.groups_of[i])])
        if amount >= problem.lower_fen[i]:
            amounts[i] = amount
            for g in problem.groups_of[i]:
                room[g] -= amount
    return amounts


def milp_amounts(problem: Problem, time_limit_s: float) -> tuple[list[int] | None, str]:
    """HiGHS's plan in fen (None when it found none) and a sentence on how the solve went."""
    n = len(problem.deals)
    if n == 0:
        return [], "nothing to allocate"
    eligible = np.array([problem.eligible(i) for i in range(n)])
    upper = np.where(eligible, np.array(problem.upper_fen, dtype=float) / FEN_PER_UNIT, 0.0)
    lower = np.where(eligible, np.array(problem.lower_fen, dtype=float) / FEN_PER_UNIT, 0.0)
    weight_per_unit = np.array(problem.weight) * (FEN_PER_UNIT / 100)
    rows, cols, vals = [], [], []
    for i in range(n):
        rows += [i, i, n + i, n + i]
        cols += [i, n + i, i, n + i]
        vals += [1.0, -upper[i], 1.0, -lower[i]]
    for g, group in enumerate(problem.groups):
        rows += [2 * n + g] * len(group.members)
        cols += list(group.members)
        vals += [1.0] * len(group.members)
    matrix = coo_array((vals, (rows, cols)), shape=(2 * n + len(problem.groups), 2 * n)).tocsr()
    caps = np.array([group.cap_fen for group in problem.groups], dtype=float) / FEN_PER_UNIT
    result = milp(
        c=np.concatenate([-weight_per_unit, np.zeros(n)]),
        integrality=np.concatenate([np.zeros(n), np.ones(n)]),
        bounds=Bounds(np.zeros(2 * n), np.concatenate([upper, eligible.astype(float)])),
        constraints=LinearConstraint(
            matrix,
            np.concatenate([np.full(n, -np.inf), np.zeros(n), np.full(len(caps), -np.inf)]),
            np.concatenate([np.zeros(n), np.full(n, np.inf), caps]),
        ),
        options={"time_limit": time_limit_s, "mip_rel_gap": 1e-7, "disp": False},
    )
    if result.x is None:
        return None, f"HiGHS found no plan (status {result.status}: {result.message})"
    fen = [
        math.floor(x * FEN_PER_UNIT + 1e-3) if y > 0.5 else 0
        for x, y in zip(result.x[:n].tolist(), result.x[n:].tolist(), strict=True)
    ]
    state = "optimal" if result.status == 0 else f"stopped early ({result.message})"
    return repair(problem, fen), f"HiGHS {state}"


def repair(problem: Problem, amounts_fen: Sequence[int]) -> list[int]:
    """Snap amounts into their bounds, then trim any cap overrun from the lowest-weight deals."""
    fixed = [
        min(max(a, problem.lower_fen[i]), problem.upper_fen[i]) if a and problem.eligible(i) else 0
        for i, a in enumerate(amounts_fen)
    ]
    for group in problem.groups:
        excess = sum(fixed[i] for i in group.members) - group.cap_fen
        cheapest_first = sorted(group.members, key=lambda i: problem.weight[i])
        for i in cheapest_first:
            cut = min(excess, fixed[i] - problem.lower_fen[i]) if fixed[i] and excess > 0 else 0
            fixed[i], excess = fixed[i] - cut, excess - cut
        for i in cheapest_first:
            if excess > 0 and fixed[i]:
                excess -= fixed[i]
                fixed[i] = 0
    return fixed

"""Sentences a lender or regulator can read: why each deal got its amount, or nothing."""

from __future__ import annotations

from collections.abc import Sequence

from matching.allocation.problem import Problem
from matching.lending.money import cny, from_fen


def _intensity(problem: Problem, i: int) -> str:
    return f"{problem.weight[i] * 10_000:.3f} tCO2e a year per 10,000 CNY"


def group_slack(problem: Problem, amounts_fen: Sequence[int]) -> list[int]:
    """Room left in each group after a plan."""
    return [g.cap_fen - sum(amounts_fen[i] for i in g.members) for g in problem.groups]


def deal_reason(problem: Problem, amounts_fen: Sequence[int], slack: Sequence[int], i: int) -> str:
    """Why deal i received what the plan gives it."""
    lower, upper = problem.lower_fen[i], problem.upper_fen[i]
    if not problem.eligible(i):
        if upper == 0 and lower == 0:
            return "not funded: the mandate is closed"
        return (
            f"not funded: the {problem.upper_cause[i]} leaves {cny(from_fen(upper))}, "
            f"below the {cny(from_fen(lower))} minimum ticket"
        )
    amount = amounts_fen[i]
    if amount:
        binding = [problem.groups[g].label for g in problem.groups_of[i] if slack[g] == 0]
        if amount == upper:
            binding.insert(0, problem.upper_cause[i])
        limited = ", ".join(dict.fromkeys(binding)) or "the choice among equally good deals"
        return f"funded {cny(from_fen(amount))} at {_intensity(problem, i)}; limited by {limited}"
    if problem.weight[i] <= 0:
        return "not funded: it reports no emission reduction to finance"
    blocked = [
        _room_left(problem.groups[g].label, slack[g])
        for g in problem.groups_of[i]
        if slack[g] < lower
    ]
    if blocked:
        return (
            f"not funded ({_intensity(problem, i)}): {'; '.join(blocked)}, "
            f"less than its {cny(from_fen(lower))} minimum ticket"
        )
    return (
        f"not funded: leaving it out let other deals fit their minimum tickets "
        f"for more financed tCO2e ({_intensity(problem, i)})"
    )


def _room_left(label: str, slack_fen: int) -> str:
    left = cny(from_fen(max(0, slack_fen)))
    if label.startswith("financing need"):
        return f"only {left} of the project's need is left open by its other deals"
    return f"the {label} has {left} left after the plan's other deals"

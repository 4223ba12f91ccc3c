"""Allocation plans: spread lenders' remaining capacity over open deals for most financed tCO2e.

`plan_allocation` solves a mixed-integer program with HiGHS (see `allocation_solvers`) and keeps
the greedy plan beside it; the greedy plan is returned instead whenever HiGHS fails, breaks a
constraint or finances less, so the optimizer never does worse than greedy.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from matching.allocation.problem import OpenDeal, Problem, build_problem
from matching.allocation.reasons import deal_reason, group_slack
from matching.allocation.solvers import greedy_amounts, milp_amounts
from matching.lending.mandates import Mandate
from matching.lending.money import cny, from_fen, to_fen

__all__ = [
    "AllocationLine",
    "AllocationPlan",
    "OpenDeal",
    "ProjectAllocation",
    "assemble_allocation_plan",
    "plan_allocation",
]


@dataclass(frozen=True)
class AllocationLine:
    """One open deal in the allocation plan; `financed_tco2e` is annual, attributed amount /
    capex."""

    deal_id: uuid.UUID
    project_id: uuid.UUID
    mandate_id: uuid.UUID
    amount_cny: Decimal
    financed_tco2e: float
    reason: str


@dataclass(frozen=True)
class ProjectAllocation:
    """What the allocation plan gives one project across all its open deals, and why."""

    project_id: uuid.UUID
    financing_need_cny: Decimal
    allocated_cny: Decimal
    financed_tco2e: float
    reason: str


@dataclass(frozen=True)
class AllocationPlan:
    """A proposed spread of capacity, the method that produced it and both objective values."""

    method: Literal["milp", "greedy"]
    note: str
    financed_tco2e: float
    greedy_financed_tco2e: float
    milp_financed_tco2e: float | None
    lines: tuple[AllocationLine, ...]
    projects: tuple[ProjectAllocation, ...]


def plan_allocation(
    deals: Sequence[OpenDeal], mandates: Sequence[Mandate], *, time_limit_s: float = 10.0
) -> AllocationPlan:
    """The HiGHS plan when it is feasible and at least as good as greedy, else the greedy plan."""
    problem = build_problem(deals, mandates)
    greedy = greedy_amounts(problem)
    greedy_tco2e = problem.financed_tco2e(greedy)
    try:
        amounts, note = milp_amounts(problem, time_limit_s)
    except (ValueError, RuntimeError) as error:
        amounts, note = None, f"HiGHS failed ({error})"
    if amounts is None:
        return assemble_allocation_plan(
            problem, greedy, "greedy", f"{note}; greedy plan used", greedy_tco2e, None
        )
    milp_tco2e = problem.financed_tco2e(amounts)
    broken = problem.violations(amounts)
    if broken:
        note = f"{note} but its plan broke {broken[0]}; greedy plan used"
        return assemble_allocation_plan(problem, greedy, "greedy", note, greedy_tco2e, milp_tco2e)
    if milp_tco2e < greedy_tco2e:
        note = (
            f"{note} but financed {milp_tco2e:,.1f} tCO2e a year, less than greedy's "
            f"{greedy_tco2e:,.1f}; greedy plan used"
        )
        return assemble_allocation_plan(problem, greedy, "greedy", note, greedy_tco2e, milp_tco2e)
    gain = milp_tco2e - greedy_tco2e
    note = f"{note}; {gain:,.1f} tCO2e a year more than greedy's {greedy_tco2e:,.1f}"
    return assemble_allocation_plan(problem, amounts, "milp", note, greedy_tco2e, milp_tco2e)


def assemble_allocation_plan(
    problem: Problem,
    amounts: list[int],
    method: Literal["milp", "greedy"],
    note: str,
    greedy_tco2e: float,
    milp_tco2e: float | None,
) -> AllocationPlan:
    """The plan of one solver's amounts (fen per deal), with a reason for every deal and project."""
    slack = group_slack(problem, amounts)
    lines = tuple(
        AllocationLine(
            deal.deal_id,
            deal.project.project_id,
            deal.mandate_id,
            from_fen(amounts[i]),
            amounts[i] / 100 * problem.weight[i],
            deal_reason(problem, amounts, slack, i),
        )
        for i, deal in enumerate(problem.deals)
    )
    financed = problem.financed_tco2e(amounts)
    return AllocationPlan(
        method, note, financed, greedy_tco2e, milp_tco2e, lines, _projects(problem, lines)
    )


def _projects(problem: Problem, lines: Sequence[AllocationLine]) -> tuple[ProjectAllocation, ...]:
    by_project: dict[uuid.UUID, list[AllocationLine]] = defaultdict(list)
    need: dict[uuid.UUID, Decimal] = {}
    for deal, line in zip(problem.deals, lines, strict=True):
        by_project[line.project_id].append(line)
        need[line.project_id] = deal.project.financing_need_cny
    return tuple(_project(pid, need[pid], own) for pid, own in by_project.items())


def _project(
    project_id: uuid.UUID, need: Decimal, lines: list[AllocationLine]
) -> ProjectAllocation:
    funded = [line for line in lines if line.amount_cny]
    allocated = sum((line.amount_cny for line in funded), Decimal("0.00"))
    tco2e = sum(line.financed_tco2e for line in funded)
    lenders = f"{len(funded)} mandate{'s' if len(funded) != 1 else ''}"
    unfunded = list(dict.fromkeys(line.reason for line in lines if not line.amount_cny))
    if funded and to_fen(allocated) >= to_fen(need):
        reason = f"fully financed by {lenders}: {tco2e:,.1f} tCO2e a year"
    elif funded:
        reason = (
            f"{allocated / need:.0%} of its {cny(need)} need financed by {lenders} "
            f"({tco2e:,.1f} tCO2e a year)"
            + (f"; other deals {'; '.join(unfunded)}" if unfunded else "")
        )
    else:
        reason = "; ".join(unfunded)
    return ProjectAllocation(project_id, need, allocated, tco2e, reason)

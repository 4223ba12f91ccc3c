"""The allocation problem in exact integer fen: per-deal bounds and shared capacity groups."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from matching.lending.mandates import Mandate
from matching.lending.money import to_fen
from matching.matching.matcher import Match
from matching.matching.project_facts import ProjectFacts


@dataclass(frozen=True)
class OpenDeal:
    """A deal the plan may fund: the project version it offers and the mandate it draws on."""

    deal_id: uuid.UUID
    project: ProjectFacts
    mandate_id: uuid.UUID

    @classmethod
    def of(cls, match: Match) -> OpenDeal:
        return cls(match.deal_id, match.project, match.mandate.mandate_id)


@dataclass(frozen=True)
class Group:
    """Deals sharing one cap: a mandate's capacity or limit, or a project's financing need."""

    label: str
    cap_fen: int
    members: tuple[int, ...]


@dataclass(frozen=True)
class Problem:
    """Deal i may receive 0 or an amount in [lower_fen[i], upper_fen[i]], every group capped.

    `upper_cause[i]` names the bound that set `upper_fen[i]`; `weight[i]` is annual tCO2e
    financed per CNY (annual_tco2e / capex), the objective's coefficient.
    """

    deals: tuple[OpenDeal, ...]
    lower_fen: tuple[int, ...]
    upper_fen: tuple[int, ...]
    upper_cause: tuple[str, ...]
    weight: tuple[float, ...]
    groups: tuple[Group, ...]
    groups_of: tuple[tuple[int, ...], ...]

    def eligible(self, i: int) -> bool:
        return self.upper_fen[i] >= self.lower_fen[i] > 0

    def financed_tco2e(self, amounts_fen: Sequence[int]) -> float:
        """Annual tCO2e financed by a plan: Σ amount / capex × annual_tco2e."""
        return sum(a / 100 * w for a, w in zip(amounts_fen, self.weight, strict=True))

    def violations(self, amounts_fen: Sequence[int]) -> list[str]:
        """Every broken bound or cap of a plan; empty when the plan is feasible."""
        broken = [
            f"deal {self.deals[i].deal_id}: {a} fen outside [{self.lower_fen[i]}, "
            f"{self.upper_fen[i]}]"
            for i, a in enumerate(amounts_fen)
            if a and not (self.eligible(i) and self.lower_fen[i] <= a <= self.upper_fen[i])
        ]
        for group in self.groups:
            used = sum(amounts_fen[i] for i in group.members)
            if used > group.cap_fen:
                broken.append(f"{group.label}: {used} fen over a cap of {group.cap_fen}")
        return broken


def _bounds(deal: OpenDeal, mandate: Mandate | None) -> tuple[int, int, str]:
    if mandate is None or mandate.closed:
        return 0, 0, "mandate closed"
    p, spec = deal.project, mandate.spec
    caps = [
        (to_fen(spec.ticket_max_cny), "ticket maximum"),
        (to_fen(p.financing_need_cny), "financing need"),
        (to_fen(mandate.remaining_capacity_cny), "mandate capacity"),
    ]
    caps += [
        (to_fen(u.headroom_cny), f"{u.axis} limit")
        for u in mandate.limit_uses(p.enterprise_id, p.city, p.family)
    ]
    upper, cause = min(caps, key=lambda cap: cap[0])
    return to_fen(spec.ticket_min_cny), upper, cause


def build_problem(deals: Sequence[OpenDeal], mandates: Sequence[Mandate]) -> Problem:
    """Bounds per deal and one group per mandate capacity, mandate limit and project need."""
    by_id = {m.mandate_id: m for m in mandates}
    bounds = [_bounds(d, by_id.get(d.mandate_id)) for d in deals]
    latest: dict[uuid.UUID, ProjectFacts] = {}
    for deal in deals:
        p = deal.project
        if p.project_id not in latest or latest[p.project_id].project_version < p.project_version:
            latest[p.project_id] = p
    members: dict[tuple[object, ...], list[int]] = defaultdict(list)
    caps: dict[tuple[object, ...], tuple[str, int]] = {}
    for i, deal in enumerate(deals):
        p = deal.project
        members[("need", p.project_id)].append(i)
        caps[("need", p.project_id)] = (
            "financing need of the project",
            to_fen(latest[p.project_id].financing_need_cny),
        )
        mandate = by_id.get(deal.mandate_id)
        if mandate is None:
            continue
        members[("capacity", mandate.mandate_id)].append(i)
        caps[("capacity", mandate.mandate_id)] = (
            f"capacity of {mandate.spec.name}",
            to_fen(mandate.remaining_capacity_cny),
        )
        for use in mandate.limit_uses(p.enterprise_id, p.city, p.family):
            who = p.enterprise_id if use.axis == "enterprise" else None
            key = (mandate.mandate_id, use.axis, who)
            members[key].append(i)
            caps[key] = (f"{use.axis} limit of {mandate.spec.name}", to_fen(use.headroom_cny))
    groups = tuple(Group(caps[k][0], caps[k][1], tuple(v)) for k, v in members.items())
    groups_of: list[list[int]] = [[] for _ in deals]
    for g, group in enumerate(groups):
        for i in group.members:
            groups_of[i].append(g)
    return Problem(
        tuple(deals),
        tuple(b[0] for b in bounds),
        tuple(b[1] for b in bounds),
        tuple(b[2] for b in bounds),
        tuple(d.project.tco2e_per_cny for d in deals),
        groups,
        tuple(tuple(g) for g in groups_of),
    )

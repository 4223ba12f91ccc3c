"""What scoring knows about one project family, in one record the family table holds.

A family module (`scoring.families.<family>`) defines its methodologies and builds one
`Family`: the norms its checks apply, how a claim beyond them is credited, and which targets
of the Hunan carbon-peak plan (`scoring.taxonomy.carbon_peak_plan`) its projects can meet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from schemas.project import ProjectSpec
from schemas.scoring import Flag
from schemas.vocabulary import FAMILY_OF_TYPE, ProjectFamily, ProjectType
from scoring.estimate.credit_rules import CreditRule
from scoring.estimate.methodology import Methodology
from scoring.families.activity_norm import ActivityNorm

Checks = Callable[[ProjectSpec, float], list[Flag]]
"""Flags for one project of the family, given the annual tCO2e its methodology computes."""
PlanTargets = Callable[[ProjectSpec], tuple[str, ...]]
"""The carbon-peak plan targets a project's own figures show it meets or serves."""


def no_checks(project: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    """A family without norms of its own beyond the shared ones."""
    return []


@dataclass(frozen=True)
class Family:
    """One project family: methodologies, checks, credit rules and plan targets."""

    family: ProjectFamily
    methodologies: tuple[Methodology, ...]
    checks: Checks = no_checks
    """Checks of the family's own beyond its `norms`."""
    norms: tuple[ActivityNorm, ...] = ()
    """Norms on claimed activity values: each flags a claim beyond it and credits it."""
    capacity_factor_norms: Mapping[ProjectType, float] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Highest plausible capacity factor per type whose output is generation at a capacity."""
    credit_rules: Mapping[str, CreditRule] = field(default_factory=lambda: MappingProxyType({}))
    """Flag code of one of `checks`' norms → the inputs a claim beyond it is credited at."""
    output_bound: CreditRule | None = None
    """Credited output of a plant without a capacity-factor norm whose output is impossible."""
    carbon_peak_targets: PlanTargets | None = None

    def flags(self, project: ProjectSpec, annual_tco2e: float) -> list[Flag]:
        """Every flag the family's own checks and norms raise on `project`."""
        return self.checks(project, annual_tco2e) + [
            f for n in self.norms for f in n.check(project)
        ]

    @property
    def all_credit_rules(self) -> Mapping[str, CreditRule]:
        """Flag code → credit rule, for `credit_rules` and every norm."""
        return {**self.credit_rules, **{n.code: n.credit for n in self.norms}}

    @property
    def types(self) -> tuple[ProjectType, ...]:
        """The project types this family's methodologies score."""
        return tuple(t for m in self.methodologies for t in m.applicable_types)

    def __post_init__(self) -> None:
        strangers = [t for t in self.types if FAMILY_OF_TYPE[t] is not self.family]
        if strangers:
            raise ValueError(f"{self.family.value} scores types of other families: {strangers}")

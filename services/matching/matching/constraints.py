"""The hard constraints, one pair at a time: the reference the batch matcher must agree with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matching.lending.mandates import Mandate
from matching.lending.money import cny
from matching.matching.project_facts import ProjectFacts
from schemas.deals import ConstraintOutcome
from schemas.lending import Exclusion


@dataclass(frozen=True)
class Constraint:
    """A named hard constraint: `holds` decides, `detail` says what was compared."""

    name: str
    holds: Callable[[ProjectFacts, Mandate], bool]
    detail: Callable[[ProjectFacts, Mandate], str]


def _within_abatement_ceiling(p: ProjectFacts, m: Mandate) -> bool:
    ceiling, cost = m.spec.max_abatement_cost_cny_per_tco2e, p.abatement_cost_cny_per_tco2e
    return ceiling is None or (cost is not None and cost <= ceiling)


def _abatement_detail(p: ProjectFacts, m: Mandate) -> str:
    ceiling, cost = m.spec.max_abatement_cost_cny_per_tco2e, p.abatement_cost_cny_per_tco2e
    said = "unknown" if cost is None else f"{cost:,.2f} CNY/tCO2e"
    return f"abatement cost {said}; " + (
        "no ceiling" if ceiling is None else f"at most {ceiling:,.2f}"
    )


def _excluded(p: ProjectFacts, m: Mandate, exclusion: Exclusion) -> bool:
    trait = {
        Exclusion.PLAUSIBILITY_FLAGGED: p.plausibility_flagged,
        Exclusion.HIGH_ENERGY_HIGH_EMISSION: p.high_energy_high_emission,
    }[exclusion]
    return trait and exclusion in m.spec.exclusions


def _exclusion_detail(has_trait: bool, m: Mandate, exclusion: Exclusion) -> str:
    trait = exclusion.replace("_", " ")
    if not has_trait:
        return f"project is not {trait}"
    if exclusion in m.spec.exclusions:
        return f"project is {trait} and the mandate excludes that"
    return f"project is {trait}; the mandate does not exclude that"


def _room(p: ProjectFacts, m: Mandate) -> str:
    uses = m.limit_uses(p.enterprise_id, p.city, p.family)
    if not uses:
        return "no concentration limits"
    return "; ".join(f"{u.axis}: {cny(u.headroom_cny)} left of {cny(u.limit_cny)}" for u in uses)


CONSTRAINTS: tuple[Constraint, ...] = (
    Constraint(
        "open",
        lambda p, m: not m.closed,
        lambda p, m: "mandate is closed" if m.closed else "mandate is open",
    ),
    Constraint(
        "family",
        lambda p, m: p.family in m.spec.families,
        lambda p, m: f"family {p.family}; eligible: {', '.join(m.spec.families)}",
    ),
    Constraint(
        "city",
        lambda p, m: p.city in m.spec.cities,
        lambda p, m: f"city {p.city}; eligible: {', '.join(m.spec.cities)}",
    ),
    Constraint(
        "instrument",
        lambda p, m: not p.instruments.isdisjoint(m.spec.instruments),
        lambda p, m: (
            f"asked for {', '.join(sorted(p.instruments))}; "
            f"offered: {', '.join(m.spec.instruments)}"
        ),
    ),
    Constraint(
        "ticket_min",
        lambda p, m: p.financing_need_cny >= m.spec.ticket_min_cny,
        lambda p, m: (
            f"financing need {cny(p.financing_need_cny)}; "
            f"ticket minimum {cny(m.spec.ticket_min_cny)}"
        ),
    ),
    Constraint(
        "tenor",
        lambda p, m: p.tenor_months <= m.spec.max_tenor_months,
        lambda p, m: f"tenor {p.tenor_months} months; at most {m.spec.max_tenor_months}",
    ),
    Constraint(
        "min_score",
        lambda p, m: p.score >= m.spec.min_score,
        lambda p, m: f"score {p.score:.1f}; at least {m.spec.min_score:.1f}",
    ),
    Constraint(
        "min_annual_tco2e",
        lambda p, m: p.annual_tco2e >= m.spec.min_annual_tco2e,
        lambda p, m: f"{p.annual_tco2e:,.1f} tCO2e a year; at least {m.spec.min_annual_tco2e:,.1f}",
    ),
    Constraint(
        "max_abatement_cost",
        _within_abatement_ceiling,
        _abatement_detail,
    ),
    Constraint(
        "not_plausibility_flagged",
        lambda p, m: not _excluded(p, m, Exclusion.PLAUSIBILITY_FLAGGED),
        lambda p, m: _exclusion_detail(p.plausibility_flagged, m, Exclusion.PLAUSIBILITY_FLAGGED),
    ),
    Constraint(
        "not_high_energy_high_emission",
        lambda p, m: not _excluded(p, m, Exclusion.HIGH_ENERGY_HIGH_EMISSION),
        lambda p, m: _exclusion_detail(
            p.high_energy_high_emission, m, Exclusion.HIGH_ENERGY_HIGH_EMISSION
        ),
    ),
    Constraint(
        "capacity",
        lambda p, m: not m.at_capacity,
        lambda p, m: (
            f"{cny(m.remaining_capacity_cny)} capacity left; "
            f"ticket minimum {cny(m.spec.ticket_min_cny)}"
        ),
    ),
    Constraint(
        "concentration",
        lambda p, m: all(
            u.headroom_cny >= m.spec.ticket_min_cny
            for u in m.limit_uses(p.enterprise_id, p.city, p.family)
        ),
        lambda p, m: f"{_room(p, m)}; ticket minimum {cny(m.spec.ticket_min_cny)}",
    ),
)


def constraint_outcomes(project: ProjectFacts, mandate: Mandate) -> list[ConstraintOutcome]:
    """Every hard constraint with whether it passed and what was compared."""
    return [
        ConstraintOutcome(
            name=c.name, passed=c.holds(project, mandate), detail=c.detail(project, mandate)
        )
        for c in CONSTRAINTS
    ]

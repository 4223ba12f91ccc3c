"""Random but plausible mandates and projects for benchmarks and tests (seeded, repeatable)."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from matching.lending.deals import Deal
from matching.lending.mandates import Mandate
from matching.matching.constraints import CONSTRAINTS
from matching.matching.matcher import Match
from matching.matching.project_facts import ProjectFacts
from schemas.lending import ConcentrationLimits, Exclusion, MandateSpec
from schemas.vocabulary import City, Instrument, ProjectFamily

_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
T = TypeVar("T")


def _money(rng: random.Random, low_exp: float, high_exp: float) -> Decimal:
    return Decimal(round(10 ** rng.uniform(low_exp, high_exp), -4)).quantize(Decimal("0.01"))


def _price(rng: random.Random, low_exp: float, high_exp: float) -> Decimal:
    return Decimal(str(round(10 ** rng.uniform(low_exp, high_exp), 2)))


def _some(rng: random.Random, values: list[T], low: int, high: int) -> list[T]:
    return rng.sample(values, rng.randint(low, min(high, len(values))))


def enterprise_pool(size: int, seed: int) -> list[uuid.UUID]:
    rng = random.Random(seed)
    return [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(size)]


def synthetic_spec(rng: random.Random) -> MandateSpec:
    """What a city branch's programme asks: one to three cities (a tenth are province-wide),
    one to three families, one or two instruments, a ticket range and a score floor."""
    ticket_min = _money(rng, 5, 7.5)
    ticket_max = (ticket_min * Decimal(rng.randint(2, 20))).quantize(Decimal("0.01"))
    capacity = ticket_max * rng.randint(2, 40)
    cities = list(City) if rng.random() < 0.1 else _some(rng, list(City), 1, 3)

    def limit() -> Decimal | None:
        return None if rng.random() < 0.5 else min(capacity, ticket_max * rng.randint(1, 3))

    return MandateSpec(
        name=f"mandate {rng.getrandbits(32):08x}",
        instruments=_some(rng, list(Instrument), 1, 2),
        families=_some(rng, list(ProjectFamily), 1, 3),
        cities=cities,
        focus_cities=_some(rng, cities, 0, 2),
        ticket_min_cny=ticket_min,
        ticket_max_cny=ticket_max,
        max_tenor_months=rng.choice([36, 60, 120, 180, 240]),
        min_score=round(rng.uniform(30, 80), 1),
        min_annual_tco2e=rng.choice([0.0, 100.0, 1000.0, 5000.0]),
        max_abatement_cost_cny_per_tco2e=None if rng.random() < 0.6 else _price(rng, 1.7, 2.9),
        exclusions=_some(rng, list(Exclusion), 0, 2),
        capacity_cny=capacity,
        limits=ConcentrationLimits(
            per_enterprise_cny=limit(), per_city_cny=limit(), per_family_cny=limit()
        ),
    )


def synthetic_mandate(rng: random.Random, enterprises: list[uuid.UUID]) -> Mandate:
    """One mandate of `synthetic_spec`; a fifth have already lent, so concentration limits and
    capacity bite."""
    spec = synthetic_spec(rng)
    ticket_min, cities = spec.ticket_min_cny, spec.cities
    lender = uuid.UUID(int=rng.getrandbits(128), version=4)
    mandate_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    mandate, _ = Mandate.register(spec, lender_id=lender, at=_EPOCH, mandate_id=mandate_id)
    if rng.random() < 0.2:
        for _ in range(rng.randint(1, 3)):
            borrower = (rng.choice(enterprises), rng.choice(cities), rng.choice(spec.families))
            room = room_for(mandate, *borrower)
            if room >= ticket_min:
                mandate.lend(min(room, ticket_min * rng.randint(1, 4)), *borrower)
    return mandate


def synthetic_project(rng: random.Random, enterprises: list[uuid.UUID]) -> ProjectFacts:
    need = _money(rng, 5.5, 9)
    capex = (need * Decimal(str(round(rng.uniform(1, 2.5), 2)))).quantize(Decimal("0.01"))
    per_10k = 10 ** rng.uniform(-1.5, 0.7)
    annual = per_10k * float(capex) / 10_000
    return ProjectFacts(
        project_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        project_version=rng.randint(1, 3),
        enterprise_id=rng.choice(enterprises),
        family=rng.choice(list(ProjectFamily)),
        city=rng.choice(list(City)),
        instruments=frozenset(_some(rng, list(Instrument), 1, 3)),
        financing_need_cny=need,
        capex_cny=capex,
        tenor_months=rng.choice([12, 36, 60, 96, 120, 180, 240]),
        score=round(rng.uniform(20, 100), 1),
        annual_tco2e=annual,
        tco2e_per_10k_cny=per_10k,
        abatement_cost_cny_per_tco2e=None if rng.random() < 0.05 else _price(rng, 0.5, 3.2),
        high_energy_high_emission=rng.random() < 0.05,
        plausibility_flagged=rng.random() < 0.1,
    )


def synthetic_book(
    mandates: int, projects: int, seed: int = 7
) -> tuple[list[Mandate], list[ProjectFacts]]:
    """Mandates and projects sharing one pool of enterprises, so exposures meet projects."""
    enterprises = enterprise_pool(max(50, projects // 20), seed)
    rng = random.Random(seed)
    return (
        [synthetic_mandate(rng, enterprises) for _ in range(mandates)],
        [synthetic_project(rng, enterprises) for _ in range(projects)],
    )


def example_spec(**changes: object) -> MandateSpec:
    """A plain green-loan mandate for Changsha renewables; `changes` replace any field."""
    fields: dict[str, object] = {
        "name": "example mandate",
        "instruments": [Instrument.GREEN_LOAN],
        "families": [ProjectFamily.RENEWABLE_POWER],
        "cities": [City.CHANGSHA],
        "ticket_min_cny": Decimal("1000000.00"),
        "ticket_max_cny": Decimal("10000000.00"),
        "max_tenor_months": 120,
        "min_score": 50.0,
        "capacity_cny": Decimal("30000000.00"),
    }
    return MandateSpec.model_validate({**fields, **changes})


def example_mandate(spec: MandateSpec | None = None, version: int = 1) -> Mandate:
    mandate, _ = Mandate.register(spec or example_spec(), lender_id=uuid.uuid4(), at=_EPOCH)
    mandate.version = version
    return mandate


def example_project(**changes: Any) -> ProjectFacts:
    """A Changsha solar project that `example_spec()` accepts; `changes` replace any field."""
    project = ProjectFacts(
        project_id=uuid.uuid4(),
        project_version=1,
        enterprise_id=uuid.uuid4(),
        family=ProjectFamily.RENEWABLE_POWER,
        city=City.CHANGSHA,
        instruments=frozenset({Instrument.GREEN_LOAN}),
        financing_need_cny=Decimal("8000000.00"),
        capex_cny=Decimal("10000000.00"),
        tenor_months=96,
        score=80.0,
        annual_tco2e=1500.0,
        tco2e_per_10k_cny=1.5,
        abatement_cost_cny_per_tco2e=Decimal("120.00"),
        high_energy_high_emission=False,
        plausibility_flagged=False,
    )
    return replace(project, **changes)


def deal_of(match: Match) -> Deal:
    """The deal a match opens in the lender's feed, as the repository would load it back."""
    p = match.project
    return Deal(
        match.deal_id,
        match.mandate.lender_id,
        match.mandate.mandate_id,
        match.mandate_version,
        p.project_id,
        p.project_version,
        p.enterprise_id,
        p.city,
        p.family,
        p.financing_need_cny,
        p.instruments,
    )


def satisfies(project: ProjectFacts, mandate: Mandate) -> bool:
    """The naive oracle: every hard constraint checked one by one in plain Python."""
    return all(c.holds(project, mandate) for c in CONSTRAINTS)


def room_for(
    mandate: Mandate, enterprise_id: uuid.UUID, city: City, family: ProjectFamily
) -> Decimal:
    """Most a mandate could still disburse to such a project under all its limits."""
    rooms = [use.headroom_cny for use in mandate.limit_uses(enterprise_id, city, family)]
    return min([mandate.remaining_capacity_cny, *rooms])

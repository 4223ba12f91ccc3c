"""The batch matcher finds exactly the pairs the one-pair reference accepts."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.lending.mandates import Mandate
from matching.matching.matcher import MandateBook, explain
from matching.matching.project_facts import ProjectFacts
from schemas.lending import ConcentrationLimits, Exclusion, MandateSpec
from schemas.vocabulary import City, Instrument, ProjectFamily
from tests.support.matching_samples import satisfies

pytestmark = pytest.mark.unit
T = TypeVar("T")

CITIES = [City.CHANGSHA, City.ZHUZHOU, City.XIANGXI]
FAMILIES = [ProjectFamily.RENEWABLE_POWER, ProjectFamily.CARBON_SINK, ProjectFamily.CCUS]
INSTRUMENTS = [Instrument.GREEN_LOAN, Instrument.GREEN_BOND, Instrument.GREEN_LEASING]
MONEY = [Decimal(v) for v in ("1000000.00", "2000000.00", "5000000.00", "10000000.00")]
ENTERPRISES = [uuid.UUID(int=i, version=4) for i in range(1, 4)]
SCORES = [0.0, 40.0, 60.0, 80.0, 100.0]
TCO2E = [0.0, 100.0, 1000.0]
ABATEMENT = [None, Decimal("0.00"), Decimal("100.00"), Decimal("300.50")]


def subset(values: list[T], min_size: int = 1) -> st.SearchStrategy[list[T]]:
    return st.lists(st.sampled_from(values), min_size=min_size, unique=True)


@st.composite
def mandates(draw: st.DrawFn) -> Mandate:
    low, high = sorted(draw(st.lists(st.sampled_from(MONEY), min_size=2, max_size=2)))
    capacity = high * draw(st.sampled_from([1, 2, 3]))
    limit = st.one_of(st.none(), st.sampled_from([low, high, capacity]))
    cities = draw(subset(CITIES))
    spec = MandateSpec(
        name="property mandate",
        instruments=draw(subset(INSTRUMENTS)),
        families=draw(subset(FAMILIES)),
        cities=cities,
        focus_cities=draw(st.lists(st.sampled_from(cities), unique=True)),
        ticket_min_cny=low,
        ticket_max_cny=high,
        max_tenor_months=draw(st.sampled_from([36, 60, 120])),
        min_score=draw(st.sampled_from(SCORES[:3])),
        min_annual_tco2e=draw(st.sampled_from(TCO2E[:2])),
        max_abatement_cost_cny_per_tco2e=draw(st.sampled_from([None, None, *ABATEMENT[1:3]])),
        exclusions=draw(subset(list(Exclusion), min_size=0)),
        capacity_cny=capacity,
        limits=ConcentrationLimits(
            per_enterprise_cny=draw(limit), per_city_cny=draw(limit), per_family_cny=draw(limit)
        ),
    )
    mandate = Mandate(uuid.uuid4(), uuid.uuid4(), draw(st.integers(1, 3)), spec)
    for _ in range(draw(st.integers(0, 3))):
        mandate.exposure.add(
            draw(st.sampled_from(MONEY)),
            draw(st.sampled_from(ENTERPRISES)),
            draw(st.sampled_from(CITIES)),
            draw(st.sampled_from(FAMILIES)),
        )
    mandate.closed = draw(st.integers(0, 9)) == 0
    return mandate


@st.composite
def projects(draw: st.DrawFn) -> ProjectFacts:
    need = draw(st.sampled_from(MONEY))
    capex = need * draw(st.sampled_from([1, 2]))
    annual = draw(st.sampled_from(TCO2E))
    return ProjectFacts(
        project_id=uuid.uuid4(),
        project_version=draw(st.integers(1, 3)),
        enterprise_id=draw(st.sampled_from(ENTERPRISES)),
        family=draw(st.sampled_from(FAMILIES)),
        city=draw(st.sampled_from(CITIES)),
        instruments=frozenset(draw(subset(INSTRUMENTS))),
        financing_need_cny=need,
        capex_cny=capex,
        tenor_months=draw(st.sampled_from([12, 36, 60, 120, 180])),
        score=draw(st.sampled_from(SCORES[1:])),
        annual_tco2e=annual,
        tco2e_per_10k_cny=annual / float(capex / 10_000),
        abatement_cost_cny_per_tco2e=draw(st.sampled_from(ABATEMENT)),
        high_energy_high_emission=draw(st.sampled_from([False, False, True])),
        plausibility_flagged=draw(st.sampled_from([False, False, True])),
    )


def pairs_that_satisfy(
    batch: list[ProjectFacts], book: list[Mandate]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    return {(p.project_id, m.mandate_id) for p in batch for m in book if satisfies(p, m)}


@settings(max_examples=400, deadline=None)
@given(batch=st.lists(projects(), min_size=1, max_size=15), book=st.lists(mandates(), max_size=15))
def test_matches_are_exactly_the_pairs_that_satisfy_every_hard_constraint(
    batch: list[ProjectFacts], book: list[Mandate]
) -> None:
    found = MandateBook(book).match(batch)
    pairs = [(m.project.project_id, m.mandate.mandate_id) for m in found]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == pairs_that_satisfy(batch, book)


@settings(max_examples=150, deadline=None)
@given(batch=st.lists(projects(), min_size=1, max_size=10), book=st.lists(mandates(), max_size=10))
def test_each_match_carries_the_fit_its_explanation_adds_up_to(
    batch: list[ProjectFacts], book: list[Mandate]
) -> None:
    found = MandateBook(book).match(batch)
    for match in found:
        explanation = explain(match.project, match.mandate)
        assert all(outcome.passed for outcome in explanation.constraints)
        assert match.fit_score == pytest.approx(explanation.fit_score, abs=1e-9)
        assert explanation.fit_score == pytest.approx(sum(p.points for p in explanation.parts))
        assert 0 <= match.fit_score <= 100
    order = [batch.index(m.project) for m in found]
    assert order == sorted(order)
    for earlier, later in itertools.pairwise(found):
        if earlier.project is later.project:
            assert earlier.fit_score >= later.fit_score


@settings(max_examples=300, deadline=None)
@given(project=projects(), mandate=mandates())
def test_explanation_fails_a_constraint_exactly_when_the_pair_does_not_satisfy(
    project: ProjectFacts, mandate: Mandate
) -> None:
    outcomes = explain(project, mandate).constraints
    assert all(o.passed for o in outcomes) == satisfies(project, mandate)
    assert all(o.detail for o in outcomes)


@settings(max_examples=100, deadline=None)
@given(
    batch=st.lists(projects(), min_size=1, max_size=10),
    book=st.lists(mandates(), min_size=1, max_size=10),
    data=st.data(),
)
def test_refreshed_mandates_are_matched_by_their_new_state(
    batch: list[ProjectFacts], book: list[Mandate], data: st.DataObject
) -> None:
    index = MandateBook(book)
    index.match(batch)
    for mandate in data.draw(st.lists(st.sampled_from(book), unique_by=id)):
        mandate.exposure.add(MONEY[-1], ENTERPRISES[0], CITIES[0], FAMILIES[0])
        mandate.closed = data.draw(st.booleans())
        index.refresh(mandate)
    newcomer = data.draw(mandates())
    index.refresh(newcomer)
    found = {(m.project.project_id, m.mandate.mandate_id) for m in index.match(batch)}
    assert found == pairs_that_satisfy(batch, [*book, newcomer])

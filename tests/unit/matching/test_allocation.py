"""Allocation plans keep every limit, and the optimizer never finances less than greedy."""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matching.allocation.allocation_plan as allocation
from matching.allocation.allocation_plan import (
    AllocationPlan,
    OpenDeal,
    assemble_allocation_plan,
    plan_allocation,
)
from matching.allocation.problem import Problem, build_problem
from matching.allocation.solvers import greedy_amounts
from matching.lending.mandates import Mandate
from matching.matching.matcher import MandateBook
from matching.matching.project_facts import ProjectFacts
from schemas.lending import ConcentrationLimits
from schemas.vocabulary import City, ProjectFamily
from tests.support.matching_samples import example_mandate, example_project, example_spec, room_for

pytestmark = pytest.mark.unit


def greedy_allocation(deals: list[OpenDeal], mandates: list[Mandate]) -> AllocationPlan:
    """The baseline: deals with the most tCO2e per CNY take all the room they can first."""
    problem = build_problem(deals, mandates)
    amounts = greedy_amounts(problem)
    financed = problem.financed_tco2e(amounts)
    return assemble_allocation_plan(
        problem, amounts, "greedy", "greedy by tCO2e per CNY", financed, None
    )


MILLION = Decimal("1000000.00")
ENTERPRISES = [uuid.UUID(int=i, version=4) for i in range(1, 4)]
CITIES = [City.CHANGSHA, City.ZHUZHOU]


@st.composite
def mandates(draw: st.DrawFn) -> Mandate:
    low = MILLION * draw(st.integers(1, 4))
    high = low * draw(st.integers(1, 4))
    capacity = high * draw(st.integers(1, 4))
    limit = st.one_of(st.none(), st.integers(1, 3).map(lambda k: min(capacity, low * k)))
    spec = example_spec(
        cities=CITIES,
        ticket_min_cny=low,
        ticket_max_cny=high,
        capacity_cny=capacity,
        min_score=0.0,
        limits=ConcentrationLimits(
            per_enterprise_cny=draw(limit), per_city_cny=draw(limit), per_family_cny=draw(limit)
        ),
    )
    mandate = example_mandate(spec)
    if draw(st.booleans()):
        room = room_for(mandate, ENTERPRISES[0], CITIES[0], spec.families[0])
        if room >= low:
            mandate.lend(low, ENTERPRISES[0], CITIES[0], spec.families[0])
    return mandate


@st.composite
def projects(draw: st.DrawFn) -> ProjectFacts:
    need = MILLION * draw(st.integers(1, 16))
    capex = need * draw(st.sampled_from([1, 2, 3]))
    annual = float(draw(st.integers(0, 5000)))
    return example_project(
        enterprise_id=draw(st.sampled_from(ENTERPRISES)),
        city=draw(st.sampled_from(CITIES)),
        financing_need_cny=need,
        capex_cny=capex,
        annual_tco2e=annual,
        tco2e_per_10k_cny=annual / float(capex / 10_000),
    )


def open_deals(book: list[Mandate], batch: list[ProjectFacts]) -> list[OpenDeal]:
    return [OpenDeal.of(match) for match in MandateBook(book).match(batch)]


def assert_within_every_limit(
    plan: AllocationPlan, deals: list[OpenDeal], book: list[Mandate]
) -> None:
    """Checked from the mandates themselves, in Decimal, not from the solver's own model."""
    by_id = {m.mandate_id: m for m in book}
    amount = {line.deal_id: line.amount_cny for line in plan.lines}
    assert set(amount) == {d.deal_id for d in deals}
    per_mandate: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    per_project: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    per_enterprise: dict[tuple[uuid.UUID, uuid.UUID], Decimal] = defaultdict(Decimal)
    per_city: dict[tuple[uuid.UUID, City], Decimal] = defaultdict(Decimal)
    per_family: dict[tuple[uuid.UUID, ProjectFamily], Decimal] = defaultdict(Decimal)
    for deal in deals:
        lent, p, terms = amount[deal.deal_id], deal.project, by_id[deal.mandate_id].spec
        assert lent == lent.quantize(Decimal("0.01")) and lent >= 0
        if lent:
            assert terms.ticket_min_cny <= lent <= min(terms.ticket_max_cny, p.financing_need_cny)
        per_mandate[deal.mandate_id] += lent
        per_project[p.project_id] += lent
        per_enterprise[deal.mandate_id, p.enterprise_id] += lent
        per_city[deal.mandate_id, p.city] += lent
        per_family[deal.mandate_id, p.family] += lent
    needs = {d.project.project_id: d.project.financing_need_cny for d in deals}
    assert all(total <= needs[pid] for pid, total in per_project.items())
    for mid, total in per_mandate.items():
        assert total <= by_id[mid].remaining_capacity_cny
    for (mid, enterprise), total in per_enterprise.items():
        m = by_id[mid]
        if m.spec.limits.per_enterprise_cny is not None:
            used = m.exposure.by_enterprise.get(enterprise, Decimal(0))
            assert total <= m.spec.limits.per_enterprise_cny - used
    for (mid, city), total in per_city.items():
        m = by_id[mid]
        if m.spec.limits.per_city_cny is not None:
            assert total <= m.spec.limits.per_city_cny - m.exposure.by_city.get(city, Decimal(0))
    for (mid, family), total in per_family.items():
        m = by_id[mid]
        if m.spec.limits.per_family_cny is not None:
            used = m.exposure.by_family.get(family, Decimal(0))
            assert total <= m.spec.limits.per_family_cny - used


@settings(max_examples=120, deadline=None)
@given(
    book=st.lists(mandates(), min_size=1, max_size=4),
    batch=st.lists(projects(), min_size=1, max_size=8),
)
def test_the_plan_keeps_every_limit_and_finances_at_least_as_much_as_greedy(
    book: list[Mandate], batch: list[ProjectFacts]
) -> None:
    deals = open_deals(book, batch)
    plan, greedy = plan_allocation(deals, book), greedy_allocation(deals, book)
    assert_within_every_limit(plan, deals, book)
    assert_within_every_limit(greedy, deals, book)
    assert plan.financed_tco2e >= greedy.financed_tco2e - 1e-6
    assert plan.greedy_financed_tco2e == pytest.approx(greedy.financed_tco2e)
    financed = sum(
        float(line.amount_cny) / float(d.project.capex_cny) * d.project.annual_tco2e
        for line, d in zip(plan.lines, deals, strict=True)
    )
    assert plan.financed_tco2e == pytest.approx(financed, rel=1e-9, abs=1e-9)
    assert all(line.reason for line in plan.lines)
    assert {p.project_id for p in plan.projects} == {d.project.project_id for d in deals}
    assert all(p.reason for p in plan.projects)


def test_the_optimizer_splits_capacity_where_greedy_strands_it() -> None:
    mandate = example_mandate(
        example_spec(
            ticket_min_cny=6 * MILLION, ticket_max_cny=12 * MILLION, capacity_cny=12 * MILLION
        )
    )
    dense = example_project(
        financing_need_cny=7 * MILLION, capex_cny=7 * MILLION, annual_tco2e=1400
    )
    sparse = example_project(
        financing_need_cny=6 * MILLION, capex_cny=6 * MILLION, annual_tco2e=900
    )
    deals = open_deals([mandate], [dense, sparse])
    plan, greedy = plan_allocation(deals, [mandate]), greedy_allocation(deals, [mandate])
    assert greedy.financed_tco2e == pytest.approx(1400)
    assert plan.method == "milp" and plan.financed_tco2e == pytest.approx(1200 + 900)
    assert [line.amount_cny for line in plan.lines] == [6 * MILLION, 6 * MILLION]
    stranded = next(p for p in greedy.projects if p.project_id == sparse.project_id)
    assert "capacity of example mandate has 5,000,000.00 CNY left" in stranded.reason


def test_a_failed_solve_falls_back_to_greedy_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    mandate = example_mandate()
    deals = open_deals([mandate], [example_project(), example_project()])
    monkeypatch.setattr(allocation, "milp_amounts", lambda problem, limit: (None, "HiGHS failed"))
    plan = plan_allocation(deals, [mandate])
    assert plan.method == "greedy" and "greedy plan used" in plan.note
    assert plan.financed_tco2e == plan.greedy_financed_tco2e > 0


def test_a_worse_solve_falls_back_to_greedy_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    mandate = example_mandate()
    deals = open_deals([mandate], [example_project(), example_project()])

    def nothing(problem: Problem, limit: float) -> tuple[list[int], str]:
        return [0] * len(problem.deals), "HiGHS optimal"

    monkeypatch.setattr(allocation, "milp_amounts", nothing)
    plan = plan_allocation(deals, [mandate])
    assert plan.method == "greedy" and "less than greedy" in plan.note
    assert plan.milp_financed_tco2e == 0


def test_a_deal_that_cannot_take_a_minimum_ticket_says_which_limit_blocks_it() -> None:
    limits = ConcentrationLimits(per_enterprise_cny=Decimal("1500000.00"))
    mandate = example_mandate(example_spec(limits=limits))
    project = example_project()
    mandate.lend(Decimal("1000000.00"), project.enterprise_id, project.city, project.family)
    plan = plan_allocation(open_deals([mandate], [project]), [mandate])
    assert plan.lines == () or plan.lines[0].amount_cny == 0
    assert plan_allocation([], [mandate]).lines == ()
    forced = OpenDeal(uuid.uuid4(), project, mandate.mandate_id)
    line = plan_allocation([forced], [mandate]).lines[0]
    assert line.amount_cny == 0 and "enterprise limit leaves 500,000.00 CNY" in line.reason

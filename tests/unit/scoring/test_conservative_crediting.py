"""Conservative crediting: a claim above its norm is credited at the conservative bound, the
trace shows claimed and credited side by side, and exaggeration never buys a higher score."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.project import DeclaredFactor, ProjectSpec
from schemas.scoring import FlagSeverity
from schemas.vocabulary import ProjectType
from scoring.estimate.catalogue import compute
from scoring.estimate.factors import FactorSet, default_factor_set
from scoring.families import CAPACITY_FACTOR_NORMS
from scoring.plausibility.checks import MONEY_INTENSITY_CEILING
from scoring.plausibility.intensity import IntensityRow
from scoring.plausibility.peer_model import PlausibilityModel, train
from scoring.score.batch import ScoreRecord, score_one
from seeds.synthetic.specs import synthetic_spec, synthetic_specs

pytestmark = pytest.mark.unit
T = ProjectType
FACTORS = default_factor_set()
BuildProject = Callable[..., ProjectSpec]
# (honest twin, exaggerated twin): identical but for one claim; the honest one claims the
# conservative value (the methodology default or the norm's bound), the other claims more.
Twins = tuple[ProjectSpec, ProjectSpec]


def _with(p: ProjectSpec, **activity: Any) -> ProjectSpec:
    values = p.activity.model_dump(exclude_none=True) | activity
    values = {k: v for k, v in values.items() if v is not None}
    return p.model_copy(update={"activity": p.activity.model_validate(values)})


def _base(project_type: ProjectType, seed: int) -> ProjectSpec:
    return synthetic_spec(random.Random(seed), project_type)


def _sink(draw: st.DrawFn, seed: int) -> Twins:
    base = _base(draw(st.sampled_from([T.FORESTRY, T.WETLAND])), seed)
    honest_rate = draw(st.none() | st.floats(6.0, 20.0))  # default or a measured rate
    return _with(base, sequestration_tco2e_per_ha=honest_rate), _with(
        base, sequestration_tco2e_per_ha=draw(st.floats(20.01, 2_000))
    )


def _capacity_factor(draw: st.DrawFn, seed: int) -> Twins:
    kind = draw(st.sampled_from([T.WIND, T.SOLAR_PV, T.BIOMASS, T.WASTE_HEAT_POWER]))
    base = _base(kind, seed)
    most = CAPACITY_FACTOR_NORMS[kind] * (base.activity.capacity_mw or 0) * 8_760
    factor = draw(st.floats(1.0001, 1 / CAPACITY_FACTOR_NORMS[kind]))
    return _with(base, annual_generation_mwh=most), _with(base, annual_generation_mwh=most * factor)


def _distance(draw: st.DrawFn, seed: int) -> Twins:
    base = _base(draw(st.sampled_from([T.EV_BUS, T.EV_TRUCK])), seed)
    return _with(base, annual_km_per_vehicle=200_000.0), _with(
        base, annual_km_per_vehicle=draw(st.floats(200_001, 2_000_000))
    )


def _per_unit(
    project_type: ProjectType, basis: str, claim: str, bound: float, beyond: tuple[float, float]
) -> Callable[[st.DrawFn, int], Twins]:
    """Twins whose `claim` is a multiple of their `basis`: the honest one claims the norm's
    bound per unit, the other a multiple beyond it."""

    def make(draw: st.DrawFn, seed: int) -> Twins:
        base = _base(project_type, seed)
        units = getattr(base.activity, basis) or 0
        return _with(base, **{claim: bound * units}), _with(
            base, **{claim: units * draw(st.floats(*beyond))}
        )

    return make


# More curtailment avoided per MWh stored, less electricity per tonne captured or steel made.
_storage = _per_unit(
    T.ENERGY_STORAGE, "storage_energy_mwh", "curtailment_avoided_mwh", 550, (550.01, 4_380)
)
_capture = _per_unit(T.CCUS, "co2_captured_t", "capture_electricity_mwh", 0.05, (0, 0.0499))
_arc_furnace = _per_unit(
    T.EAF_STEEL, "steel_output_t", "project_electricity_mwh", 0.25, (0, 0.2499)
)


def _pue(draw: st.DrawFn, seed: int) -> Twins:
    base = _base(T.DATA_CENTRE_PUE, seed)
    return _with(base, pue_after=1.1), _with(base, pue_after=draw(st.floats(1.0, 1.0999)))


def _declared_factor(draw: st.DrawFn, seed: int) -> Twins:
    base = _base(T.WIND, seed)
    official = FACTORS.values["grid_electricity_tco2_per_mwh"].value
    declared = DeclaredFactor(factor="grid_electricity_tco2_per_mwh", value=official, source="PDD")
    honest = declared.model_copy(update={"value": official * 1.5})
    inflated = declared.model_copy(
        update={"value": official * draw(st.floats(1.501, 100 / official))}
    )
    return base.model_copy(update={"declared_factor": honest}), base.model_copy(
        update={"declared_factor": inflated}
    )


def _claimed(draw: st.DrawFn, seed: int) -> Twins:
    base = _base(draw(st.sampled_from(list(ProjectType))), seed)
    computed = max(score_one(base, FACTORS).computed_annual_tco2e, 0.0)
    honest = draw(st.none() | st.just(computed))
    inflated = (computed + 1) * draw(st.floats(1.02, 1_000))
    return base.model_copy(update={"claimed_annual_tco2e": honest}), base.model_copy(
        update={"claimed_annual_tco2e": inflated}
    )


def _money(draw: st.DrawFn, seed: int) -> Twins:
    """Energy saved beyond 50 tCO2e/yr per 10,000 CNY: the honest twin saves exactly that."""
    base = _with(_base(T.ENERGY_EFFICIENCY, seed), electricity_saved_mwh=None)  # fuel savings only
    per_tce = score_one(_with(base, energy_saved_tce=1_000.0), FACTORS).annual_tco2e / 1_000
    honest = MONEY_INTENSITY_CEILING * float(base.capex_cny) / 1e4 / per_tce
    return _with(base, energy_saved_tce=honest), _with(
        base, energy_saved_tce=honest * draw(st.floats(1.01, 1_000))
    )


EXAGGERATIONS = [
    _sink,
    _capacity_factor,
    _distance,
    _storage,
    _capture,
    _arc_furnace,
    _pue,
    _declared_factor,
    _claimed,
    _money,
]


@st.composite
def twins(draw: st.DrawFn) -> Twins:
    make = draw(st.sampled_from(EXAGGERATIONS))
    return make(draw, draw(st.integers(0, 2**32 - 1)))


@settings(max_examples=300, deadline=None)
@given(pair=twins())
def test_an_exaggerated_project_never_outranks_its_honest_twin(pair: Twins) -> None:
    honest, exaggerated = (score_one(p, FACTORS) for p in pair)
    assert exaggerated.score_0_100 <= honest.score_0_100
    assert exaggerated.annual_tco2e <= honest.annual_tco2e + abs(honest.annual_tco2e) * 1e-9 + 1e-6
    assert exaggerated.annual_tco2e <= max(exaggerated.computed_annual_tco2e, 0.0) + 1e-6
    assert any(f.severity is FlagSeverity.WARN for f in exaggerated.flags) or exaggerated.rejected


@pytest.fixture(scope="module")
def peers() -> PlausibilityModel:
    """A peer model over synthetic projects of every type, as the service trains one."""
    projects = synthetic_specs(3_000, seed=11)
    return train([IntensityRow.of(p, compute(p, FACTORS).annual_tco2e) for p in projects])


@settings(max_examples=150, deadline=None)
@given(pair=twins())
def test_with_a_peer_model_an_exaggerated_project_still_never_outranks_its_honest_twin(
    pair: Twins, peers: PlausibilityModel
) -> None:
    honest, exaggerated = (score_one(p, FACTORS, peers) for p in pair)
    assert exaggerated.score_0_100 <= honest.score_0_100
    assert exaggerated.annual_tco2e <= honest.annual_tco2e + abs(honest.annual_tco2e) * 1e-9 + 1e-6


def test_an_outlier_among_peers_is_credited_at_the_peers_upper_bound(
    peers: PlausibilityModel, make_project: BuildProject
) -> None:
    cheap = make_project(
        T.WIND, capacity_mw=100, annual_generation_mwh=228_000, capex_cny="20000000.00"
    )
    record = score_one(cheap, FACTORS, peers)
    assert "intensity_above_peers" in {f.code for f in record.flags}
    ceiling = peers.annual_ceiling(IntensityRow.of(cheap, record.computed_annual_tco2e))
    assert record.annual_tco2e == pytest.approx(min(ceiling, record.computed_annual_tco2e))
    assert record.annual_tco2e < record.computed_annual_tco2e


def _record(make_project: BuildProject, rate: float | None) -> ScoreRecord:
    project = make_project(
        T.FORESTRY, area_ha=1_000, sequestration_tco2e_per_ha=rate, capex_cny="30000000.00"
    )
    return score_one(project, default_factor_set())


def test_200_t_per_ha_is_credited_at_the_default_rate_and_scores_below_the_honest_default(
    make_project: BuildProject,
) -> None:
    honest, inflated = _record(make_project, None), _record(make_project, 200.0)
    assert honest.annual_tco2e == pytest.approx(3_300.0)
    assert inflated.computed_annual_tco2e == pytest.approx(200_000.0)
    assert inflated.annual_tco2e == pytest.approx(3_300.0)
    assert inflated.score_0_100 < honest.score_0_100
    claimed, unit, _ = inflated.trace["sequestration_tco2e_per_ha"]
    credited, _, why = inflated.trace["credited_sequestration_tco2e_per_ha"]
    assert (claimed, credited, unit) == (200.0, 3.3, "tCO2e/ha/yr")
    assert "claimed 200" in why and "sink_rate_above_norm" in why
    assert inflated.trace["credited_annual_tco2e"][0] == pytest.approx(3_300.0)


def test_a_claimed_annual_reduction_above_the_computed_one_is_flagged_and_not_credited(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(T.WIND, capacity_mw=50, annual_generation_mwh=110_000)
    computed = score_one(project, factors).annual_tco2e
    claimed = project.model_copy(update={"claimed_annual_tco2e": computed * 10})
    record = score_one(claimed, factors)
    assert [f.code for f in record.flags] == ["claimed_above_computed"]
    assert record.flags[0].field == "claimed_annual_tco2e"
    assert record.annual_tco2e == pytest.approx(computed)
    assert record.trace["claimed_annual_tco2e"][0] == pytest.approx(computed * 10)


def test_a_claim_below_the_computed_value_is_credited_as_claimed_without_a_flag(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(T.WIND, capacity_mw=50, annual_generation_mwh=110_000)
    modest = project.model_copy(update={"claimed_annual_tco2e": 40_000.0})
    record = score_one(modest, factors)
    assert record.flags == () and record.annual_tco2e == 40_000.0
    assert record.computed_annual_tco2e == pytest.approx(110_000 * 0.4976, rel=1e-3)


def _ten_mw_wind(make_project: BuildProject, factors: FactorSet, running: float) -> ScoreRecord:
    """A 10 MW wind farm claiming to run the given share of the year (the norm is 0.45)."""
    project = make_project(T.WIND, capacity_mw=10, annual_generation_mwh=running * 87_600)
    return score_one(project, factors)


def test_generation_above_the_capacity_factor_norm_is_credited_at_the_norm(
    factors: FactorSet, make_project: BuildProject
) -> None:
    honest = _ten_mw_wind(make_project, factors, 0.45)
    inflated = _ten_mw_wind(make_project, factors, 0.9)
    assert inflated.annual_tco2e == pytest.approx(honest.annual_tco2e)
    assert inflated.trace["credited_annual_generation_mwh"][0] == pytest.approx(39_420.0)
    assert inflated.trace["annual_generation_mwh"][0] == pytest.approx(78_840.0)
    assert inflated.score_0_100 == pytest.approx(honest.score_0_100 - 10)


def test_an_honest_project_is_credited_in_full_and_its_trace_is_unchanged(
    factors: FactorSet, make_project: BuildProject
) -> None:
    record = score_one(make_project(T.WIND, capacity_mw=50, annual_generation_mwh=110_000), factors)
    assert record.annual_tco2e == record.computed_annual_tco2e
    assert not any(name.startswith(("credited_", "ceiling_")) for name in record.trace)


def test_physically_impossible_generation_is_rejected_and_credited_no_more_than_the_norm(
    factors: FactorSet, make_project: BuildProject
) -> None:
    honest = _ten_mw_wind(make_project, factors, 0.45)
    claimed = _ten_mw_wind(make_project, factors, 1.5)
    assert claimed.rejected and claimed.score_0_100 == 0
    assert claimed.annual_tco2e == pytest.approx(honest.annual_tco2e)
    assert claimed.trace["credited_annual_generation_mwh"][0] == pytest.approx(0.45 * 87_600)


def test_a_high_declared_grid_factor_does_not_let_understated_capture_energy_earn_more() -> None:
    """Where grid power counts against a project, pulling its declared factor down to 1.5× the
    official one is not conservative: it must not lift an understated electricity claim above
    the honest twin's credit."""
    base = _base(T.CCUS, 0)
    declared = DeclaredFactor(factor="grid_electricity_tco2_per_mwh", value=0.8325, source="PDD")
    base = base.model_copy(update={"declared_factor": declared})
    honest = _with(base, co2_captured_t=59_000.0, capture_electricity_mwh=2_950.0)
    understated = _with(base, co2_captured_t=59_000.0, capture_electricity_mwh=590.0)
    h, u = (score_one(p, FACTORS) for p in (honest, understated))
    assert "capture_energy_implausible" in {f.code for f in u.flags}
    assert u.annual_tco2e <= h.annual_tco2e

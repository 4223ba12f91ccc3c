"""Plausibility: impossible claims rejected, norms warned, outliers among peers explained."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from schemas.project import ProjectSpec
from schemas.scoring import FlagSeverity
from schemas.vocabulary import ProjectType
from scoring.estimate.catalogue import compute
from scoring.estimate.factors import FactorSet
from scoring.plausibility.assessment import MIN_PEERS, PlausibilityModel, assess, hard_checks, train
from scoring.plausibility.intensity import IntensityRow
from scoring.score.batch import ScoreRecord, score_one
from seeds.synthetic.specs import synthetic_specs

pytestmark = pytest.mark.unit
BuildProject = Callable[..., ProjectSpec]


def _codes(factors: FactorSet, project: object) -> dict[str, FlagSeverity]:
    record = score_one(project, factors)  # type: ignore[arg-type]
    return {flag.code: flag.severity for flag in record.flags}


def test_generation_above_capacity_times_8760_is_rejected(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(ProjectType.WIND, capacity_mw=10, annual_generation_mwh=100_000)
    record = score_one(project, factors)
    (flag,) = [f for f in record.flags if f.code == "generation_exceeds_capacity"]
    assert flag.severity is FlagSeverity.REJECT
    assert "87,600 MWh" in flag.reason and "100,000" in flag.reason
    assert record.score_0_100 == 0.0


def test_a_solar_capacity_factor_above_25_percent_is_warned(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(ProjectType.SOLAR_PV, capacity_mw=10, annual_generation_mwh=26_280)
    assert _codes(factors, project) == {"capacity_factor_above_norm": FlagSeverity.WARN}


def test_an_absurd_sink_rate_is_flagged_with_its_value(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(ProjectType.FORESTRY, area_ha=1_000, sequestration_tco2e_per_ha=45)
    (flag,) = hard_checks(project, compute(project, factors).annual_tco2e, factors)
    assert (flag.code, flag.severity) == ("sink_rate_above_norm", FlagSeverity.WARN)
    assert "45.0 tCO2e/ha/yr" in flag.reason


def test_a_pue_that_does_not_improve_is_rejected(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.DATA_CENTRE_PUE, it_load_kw=1_000, pue_before=1.4, pue_after=1.5
    )
    codes = _codes(factors, project)
    assert codes["pue_not_improved"] is FlagSeverity.REJECT
    assert codes["no_net_reduction"] is FlagSeverity.REJECT


def test_a_declared_grid_factor_far_from_hunan_is_warned(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.WIND,
        annual_generation_mwh=96_530,
        declared={"value": 1.07527, "source": "Hebei PDD"},
    )
    assert _codes(factors, project) == {"declared_factor_far_from_default": FlagSeverity.WARN}


def _peer_rows(factors: FactorSet, n: int, seed: int = 3) -> list[IntensityRow]:
    peers = synthetic_specs(n, seed=seed, project_type=ProjectType.WIND)
    return [IntensityRow.of(p, compute(p, factors).annual_tco2e) for p in peers]


def _understated_capex_wind(factors: FactorSet, make_project: BuildProject) -> IntensityRow:
    project = make_project(
        ProjectType.WIND, capacity_mw=100, annual_generation_mwh=228_000, capex_cny="60000000.00"
    )
    return IntensityRow.of(project, compute(project, factors).annual_tco2e)


def test_an_outlier_among_peers_is_flagged_with_value_and_peer_range(
    factors: FactorSet, make_project: BuildProject
) -> None:
    model = train(_peer_rows(factors, 60))
    typical = _peer_rows(factors, 20, seed=99)
    outlier = _understated_capex_wind(factors, make_project)
    flags = model.assess([*typical, outlier])
    assert sum(map(len, flags[:-1])) <= 1
    (flag,) = flags[-1]
    assert (flag.code, flag.field, flag.severity) == (
        "intensity_above_peers",
        "capex_cny",
        FlagSeverity.WARN,
    )
    assert "tco2e_per_10k_cny = 18.9" in flag.reason
    assert "60 peer projects" in flag.reason and " to " in flag.reason


def test_training_is_reproducible_whatever_the_row_order(
    factors: FactorSet, make_project: BuildProject
) -> None:
    rows = _peer_rows(factors, 40) + _peer_rows(factors, 30, seed=5)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    first, second = train(rows), train(shuffled)
    probe = [*_peer_rows(factors, 10, seed=8), _understated_capex_wind(factors, make_project)]
    assert first.version == second.version
    assert first.assess(probe) == second.assess(probe)
    assert train(rows[:-1]).version != first.version


def test_a_type_with_too_few_peers_gets_hard_checks_only(
    factors: FactorSet, make_project: BuildProject
) -> None:
    model = train(_peer_rows(factors, MIN_PEERS - 1))
    assert model.peers == {}
    project = make_project(
        ProjectType.WIND, capacity_mw=100, annual_generation_mwh=228_000, capex_cny="60000000.00"
    )
    annual = compute(project, factors).annual_tco2e
    assert (
        assess([project], [annual], factors, model)
        == [hard_checks(project, annual, factors)]
        == [[]]
    )


def test_a_trained_model_survives_a_round_trip_through_bytes(
    factors: FactorSet, make_project: BuildProject
) -> None:
    model = train(_peer_rows(factors, 40))
    restored = PlausibilityModel.from_bytes(model.to_bytes())
    probe = [_understated_capex_wind(factors, make_project)]
    assert restored.version == model.version
    assert restored.assess(probe) == model.assess(probe)


def test_a_score_with_the_model_carries_its_outlier_flag(
    factors: FactorSet, make_project: BuildProject
) -> None:
    model = train(_peer_rows(factors, 60))
    project = make_project(
        ProjectType.WIND, capacity_mw=100, annual_generation_mwh=228_000, capex_cny="60000000.00"
    )
    record = score_one(project, factors, model)
    assert isinstance(record, ScoreRecord)
    assert [f.code for f in record.flags] == ["intensity_above_peers"]
    assert record.components.flag_penalty_points == 10.0
    # Credited at the peers' upper bound, not the 113,453 t/yr computed from the claim.
    ceiling = model.annual_ceiling(IntensityRow.of(project, record.computed_annual_tco2e))
    assert record.computed_annual_tco2e == pytest.approx(113_452.8, rel=1e-4)
    assert record.annual_tco2e == pytest.approx(ceiling) and ceiling < 20_000
    cost = record.abatement_cost_cny_per_tco2e  # capex over the credited lifetime tonnes
    assert cost is not None
    assert float(cost) == pytest.approx(60_000_000 / (project.lifetime_years * ceiling), abs=0.01)
    assert record.trace["credited_annual_tco2e"][0] == record.annual_tco2e
    assert record.trace["ceiling_intensity_above_peers"][0] == pytest.approx(ceiling)


def test_an_arc_furnace_claiming_no_electricity_at_all_is_flagged(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.EAF_STEEL, steel_output_t=500_000, scrap_share=0.9, project_electricity_mwh=0
    )
    assert "electricity_intensity_implausible" in _codes(factors, project)

"""Batch scoring: order kept, bad records isolated, scores batch-independent and explained."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import Envelope, model_for
from schemas.catalog import TOPIC_OF_EVENT
from schemas.project import ProjectSpec, ProjectVersion
from schemas.scoring import ProjectScored
from schemas.topics import SCORES
from schemas.vocabulary import FAMILY_OF_TYPE, ProjectType
from scoring.estimate.factors import FactorSet
from scoring.events import scored_event
from scoring.score.batch import ScoreRecord, Unscorable, score_batch, score_one
from seeds.synthetic.specs import synthetic_specs

pytestmark = pytest.mark.unit
BuildProject = Callable[..., ProjectSpec]


def test_a_batch_keeps_its_order_and_isolates_unscorable_projects(
    factors: FactorSet, make_project: BuildProject
) -> None:
    good = make_project(ProjectType.WIND, annual_generation_mwh=1_000)
    bad = make_project(ProjectType.HYDRO, annual_generation_mwh=1_000, reservoir_area_km2=1)
    out = score_batch([good, bad, good], factors)
    assert isinstance(out[0], ScoreRecord) and isinstance(out[2], ScoreRecord)
    assert isinstance(out[1], Unscorable)
    assert (out[1].index, out[1].field) == (1, "capacity_mw")


def test_a_score_does_not_depend_on_the_rest_of_the_batch(factors: FactorSet) -> None:
    projects = synthetic_specs(300, seed=4)
    together = score_batch(projects, factors)
    alone = [score_one(p, factors) for p in projects[:25]]
    assert [r.score_0_100 for r in alone] == [r.score_0_100 for r in together[:25]]  # type: ignore[union-attr]


def test_the_score_follows_the_documented_formula(
    factors: FactorSet, make_project: BuildProject
) -> None:
    project = make_project(
        ProjectType.ENERGY_EFFICIENCY, energy_saved_tce=1_000, capex_cny="10000000.00"
    )
    record = score_one(project, factors)
    per_10k = 2_772.5 / 1_000
    intensity = math.log(per_10k / 0.01) / math.log(1_000)
    cost = math.log(2_000 / (10_000_000 / (2_772.5 * 20))) / math.log(100)
    expected = 100 * (0.45 * intensity + 0.35 * cost + 0.20 * (5 - 2) / 4)
    assert record.tco2e_per_10k_cny == pytest.approx(per_10k)
    assert record.data_quality_tier == 2
    assert record.score_0_100 == pytest.approx(expected, abs=0.01)


def test_record_states_methodology_factor_set_and_every_value_used(
    factors: FactorSet, make_project: BuildProject
) -> None:
    record = score_one(
        make_project(ProjectType.WIND, annual_generation_mwh=100_000, lifetime_years=25), factors
    )
    assert (record.methodology_id, record.methodology_version) == ("re-wind-solar", "1.0.0")
    assert (record.factor_set_id, record.factor_set_version) == ("hunan-2023", 1)
    assert record.trace["annual_generation_mwh"] == (100_000.0, "MWh/yr", "project activity data")
    assert "hunan-2023" in record.trace["grid_electricity_tco2_per_mwh"][2]
    assert record.lifetime_tco2e == pytest.approx(49_760 * 25)


def test_abatement_cost_is_decimal_to_the_fen_and_absent_without_reduction(
    factors: FactorSet, make_project: BuildProject
) -> None:
    wind = score_one(make_project(ProjectType.WIND, annual_generation_mwh=100_000), factors)
    assert wind.abatement_cost_cny_per_tco2e == Decimal("100.48")  # 1e8 CNY / 995,200 t
    idle = score_one(make_project(ProjectType.WIND, annual_generation_mwh=0), factors)
    assert idle.abatement_cost_cny_per_tco2e is None
    assert idle.score_0_100 == 0.0 and idle.rejected


def test_scores_stay_within_0_and_100(factors: FactorSet) -> None:
    records = [
        r for r in score_batch(synthetic_specs(500, seed=2), factors) if isinstance(r, ScoreRecord)
    ]
    assert len(records) == 500
    assert all(0.0 <= r.score_0_100 <= 100.0 for r in records)
    assert all(1 <= r.data_quality_tier <= 5 for r in records)


def test_the_scored_event_carries_what_a_mandate_filter_needs(
    factors: FactorSet, make_project: BuildProject
) -> None:
    spec = make_project(
        ProjectType.HYDRO, capacity_mw=120, annual_generation_mwh=489_220, reservoir_area_km2=0
    )
    version = ProjectVersion.model_validate(
        spec.model_dump()
        | {
            "project_id": uuid.uuid4(),
            "enterprise_id": uuid.uuid4(),
            "version": 2,
            "family": FAMILY_OF_TYPE[spec.type],
            "recorded_at": datetime.now(UTC),
        }
    )
    event = scored_event(version, score_one(version, factors), datetime.now(UTC))
    wire = Envelope.from_bytes(Envelope.wrap(event, source="scoring").to_bytes())
    again = model_for(wire.type).model_validate(wire.data)
    assert isinstance(again, ProjectScored) and again == event
    assert TOPIC_OF_EVENT["project.scored.v1"] is SCORES
    assert wire.subject == str(version.project_id)
    assert event.taxonomy.catalogue_version == "2025"
    assert dict((t.name, t.value) for t in event.trace)["power_density_w_per_m2"] == "inf"


def test_activity_beyond_any_real_project_is_unscorable_not_a_crash(
    factors: FactorSet, make_project: BuildProject
) -> None:
    absurd = make_project(
        ProjectType.COAL_POWER_UPGRADE,
        coal_rate_before_gce_per_kwh=1e12,
        coal_rate_after_gce_per_kwh=0,
        annual_generation_mwh=1e12,
    )
    (outcome,) = score_batch([absurd], factors)
    assert isinstance(outcome, Unscorable) and outcome.field == "activity"
    assert "ee-coal-unit-upgrade" in str(outcome.error)


def _version_of(spec: ProjectSpec) -> ProjectVersion:
    identity = {
        "project_id": uuid.uuid4(),
        "enterprise_id": uuid.uuid4(),
        "version": 1,
        "family": FAMILY_OF_TYPE[spec.type],
        "recorded_at": datetime.now(UTC),
    }
    return ProjectVersion.model_validate(spec.model_dump() | identity)


@settings(max_examples=150, deadline=None)
@given(
    project_type=st.sampled_from([ProjectType.WIND, ProjectType.FORESTRY, ProjectType.CCUS]),
    amount=st.floats(0, 1e12),
    capex_fen=st.integers(1, 10**15),
    lifetime=st.integers(1, 60),
)
def test_every_scorable_project_yields_a_valid_event(
    factors: FactorSet,
    make_project: BuildProject,
    project_type: ProjectType,
    amount: float,
    capex_fen: int,
    lifetime: int,
) -> None:
    activity = {
        ProjectType.WIND: {"annual_generation_mwh": amount},
        ProjectType.FORESTRY: {"area_ha": amount},
        ProjectType.CCUS: {"co2_captured_t": amount, "capture_electricity_mwh": amount / 3},
    }[project_type]
    capex = f"{Decimal(capex_fen) / 100:.2f}"
    version = _version_of(
        make_project(project_type, capex_cny=capex, lifetime_years=lifetime, **activity)
    )
    (outcome,) = score_batch([version], factors)
    if isinstance(outcome, ScoreRecord):
        event = scored_event(version, outcome, datetime.now(UTC))
        assert Envelope.from_bytes(Envelope.wrap(event, source="scoring").to_bytes())

"""The seeds' deliberately implausible projects are flagged, each for the right reason,
and the plausible ones mostly pass."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from schemas.project import ProjectSpec
from scoring.estimate.factors import default_factor_set
from scoring.plausibility.intensity import IntensityRow
from scoring.plausibility.peer_model import train
from scoring.score.batch import ScoreRecord, Unscorable, score_batch

pytestmark = pytest.mark.unit
SEEDS = Path(__file__).resolve().parents[3] / "seeds" / "projects.jsonl"
# The seed's reason code → flag codes that name that reason.
EXPECTED: dict[str, set[str]] = {
    "generation_exceeds_capacity": {"generation_exceeds_capacity"},
    "capacity_factor_implausible": {"capacity_factor_above_norm"},
    "sequestration_rate_implausible": {"sink_rate_above_norm"},
    "coal_rate_implausible": {"coal_rate_outside_range"},
    "storage_cycles_exceed_physical_limit": {"storage_cycles_exceed_physical_limit"},
    "annual_distance_implausible": {"annual_distance_implausible"},
    "electricity_intensity_implausible": {"electricity_intensity_implausible"},
    "capture_energy_implausible": {"capture_energy_implausible"},
    "reduction_per_investment_outlier": {"money_intensity_above_norm", "intensity_above_peers"},
}


@pytest.fixture(scope="module")
def scored() -> list[tuple[dict[str, object], ScoreRecord | Unscorable]]:
    lines = [orjson.loads(line) for line in SEEDS.read_text().splitlines() if line.strip()]
    specs = [ProjectSpec.model_validate(line["project"]) for line in lines]
    factors = default_factor_set()
    first = score_batch(specs, factors, None)
    model = train(
        [
            IntensityRow.of(s, o.annual_tco2e)
            for s, o in zip(specs, first, strict=True)
            if not isinstance(o, Unscorable)
        ]
    )
    return list(zip(lines, score_batch(specs, factors, model), strict=True))


def test_every_implausible_seed_is_flagged_for_its_reason(scored) -> None:
    implausible = [(line, outcome) for line, outcome in scored if "implausible" in line]
    assert len(implausible) >= 8
    for line, outcome in implausible:
        assert isinstance(outcome, ScoreRecord), line["key"]
        codes = {flag.code for flag in outcome.flags}
        assert codes & EXPECTED[str(line["implausible"])], (line["key"], codes)


def test_impossible_generation_seeds_are_rejected_not_just_warned(scored) -> None:
    for line, outcome in scored:
        if line.get("implausible") == "generation_exceeds_capacity":
            assert isinstance(outcome, ScoreRecord) and outcome.rejected


def test_few_plausible_seeds_raise_any_flag(scored) -> None:
    plausible = [o for line, o in scored if "implausible" not in line]
    flagged = [o for o in plausible if isinstance(o, ScoreRecord) and o.flags]
    assert len(flagged) <= 0.05 * len(plausible)

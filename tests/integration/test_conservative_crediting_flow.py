"""Conservative crediting through the real services: an exaggerated claim is credited at the
conservative bound and never outranks the same project told honestly."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.projects import register_projects, score_view
from tests.support.samples import forestry_body, project_body

pytestmark = pytest.mark.integration


def _forestry(rate: float | None) -> dict[str, Any]:
    activity: dict[str, Any] = {"area_ha": 1_000.0}
    if rate is not None:
        activity["sequestration_tco2e_per_ha"] = rate
    return forestry_body(activity=activity)


def _trace(view: dict[str, Any]) -> dict[str, Any]:
    return {item["name"]: item for item in view["score"]["trace"]}


async def test_forestry_claiming_200_t_per_ha_does_not_outrank_the_honest_default(
    registry, scoring, mint
):
    (honest_id, inflated_id), headers = await register_projects(
        registry, mint, [_forestry(None), _forestry(200.0)]
    )
    honest = await score_view(scoring, honest_id, headers)
    inflated = await score_view(scoring, inflated_id, headers)

    assert inflated["score"]["score"] < honest["score"]["score"]
    assert inflated["standing"]["rank_overall"] > honest["standing"]["rank_overall"]
    assert inflated["score"]["annual_tco2e"] == pytest.approx(honest["score"]["annual_tco2e"])
    assert honest["score"]["annual_tco2e"] == pytest.approx(3_300.0)
    assert "sink_rate_above_norm" in {f["code"] for f in inflated["score"]["flags"]}
    trace = _trace(inflated)
    assert trace["sequestration_tco2e_per_ha"]["value"] == 200.0
    assert trace["credited_sequestration_tco2e_per_ha"]["value"] == 3.3
    assert trace["credited_annual_tco2e"]["value"] == pytest.approx(3_300.0)


async def test_a_claimed_annual_reduction_above_the_computed_one_is_flagged_and_capped(
    registry, scoring, mint
):
    honest_body = project_body(claimed_annual_tco2e=54_000.0)
    inflated_body = project_body(claimed_annual_tco2e=547_000.0)
    (honest_id, inflated_id), headers = await register_projects(
        registry, mint, [honest_body, inflated_body]
    )
    honest = await score_view(scoring, honest_id, headers)
    inflated = await score_view(scoring, inflated_id, headers)
    (flag,) = [f for f in inflated["score"]["flags"] if f["code"] == "claimed_above_computed"]
    assert flag["field"] == "claimed_annual_tco2e" and flag["severity"] == "warn"
    assert inflated["score"]["annual_tco2e"] == pytest.approx(54_736, rel=1e-3)
    assert honest["score"]["annual_tco2e"] == pytest.approx(54_000.0)
    assert inflated["score"]["score"] < honest["score"]["score"]
    assert _trace(inflated)["claimed_annual_tco2e"]["value"] == 547_000.0

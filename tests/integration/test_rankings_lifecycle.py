"""Rankings follow the project's life: withdrawn projects leave at once, rejected ones are
listed apart with their reasons, and percentiles count ranked projects only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.kafka import eventually
from tests.support.projects import register_projects, score_view
from tests.support.samples import data_centre_body, project_body
from tests.support.services import RunningService

pytestmark = pytest.mark.integration
CITY = "loudi"  # no other integration test registers here, so the group is this test's own


async def _every_page(scoring: RunningService, path: str, regulator, **params) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        query = params | {"limit": 500} | ({"after": cursor} if cursor else {})
        response = await scoring.client.get(path, params=query, headers=regulator)
        assert response.status_code == 200, response.text
        items.extend(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


def _loudi(**overrides: Any) -> dict[str, Any]:
    return data_centre_body(city=CITY, county="娄星区", **overrides)


async def test_a_withdrawn_project_leaves_the_rankings_at_once(registry, scoring, mint):
    (project_id,), headers = await register_projects(registry, mint, [project_body(city=CITY)])
    regulator = mint("regulator")
    await score_view(scoring, project_id, headers)
    ranked = await _every_page(scoring, "/v1/rankings", regulator, city=CITY)
    assert project_id in {i["project_id"] for i in ranked}

    withdrawn = await registry.client.post(
        f"/v1/projects/{project_id}/withdraw", json={"reason": "sold"}, headers=headers
    )
    assert withdrawn.status_code == 200, withdrawn.text

    async def gone():
        view = await score_view(scoring, project_id, headers)
        return view if view["status"] == "withdrawn" else None

    view = await eventually(gone, timeout_s=30)
    assert isinstance(view, dict) and view["standing"] is None
    ranked = await _every_page(scoring, "/v1/rankings", regulator, city=CITY)
    assert project_id not in {i["project_id"] for i in ranked}
    rejected = await _every_page(scoring, "/v1/rankings/rejected", regulator, city=CITY)
    assert project_id not in {i["project_id"] for i in rejected}


async def test_a_rejected_project_is_not_ranked_but_listed_apart_with_its_reasons(
    registry, scoring, mint
):
    honest = _loudi(name="娄底数据中心 honest")
    no_gain = _loudi(
        name="娄底数据中心 no gain",
        activity={"it_load_kw": 5000.0, "pue_before": 1.3, "pue_after": 1.4},
    )
    (honest_id, rejected_id), headers = await register_projects(registry, mint, [honest, no_gain])
    regulator = mint("regulator")
    assert (await score_view(scoring, honest_id, headers))["status"] == "scored"
    view = await score_view(scoring, rejected_id, headers)
    assert view["status"] == "rejected" and view["standing"] is None

    ranked = await _every_page(scoring, "/v1/rankings", regulator, city=CITY)
    ids = [i["project_id"] for i in ranked]
    assert honest_id in ids and rejected_id not in ids
    assert all(i["score"] > 0 for i in ranked)
    # Percentiles count ranked projects only: the last of the group shares its score with
    # exactly `ties` of the `len(ranked)` listed projects, and nothing sits below it.
    last = ranked[-1]
    ties = sum(1 for i in ranked if i["score"] == last["score"])
    assert last["standing"]["percentile_in_city"] == pytest.approx(100 * ties / len(ranked), 0.01)

    rejected = await _every_page(scoring, "/v1/rankings/rejected", regulator, city=CITY)
    (entry,) = [i for i in rejected if i["project_id"] == rejected_id]
    assert honest_id not in {i["project_id"] for i in rejected}
    reasons = {r["code"]: r for r in entry["reasons"]}
    assert set(reasons) == {"pue_not_improved", "no_net_reduction"}
    assert reasons["pue_not_improved"]["field"] == "pue_after"
    assert "1.4" in reasons["pue_not_improved"]["reason"]


async def test_rejected_listing_pages_with_a_cursor(registry, scoring, mint):
    bodies = [
        _loudi(
            name=f"no gain {n}", activity={"it_load_kw": 100.0, "pue_before": 1.5, "pue_after": 1.5}
        )
        for n in range(3)
    ]
    ids, headers = await register_projects(registry, mint, bodies)
    for project_id in ids:
        await score_view(scoring, project_id, headers)
    regulator = mint("regulator")
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": 1, "city": CITY} | ({"after": cursor} if cursor else {})
        page = (
            await scoring.client.get("/v1/rankings/rejected", params=query, headers=regulator)
        ).json()
        assert len(page["items"]) <= 1
        seen.extend(i["project_id"] for i in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert set(ids) <= set(seen) and len(seen) == len(set(seen))
    forbidden = await scoring.client.get("/v1/rankings/rejected", headers=headers)
    assert forbidden.status_code == 403

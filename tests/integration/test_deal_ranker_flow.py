"""The deal ranker through the real services: lenders answer their deals, an operator's
request retrains the ranker over Kafka, and the evaluation, each lender's ranked feed and each
deal's explanation show what it learned, ordering a feed only where it beat the fixed weights."""

from __future__ import annotations

import contextlib
import logging
import random
import uuid
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
from fastapi import FastAPI

from schemas.vocabulary import FAMILY_OF_TYPE, Instrument, ProjectType
from seeds.synthetic.specs import synthetic_spec
from tests.support.console import signed_in
from tests.support.deals import rematched
from tests.support.kafka import eventually
from tests.support.projects import register_projects, score_view
from tests.support.samples import lender_body, mandate_body
from tests.support.services import RunningService

pytestmark = pytest.mark.integration

CITY = "xiangtan"
TENOR = 11  # no other test's project runs this short in this city: the deals are ours alone
TYPES = (
    ProjectType.SOLAR_PV,
    ProjectType.WIND,
    ProjectType.BUILDING_RETROFIT,
    ProjectType.ENERGY_STORAGE,
    ProjectType.WASTE_HEAT_POWER,
    ProjectType.EV_BUS,
)
LIKED = {"green_building", "energy_storage"}  # never told to the platform


def _bodies(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    bodies = []
    for n in range(count):
        spec = synthetic_spec(rng, TYPES[n % len(TYPES)]).model_dump(mode="json")
        bodies.append(spec | {"city": CITY, "tenor_months": TENOR, "name": f"Ranker {seed}-{n}"})
    return bodies


async def _lender(matching: RunningService, mint: Any) -> tuple[uuid.UUID, dict[str, str]]:
    lender = uuid.uuid4()
    headers = mint("lender", lender)
    made = await matching.client.post("/v1/lenders", json=lender_body(), headers=headers)
    assert made.status_code == 201, made.text
    mandate = mandate_body(
        name="Xiangtan short-tenor book",
        instruments=[i.value for i in Instrument],
        families=sorted({FAMILY_OF_TYPE[t].value for t in TYPES}),
        cities=[CITY],
        max_tenor_months=TENOR,
        ticket_min_cny="100000.00",
        ticket_max_cny="5000000000.00",
        capacity_cny="100000000000.00",
        min_score=0,
        exclusions=[],
    )
    created = await matching.client.post("/v1/mandates", json=mandate, headers=headers)
    assert created.status_code == 201, created.text
    await rematched(matching, created.json()["mandate_id"])  # older projects matched first
    return lender, headers


async def _ranked(matching: RunningService, lender: uuid.UUID, headers: Any) -> dict[str, Any]:
    url = f"/v1/lenders/{lender}/deals/ranked"
    response = await matching.client.get(url, params={"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@contextlib.asynccontextmanager
async def _live_projects(
    registry: RunningService, scoring: RunningService, mint: Any, count: int, seed: int
) -> AsyncIterator[set[str]]:
    """Projects scoring did not reject (a synthetic project may reduce nothing): each opens a
    deal with every lender below. They are withdrawn afterwards, so the next run's lenders in
    the shared database do not match them too."""
    ids, owner = await register_projects(registry, mint, _bodies(count, seed))
    try:
        live = set()
        for project_id in ids:
            score = await score_view(scoring, project_id, owner)
            if not any(f["severity"] == "reject" for f in score["score"]["flags"]):
                live.add(project_id)
        yield live
    finally:
        for project_id in ids:
            withdrawn = await registry.client.post(
                f"/v1/projects/{project_id}/withdraw", json={"reason": "test over"}, headers=owner
            )
            assert withdrawn.status_code in (200, 201), withdrawn.text


async def _awaiting(
    matching: RunningService, lender: Any, headers: Any, projects: set[str]
) -> list[dict[str, Any]]:
    """The lender's deals on `projects`, once each of them has one awaiting an answer (older
    runs' projects in the shared database may match as well; they are left alone)."""

    async def all_in() -> list[dict[str, Any]] | None:
        items = (await _ranked(matching, lender, headers))["items"]
        ours = [d for d in items if d["project_id"] in projects]
        return ours if len(ours) == len(projects) else None

    return cast(list[dict[str, Any]], await eventually(all_in, timeout_s=120))


async def _answer(matching: RunningService, headers: Any, deal_id: str, acts: bool) -> None:
    response = {"kind": "interest"} if acts else {"kind": "decline", "reason": "not for this book"}
    answered = await matching.client.post(
        f"/v1/deals/{deal_id}/responses", json={"response": response}, headers=headers
    )
    assert answered.status_code == 201, answered.text


async def _retrained(matching: RunningService, mint: Any, *lenders: uuid.UUID) -> Any:
    asked = await matching.client.post(
        "/v1/ranker/retrain", json={"note": "answers in"}, headers=mint("admin")
    )
    assert asked.status_code == 202, asked.text
    regulator = mint("regulator")

    async def evaluated() -> dict[str, Any] | None:
        view = (await matching.client.get("/v1/ranker/evaluation", headers=regulator)).json()
        rows = {r["lender_id"]: r for r in view["lenders"]}
        return view if all(str(lender) in rows for lender in lenders) else None

    return await eventually(evaluated, timeout_s=120)


async def test_the_ranker_learns_a_lenders_preference_and_orders_only_the_feed_it_ranks_better(
    registry: RunningService,
    scoring: RunningService,
    matching: RunningService,
    audit: RunningService,
    console: FastAPI,
    mint: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    choosy, by_fit = await _lender(matching, mint), await _lender(matching, mint)
    async with (
        _live_projects(registry, scoring, mint, 60, seed=1) as first,
        _live_projects(registry, scoring, mint, 12, seed=2) as later,
    ):
        deal_id = await _learn_and_rank(matching, mint, caplog, (choosy, by_fit), first, later)
        await _console_shows_it(console, choosy[0], deal_id)


Lender = tuple[uuid.UUID, dict[str, str]]


async def _learn_and_rank(
    matching: RunningService,
    mint: Any,
    caplog: pytest.LogCaptureFixture,
    lenders: tuple[Lender, Lender],
    first: set[str],
    later: set[str],
) -> str:
    choosy, by_fit = lenders
    for (lender, headers), follows_fit in ((choosy, False), (by_fit, True)):
        deals = await _awaiting(matching, lender, headers, first)
        before = await _ranked(matching, lender, headers)
        assert (before["ordered_by"], before["model_version"]) == ("fixed", None)
        assert all(d["learned"] is None for d in before["items"])
        assert [d["fixed_rank"] for d in before["items"]] == list(
            range(1, len(before["items"]) + 1)
        )
        median = sorted(d["fit_score"] for d in deals)[len(deals) // 2]
        for deal in sorted(deals, key=lambda d: d["deal_id"]):  # not in either order
            acts = deal["fit_score"] >= median if follows_fit else deal["family"] in LIKED
            await _answer(matching, headers, deal["deal_id"], acts)

    view = await _retrained(matching, mint, choosy[0], by_fit[0])
    rows = {r["lender_id"]: r for r in view["lenders"]}
    learned = rows[str(choosy[0])]["evaluation"]
    assert learned["ndcg10_learned"] > learned["ndcg10_fixed"]
    assert learned["auc_learned"] > learned["auc_fixed"]
    assert rows[str(choosy[0])]["orders_feed"] is True
    # Answers that follow the fixed fit leave the model nothing to beat it with: shadow only.
    assert rows[str(by_fit[0])]["has_model"] is True
    assert rows[str(by_fit[0])]["orders_feed"] is False

    with caplog.at_level(logging.INFO, logger="matching.api.ranker"):
        for (lender, headers), expected in ((choosy, "learned"), (by_fit, "fixed")):
            await _awaiting(matching, lender, headers, later)
            ranked = await _ranked(matching, lender, headers)
            assert ranked["ordered_by"] == expected
            assert ranked["shadow"] is (expected == "fixed")
            assert all(d["learned"]["contributions"] for d in ranked["items"])
    top_four = {d["family"] for d in (await _ranked(matching, *choosy))["items"][:4]}
    assert top_four <= LIKED
    shadow = [r for r in caplog.records if r.getMessage() == "ranker shadow order"]
    assert shadow and getattr(shadow[-1], "lender_id") == str(by_fit[0])  # noqa: B009
    assert getattr(shadow[-1], "learned_order") and getattr(shadow[-1], "fixed_order")  # noqa: B009

    deal_id = (await _ranked(matching, *choosy))["items"][0]["deal_id"]
    deal = (await matching.client.get(f"/v1/deals/{deal_id}", headers=choosy[1])).json()
    assert deal["learned"]["orders_feed"] is True
    assert deal["learned"]["contributions"][0]["feature"].startswith(("family_", "fit_", "log"))
    return str(deal_id)


async def _console_shows_it(console: FastAPI, lender: uuid.UUID, deal_id: str) -> None:
    """The bank's feed and deal pages show what the model learned; the regulator's its table."""
    async with signed_in(console, "lender", lender) as client:
        feed = await client.get("/bank", params={"lang": "en"})
        assert feed.status_code == 200, feed.text
        assert "Awaiting your answer" in feed.text and "Ordered by what your past" in feed.text
        deal = await client.get(f"/bank/deals/{deal_id}", params={"lang": "zh"})
        assert deal.status_code == 200 and "从贵机构答复中学到的" in deal.text
    async with signed_in(console, "regulator") as client:
        table = await client.get("/regulator/ranker", params={"lang": "en"})
        assert table.status_code == 200 and "NDCG@10 learned" in table.text
        assert "orders the feed" in table.text and "in shadow" in table.text
